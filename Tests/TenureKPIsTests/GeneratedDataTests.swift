import Foundation
import Testing
import TenureData
import TenureSynth
@testable import TenureKPIs

/// KPIs on data written by `tenure generate`: the committed sample (datasets/sample) through the
/// production loader against the independent pandas computation of `scripts/fixtures/kpis.py
/// --sample`, and a larger generated dataset against the parameters it was drawn from.
@Suite struct GeneratedDataTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    @Test func everyKPIOnTheCommittedSampleMatchesPandas() throws {
        let e = try JSONDecoder().decode(KPIFixture.Expected.self,
                                         from: Data(contentsOf: KPIFixture.dir.appendingPathComponent("sample-expected.json")))
        let asOf = try #require(DateParser.day(from: e.as_of))
        let ds = try DatasetLoader.load(directory: Self.root.appendingPathComponent("datasets/sample").path,
                                        options: LoadOptions(asOf: asOf)).dataset
        let r = KPIAnalysis.compute(ds, options: KPIFixture.options)
        let n = KPIFixture.compare(r, e)
        #expect(n == KPICatalog.all.count * (1 + r.byPeriod.count + r.bySegment.count + r.byChannel.count))
        let missing = r.overall.filter { $0.value == nil }.map(\.id)
        #expect(missing.isEmpty, "\(missing)")
    }

    /// Survey, sales and CAC KPIs recover the generator's true values (truth.json) on 30,000 customers.
    @Test func kpisRecoverTheGeneratorsParameters() throws {
        let data = try Synth.generate(config: SynthConfig(customers: 30_000, seed: 12))
        let ds = data.dataset(orderIds: false)
        let r = KPIAnalysis.compute(ds, options: KPIOptions(grossMargin: 0.35))
        let o = Dictionary(uniqueKeysWithValues: r.overall.map { ($0.id, $0) })
        let truth = data.truth

        func within(_ id: String, _ want: Double, sds: Double = 4, slack: Double = 0) {
            guard let v = o[id], let x = v.value, let lo = v.lower, let hi = v.upper else {
                Issue.record("\(id) has no value or interval"); return
            }
            let se = (hi - lo) / (2 * 1.959963984540054)
            #expect(abs(x - want) <= sds * se + slack, "\(id) = \(x) [\(lo), \(hi)], truth \(want)")
        }
        within("csat", truth.surveys.csat)
        within("nps", truth.surveys.nps)
        within("ces", truth.surveys.ces)
        // Leads: lost leads still open at the end are few (all acquisition ends 6 months before as-of).
        within("lead_conversion_rate", truth.leads.leadConversionRate, slack: 0.005)
        within("sales_conversion_rate", truth.leads.salesConversionRate, slack: 0.01)

        // CAC: marketing spend is built from the acquisition costs, so CAC = mean acquisition cost
        // overall and per channel, exactly.
        let ct = try #require(ds.customerTable)
        let cost = try #require(ct.acquisitionCost), channel = try #require(ct.channel)
        let mean = cost.reduce(0, +) / Double(cost.count)
        let cac = try #require(o["cac"]?.value)
        #expect(abs(cac - mean) < 1e-9 * mean, "cac \(cac) vs mean acquisition cost \(mean)")
        for g in r.byChannel {
            let rows = (0..<ct.count).filter { channel.value(at: $0) == g.key }
            guard !rows.isEmpty, let v = g.kpis.first(where: { $0.id == "cac" })?.value else { continue }
            let m = rows.map { cost[$0] }.reduce(0, +) / Double(rows.count)
            #expect(abs(v - m) < 1e-9 * m, "cac of \(g.key): \(v) vs \(m)")
        }
        // Revenue and orders are the transaction totals.
        let revenue = ds.transactions.amount.reduce(0, +)
        #expect(abs((o["revenue"]?.value ?? 0) - revenue) < 1e-6 * revenue)
        #expect(o["orders"]?.value == Double(ds.transactions.count))
        #expect(o["new_customers"]?.value == 30_000)
    }
}
