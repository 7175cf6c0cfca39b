import TenureData

/// Calendar granularity of cohorts and ages.
public enum CohortPeriod: String, Sendable, Codable, CaseIterable {
    case day, week, month, quarter, year
}

/// How the age of an activity is counted from the customer's acquisition.
public enum CohortWindow: String, Sendable, Codable, CaseIterable {
    /// Age = calendar period of the activity − calendar period of acquisition (default).
    case calendar
    /// Age = whole windows elapsed since the acquisition day: days, 7-day weeks, or whole calendar
    /// months / quarters (3 months) / years (12 months) counted from the acquisition date's
    /// day-of-month (a month is complete on the same day-of-month; when that day does not exist in
    /// the month, the month completes on the 1st of the following month). Day 1 = the day after acquisition.
    case rolling
}

/// Calendar arithmetic for one `CohortPeriod`: every period has a dense integer index that is
/// monotone in time (day number, ISO week number since 1969-12-29, year·12+month−1, year·4+quarter−1, year).
public struct PeriodCalendar: Sendable {
    public let period: CohortPeriod
    public init(_ period: CohortPeriod) { self.period = period }

    @inline(__always) static func floorDiv(_ a: Int, _ b: Int) -> Int { a >= 0 ? a / b : -((-a + b - 1) / b) }

    /// Period index of a day.
    @inline(__always) public func index(of d: Day) -> Int32 {
        switch period {
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
        switch period {
        case .day: return Day(p)
        case .week: return Day(p * 7 - 3)
        case .month: let y = Self.floorDiv(p, 12); return Civil.day(year: y, month: p - y * 12 + 1, day: 1)
        case .quarter: let y = Self.floorDiv(p, 4); return Civil.day(year: y, month: (p - y * 4) * 3 + 1, day: 1)
        case .year: return Civil.day(year: p, month: 1, day: 1)
        }
    }

    /// Last day of period `p` (inclusive).
    public func end(of p: Int32) -> Day { start(of: p + 1) - 1 }

    /// Human label: `2024-03-01`, `2024-W09` (ISO 8601 week), `2024-03`, `2024-Q1`, `2024`.
    public func label(of p: Int32) -> String {
        func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        switch period {
        case .day: return Civil.iso(Day(p))
        case .week:
            let monday = start(of: p)
            let thursday = monday + 3  // the ISO year is the year of the week's Thursday
            let y = Civil.date(thursday).year
            let w = (Int(thursday) - Int(Civil.day(year: y, month: 1, day: 1))) / 7 + 1
            return "\(y)-W\(two(w))"
        case .month: let y = Self.floorDiv(Int(p), 12); return "\(y)-\(two(Int(p) - y * 12 + 1))"
        case .quarter: let y = Self.floorDiv(Int(p), 4); return "\(y)-Q\(Int(p) - y * 4 + 1)"
        case .year: return "\(p)"
        }
    }

    /// Months in one rolling window of this period (0 for day/week, which are fixed-length).
    var rollingMonths: Int {
        switch period { case .day, .week: return 0; case .month: return 1; case .quarter: return 3; case .year: return 12 }
    }
    /// Days in one rolling window for day/week.
    var rollingDays: Int { period == .week ? 7 : 1 }

    /// First day of rolling window `k` for a customer acquired on `a`.
    public func rollingStart(acquired a: Day, window k: Int) -> Day {
        if rollingMonths == 0 { return a + Day(k * rollingDays) }
        let c = Civil.date(a)
        let m0 = c.year * 12 + c.month - 1 + k * rollingMonths
        let y = Self.floorDiv(m0, 12), m = m0 - y * 12 + 1
        if c.day <= Civil.daysInMonth(year: y, month: m) { return Civil.day(year: y, month: m, day: c.day) }
        let y2 = Self.floorDiv(m0 + 1, 12)
        return Civil.day(year: y2, month: m0 + 1 - y2 * 12 + 1, day: 1)
    }
}

/// A lookup table from day number to period index (and, for rolling months, month index and
/// day-of-month), built once over the span of days in the data so the hot loop does one load per row.
struct DayTable {
    let first: Day
    let periodOf: [Int32]
    let monthOf: [Int32]   // year*12+month-1 (rolling month arithmetic)
    let domOf: [UInt8]     // day of month
    init(calendar: PeriodCalendar, from first: Day, through last: Day, rollingMonths: Bool) {
        self.first = first
        let n = max(0, Int(last) - Int(first) + 1)
        var p = [Int32](repeating: 0, count: n)
        var mo = [Int32](repeating: 0, count: rollingMonths ? n : 0)
        var dom = [UInt8](repeating: 0, count: rollingMonths ? n : 0)
        var d = first
        for i in 0..<n {
            let c = Civil.date(d)
            switch calendar.period {
            case .day: p[i] = d
            case .week: p[i] = calendar.index(of: d)
            case .month: p[i] = Int32(c.year * 12 + c.month - 1)
            case .quarter: p[i] = Int32(c.year * 4 + (c.month - 1) / 3)
            case .year: p[i] = Int32(c.year)
            }
            if rollingMonths { mo[i] = Int32(c.year * 12 + c.month - 1); dom[i] = UInt8(c.day) }
            d += 1
        }
        periodOf = p; monthOf = mo; domOf = dom
    }
}
