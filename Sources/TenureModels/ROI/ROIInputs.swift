import TenureCohorts
import TenureData
import TenureLifetime

/// What the ROI analysis reads from the data, reduced (SPEC §6 "Reduction, then fit"): the RFM
/// summary in weeks, each customer's segment, the subscription books per segment and the past
/// initiatives' counts. The CSV path (`ROIInputs(dataset:)`) and a warehouse's SQL
/// (`TenureWarehouse.ROIQueries`) give the same value; `BaselineBuilder` and `ROIAnalysis` read
/// nothing else.
public struct ROIInputs: Sendable {
    public var asOf: Day
    /// Repeat-purchase statistics in weeks (`BaselineBuilder.unit`), every customer with a purchase.
    public var summary: RFMSummary
    /// The customers' `segment` (`CustomerAttribute`'s lookup), codes indexed like `summary.customer`;
    /// nil when the data has no segment column.
    public var segments: CustomerSegments?
    /// Active subscriptions and first spells per segment; nil without subscriptions with `mrr`.
    public var subscriptions: SubscriptionBooks?
    /// Past initiatives recorded in the customers table, per (initiative, group label), a customer
    /// being retained with a purchase in the last `retentionWindowDays` days.
    public var initiatives: [UpliftCounts]
    public var retentionWindowDays: Int

    public init(asOf: Day, summary: RFMSummary, segments: CustomerSegments?, subscriptions: SubscriptionBooks?,
                initiatives: [UpliftCounts], retentionWindowDays: Int) {
        self.asOf = asOf; self.summary = summary; self.segments = segments; self.subscriptions = subscriptions
        self.initiatives = initiatives; self.retentionWindowDays = retentionWindowDays
    }

    /// The CSV path's reduction of `data`.
    public init(dataset data: Dataset, windowDays: Int = 90) throws {
        try data.require(.transactions, for: "roi (the baseline's purchase and spend models are fitted to purchases)")
        let segments = try? CustomerSegments(dataset: data, column: "segment")   // nil: no segment column
        self.init(asOf: data.asOf, summary: try RFMSummary(dataset: data, options: RFMOptions(timeUnit: BaselineBuilder.unit)),
                  segments: segments, subscriptions: SubscriptionBooks(data, segments: segments),
                  initiatives: UpliftCounts.count(data, windowDays: windowDays), retentionWindowDays: windowDays)
    }
}

/// The subscriptions the ROI baselines read, per segment group `g` (`0 ..< levels` the segment
/// levels, `levels` the customers without a segment): for subscriptions starting on or before the
/// end of observation, their age in whole average months (⌊days / 30.436875⌋), the active ones'
/// count and MRR per age, and each customer's first spell (back-to-back or overlapping
/// subscriptions from the first start; `SubscriptionSurvivors.firstSpells`) as whole anniversary
/// months observed and covered, each capped at `maxMonths`.
public struct SubscriptionBooks: Sendable, Codable, Equatable {
    /// The sBG fit reads at most this many anniversary months.
    public static let maxMonths = 24
    public struct Tenure: Sendable, Codable, Equatable {
        public var group: Int
        public var age: Int
        public var count: Double
        public var mrr: Double
        public init(group: Int, age: Int, count: Double, mrr: Double) { self.group = group; self.age = age; self.count = count; self.mrr = mrr }
    }
    public var groups: Int
    /// Per group, the largest age of a subscription (−1: none).
    public var maxAge: [Int]
    /// Active subscriptions (no end, or an end after the end of observation) per group and age.
    public var active: [Tenure]
    /// Per group, first spells by (months observed, months covered): `spells[(g × 25 + observed) × 25 + covered]`.
    public var spells: [Int]

    public init(groups: Int) {
        self.groups = groups
        maxAge = .init(repeating: -1, count: groups); active = []
        spells = .init(repeating: 0, count: groups * (Self.maxMonths + 1) * (Self.maxMonths + 1))
    }

    /// Adds subscriptions (a row may stand for `count` of them with Σ MRR `mrr`): each raises its
    /// group's largest age; the active ones are summed per (group, age) into `active`.
    public mutating func addSubscriptions(_ rows: [(group: Int, age: Int, active: Bool, count: Double, mrr: Double)]) {
        var byTenure: [Int: Tenure] = [:]
        for t in active { byTenure[t.group * 1_000_000 + t.age] = t }
        for r in rows {
            maxAge[r.group] = max(maxAge[r.group], r.age)
            guard r.active else { continue }
            let key = r.group * 1_000_000 + r.age
            var t = byTenure[key] ?? Tenure(group: r.group, age: r.age, count: 0, mrr: 0)
            t.count += r.count; t.mrr += r.mrr
            byTenure[key] = t
        }
        active = byTenure.keys.sorted().map { byTenure[$0]! }
    }

    /// Counts a first spell of `group`.
    public mutating func addSpell(group g: Int, observed: Int, covered: Int, count: Int = 1) {
        let m = Self.maxMonths + 1
        spells[(g * m + min(observed, Self.maxMonths)) * m + min(covered, Self.maxMonths)] += count
    }

    /// The CSV path's books; nil without subscriptions or their `mrr` column.
    init?(_ data: Dataset, segments: CustomerSegments?) {
        guard let subs = data.subscriptions, let mrr = subs.mrr, subs.count > 0 else { return nil }
        let levels = segments?.levels.count ?? 0
        func group(_ customer: Int) -> Int {
            guard let s = segments, s.codes[customer] >= 0 else { return levels }
            return Int(s.codes[customer])
        }
        self.init(groups: levels + 1)
        let asOf = Int(data.asOf)
        addSubscriptions((0..<subs.count).filter { Int(subs.startDay[$0]) <= asOf }.map { i in
            (group: group(Int(subs.customer[i])), age: Int(Double(asOf - Int(subs.startDay[i])) / Civil.daysPerMonth),
             active: subs.endDay[i] == Day.missing || Int(subs.endDay[i]) > asOf, count: 1, mrr: mrr[i].isFinite ? mrr[i] : 0)
        })
        for sp in SubscriptionSurvivors.firstSpells(subs, asOf: data.asOf) {
            addSpell(group: group(sp.customer), observed: Civil.wholeMonths(from: sp.start, to: data.asOf), covered: sp.months)
        }
    }

    /// The balanced survivor series of the groups `include` accepts, over customers observed for at
    /// least `K` anniversary months: survivors[t] = those whose first spell covers month t, t = 0…K.
    func balanced(K: Int, include: (Int) -> Bool) -> [Double] {
        let m = Self.maxMonths + 1
        var survivors = [Double](repeating: 0, count: K + 1)
        for g in 0..<groups where include(g) {
            for observed in K..<m {
                for covered in 0..<m {
                    let n = spells[(g * m + observed) * m + covered]
                    if n > 0 { for t in 0...min(K, covered) { survivors[t] += Double(n) } }
                }
            }
        }
        return survivors
    }
}

/// A past initiative's customers in one group label of the customers table (`group` column;
/// nil = empty), with how many were retained (a purchase in the retention window before the end of
/// observation) and their revenue (Σ transaction amounts up to the end of observation) and Σ revenue².
public struct UpliftCounts: Sendable, Codable, Equatable {
    public var initiative: String
    public var group: String?
    public var customers: Int
    public var retained: Int
    public var revenue: Double
    public var revenueSquares: Double
    public init(initiative: String, group: String?, customers: Int, retained: Int, revenue: Double, revenueSquares: Double) {
        self.initiative = initiative; self.group = group; self.customers = customers; self.retained = retained
        self.revenue = revenue; self.revenueSquares = revenueSquares
    }

    /// The CSV path's counts: customers.csv's `initiative` and `group` columns (categorical).
    public static func count(_ data: Dataset, windowDays: Int) -> [UpliftCounts] {
        guard let table = data.customerTable, case .categorical(let initiative)? = table.attributes["initiative"] else { return [] }
        var group: CategoricalColumn? = nil
        if case .categorical(let g)? = table.attributes["group"] { group = g }
        let n = data.customers.count
        var revenue = [Double](repeating: 0, count: n)
        var lastDay = [Day](repeating: Day.min, count: n)
        let tx = data.transactions
        for i in 0..<tx.count where tx.day[i] <= data.asOf {   // rows after the end of observation are not seen
            let c = Int(tx.customer[i])
            revenue[c] += tx.amount[i]
            if tx.day[i] > lastDay[c] { lastDay[c] = tx.day[i] }
        }
        var out: [String: UpliftCounts] = [:]
        for row in 0..<table.count {
            guard let name = initiative.value(at: row) else { continue }
            let label = group?.value(at: row)
            let c = Int(table.customer[row])
            let key = name + "\u{0}" + (label ?? "")
            var u = out[key] ?? UpliftCounts(initiative: name, group: label, customers: 0, retained: 0, revenue: 0, revenueSquares: 0)
            u.customers += 1
            if lastDay[c] != Day.min && Int(data.asOf) - Int(lastDay[c]) < windowDays { u.retained += 1 }
            u.revenue += revenue[c]; u.revenueSquares += revenue[c] * revenue[c]
            out[key] = u
        }
        return out.keys.sorted().map { out[$0]! }
    }
}
