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
    let monthsOfPeriod: [Double]

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

/// The sufficient statistics of the KPI families that have a reduction (SPEC §6): per group of the
/// frame (overall, each period, segment, channel) counts and sums, the ticket durations'
/// order statistics, and the customers acquired by the end of each group's window. The CSV path
/// computes them from the rows; warehouse mode has the engine compute them. `KPIAnalysis` fills
/// the KPIs from them alone.
public struct KPIStatistics: Sendable, Equatable {
    /// Named per-group values (`groupCount` each), e.g. `csat_n`, `csat_k`, `nps_p`.
    public var sums: [String: [Double]] = [:]
    /// Per-group summaries of the ticket durations in hours, `first_response` and `resolution`.
    public var durations: [String: [DurationSummary]] = [:]
    /// Which tables the run had (`surveys`, `leads`, `tickets`, `interactions`, …).
    public var tables: Set<String> = []
    /// Facts about whole columns that change what a missing value means: `leads_converted` (some
    /// lead has converted_at), `leads_closed` (some lead has won), `tickets_responded`,
    /// `tickets_resolved`.
    public var flags: Set<String> = []
    /// Customers acquired by the end of each group's window (signup, else first day in any table).
    public var acquired: [Double] = []

    public init() {}

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
    /// The KPI families whose statistics `KPIStatistics` holds.
    public static let reducedFamilies = ["satisfaction", "sales", "service", "engagement"]

    /// The KPIs of the reduced families from their statistics alone; the other KPIs are unavailable
    /// with `why` (e.g. "not reduced in the warehouse yet").
    public static func compute(frame f: KPIFrame, statistics s: KPIStatistics, unreduced why: String) -> KPIResult {
        var b = Board(f.L)
        fillReduced(f, s, &b)
        for id in KPICatalog.all.map(\.id) where b[0, id] == nil { b.unavailable([id], why) }
        return b.result(f)
    }

    static func fillReduced(_ f: KPIFrame, _ s: KPIStatistics, _ b: inout Board) {
        Satisfaction.fill(f, s, &b)
        Sales.fill(f, s, &b)
        Service.fill(f, s, &b)
        Engagement.fill(f, s, &b)
    }
}
