import Foundation
import Testing
@testable import TenureData
import TenureSynth

/// Raw exports in the documented shapes of Shopify, Stripe, Zendesk, HubSpot, Delighted and a daily
/// ad-cost sheet, written by `ExportShapes` from the committed sample dataset (with the noise real exports carry:
/// line-item rows, voided and pending orders, mixed currencies, tax and shipping, id case, thousands
/// separators, incomplete subscriptions, open deals), imported with the presets plus a short mapping,
/// must give back the sample dataset exactly.
@Suite struct ImportRoundTripTests {
    static let sample = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../datasets/sample").standardized.path

    @Test func sampleExportsImportToTheSampleDataset() throws {
        let dir = NSTemporaryDirectory() + "tenure-import-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try ExportShapes.write(dataset: Self.sample, to: dir)
        let schema = try SchemaFile.load(path: dir + "/crm.yaml")
        let imported = try SourceImporter.run(directory: dir, mapping: schema.sources!, onInvalid: .fail)
        let got = try DatasetLoader.load(directory: dir, imported: imported, options: LoadOptions(schema: schema)).dataset
        let want = try DatasetLoader.load(directory: Self.sample).dataset

        // Filters report what they removed: voided + pending orders and line-item rows; incomplete subscriptions.
        let removed = imported.files.filter { $0.table == "transactions" }.reduce(0) { $0 + $1.removed[0].rows }
        let tx = try ExportShapes.rows("transactions", in: Self.sample).count
        #expect(removed == (0..<tx).filter { $0 % 7 == 0 }.count + 2 * (0..<tx).filter { $0 % 50 == 0 }.count)

        #expect(Bool(got.customers.ids == want.customers.ids))
        #expect(Bool(got.transactions.customer == want.transactions.customer))
        #expect(Bool(got.transactions.day == want.transactions.day))
        #expect(Bool(got.transactions.amount == want.transactions.amount))
        #expect(got.transactions.amount.reduce(0, +) == want.transactions.amount.reduce(0, +))
        func labels(_ c: CategoricalColumn?) -> [String] { c.map { c in c.codes.map { $0 < 0 ? "" : c.levels[Int($0)] } } ?? [] }
        for (g, w) in [(got.transactions.segment, want.transactions.segment), (got.transactions.channel, want.transactions.channel),
                       (got.transactions.product, want.transactions.product), (got.transactions.category, want.transactions.category)] {
            #expect(Bool(labels(g) == labels(w)) && !labels(w).isEmpty)
        }
        let (gs, ws) = (got.subscriptions!, want.subscriptions!)
        #expect(gs.customer.map { got.customers.ids[Int($0)] } == ws.customer.map { want.customers.ids[Int($0)] })
        #expect(gs.startDay == ws.startDay && gs.endDay == ws.endDay && gs.mrr == ws.mrr)
        #expect(gs.plan?.codes.map { gs.plan!.levels[Int($0)] } == ws.plan?.codes.map { ws.plan!.levels[Int($0)] })
        let (gt, wt) = (got.tickets!, want.tickets!)
        #expect(gt.ticketId == wt.ticketId && gt.openedAt == wt.openedAt && gt.firstResponseAt.map(\.bitPattern) == wt.firstResponseAt.map(\.bitPattern))
        #expect(gt.resolvedAt.map(\.bitPattern) == wt.resolvedAt.map(\.bitPattern))
        let (gl, wl) = (got.leads!, want.leads!)
        #expect(gl.leadId == wl.leadId && gl.createdDay == wl.createdDay && gl.closedDay == wl.closedDay)
        #expect(gl.convertedDay == wl.convertedDay && gl.won == wl.won)
        #expect(gl.customer.map { $0 < 0 ? "" : got.customers.ids[Int($0)] } == wl.customer.map { $0 < 0 ? "" : want.customers.ids[Int($0)] })
        // Surveys from two exports (NPS from Delighted, the rest from a second file): the same responses.
        func responses(_ d: Dataset) -> [String] {
            let s = d.surveys!
            return s.customer.indices.map { "\(d.customers.ids[Int(s.customer[$0])]) \(s.day[$0]) \(s.kind[$0].rawValue) \(s.score[$0])" }.sorted()
        }
        #expect(Bool(responses(got) == responses(want)))
        #expect(got.surveys!.kind.contains(.nps))
        #expect(got.marketingSpend!.amount == want.marketingSpend!.amount && got.marketingSpend!.day == want.marketingSpend!.day)
    }
}

