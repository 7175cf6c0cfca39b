import TenureData

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

/// A lookup table from day number to period index (and, for rolling months, month index and
/// day-of-month), built once over the span of days in the data so the hot loop does one load per row.
struct DayTable {
    let first: Day
    let periodOf: [Int32]
    let monthOf: [Int32]   // year*12+month-1 (rolling month arithmetic)
    let domOf: [UInt8]     // day of month
    init(period: CalendarPeriod, from first: Day, through last: Day, rollingMonths: Bool) {
        self.first = first
        let n = max(0, Int(last) - Int(first) + 1)
        var p = [Int32](repeating: 0, count: n)
        var mo = [Int32](repeating: 0, count: rollingMonths ? n : 0)
        var dom = [UInt8](repeating: 0, count: rollingMonths ? n : 0)
        var d = first
        for i in 0..<n {
            p[i] = period.index(of: d)
            if rollingMonths { let c = Civil.date(d); mo[i] = Int32(c.year * 12 + c.month - 1); dom[i] = UInt8(c.day) }
            d += 1
        }
        periodOf = p; monthOf = mo; domOf = dom
    }
}
