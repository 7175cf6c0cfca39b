import TenureData
@testable import TenureKPIs

/// Day number of an ISO date, for readable tests.
func day(_ s: String) -> Day { DateParser.day(from: s)! }
/// Seconds since the epoch of an ISO datetime.
func ts(_ s: String) -> Double { DateParser.timestamp(from: s)! }

/// A categorical column from optional strings (nil = missing).
func cat(_ values: [String?]) -> CategoricalColumn {
    var levels: [String] = [], idx: [String: Int32] = [:]
    let codes: [Int32] = values.map { v in
        guard let v else { return -1 }
        if let i = idx[v] { return i }
        idx[v] = Int32(levels.count); levels.append(v); return Int32(levels.count - 1)
    }
    return CategoricalColumn(codes: codes, levels: levels)
}

/// Builds a `Dataset` table by table, interning customer ids as they come.
struct DatasetBuilder {
    var customers = CustomerIndex()
    var tx = Transactions()

    mutating func id(_ s: String) -> Int32 { customers.intern(s) }

    /// (customer, date, amount[, product, category])
    mutating func transactions(_ rows: [(String, String, Double)], product: [String?]? = nil, category: [String?]? = nil) {
        for (c, d, a) in rows { tx.customer.append(id(c)); tx.day.append(day(d)); tx.amount.append(a) }
        if let product { tx.product = cat(product) }
        if let category { tx.category = cat(category) }
    }

    func dataset(asOf: String, customerTable: CustomerTable? = nil, subscriptions: Subscriptions? = nil,
                 surveys: Surveys? = nil, tickets: Tickets? = nil, interactions: Interactions? = nil,
                 leads: Leads? = nil, spend: MarketingSpend? = nil) -> Dataset {
        Dataset(source: "test", customers: customers, transactions: tx, customerTable: customerTable,
                subscriptions: subscriptions, surveys: surveys, tickets: tickets, interactions: interactions,
                leads: leads, marketingSpend: spend, asOf: day(asOf))
    }
}

/// Relative-or-absolute closeness.
func close(_ a: Double?, _ b: Double, tol: Double = 1e-9) -> Bool {
    guard let a else { return false }
    return abs(a - b) <= tol * max(1, abs(b))
}

extension KPIResult {
    func period(_ key: String) -> KPIGroup? { byPeriod.first { $0.key == key } }
    func segment(_ key: String) -> KPIGroup? { bySegment.first { $0.key == key } }
    func channel(_ key: String) -> KPIGroup? { byChannel.first { $0.key == key } }
}
