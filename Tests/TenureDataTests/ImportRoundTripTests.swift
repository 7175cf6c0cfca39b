import Foundation
import Testing
@testable import TenureData

/// Raw exports in the documented shapes of Shopify, Stripe, Zendesk, HubSpot, Delighted and a daily
/// ad-cost sheet, written here from the committed sample dataset (with the noise real exports carry:
/// line-item rows, voided and pending orders, mixed currencies, tax and shipping, id case, thousands
/// separators, incomplete subscriptions, open deals), imported with the presets plus a short mapping,
/// must give back the sample dataset exactly.
@Suite struct ImportRoundTripTests {
    static let sample = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../datasets/sample").standardized.path

    static func rows(_ table: String) throws -> [[String: String]] {
        let text = try String(contentsOfFile: sample + "/\(table).csv", encoding: .utf8)
        let recs = try CSVRecords.parse(text, file: table)
        let header = recs[0].fields
        return recs.dropFirst().map { r in Dictionary(uniqueKeysWithValues: zip(header, r.fields)) }
    }

    static func csv(_ header: [String], _ rows: [[String]]) -> String {
        ([header] + rows).map { $0.map(CSVField.text).joined(separator: ",") }.joined(separator: "\n") + "\n"
    }

    /// "2023-01-15T15:17:59Z" → seconds.
    static func seconds(_ s: String) -> Double { DateParser.timestamp(from: s)! }

    static func writeExports(_ dir: String) throws {
        func put(_ name: String, _ text: String) throws { try text.write(toFile: dir + "/" + name, atomically: true, encoding: .utf8) }
        // Shopify orders: the net amount in USD, or in EUR at 0.5 USD per EUR (so EUR totals are doubled,
        // exactly); tax and shipping added to Total; a second line-item row; a voided and a pending order.
        let oh = ["Name", "Email", "Financial Status", "Paid at", "Currency", "Subtotal", "Shipping", "Taxes", "Total",
                  "Created at", "Lineitem quantity", "Lineitem name", "Refunded Amount"]
        var orders: [[String]] = [], orders2: [[String]] = []
        for (i, t) in try rows("transactions").enumerated() {
            let email = i % 3 == 0 ? t["customer_id"]!.lowercased() : t["customer_id"]!
            let net = Decimal(string: t["amount"]!)!
            let eur = i % 4 == 1
            let shown = eur ? net * 2 : net
            let total = NSDecimalNumber(decimal: shown + Decimal(string: "6.49")!).stringValue
            let totalText = (Double(total)! >= 1000) ? NumberFormatterish.grouped(total) : total
            let row = ["#\(1000 + i)", email, i % 5 == 0 ? "partially_refunded" : "paid", "", eur ? "EUR" : "USD",
                       NSDecimalNumber(decimal: shown).stringValue, "4.99", "1.50", totalText,
                       "\(t["date"]!) 23:30:00 +0000", "1", "Item", ""]
            var add = [row]
            if i % 7 == 0 {
                add.append(["#\(1000 + i)", email, "", "", "", "", "", "", "", "\(t["date"]!) 23:30:00 +0000", "2", "Extra", ""])
            }
            if i < 2000 { orders += add } else { orders2 += add }
            if i % 50 == 0 {
                orders.append(["#V\(i)", email, "voided", "", "USD", "10.00", "0", "0", "10.00", "\(t["date"]!) 10:00:00 +0000", "1", "Item", ""])
                orders.append(["#P\(i)", email, "pending", "", "USD", "10.00", "0", "0", "10.00", "\(t["date"]!) 10:00:00 +0000", "1", "Item", ""])
            }
        }
        try put("orders_export_1.csv", csv(oh, orders))
        try put("orders_export_2.csv", csv(oh, orders2))
        // Stripe subscriptions: yearly plans priced per year, a quantity column, incomplete sign-ups.
        let sh = ["id", "Customer ID", "Customer Email", "Plan", "Quantity", "Currency", "Interval", "Amount", "Status",
                  "Created (UTC)", "Start Date (UTC)", "Current Period Start (UTC)", "Canceled At (UTC)", "Ended At (UTC)"]
        var subs: [[String]] = []
        for (i, s) in try rows("subscriptions").enumerated() {
            let yearly = i % 3 == 0
            let mrr = Decimal(string: s["mrr"]!)!
            let amount = NSDecimalNumber(decimal: yearly ? mrr * 12 : mrr).stringValue
            let end = s["end_date"]!.isEmpty ? "" : s["end_date"]! + " 08:15"
            subs.append(["sub_\(i)", s["customer_id"]!, "", s["plan"]!, "1", "usd", yearly ? "year" : "month", amount,
                         end.isEmpty ? "active" : "canceled", s["start_date"]! + " 12:00", s["start_date"]! + " 12:00", "", end, end])
            if i % 40 == 0 {
                subs.append(["sub_x\(i)", s["customer_id"]!, "", s["plan"]!, "1", "usd", "month", "29.00", "incomplete_expired",
                             s["start_date"]! + " 12:00", s["start_date"]! + " 12:00", "", "", ""])
            }
        }
        try put("subscriptions.csv", csv(sh, subs))
        // Zendesk tickets: naive local times (UTC account), first reply as minutes.
        let zh = ["Id", "Requester", "Requester id", "Requester email", "Subject", "Status", "Via", "Created at", "Updated at",
                  "Solved at", "First reply time in minutes"]
        var tickets: [[String]] = []
        for t in try rows("tickets") {
            func local(_ s: String) -> String { s.isEmpty ? "" : s.replacingOccurrences(of: "T", with: " ").replacingOccurrences(of: "Z", with: "") }
            let first = t["first_response_at"]!
            let minutes = first.isEmpty ? "" : String(format: "%.12f", (seconds(first) - seconds(t["opened_at"]!)) / 60)
            tickets.append([t["ticket_id"]!, "Someone", "1", t["customer_id"]!.lowercased(), "Help", "Solved", t["channel"]!,
                            local(t["opened_at"]!), "", local(t["resolved_at"]!), minutes])
        }
        try put("export-2024-12-31.csv", csv(zh, tickets))
        // HubSpot deals: display stage labels; open deals carry an expected close date.
        let hh = ["Record ID", "Deal Name", "Deal Stage", "Pipeline", "Amount", "Close Date", "Create Date",
                  "Date entered Closed Won", "Associated Contact IDs"]
        let labels = ["lost": "Closed Lost", "won": "Closed Won", "new": "Appointment Scheduled", "qualified": "Qualified To Buy"]
        var deals: [[String]] = []
        for l in try rows("leads") {
            let close = l["closed_at"]!.isEmpty ? "2030-01-01 00:00" : l["closed_at"]! + " 17:05"
            deals.append([l["lead_id"]!, "Deal", labels[l["stage"]!]!, l["source"]!, "", close, l["created_at"]! + " 09:00",
                          l["converted_at"]!.isEmpty ? "" : l["converted_at"]! + " 10:00", l["customer_id"]!])
        }
        try put("hubspot-crm-exports-all-deals.csv", csv(hh, deals))
        // Delighted: NPS responses only (the other survey kinds stay in surveys.csv's own export below).
        var nps: [[String]] = [], other: [[String]] = []
        for s in try rows("surveys") {
            if s["kind"] == "nps" {
                nps.append(["r\(nps.count)", s["customer_id"]!, s["score"]!, "great",
                            String(Int(seconds(s["date"]!)) + 3600)])
            } else {
                other.append([s["customer_id"]!, s["date"]!, s["kind"]!, s["score"]!])
            }
        }
        try put("delighted-responses.csv", csv(["Response ID", "Email", "Score", "Comment", "Created At"], nps))
        try put("surveys_other.csv", csv(["customer_id", "date", "kind", "score"], other))
        // Ad costs: one row per day and channel with a European decimal comma; the month's total on day 1.
        var ads: [[String]] = []
        for m in try rows("marketing_spend") {
            ads.append([m["period"]! + "-01", m["channel"]!, m["amount"]!.replacingOccurrences(of: ".", with: ",")])
        }
        try put("ad_costs.csv", csv(["Day", "Campaign channel", "Cost"], ads))
        for f in ["customers.csv", "interactions.csv"] {
            try FileManager.default.copyItem(atPath: sample + "/" + f, toPath: dir + "/" + f)
        }
    }

    static let mapping = """
        currency: {base: USD, rates: {EUR: 0.5}}
        transactions:
          preset: shopify-orders
          columns: {customer_id: {column: Email, case: upper}}
        subscriptions: {preset: stripe-subscriptions}
        tickets:
          preset: zendesk-tickets
          columns: {customer_id: {column: Requester email, case: upper}}
        leads:
          preset: hubspot-deals
          columns: {converted_at: {column: Date entered Closed Won, format: "%Y-%m-%d %H:%M"}, customer_id: Associated Contact IDs}
        surveys:
          file: delighted-responses.csv
          columns: {customer_id: Email, date: {column: Created At, format: unix}, kind: {value: nps}, score: Score}
        marketing_spend:
          file: ad_costs.csv
          columns: {date: Day, channel: Campaign channel, amount: {column: Cost, decimal: ","}}
        """

    @Test func sampleExportsImportToTheSampleDataset() throws {
        let dir = NSTemporaryDirectory() + "tenure-import-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Self.writeExports(dir)
        let schema = try SchemaFile.parse(Self.mapping, file: "crm.yaml")
        let imported = try SourceImporter.run(directory: dir, mapping: schema.sources!, onInvalid: .fail)
        let got = try DatasetLoader.load(directory: dir, imported: imported, options: LoadOptions(schema: schema)).dataset
        let want = try DatasetLoader.load(directory: Self.sample).dataset

        // Filters report what they removed: voided + pending orders and line-item rows; incomplete subscriptions.
        let removed = imported.files.filter { $0.table == "transactions" }.reduce(0) { $0 + $1.removed[0].rows }
        let tx = try Self.rows("transactions").count
        #expect(removed == (0..<tx).filter { $0 % 7 == 0 }.count + 2 * (0..<tx).filter { $0 % 50 == 0 }.count)

        #expect(Bool(got.customers.ids == want.customers.ids))
        #expect(Bool(got.transactions.customer == want.transactions.customer))
        #expect(Bool(got.transactions.day == want.transactions.day))
        #expect(Bool(got.transactions.amount == want.transactions.amount))
        #expect(got.transactions.amount.reduce(0, +) == want.transactions.amount.reduce(0, +))
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
        // NPS from Delighted equals the sample's NPS responses.
        let gotNPS = zip(got.surveys!.kind, got.surveys!.score).filter { $0.0 == .nps }.map(\.1)
        let wantNPS = zip(want.surveys!.kind, want.surveys!.score).filter { $0.0 == .nps }.map(\.1)
        #expect(gotNPS == wantNPS && !gotNPS.isEmpty)
        #expect(got.marketingSpend!.amount == want.marketingSpend!.amount && got.marketingSpend!.day == want.marketingSpend!.day)
    }
}

/// "1234.5" → "1,234.5" (what a spreadsheet export writes).
enum NumberFormatterish {
    static func grouped(_ s: String) -> String {
        let parts = s.split(separator: ".", maxSplits: 1)
        var int = String(parts[0]), out = ""
        while int.count > 3 { out = "," + int.suffix(3) + out; int.removeLast(3) }
        return int + out + (parts.count > 1 ? "." + parts[1] : "")
    }
}
