import Foundation
import TenureData
import TenureNumerics

/// What a KPI run is laid out on, independent of where the rows are: the window and its periods,
/// the segment and channel names, the options. The CSV path builds it from the dataset
/// (`Context`); warehouse mode from what the engine returned (the window's first day, the levels).
public struct KPIFrame: Sendable {
    public let opt: KPIOptions
    public let axis: PeriodAxis
    let L: Layout
    let z: Double
    public let segLevels: [String]
    public let chanLevels: [String]
    /// Where the segment and channel of a row come from, in words.
    public var notes: [String]
    /// Length of each period in (average) months.
    public let monthsOfPeriod: [Double]

    /// `firstDay`: the window's first day (clamped to `asOf`).
    public init(options: KPIOptions, firstDay: Day, asOf: Day, segLevels: [String], chanLevels: [String], notes: [String]) {
        opt = options
        z = Normal.quantile(1 - (1 - options.confidence) / 2)
        let ax = PeriodAxis(period: options.period, firstDay: firstDay, asOf: asOf)
        axis = ax
        self.segLevels = segLevels; self.chanLevels = chanLevels; self.notes = notes
        L = Layout(P: ax.count, S: segLevels.count, C: chanLevels.count)
        monthsOfPeriod = (0..<ax.count).map { Double(ax.days($0)) / Civil.daysPerMonth }
    }

    /// The channel names of a run: the customers' acquisition channels (`CustomerAttribute`'s levels),
    /// then the names of the tables' own channel columns (spend, interactions, tickets, lead sources)
    /// not among them, in byte order.
    public static func channelLevels(customer: [String], tables: [String]) -> [String] {
        let known = Set(customer)
        return customer + Set(tables.filter { !known.contains($0) }).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    /// The note saying where a customer's segment comes from (nil: no segment column).
    public static func segmentNote(from: String?) -> String {
        from.map { "segment of a customer from \($0)" } ?? "no segment column (customers.csv or transactions.csv): no segment breakdown"
    }

    /// The note saying where a customer's acquisition channel comes from (nil: no channel column).
    public static func channelNote(from: String?) -> String {
        from.map { "acquisition channel of a customer from \($0); engagement and service use the interaction's or ticket's channel, sales the lead's source, spend its channel" }
            ?? "no acquisition channel (customers.csv or transactions.csv channel): customer KPIs have no channel breakdown"
    }

    /// The calendar months of the window (`CalendarPeriod.month` numbers from `first`): each one's
    /// observed days, and how those days split over the frame's periods.
    public struct Months: Sendable {
        public let first: Int
        public private(set) var days: [Double]
        var periods: [[(Int, Double)]]
        public init(_ ax: PeriodAxis) {
            first = Int(CalendarPeriod.month.index(of: ax.start[0]))
            let M = Int(CalendarPeriod.month.index(of: ax.asOf)) - first + 1
            days = [Double](repeating: 0, count: M)
            periods = [[(Int, Double)]](repeating: [], count: M)
            var d = ax.start[0]
            while d <= ax.asOf {
                let m = Int(CalendarPeriod.month.index(of: d)) - first, p = ax.index(d)
                days[m] += 1
                if let last = periods[m].last, last.0 == p { periods[m][periods[m].count - 1].1 += 1 }
                else { periods[m].append((p, 1)) }
                d += 1
            }
        }
        /// Adds `k` customer-months of month `m` (relative to `first`) in segment `s` (-1: none), each
        /// weighted by its observed days, to the overall group, the segment's and the periods' (by
        /// their share of the month's days).
        func credit(_ v: inout [Double], _ L: Layout, month m: Int, segment s: Int32, _ k: Double) {
            v[0] += k * days[m]
            if s >= 0 { v[L.segment(Int(s))] += k * days[m] }
            for (pp, dd) in periods[m] { v[L.period(pp)] += k * dd }
        }
    }

    /// Number of groups: overall, periods, segments, channels.
    public var groupCount: Int { L.G }
    /// The group of period `p`, segment `s`, channel `c`.
    public func periodGroup(_ p: Int) -> Int { L.period(p) }
    public func segmentGroup(_ s: Int) -> Int { L.segment(s) }
    public func channelGroup(_ c: Int) -> Int { L.channel(c) }
}

/// The sufficient statistics of every KPI (SPEC §6): per group of the frame (overall, each period,
/// segment, channel) counts and sums, the ticket durations' order statistics, the customers
/// acquired by the end of each group's window, activity runs and MRR sums per customer group,
/// cohort cells, the model CLV's Σ and count. The CSV path computes them from the rows; warehouse
/// mode has the engine compute them. `KPIAnalysis.compute(frame:statistics:)` fills the KPIs from
/// them alone.
public struct KPIStatistics: Sendable, Equatable {
    /// Named per-group values (`groupCount` each), e.g. `csat_n`, `csat_k`, `nps_p`.
    public var sums: [String: [Double]] = [:]
    /// Per-group summaries of the ticket durations in hours, `first_response` and `resolution`.
    public var durations: [String: [DurationSummary]] = [:]
    /// Which tables the run had (`surveys`, `leads`, `tickets`, `interactions`, …).
    public var tables: Set<String> = []
    /// Facts about whole columns that change what a missing value means: `leads_converted` (some
    /// lead has converted_at), `leads_closed` (some lead has won), `tickets_responded`,
    /// `tickets_resolved`, `product`, `category`, `acquisition_cost` (the column exists).
    public var flags: Set<String> = []
    /// Customers acquired by the end of each group's window (signup, else first day in any table).
    public var acquired: [Double] = []
    /// Activity runs over the frame's time points (`purchase`: a purchase within churn-after days;
    /// `subscription`: an active subscription), per customer group (overall, segment, channel).
    var activity: [String: ActivityCounts] = [:]
    /// MRR per customer group and period (subscriptions with an mrr column).
    var mrr: MRRSums?
    /// Revenue by acquisition month and month of age, and cohort sizes (CAC payback).
    var cohorts: CohortCells?
    /// Why there is no model CLV (nil when `clv_sum`/`clv_n` hold it).
    public var clvUnavailable: String?

    public init() {}

    /// The per-group sums of the survey, lead and ticket families, in the order their reductions
    /// return them (`Satisfaction`, `Sales`, `Service`).
    public static let surveySums = ["csat_n", "csat_k", "nps_n", "nps_p", "nps_d", "ces_n", "ces_s", "ces_q"]
    public static let leadSums = ["leads", "leads_won", "leads_closed", "opportunities", "opportunities_won"]
    public static let ticketSums = ["tickets", "sla_response_met", "sla_response_n", "sla_resolution_met", "sla_resolution_n"]

    /// `sums[name]`, or zeros when the statistic was not computed.
    func sum(_ name: String, _ g: Int) -> Double { sums[name]?[g] ?? 0 }

    /// Adds `acc`'s per-group values under `name`.
    mutating func put(_ name: String, _ acc: Acc) { sums[name] = acc.v }

    /// Credits `x` to `name` in the overall group and in period `p`'s, segment `s`'s and channel
    /// `c`'s (each −1: none), as the CSV path credits a row.
    public mutating func add(_ name: String, _ f: KPIFrame, period p: Int, segment s: Int32, channel c: Int32, _ x: Double) {
        var a = Acc(f.L)
        if let v = sums[name] { a.v = v }
        a.add(p: p, s: s, c: c, x)
        sums[name] = a.v
    }

    /// Credits `x` to `name` in group `g` only.
    public mutating func add(_ name: String, _ f: KPIFrame, group g: Int, _ x: Double) {
        sums[name, default: [Double](repeating: 0, count: f.L.G)][g] += x
    }

    /// Number of customer groups of the activity and MRR statistics: overall, segments, channels.
    static func customerGroups(_ f: KPIFrame) -> Int { 1 + f.L.S + f.L.C }
    static func groups(_ f: KPIFrame, _ s: Int32, _ c: Int32) -> (Int, Int, Int) {
        (0, s >= 0 ? 1 + Int(s) : -1, c >= 0 ? 1 + f.L.S + Int(c) : -1)
    }

    /// `k` customers whose merged run of `kind`'s activity starts at time point `a` (`ActivityCounts`).
    public mutating func addActivityStart(_ kind: String, _ f: KPIFrame, at a: Int, segment s: Int32, channel c: Int32, _ k: Double) {
        activity[kind, default: ActivityCounts(K: f.L.P, CG: Self.customerGroups(f))].start(a, Self.groups(f, s, c), k)
    }

    /// `k` customers whose merged run of `kind`'s activity ends at time point `b` (exclusive; `K + 1`:
    /// still active after the last).
    public mutating func addActivityEnd(_ kind: String, _ f: KPIFrame, at b: Int, segment s: Int32, channel c: Int32, _ k: Double) {
        activity[kind, default: ActivityCounts(K: f.L.P, CG: Self.customerGroups(f))].end(b, Self.groups(f, s, c), k)
    }

    /// `k` customers whose first activity of `kind` is in period `p` (−1: outside the window).
    public mutating func addActivityNew(_ kind: String, _ f: KPIFrame, period p: Int, segment s: Int32, channel c: Int32, _ k: Double) {
        activity[kind, default: ActivityCounts(K: f.L.P, CG: Self.customerGroups(f))].newCustomer(p, Self.groups(f, s, c), k)
    }

    /// Marks `kind`'s activity as computed (also when no customer had any).
    public mutating func touchActivity(_ kind: String, _ f: KPIFrame) {
        if activity[kind] == nil { activity[kind] = ActivityCounts(K: f.L.P, CG: Self.customerGroups(f)) }
    }

    /// Σ MRR `m` of `k` customers whose unchanged level starts (`end: false`) or stops (`end: true`)
    /// being counted at period `x` (`MRRSums.flat`, a difference array over periods).
    public mutating func addMRRFlat(_ f: KPIFrame, at x: Int, end: Bool, segment s: Int32, channel c: Int32, mrr m: Double, customers k: Double) {
        touchMRR(f)
        mrr!.flatEdge(x, Self.groups(f, s, c), end ? -m : m, end ? -k : k)
    }

    /// Customers (`paying`) with MRR > 0 at the start of period `p` whose MRR changes in it: Σ MRR at
    /// its start and end, Σ min of the two, and how many ended higher (`up`).
    public mutating func addMRRChange(_ f: KPIFrame, period p: Int, segment s: Int32, channel c: Int32,
                                      start: Double, end: Double, min: Double, paying: Double, up: Double) {
        touchMRR(f)
        mrr!.change(p, Self.groups(f, s, c), start: start, end: end, min: min, paying: paying, up: up)
    }

    /// Marks MRR as computed (also when no customer pays).
    public mutating func touchMRR(_ f: KPIFrame) { if mrr == nil { mrr = MRRSums(K: f.L.P, CG: Self.customerGroups(f)) } }

    /// Revenue `x` at month of age `age` of acquisition-month cohort `m0` (`CalendarPeriod.month`
    /// index), per customer group; ignored past the last completely observed month.
    public mutating func addCohortRevenue(_ f: KPIFrame, cohortMonth m0: Int, age: Int, segment s: Int32, channel c: Int32, _ x: Double) {
        if cohorts == nil { cohorts = CohortCells(f) }
        cohorts!.revenue(m0, age, Self.groups(f, s, c), x)
    }
    /// `k` customers acquired in the window in month `m0`, per customer group.
    public mutating func addCohortSize(_ f: KPIFrame, cohortMonth m0: Int, segment s: Int32, channel c: Int32, _ k: Double) {
        if cohorts == nil { cohorts = CohortCells(f) }
        cohorts!.size(m0, Self.groups(f, s, c), k)
    }

    /// Credits `k` customer-months of calendar month `month` (`CalendarPeriod.month` index) in segment
    /// `s` to `name` (`Engagement`'s `mau`): the overall group, the segment's and the periods'.
    public mutating func addCustomerMonths(_ name: String, _ f: KPIFrame, _ months: KPIFrame.Months, month: Int, segment s: Int32, _ k: Double) {
        let m = month - months.first
        guard m >= 0 && m < months.days.count else { return }
        months.credit(&sums[name, default: [Double](repeating: 0, count: f.L.G)], f.L, month: m, segment: s, k)
    }
}

/// Count, median, 90th percentile (linear interpolation between order statistics, R type 7) and
/// mean of a group's values.
public struct DurationSummary: Sendable, Equatable {
    public var n: Int
    public var median: Double
    public var p90: Double
    public var mean: Double
    public init(n: Int, median: Double, p90: Double, mean: Double) { self.n = n; self.median = median; self.p90 = p90; self.mean = mean }
    public static let empty = DurationSummary(n: 0, median: .nan, p90: .nan, mean: .nan)
}

extension KPIAnalysis {
    /// Every KPI from the statistics alone (`KPIStatistics`, computed from the rows or in an engine).
    public static func compute(frame f: KPIFrame, statistics s: KPIStatistics) -> KPIResult {
        var b = Board(f.L)
        let subscribers = Retention.fill(f, s, &b)
        Value.fill(f, s, &b, subscribers: subscribers)
        Satisfaction.fill(f, s, &b)
        Sales.fill(f, s, &b)
        Service.fill(f, s, &b)
        Engagement.fill(f, s, &b)
        return b.result(f)
    }
}

/// Cohort sizes and revenue by month of age per customer group, for CAC payback: only cohorts whose
/// acquisition month is completely observed, only ages up to the last completely observed month.
struct CohortCells: Sendable, Equatable {
    /// The last month (`LifetimeValue.month`) whose every day is observed.
    let lastComplete: Int
    var sizes: [[Int: Double]]
    var revenue: [[Int: [Double]]]

    init(_ f: KPIFrame) {
        lastComplete = LifetimeValue.month(f.axis.asOf + 1) - 1
        let CG = KPIStatistics.customerGroups(f)
        sizes = Array(repeating: [:], count: CG); revenue = Array(repeating: [:], count: CG)
    }

    mutating func size(_ m0: Int, _ gs: (Int, Int, Int), _ k: Double) {
        guard m0 <= lastComplete else { return }
        each3(gs) { g in
            sizes[g][m0, default: 0] += k
            if revenue[g][m0] == nil { revenue[g][m0] = [Double](repeating: 0, count: lastComplete - m0 + 1) }
        }
    }

    mutating func revenue(_ m0: Int, _ age: Int, _ gs: (Int, Int, Int), _ x: Double) {
        guard m0 <= lastComplete, age >= 0, age < lastComplete - m0 + 1 else { return }
        each3(gs) { g in
            if revenue[g][m0] == nil { revenue[g][m0] = [Double](repeating: 0, count: lastComplete - m0 + 1) }
            revenue[g][m0]![age] += x
        }
    }

    /// Revenue of ages 0 … k and customers, summed over the cohorts that have completely observed age k.
    func cumulative() -> LifetimeValue.CohortRevenue {
        var out = LifetimeValue.CohortRevenue(revenue: [], customers: [])
        for g in sizes.indices {
            let maxAge = (sizes[g].keys.min().map { lastComplete - $0 + 1 }) ?? 0
            var cumRev = [Double](repeating: 0, count: maxAge), cust = cumRev
            for m0 in sizes[g].keys.sorted() {
                let n = sizes[g][m0]!
                var run = 0.0
                for (age, x) in revenue[g][m0]!.enumerated() { run += x; cumRev[age] += run; cust[age] += n }
            }
            out.revenue.append(cumRev); out.customers.append(cust)
        }
        return out
    }
}
