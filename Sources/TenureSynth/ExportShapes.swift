import Foundation
import TenureData

/// A canonical dataset written again as the raw exports analysts have: Shopify orders (two files,
/// line-item rows, voided and pending orders, EUR at 0.5 USD and USD, tax and shipping in Total,
/// ids in mixed case, thousands separators), Stripe subscriptions (yearly plans priced per year,
/// incomplete sign-ups), Zendesk tickets (naive UTC times, first reply in minutes), HubSpot deals
/// (stage labels, an expected close date on open deals), Delighted NPS responses (Unix seconds) and
/// a daily ad-cost sheet (decimal commas); customers.csv and interactions.csv are copied, and
/// `crm.yaml` is the mapping that reads them back. Importing them with it gives back the dataset
/// exactly (`ImportRoundTripTests`, e2e 12-import); `tenure generate --exports DIR` writes them.
public enum ExportShapes {
    public static func rows(_ table: String, in sample: String) throws -> [[String: String]] {
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

    public static func write(dataset sample: String, to dir: String) throws {
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        func rows(_ t: String) throws -> [[String: String]] { try Self.rows(t, in: sample) }
        func put(_ name: String, _ text: String) throws { try text.write(toFile: dir + "/" + name, atomically: true, encoding: .utf8) }
        // Shopify orders: the net amount in USD, or in EUR at 0.5 USD per EUR (so EUR totals are doubled,
        // exactly); tax and shipping added to Total; a second line-item row; a voided and a pending order.
        let oh = ["Name", "Email", "Financial Status", "Paid at", "Currency", "Subtotal", "Shipping", "Taxes", "Total",
                  "Created at", "Lineitem quantity", "Lineitem name", "Lineitem sku", "Refunded Amount", "Vendor", "Tags", "Source"]
        var orders: [[String]] = [], orders2: [[String]] = []
        for (i, t) in try rows("transactions").enumerated() {
            let email = i % 3 == 0 ? t["customer_id"]!.lowercased() : t["customer_id"]!
            let net = Decimal(string: t["amount"]!)!
            let eur = i % 4 == 1
            let shown = eur ? net * 2 : net
            let total = NSDecimalNumber(decimal: shown + Decimal(string: "6.49")!).stringValue
            let totalText = (Double(total)! >= 1000) ? Thousands.group(total) : total
            let row = ["#\(1000 + i)", email, i % 5 == 0 ? "partially_refunded" : "paid", "", eur ? "EUR" : "USD",
                       NSDecimalNumber(decimal: shown).stringValue, "4.99", "1.50", totalText,
                       "\(t["date"]!) 23:30:00 +0000", "1", "Item", t["product"]!, "", t["category"]!, t["segment"]!, t["channel"]!]
            var add = [row]
            if i % 7 == 0 {
                add.append(["#\(1000 + i)", email, "", "", "", "", "", "", "", "\(t["date"]!) 23:30:00 +0000", "2", "Extra", "X-1", "", "", "", ""])
            }
            if i < 2000 { orders += add } else { orders2 += add }
            if i % 50 == 0 {
                orders.append(["#V\(i)", email, "voided", "", "USD", "10.00", "0", "0", "10.00", "\(t["date"]!) 10:00:00 +0000", "1", "Item", "X-2", "", "", "", ""])
                orders.append(["#P\(i)", email, "pending", "", "USD", "10.00", "0", "0", "10.00", "\(t["date"]!) 10:00:00 +0000", "1", "Item", "X-2", "", "", "", ""])
            }
        }
        try put("orders_export_1.csv", csv(oh, orders))
        try put("orders_export_2.csv", csv(oh, orders2))
        // Stripe subscriptions: yearly plans priced per year, a quantity column, incomplete sign-ups.
        // The subscription's end reason travels in a "Cancellation Reason" column, which crm.yaml maps to end_reason.
        let sh = ["id", "Customer ID", "Customer Email", "Plan", "Quantity", "Currency", "Interval", "Amount", "Status",
                  "Created (UTC)", "Start Date (UTC)", "Current Period Start (UTC)", "Canceled At (UTC)", "Ended At (UTC)",
                  "Cancellation Reason"]
        var subs: [[String]] = []
        for (i, s) in try rows("subscriptions").enumerated() {
            let yearly = i % 3 == 0
            let mrr = Decimal(string: s["mrr"]!)!
            let amount = NSDecimalNumber(decimal: yearly ? mrr * 12 : mrr).stringValue
            let end = s["end_date"]!.isEmpty ? "" : s["end_date"]! + " 08:15"
            subs.append(["sub_\(i)", s["customer_id"]!, "", s["plan"]!, "1", "usd", yearly ? "year" : "month", amount,
                         end.isEmpty ? "active" : "canceled", s["start_date"]! + " 12:00", s["start_date"]! + " 12:00", "", end, end,
                         s["end_reason"] ?? ""])
            if i % 40 == 0 {
                subs.append(["sub_x\(i)", s["customer_id"]!, "", s["plan"]!, "1", "usd", "month", "29.00", "incomplete_expired",
                             s["start_date"]! + " 12:00", s["start_date"]! + " 12:00", "", "", "", ""])
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
            try? FileManager.default.removeItem(atPath: dir + "/" + f)
            try FileManager.default.copyItem(atPath: sample + "/" + f, toPath: dir + "/" + f)
        }
        try put("crm.yaml", mapping)
    }

    /// The mapping that reads the exports back: the presets plus what this data needs beyond them
    /// (upper-case ids, the deals' conversion dates and contacts, the Delighted and ad-cost files).
    public static let mapping = """
        currency: {base: USD, rates: {EUR: 0.5}}
        transactions:
          preset: shopify-orders
          columns: {customer_id: {column: Email, case: upper}, product: Lineitem sku, category: Vendor, segment: Tags, channel: Source}
        subscriptions:
          preset: stripe-subscriptions
          columns: {end_reason: Cancellation Reason}
        tickets:
          preset: zendesk-tickets
          columns: {customer_id: {column: Requester email, case: upper}}
        leads:
          preset: hubspot-deals
          columns: {converted_at: {column: Date entered Closed Won, format: "%Y-%m-%d %H:%M"}, customer_id: Associated Contact IDs}
        surveys:
          - file: delighted-responses.csv
            columns: {customer_id: Email, date: {column: Created At, format: unix}, kind: {value: nps}, score: Score}
          - file: surveys_other.csv
            columns: {customer_id: customer_id, date: date, kind: kind, score: score}
        marketing_spend:
          file: ad_costs.csv
          columns: {date: Day, channel: Campaign channel, amount: {column: Cost, decimal: ","}}
        """

}
