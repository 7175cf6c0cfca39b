import TenureData

/// The contractual part of a cohort analysis reduced to counts (SPEC §6): what the contractual
/// matrices, their average curve and survivors are computed from. The CSV path
/// (`Engine.contractualStatistics`) and a warehouse's SQL (`TenureWarehouse.SubscriptionQueries`)
/// produce the same value for the same subscriptions and options.
///
/// Layout as `CohortStatistics`: a key is `group × cohorts + slot` (slot = period of the first
/// subscription start − `firstCohort`), a cell `key × ages + age`, ages in
/// `CohortOptions.contractualWindow`.
public struct ContractualStatistics: Sendable, Codable, Equatable {
    /// The `--by` levels (`["all"]` without `--by`).
    public var groups: [String]
    public var firstCohort: Int32
    public var cohorts: Int
    public var ages: Int
    /// Customers per key, and the earliest and latest first start per key.
    public var size: [Int32]
    public var firstAcquired: [Day]
    public var lastAcquired: [Day]
    /// Per cell: customers with a subscription covering some day of the age.
    public var active: [Int32]
    /// Per cell: customers whose first spell (first run of covered ages) ends at this age; a spell
    /// still open ends at the age of the end of observation.
    public var firstSpellEnds: [Int32]

    public init(groups: [String], firstCohort: Int32, cohorts: Int, ages: Int) {
        self.groups = groups; self.firstCohort = firstCohort; self.cohorts = cohorts; self.ages = ages
        let keys = groups.count * cohorts
        size = .init(repeating: 0, count: keys)
        firstAcquired = .init(repeating: .max, count: keys); lastAcquired = .init(repeating: .min, count: keys)
        active = .init(repeating: 0, count: keys * ages); firstSpellEnds = active
    }

    public var keys: Int { groups.count * cohorts }

    /// Cohort slots from the period of the earliest first start through that of `asOf`; ages
    /// through the end of observation for the earliest start, in the contractual window.
    public static func layout(groups: Int, earliestStart a: Day, asOf: Day, options o: CohortOptions) throws -> (firstCohort: Int32, cohorts: Int, ages: Int) {
        try CohortStatistics.layout(groups: groups, earliest: a, asOf: asOf, period: o.period, window: o.contractualWindow, what: "contractual matrix")
    }
}

/// MRR movements reduced to sums per snapshot (SPEC §6). Snapshot `i` (1…`periods`) is the last day
/// of period `firstPeriod + i − 1`, or the end of observation inside the last period; snapshot 0 is
/// the day before the first period (MRR 0). Every array has `periods + 1` entries.
public struct MRRStatistics: Sendable, Codable, Equatable {
    public var firstPeriod: Int32
    public var periods: Int
    /// MRR moved into each snapshot from the previous one, summed over customers, by kind.
    public var new: [Double]
    public var expansion: [Double]
    public var contraction: [Double]
    public var churn: [Double]
    public var reactivation: [Double]
    /// Σ MRR and customers with MRR > 0 at each snapshot.
    public var closing: [Double]
    public var customers: [Int]

    public init(firstPeriod: Int32, periods: Int) {
        self.firstPeriod = firstPeriod; self.periods = periods
        new = .init(repeating: 0, count: periods + 1)
        expansion = new; contraction = new; churn = new; reactivation = new; closing = new
        customers = .init(repeating: 0, count: periods + 1)
    }

    /// A customer's MRR `level` (> 0) held at snapshots `from ..< to` (`to` ≤ periods + 1).
    public mutating func addLevel(_ level: Double, customers n: Int = 1, from: Int, to: Int) {
        for u in from..<min(to, periods + 1) { customers[u] += n; closing[u] += level }
    }

    /// A customer's MRR going from `prev` to `cur` at snapshot `t` (`had`: MRR > 0 at some earlier snapshot).
    public mutating func addMovement(from prev: Double, to cur: Double, had: Bool, at t: Int) {
        if prev <= 0 && cur > 0 { if had { reactivation[t] += cur } else { new[t] += cur } }
        else if prev > 0 && cur <= 0 { churn[t] += prev }
        else if cur > prev { expansion[t] += cur - prev }
        else if cur < prev { contraction[t] += prev - cur }
    }
}
