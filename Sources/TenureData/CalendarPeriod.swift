/// A calendar granularity, and the one place that turns days into calendar periods and back
/// (cohorts, KPIs and the BTYD clock all use it).
///
/// Every period has a dense integer index, monotone in time, so consecutive periods have
/// consecutive indices:
/// - `day`: the day number;
/// - `week`: ISO 8601 weeks, Monday to Sunday; index 0 is the week of Monday 1969-12-29
///   (ISO week 1970-W01, the week holding 1970-01-01, a Thursday);
/// - `month`: year·12 + month − 1;
/// - `quarter`: year·4 + quarter − 1;
/// - `year`: the year.
///
/// Labels: `2024-03-01` (day), `2024-W09` (ISO week: the year of the week's Thursday, then the
/// week number), `2024-03`, `2024-Q1`, `2024`. A label sorts as text in time order within one granularity.
public enum CalendarPeriod: String, Sendable, Codable, CaseIterable {
    case day, week, month, quarter, year

    /// ⌊a / b⌋ for b > 0.
    @inlinable @inline(__always) static func floorDiv(_ a: Int, _ b: Int) -> Int { a >= 0 ? a / b : -((-a + b - 1) / b) }

    /// Index of the period holding day `d`.
    @inlinable @inline(__always) public func index(of d: Day) -> Int32 {
        switch self {
        case .day: return d
        case .week: return Int32(Self.floorDiv(Int(d) + 3, 7))  // Monday 1969-12-29 = day −3 starts week 0
        case .month: let c = Civil.date(d); return Int32(c.year * 12 + c.month - 1)
        case .quarter: let c = Civil.date(d); return Int32(c.year * 4 + (c.month - 1) / 3)
        case .year: return Int32(Civil.date(d).year)
        }
    }

    /// First day of period `p`.
    public func start(of p: Int32) -> Day {
        let p = Int(p)
        switch self {
        case .day: return Day(p)
        case .week: return Day(p * 7 - 3)
        case .month: let y = Self.floorDiv(p, 12); return Civil.day(year: y, month: p - y * 12 + 1, day: 1)
        case .quarter: let y = Self.floorDiv(p, 4); return Civil.day(year: y, month: (p - y * 4) * 3 + 1, day: 1)
        case .year: return Civil.day(year: p, month: 1, day: 1)
        }
    }

    /// Last day of period `p` (inclusive).
    public func end(of p: Int32) -> Day { start(of: p + 1) - 1 }

    /// Label of period `p`: `2024-03-01`, `2024-W09`, `2024-03`, `2024-Q1`, `2024`.
    public func label(of p: Int32) -> String {
        func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        switch self {
        case .day: return Civil.iso(Day(p))
        case .week:
            let thursday = start(of: p) + 3  // the ISO year is the year of the week's Thursday
            let y = Civil.date(thursday).year
            let w = (Int(thursday) - Int(Civil.day(year: y, month: 1, day: 1))) / 7 + 1
            return "\(y)-W\(two(w))"
        case .month: let y = Self.floorDiv(Int(p), 12); return "\(y)-\(two(Int(p) - y * 12 + 1))"
        case .quarter: let y = Self.floorDiv(Int(p), 4); return "\(y)-Q\(Int(p) - y * 4 + 1)"
        case .year: return "\(p)"
        }
    }

    /// Calendar months in one period (0 for day and week, which are a fixed number of days).
    public var months: Int {
        switch self { case .day, .week: return 0; case .month: return 1; case .quarter: return 3; case .year: return 12 }
    }

    /// Days in one period for day and week (0 for the month-based periods).
    public var fixedDays: Int {
        switch self { case .day: return 1; case .week: return 7; case .month, .quarter, .year: return 0 }
    }

    /// First day of rolling window `k` (k = 0, 1, …) of a customer acquired on `a`: `a + k` days or
    /// weeks, or the k-th anniversary of `a` in months / quarters / years; an anniversary on a day the
    /// month lacks falls on the 1st of the following month (`Civil.wholeMonths` counts the same way).
    public func rollingStart(acquired a: Day, window k: Int) -> Day {
        if months == 0 { return a + Day(k * fixedDays) }
        let c = Civil.date(a)
        let m0 = c.year * 12 + c.month - 1 + k * months
        let y = Self.floorDiv(m0, 12), m = m0 - y * 12 + 1
        if c.day <= Civil.daysInMonth(year: y, month: m) { return Civil.day(year: y, month: m, day: c.day) }
        let y2 = Self.floorDiv(m0 + 1, 12)
        return Civil.day(year: y2, month: m0 + 1 - y2 * 12 + 1, day: 1)
    }
}

/// The clock of an analysis: the unit survival times are reported in and the BTYD models count
/// periods in (`--unit`, `--time-unit`). As a length, a month is the mean month (`Civil.daysPerMonth`,
/// 30.4375 days) and a year `Civil.daysPerYear` (365.25 days); as calendar buckets (the BTYD
/// summaries) each unit is its `CalendarPeriod`.
public enum TimeUnit: String, Sendable, Codable, CaseIterable {
    case day, week, month, year

    /// Length of one unit in days: 1, 7, 30.4375, 365.25.
    public var days: Double {
        switch self {
        case .day: return 1
        case .week: return 7
        case .month: return Civil.daysPerMonth
        case .year: return Civil.daysPerYear
        }
    }

    /// Plural label for table headers.
    public var plural: String { rawValue + "s" }

    /// The calendar period of the same name.
    @inlinable public var calendarPeriod: CalendarPeriod {
        switch self { case .day: return .day; case .week: return .week; case .month: return .month; case .year: return .year }
    }

    /// Index of the calendar period holding `d` (`CalendarPeriod.index(of:)`).
    @inlinable @inline(__always) public func period(_ d: Day) -> Int32 { calendarPeriod.index(of: d) }

    /// First day of period `p`.
    public func start(ofPeriod p: Int32) -> Day { calendarPeriod.start(of: p) }
}
