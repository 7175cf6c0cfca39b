import TenureData
import TenureNumerics

/// The purchase part of a cohort analysis reduced to counts (SPEC §6, "Reduction, then fit"):
/// everything the purchase matrices, the average curve, the brackets and the unbounded sBG forecast
/// of `CohortResult` are computed from. The CSV path (`CohortAnalysis.statistics`) and a warehouse's
/// SQL (`TenureWarehouse.CohortQueries`) produce the same value for the same data and options;
/// `CohortAnalysis.run(statistics:options:)` turns it into the result.
///
/// Layout: a *key* is `group × cohorts + slot` (slot = cohort period − `firstCohort`); a *cell* is
/// `key × ages + age`; a bracket cell is `key × brackets + bracket`.
public struct CohortStatistics: Sendable, Codable, Equatable {
    /// The `--by` levels in result order (`["all"]` without `--by`).
    public var groups: [String]
    /// The period index (`CalendarPeriod.index(of:)`) of the earliest cohort.
    public var firstCohort: Int32
    /// Cohort slots per group: from `firstCohort` through the period of the end of observation.
    public var cohorts: Int
    /// Ages per cohort row.
    public var ages: Int
    /// Customers acquired, per key.
    public var size: [Int32]
    /// Earliest and latest acquisition day per key (`Int32.max` / `Int32.min` when empty); rolling
    /// windows need them for a cell's status.
    public var firstAcquired: [Day]
    public var lastAcquired: [Day]
    /// Per cell: customers with at least one transaction, orders, customers whose last transaction is
    /// at this age or later, and revenue (Σ amounts; exact cents / 100 when every amount has at most
    /// two decimals).
    public var customers: [Int32]
    public var orders: [Int32]
    public var unbounded: [Int32]
    public var revenue: [Double]
    /// Per bracket cell: customers active at some age of the bracket (empty without brackets).
    public var brackets: [Int32]
    /// Transactions left out: after the end of observation, and dated before their customer's acquisition.
    public var rowsAfterEnd: Int
    public var rowsBeforeAcquisition: Int
    /// Other notes of the reduction for the user (e.g. customers without a signup_date, left out).
    public var notes: [String] = []

    public init(groups: [String], firstCohort: Int32, cohorts: Int, ages: Int, brackets: Int) {
        self.groups = groups; self.firstCohort = firstCohort; self.cohorts = cohorts; self.ages = ages
        let keys = groups.count * cohorts, cells = keys * ages
        size = .init(repeating: 0, count: keys)
        firstAcquired = .init(repeating: .max, count: keys); lastAcquired = .init(repeating: .min, count: keys)
        customers = .init(repeating: 0, count: cells); orders = customers; unbounded = customers
        revenue = .init(repeating: 0, count: cells)
        self.brackets = .init(repeating: 0, count: keys * brackets)
        rowsAfterEnd = 0; rowsBeforeAcquisition = 0
    }

    public var keys: Int { groups.count * cohorts }

    /// The layout a dataset's cohorts take: cohort slots from the period of the earliest acquisition
    /// through the period of `asOf`, and ages through the end of observation for the earliest cohort.
    /// Throws `SizeLimitError` (naming `--period`) when the matrices would exceed `CohortAnalysis.maxCells`.
    public static func layout(groups: Int, earliestAcquisition a: Day, asOf: Day, options o: CohortOptions) throws -> (firstCohort: Int32, cohorts: Int, ages: Int) {
        try layout(groups: groups, earliest: a, asOf: asOf, period: o.period, window: o.window, what: "cohort matrix")
    }

    /// Cohort slots from the period of `earliest` through that of `asOf`, and ages through the end
    /// of observation for `earliest` in `window`; `what` names the matrix in the size error.
    static func layout(groups: Int, earliest a: Day, asOf: Day, period cal: CalendarPeriod, window: CohortWindow,
                       what: String) throws -> (firstCohort: Int32, cohorts: Int, ages: Int) {
        let first = cal.index(of: a)
        let slots = Int(cal.index(of: asOf) - first) + 1
        let ages = window == .calendar ? slots : CohortAge.of(acquired: a, day: asOf, period: cal, window: window) + 1
        try SizeLimitError.check([groups, slots, ages], limit: CohortAnalysis.maxCells,
                                 what: "the \(what) (\(groups) group(s) × \(slots) cohorts × \(ages) ages = \(groups * slots * ages) cells)",
                                 option: "--period", hint: "use a coarser --period (week, month, quarter, year) or fewer --by groups")
        return (first, slots, ages)
    }
}

/// The age of an activity (SPEC §3 "Cohorts"): calendar periods since the cohort's, or whole rolling
/// windows since the acquisition day (days, 7-day weeks, months counted from the acquisition
/// day-of-month, quarters = 3 months, years = 12 months). Negative before acquisition.
public enum CohortAge {
    public static func of(acquired a: Day, day d: Day, period cal: CalendarPeriod, window: CohortWindow) -> Int {
        if d < a { return -1 }
        switch window {
        case .calendar: return Int(cal.index(of: d) - cal.index(of: a))
        case .rolling:
            if cal.months == 0 { return Int(d - a) / cal.fixedDays }
            return Civil.wholeMonths(from: a, to: d) / cal.months
        }
    }
}

extension CohortStatistics {
    /// What to do when no customer was acquired by `asOf` with acquisition `basis` (the result's
    /// `cohort_basis`): a signup date or first subscription chosen by `--cohort-by auto` may be
    /// absent while purchases are there.
    public static func noAcquisitionHint(basis: String, asOf: Day) -> String? {
        switch basis {
        case "signup_date":
            return "cohorts start at the customers' signup_date (the customers table has that column) and none is on or before \(Civil.iso(asOf)); pass --cohort-by first-purchase to start them at the first purchase"
        case "subscription_start":
            return "cohorts start at the first subscription start_date and none is on or before \(Civil.iso(asOf)); pass --cohort-by first-purchase to start them at the first purchase"
        default:
            return nil
        }
    }
}
