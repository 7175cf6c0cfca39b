import Foundation
import TenureData

/// Reads the fixture dataset of scripts/fixtures/cohorts.py without the CSV loader (simple CSV: no quotes),
/// so these tests depend only on the cohort engine.
enum FixtureData {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/cohorts")

    static func csv(_ name: String) -> [[String: String]] {
        let text = try! String(contentsOf: root.appendingPathComponent(name), encoding: .utf8)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: true).map { String($0) }
        let header = lines.removeFirst().split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        return lines.map { line in
            let f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            var row: [String: String] = [:]
            for (i, h) in header.enumerated() { row[h] = i < f.count ? f[i] : "" }
            return row
        }
    }

    static func categorical(_ values: [String]) -> CategoricalColumn {
        var levels: [String] = [], index: [String: Int32] = [:]
        let codes: [Int32] = values.map { v in
            if v.isEmpty { return -1 }
            if let i = index[v] { return i }
            index[v] = Int32(levels.count); levels.append(v); return Int32(levels.count - 1)
        }
        return CategoricalColumn(codes: codes, levels: levels)
    }

    static func day(_ s: String) -> Day { s.isEmpty ? Day.missing : DateParser.day(from: s)! }

    /// The fixture dataset; `sorted` re-orders transactions by date (to exercise the in-order path).
    static func dataset(sorted: Bool = false, withSubscriptions: Bool = true) -> Dataset {
        var ids = CustomerIndex()
        var txRows = csv("data/transactions.csv")
        if sorted { txRows.sort { $0["date"]! < $1["date"]! } }
        var tx = Transactions()
        for r in txRows {
            tx.customer.append(ids.intern(r["customer_id"]!))
            tx.day.append(day(r["date"]!))
            tx.amount.append(Double(r["amount"]!)!)
        }
        tx.orderId = categorical(txRows.map { $0["order_id"]! })
        tx.channel = categorical(txRows.map { $0["channel"]! })
        let cRows = csv("data/customers.csv")
        var ct = CustomerTable()
        for r in cRows {
            ct.customer.append(ids.intern(r["customer_id"]!))
        }
        ct.signupDay = cRows.map { day($0["signup_date"]!) }
        ct.segment = categorical(cRows.map { $0["segment"]! })
        ct.attributes["region"] = .categorical(categorical(cRows.map { $0["region"]! }))
        ct.attributeNames = ["region"]
        var subs: Subscriptions?
        if withSubscriptions {
            let sRows = csv("data/subscriptions.csv")
            var s = Subscriptions()
            for r in sRows {
                s.customer.append(ids.intern(r["customer_id"]!))
                s.startDay.append(day(r["start_date"]!))
                s.endDay.append(day(r["end_date"]!))
            }
            s.plan = categorical(sRows.map { $0["plan"]! })
            s.mrr = sRows.map { Double($0["mrr"]!)! }
            subs = s
        }
        let asOf = tx.day.max()!
        return Dataset(source: root.path, customers: ids, transactions: tx, customerTable: ct, subscriptions: subs, asOf: asOf)
    }
}
