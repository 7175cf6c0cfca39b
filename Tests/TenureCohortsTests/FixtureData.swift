import Foundation
import TenureData

/// A fixture problem (missing file, column or unparsable value): a test failure, never a crash.
struct FixtureError: Error, CustomStringConvertible {
    var description: String
}

extension Dictionary where Key == String, Value == String {
    /// The field `k` of a fixture row, or a `FixtureError` naming it.
    func field(_ k: String) throws -> String {
        guard let v = self[k] else { throw FixtureError(description: "fixture row lacks column '\(k)'") }
        return v
    }
    func int(_ k: String) throws -> Int {
        guard let v = Int(try field(k)) else { throw FixtureError(description: "fixture column '\(k)' is not an integer: \(self[k] ?? "")") }
        return v
    }
    func double(_ k: String) throws -> Double {
        guard let v = Double(try field(k)) else { throw FixtureError(description: "fixture column '\(k)' is not a number: \(self[k] ?? "")") }
        return v
    }
}

/// Reads the fixture dataset of scripts/fixtures/cohorts.py without the CSV loader (simple CSV: no quotes),
/// so these tests depend only on the cohort engine.
enum FixtureData {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/cohorts")

    static func csv(_ name: String) throws -> [[String: String]] {
        let text = try String(contentsOf: root.appendingPathComponent(name), encoding: .utf8)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: true).map { String($0) }
        guard !lines.isEmpty else { throw FixtureError(description: "\(name) is empty") }
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

    static func day(_ s: String) throws -> Day {
        if s.isEmpty { return Day.missing }
        guard let d = DateParser.day(from: s) else { throw FixtureError(description: "fixture date '\(s)' does not parse") }
        return d
    }

    /// The fixture dataset; `sorted` re-orders transactions by date (to exercise the in-order path).
    static func dataset(sorted: Bool = false, withSubscriptions: Bool = true) throws -> Dataset {
        var ids = CustomerIndex()
        var txRows = try csv("data/transactions.csv")
        if sorted { txRows.sort { ($0["date"] ?? "") < ($1["date"] ?? "") } }
        var tx = Transactions()
        for r in txRows {
            tx.customer.append(ids.intern(try r.field("customer_id")))
            tx.day.append(try day(try r.field("date")))
            tx.amount.append(try r.double("amount"))
        }
        tx.orderId = KeyColumn(values: try txRows.map { try $0.field("order_id") })
        tx.channel = categorical(try txRows.map { try $0.field("channel") })
        let cRows = try csv("data/customers.csv")
        var ct = CustomerTable()
        for r in cRows {
            ct.customer.append(ids.intern(try r.field("customer_id")))
        }
        ct.signupDay = try cRows.map { try day(try $0.field("signup_date")) }
        ct.segment = categorical(try cRows.map { try $0.field("segment") })
        ct.attributes["region"] = .categorical(categorical(try cRows.map { try $0.field("region") }))
        ct.attributeNames = ["region"]
        var subs: Subscriptions?
        if withSubscriptions {
            let sRows = try csv("data/subscriptions.csv")
            var s = Subscriptions()
            for r in sRows {
                s.customer.append(ids.intern(try r.field("customer_id")))
                s.startDay.append(try day(try r.field("start_date")))
                s.endDay.append(try day(try r.field("end_date")))
            }
            s.plan = categorical(try sRows.map { try $0.field("plan") })
            s.mrr = try sRows.map { try $0.double("mrr") }
            subs = s
        }
        guard let asOf = tx.day.max() else { throw FixtureError(description: "no fixture transactions") }
        return Dataset(source: root.path, customers: ids, transactions: tx, customerTable: ct, subscriptions: subs, asOf: asOf)
    }
}
