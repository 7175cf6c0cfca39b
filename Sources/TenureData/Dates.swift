import Foundation

/// Calendar arithmetic on day numbers (days since 1970-01-01, proleptic Gregorian, UTC).
/// Exact for years 0001–9999 (Howard Hinnant's civil-from-days algorithms).
public enum Civil {
    /// Days in a mean year, 365.25 (the Julian year; what `y` means in a duration and an annual rate).
    public static let daysPerYear = 365.25
    /// Days in a mean month, 365.25 / 12 = 30.4375 (what `m` means in a duration, and a period's
    /// length in months).
    public static let daysPerMonth = daysPerYear / 12

    /// Day number of a civil date. `month` 1–12, `day` 1–31 (not range-checked here).
    @inlinable public static func day(year: Int, month: Int, day: Int) -> Day {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return Day(era * 146097 + doe - 719468)
    }

    /// Civil date of a day number.
    @inlinable public static func date(_ d: Day) -> (year: Int, month: Int, day: Int) {
        let z = Int(d) + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let dd = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, dd)
    }

    /// Whole months from `a` to `d`: the largest k whose k-th monthly anniversary of `a` falls on or
    /// before `d` (an anniversary on a day the month lacks falls after its last day); −1 when d < a.
    public static func wholeMonths(from a: Day, to d: Day) -> Int {
        guard d >= a else { return -1 }
        let ca = date(a), cd = date(d)
        var m = (cd.year * 12 + cd.month) - (ca.year * 12 + ca.month)
        if cd.day < ca.day { m -= 1 }
        return m
    }

    @inlinable public static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// ISO weekday, 1 = Monday … 7 = Sunday.
    @inlinable public static func weekday(_ d: Day) -> Int {
        let w = (Int(d) + 3) % 7  // 1970-01-01 was a Thursday
        return (w < 0 ? w + 7 : w) + 1
    }

    /// `YYYY-MM-DD`.
    public static func iso(_ d: Day) -> String {
        guard d != Day.missing else { return "" }
        let (y, m, dd) = date(d)
        func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        var ys = String(y)
        while ys.count < 4 { ys = "0" + ys }
        return "\(ys)-\(two(m))-\(two(dd))"
    }
}

/// Parses the ISO 8601 forms of SPEC §1: `2024-03-01`, `2024-03-01T12:30:00`, `…Z`, `…+02:00`,
/// fractional seconds, and a space instead of `T`. Rejects impossible dates (2024-02-30).
public enum DateParser {
    /// Day number in UTC (a datetime with an offset is converted to UTC first).
    public static func day(from s: String) -> Day? {
        guard let t = timestamp(from: s) else { return nil }
        return Day((t / 86400).rounded(.down))
    }

    /// Seconds since 1970-01-01T00:00:00Z. A bare date is midnight UTC.
    public static func timestamp(from s: String) -> Double? {
        var s = s
        return s.withUTF8 { timestamp(bytes: UnsafeBufferPointer(rebasing: $0[...])) }
    }

    /// Same as `timestamp(from:)` on raw UTF-8 bytes (the CSV reader's hot path).
    @inlinable public static func timestamp(bytes b: UnsafeBufferPointer<UInt8>) -> Double? {
        let n = b.count
        @inline(__always) func digits(_ at: Int, _ count: Int) -> Int? {
            guard at + count <= n else { return nil }
            var v = 0
            for i in at..<(at + count) {
                let c = Int(b[i]) - 48
                guard c >= 0 && c <= 9 else { return nil }
                v = v * 10 + c
            }
            return v
        }
        guard n >= 10, let y = digits(0, 4), b[4] == 45, let m = digits(5, 2), b[7] == 45, let d = digits(8, 2),
              m >= 1, m <= 12, d >= 1, d <= Civil.daysInMonth(year: y, month: m) else { return nil }
        var t = Double(Civil.day(year: y, month: m, day: d)) * 86400
        if n == 10 { return t }
        guard b[10] == 84 || b[10] == 32 || b[10] == 116, let hh = digits(11, 2), hh < 24, n >= 16, b[13] == 58,
              let mm = digits(14, 2), mm < 60 else { return nil }
        t += Double(hh * 3600 + mm * 60)
        var i = 16
        if i < n, b[i] == 58 {
            guard let ss = digits(17, 2), ss <= 60 else { return nil }
            t += Double(ss)
            i = 19
            if i < n, b[i] == 46 || b[i] == 44 {
                i += 1
                var scale = 0.1, frac = 0.0, any = false
                while i < n, b[i] >= 48, b[i] <= 57 { frac += Double(b[i] - 48) * scale; scale /= 10; i += 1; any = true }
                guard any else { return nil }
                t += frac
            }
        }
        if i == n { return t }
        if b[i] == 90 || b[i] == 122 { return i + 1 == n ? t : nil }  // Z
        guard b[i] == 43 || b[i] == 45, let oh = digits(i + 1, 2) else { return nil }
        var j = i + 3, om = 0
        if j < n, b[j] == 58 { j += 1 }
        if j < n { guard let v = digits(j, 2) else { return nil }; om = v; j += 2 }
        guard j == n, oh < 24, om < 60 else { return nil }
        let offset = Double(oh * 3600 + om * 60)
        return b[i] == 43 ? t - offset : t + offset
    }
}

extension DateParser {
    /// Day number (UTC) of an ISO date or datetime given as raw UTF-8 bytes; nil when it is not one.
    /// `YYYY-MM-DD` takes a fast path with no floating point; longer forms go through
    /// `timestamp(bytes:)` and are floored to the UTC day.
    @inlinable public static func day(bytes b: UnsafeBufferPointer<UInt8>) -> Day? {
        if b.count == 10 {
            guard let base = b.baseAddress else { return nil }
            return day10(base)
        }
        guard b.count > 10, let t = timestamp(bytes: b) else { return nil }
        return Day((t / 86400).rounded(.down))
    }

    /// `YYYY-MM-DD` at `p` (exactly 10 bytes) → day number, nil if malformed or impossible.
    @inlinable @inline(__always)
    public static func day10(_ p: UnsafePointer<UInt8>) -> Day? {
        @inline(__always) func d(_ i: Int) -> UInt32 { UInt32(p[i]) &- 48 }
        let y0 = d(0), y1 = d(1), y2 = d(2), y3 = d(3), m0 = d(5), m1 = d(6), d0 = d(8), d1 = d(9)
        guard p[4] == 45, p[7] == 45, y0 <= 9, y1 <= 9, y2 <= 9, y3 <= 9, m0 <= 9, m1 <= 9, d0 <= 9, d1 <= 9 else { return nil }
        let y = Int(y0 * 1000 + y1 * 100 + y2 * 10 + y3), m = Int(m0 * 10 + m1), dd = Int(d0 * 10 + d1)
        guard m >= 1, m <= 12, dd >= 1, dd <= Civil.daysInMonth(year: y, month: m) else { return nil }
        return Civil.day(year: y, month: m, day: dd)
    }

    /// A `YYYY-MM` month (booked on its first day) or any form `day(bytes:)` accepts.
    @inlinable public static func periodStart(bytes b: UnsafeBufferPointer<UInt8>) -> Day? {
        if b.count == 7, let p = b.baseAddress {
            @inline(__always) func d(_ i: Int) -> Int? { let v = Int(p[i]) - 48; return v >= 0 && v <= 9 ? v : nil }
            guard let y0 = d(0), let y1 = d(1), let y2 = d(2), let y3 = d(3), p[4] == 45, let m0 = d(5), let m1 = d(6)
            else { return nil }
            let m = m0 * 10 + m1
            guard m >= 1, m <= 12 else { return nil }
            return Civil.day(year: y0 * 1000 + y1 * 100 + y2 * 10 + y3, month: m, day: 1)
        }
        return day(bytes: b)
    }
}

/// The dates a dataset may hold: from 1900-01-01 to one year after today (or after `--as-of`, when
/// that is later). Anything outside is a typo or a placeholder (`0001-01-01`, `9999-12-31`) and
/// would size every period-indexed matrix by centuries, so the reader rejects it with file:line.
public enum PlausibleDates {
    public static let earliest: Day = Civil.day(year: 1900, month: 1, day: 1)

    /// Today (UTC) as a day number.
    public static var today: Day {
        Day((Date().timeIntervalSince1970 / 86400).rounded(.down))
    }

    /// The latest plausible date: 366 days after the later of today and `asOf`.
    public static func latest(asOf: Day? = nil) -> Day { max(today, asOf ?? today) + 366 }

    public static func range(asOf: Day? = nil) -> ClosedRange<Day> { earliest ... latest(asOf: asOf) }

    /// "a date from 1900-01-01 to 2026-07-01 (a year after today)".
    public static func expected(_ r: ClosedRange<Day>) -> String {
        "a date from \(Civil.iso(r.lowerBound)) to \(Civil.iso(r.upperBound)) (a year after today or --as-of)"
    }
}
