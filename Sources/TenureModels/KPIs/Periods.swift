import TenureData

/// The period axis of one KPI run: periods `0..<count` covering `[firstDay, asOf]`.
///
/// Period `p` spans days `start[p] ... end[p]` (inclusive; the last one is cut at `asOf`).
/// Stock measures (active customers, MRR) are read at the *time points* `t[k]`, `k = 0...count`:
/// `t[0] = start[0] − 1` (end of the day before the first period) and `t[k] = end[k−1]`,
/// so period `p` runs from time point `p` (exclusive) to time point `p + 1` (inclusive).
public struct PeriodAxis: Sendable {
    public let period: CalendarPeriod
    public let firstOrdinal: Int
    public let count: Int
    public let start: [Day]
    public let end: [Day]
    /// Time points, `count + 1` of them.
    public let t: [Day]
    public let asOf: Day
    public let firstDay: Day

    public init(period: CalendarPeriod, firstDay: Day, asOf: Day) {
        self.period = period
        self.asOf = asOf
        self.firstDay = min(firstDay, asOf)
        firstOrdinal = Int(period.index(of: self.firstDay))
        let lastOrdinal = Int(period.index(of: asOf))
        count = lastOrdinal - firstOrdinal + 1
        var s: [Day] = [], e: [Day] = []
        s.reserveCapacity(count); e.reserveCapacity(count)
        for o in firstOrdinal...lastOrdinal {
            s.append(period.start(of: Int32(o)))
            e.append(min(period.start(of: Int32(o + 1)) - 1, asOf))
        }
        start = s; end = e
        t = [s[0] - 1] + e
    }

    /// Period index of day `d`, or -1 when `d` is outside `[start[0], asOf]`.
    @inlinable public func index(_ d: Day) -> Int {
        guard d != Day.missing, d >= start[0], d <= asOf else { return -1 }
        return Int(period.index(of: d)) - firstOrdinal
    }

    /// Smallest `k` in `0...count` with `t[k] >= d`, or `count + 1` when none.
    @inlinable public func firstTimePoint(atOrAfter d: Day) -> Int {
        if d <= t[0] { return 0 }
        if d > t[count] { return count + 1 }
        // d in (t[k-1], t[k]] → k = index(d) + 1 for d within the periods.
        return Int(period.index(of: d)) - firstOrdinal + 1
    }

    /// Number of days in period `p` that are observed.
    public func days(_ p: Int) -> Int { Int(end[p] - start[p]) + 1 }

    public func label(_ p: Int) -> String { period.label(of: Int32(firstOrdinal + p)) }

    /// Whether period `p` is cut short by the end of observation.
    public func isPartial(_ p: Int) -> Bool { end[p] < period.start(of: Int32(firstOrdinal + p + 1)) - 1 }
}
