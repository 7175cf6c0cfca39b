import TenureData

/// Calendar period lengths for per-period KPIs.
public enum KPIPeriod: String, Sendable, Codable, CaseIterable {
    case day, week, month, quarter, year

    /// Ordinal of the calendar period holding `d` (weeks are ISO weeks starting on Monday).
    @inlinable public func ordinal(_ d: Day) -> Int {
        switch self {
        case .day: return Int(d)
        case .week:
            // 1970-01-05 (day 4) was a Monday.
            let x = Int(d) - 4
            return x >= 0 ? x / 7 : (x - 6) / 7
        case .month:
            let c = Civil.date(d); return c.year * 12 + c.month - 1
        case .quarter:
            let c = Civil.date(d); return c.year * 4 + (c.month - 1) / 3
        case .year: return Civil.date(d).year
        }
    }

    /// First day of the period with ordinal `o`.
    public func start(ofOrdinal o: Int) -> Day {
        switch self {
        case .day: return Day(o)
        case .week: return Day(o * 7 + 4)
        case .month:
            let y = o >= 0 ? o / 12 : (o - 11) / 12
            return Civil.day(year: y, month: o - y * 12 + 1, day: 1)
        case .quarter:
            let y = o >= 0 ? o / 4 : (o - 3) / 4
            return Civil.day(year: y, month: (o - y * 4) * 3 + 1, day: 1)
        case .year: return Civil.day(year: o, month: 1, day: 1)
        }
    }

    /// Human label: `2024-03-05` (day, week start), `2024-03`, `2024-Q1`, `2024`.
    public func label(ofOrdinal o: Int) -> String {
        let s = start(ofOrdinal: o)
        let iso = Civil.iso(s)
        switch self {
        case .day, .week: return iso
        case .month: return String(iso.prefix(7))
        case .quarter:
            let c = Civil.date(s); return "\(String(iso.prefix(4)))-Q\((c.month - 1) / 3 + 1)"
        case .year: return String(iso.prefix(4))
        }
    }
}

/// The period axis of one KPI run: periods `0..<count` covering `[firstDay, asOf]`.
///
/// Period `p` spans days `start[p] ... end[p]` (inclusive; the last one is cut at `asOf`).
/// Stock measures (active customers, MRR) are read at the *time points* `t[k]`, `k = 0...count`:
/// `t[0] = start[0] − 1` (end of the day before the first period) and `t[k] = end[k−1]`,
/// so period `p` runs from time point `p` (exclusive) to time point `p + 1` (inclusive).
public struct PeriodAxis: Sendable {
    public let period: KPIPeriod
    public let firstOrdinal: Int
    public let count: Int
    public let start: [Day]
    public let end: [Day]
    /// Time points, `count + 1` of them.
    public let t: [Day]
    public let asOf: Day
    public let firstDay: Day

    public init(period: KPIPeriod, firstDay: Day, asOf: Day) {
        self.period = period
        self.asOf = asOf
        self.firstDay = min(firstDay, asOf)
        firstOrdinal = period.ordinal(self.firstDay)
        let lastOrdinal = period.ordinal(asOf)
        count = lastOrdinal - firstOrdinal + 1
        var s: [Day] = [], e: [Day] = []
        s.reserveCapacity(count); e.reserveCapacity(count)
        for o in firstOrdinal...lastOrdinal {
            s.append(period.start(ofOrdinal: o))
            e.append(min(period.start(ofOrdinal: o + 1) - 1, asOf))
        }
        start = s; end = e
        t = [s[0] - 1] + e
    }

    /// Period index of day `d`, or -1 when `d` is outside `[start[0], asOf]`.
    @inlinable public func index(_ d: Day) -> Int {
        guard d != Day.missing, d >= start[0], d <= asOf else { return -1 }
        return period.ordinal(d) - firstOrdinal
    }

    /// Smallest `k` in `0...count` with `t[k] >= d`, or `count + 1` when none.
    @inlinable public func firstTimePoint(atOrAfter d: Day) -> Int {
        if d <= t[0] { return 0 }
        if d > t[count] { return count + 1 }
        // d in (t[k-1], t[k]] → k = index(d) + 1 for d within the periods.
        return period.ordinal(d) - firstOrdinal + 1
    }

    /// Number of days in period `p` that are observed.
    public func days(_ p: Int) -> Int { Int(end[p] - start[p]) + 1 }

    public func label(_ p: Int) -> String { period.label(ofOrdinal: firstOrdinal + p) }

    /// Whether period `p` is cut short by the end of observation.
    public func isPartial(_ p: Int) -> Bool { end[p] < period.start(ofOrdinal: firstOrdinal + p + 1) - 1 }
}
