import Foundation

/// A date or datetime format of an export, as a mapping file gives it (`format:`).
///
/// - `iso` (the default): the ISO 8601 forms tenure's CSV reader accepts.
/// - `unix`, `unix_ms`: seconds or milliseconds since 1970-01-01T00:00:00Z (fractions allowed).
/// - `excel`: a spreadsheet serial day number (day 1 = 1900-01-01 as Excel counts, i.e. 1899-12-30
///   is day 0), fractions are the time of day.
/// - otherwise a strftime-style pattern: `%Y` year (4 digits), `%y` (2 digits: 00–68 → 20xx,
///   69–99 → 19xx), `%m` month, `%d`/`%e` day, `%H` hour (0–23), `%I` hour (1–12) with `%p`
///   (AM/PM), `%M` minute, `%S` second, `%f` fraction of a second, `%z` offset (`Z`, `+01`,
///   `+0100`, `+01:00`), `%Z` a zone name of UTC or GMT, `%b`/`%B` English month name or
///   abbreviation, `%a`/`%A` weekday name (read and ignored), `%F` = `%Y-%m-%d`, `%T` =
///   `%H:%M:%S`, `%%` a percent sign. Numbers may have one digit fewer than their width (`3/7/2024`).
///   A space matches one or more spaces; any other character matches itself. The whole value must
///   match.
public struct DateFormat: Sendable, Equatable, CustomStringConvertible {
    public let pattern: String
    public var description: String { pattern }

    /// A parsed value: the civil day and time of day as written, and its offset from UTC if it had one.
    public struct Parsed: Sendable, Equatable {
        public var day: Day
        public var secondOfDay: Double
        public var offset: Int?
        /// Seconds since the epoch when the value carried its offset (or was an epoch number).
        public var instant: Double? { offset.map { Double(day) * 86400 + secondOfDay - Double($0) } }
    }

    public static let iso = DateFormat(pattern: "iso")

    /// Any pattern; `unknownDirective` says whether it can be read (the mapping parser checks).
    public init(pattern: String) { self.pattern = pattern }

    /// The unknown directive of the pattern, if any (`%Q`).
    public var unknownDirective: String? {
        if ["iso", "unix", "unix_ms", "excel"].contains(pattern) { return nil }
        var it = Array(pattern.utf8)[...]
        while let c = it.popFirst() {
            guard c == 37 else { continue }
            guard let d = it.popFirst() else { return "%" }
            if !Array("YymdeHIpMSfzZbBhaAFT%".utf8).contains(d) { return "%" + String(UnicodeScalar(d)) }
        }
        return nil
    }

    public func parse(_ text: String) -> Parsed? {
        let s = text.trimmingCharacters(in: .whitespaces)
        switch pattern {
        case "iso":
            return Self.parseISO(s)
        case "unix", "unix_ms":
            guard let v = Double(s), v.isFinite else { return nil }
            let t = pattern == "unix" ? v : v / 1000
            let d = (t / 86400).rounded(.down)
            guard abs(d) < 4_000_000 else { return nil }
            return Parsed(day: Day(d), secondOfDay: t - d * 86400, offset: 0)
        case "excel":
            guard let v = Double(s), v.isFinite, v >= 0, v < 3_000_000 else { return nil }
            let d = v.rounded(.down)
            return Parsed(day: Civil.day(year: 1899, month: 12, day: 30) + Day(d), secondOfDay: ((v - d) * 86400).rounded(), offset: nil)
        default:
            return Self.match(Array(pattern.utf8), Array(s.utf8))
        }
    }

    static func parseISO(_ s: String) -> Parsed? {
        guard let t = DateParser.timestamp(from: s) else { return nil }
        // The reader's parser converts to UTC; recover the written offset so "as written" works.
        let offset = isoOffset(s)
        let local = t + Double(offset ?? 0)
        let d = (local / 86400).rounded(.down)
        return Parsed(day: Day(d), secondOfDay: local - d * 86400, offset: offset)
    }

    /// The offset an ISO datetime carries (`Z` = 0), nil when it has none.
    static func isoOffset(_ s: String) -> Int? {
        let b = Array(s.utf8)
        guard b.count > 10 else { return nil }
        if b.last == 90 || b.last == 122 { return 0 }
        var i = b.count - 1
        while i > 10, b[i] != 43, b[i] != 45 { i -= 1 }
        guard i > 10 else { return nil }
        let digits = b[(i + 1)...].filter { $0 != 58 }
        guard digits.count == 2 || digits.count == 4, digits.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
        let v = digits.map { Int($0) - 48 }
        let secs = (v[0] * 10 + v[1]) * 3600 + (digits.count == 4 ? (v[2] * 10 + v[3]) * 60 : 0)
        return b[i] == 43 ? secs : -secs
    }

    static let months = ["january", "february", "march", "april", "may", "june", "july", "august", "september",
                         "october", "november", "december"]
    static let weekdays = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]

    static func match(_ f: [UInt8], _ v: [UInt8]) -> Parsed? {
        var year: Int?, month: Int?, day: Int?, hour = 0, minute = 0, second = 0, frac = 0.0
        var pm: Bool?, twelve = false, offset: Int?
        var i = 0, j = 0
        func number(_ width: Int) -> Int? {
            var n = 0, k = 0
            while k < width, j < v.count, v[j] >= 48, v[j] <= 57 { n = n * 10 + Int(v[j] - 48); j += 1; k += 1 }
            return k >= max(1, width - 1) ? n : nil
        }
        func word(_ names: [String]) -> Int? {
            var k = j
            while k < v.count, (v[k] | 0x20) >= 97, (v[k] | 0x20) <= 122 { k += 1 }
            let w = String(decoding: v[j..<k], as: UTF8.self).lowercased()
            guard w.count >= 3, let idx = names.firstIndex(where: { $0 == w || (w.count == 3 && $0.hasPrefix(w)) }) else { return nil }
            j = k
            if j < v.count, v[j] == 46 { j += 1 }  // "Sept." style abbreviations
            return idx
        }
        var f = f
        // Expand %F and %T once.
        if f.contains(37) {
            var out: [UInt8] = []
            var k = 0
            while k < f.count {
                if f[k] == 37, k + 1 < f.count, f[k + 1] == 70 { out += Array("%Y-%m-%d".utf8); k += 2 }
                else if f[k] == 37, k + 1 < f.count, f[k + 1] == 84 { out += Array("%H:%M:%S".utf8); k += 2 }
                else { out.append(f[k]); k += 1 }
            }
            f = out
        }
        while i < f.count {
            let c = f[i]
            if c == 32 {
                guard j < v.count, v[j] == 32 else { return nil }
                while j < v.count, v[j] == 32 { j += 1 }
                while i < f.count, f[i] == 32 { i += 1 }
                continue
            }
            if c != 37 {
                guard j < v.count, v[j] == c else { return nil }
                i += 1; j += 1
                continue
            }
            guard i + 1 < f.count else { return nil }
            let d = f[i + 1]
            i += 2
            switch d {
            case 89: guard let y = number(4) else { return nil }; year = y                     // Y
            case 121: guard let y = number(2) else { return nil }; year = y < 69 ? 2000 + y : 1900 + y  // y
            case 109: guard let m = number(2) else { return nil }; month = m                   // m
            case 100, 101:                                                                     // d e
                if d == 101, j < v.count, v[j] == 32 { j += 1 }
                guard let x = number(2) else { return nil }; day = x
            case 72: guard let h = number(2), h < 24 else { return nil }; hour = h             // H
            case 73: guard let h = number(2), h >= 1, h <= 12 else { return nil }; hour = h; twelve = true  // I
            case 112:                                                                          // p
                guard j + 1 < v.count else { return nil }
                let a = v[j] | 0x20, b = v[j + 1] | 0x20
                guard (a == 97 || a == 112), b == 109 else { return nil }
                pm = a == 112; j += 2
            case 77: guard let m = number(2), m < 60 else { return nil }; minute = m           // M
            case 83: guard let s = number(2), s <= 60 else { return nil }; second = s          // S
            case 102:                                                                          // f
                var scale = 0.1, any = false
                while j < v.count, v[j] >= 48, v[j] <= 57 { frac += Double(v[j] - 48) * scale; scale /= 10; j += 1; any = true }
                guard any else { return nil }
            case 122:                                                                          // z
                guard j < v.count else { return nil }
                if v[j] == 90 || v[j] == 122 { offset = 0; j += 1; break }
                guard v[j] == 43 || v[j] == 45 else { return nil }
                let sign = v[j] == 43 ? 1 : -1
                j += 1
                guard let h = number(2), h < 24 else { return nil }
                var m = 0
                if j < v.count, v[j] == 58 { j += 1 }
                if j < v.count, v[j] >= 48, v[j] <= 57 { guard let x = number(2), x < 60 else { return nil }; m = x }
                offset = sign * (h * 3600 + m * 60)
            case 90:                                                                           // Z
                let rest = String(decoding: v[j...].prefix(3), as: UTF8.self).uppercased()
                guard rest == "UTC" || rest == "GMT" else { return nil }
                j += 3; offset = 0
            case 98, 66, 104: guard let m = word(months) else { return nil }; month = m + 1    // b B h
            case 97, 65: guard word(weekdays) != nil else { return nil }                       // a A
            case 37: guard j < v.count, v[j] == 37 else { return nil }; j += 1                 // %%
            default: return nil
            }
        }
        guard j == v.count, let y = year, let m = month, let dd = day, m >= 1, m <= 12,
              dd >= 1, dd <= Civil.daysInMonth(year: y, month: m) else { return nil }
        if twelve {
            guard let pm else { return nil }
            hour = hour % 12 + (pm ? 12 : 0)
        }
        return Parsed(day: Civil.day(year: y, month: m, day: dd),
                      secondOfDay: Double(hour * 3600 + minute * 60 + second) + frac, offset: offset)
    }

    /// Formats a mapping file could name for `value`, most specific first; the first that parses
    /// it is suggested in errors ("set `format: …`").
    public static let common: [String] = [
        "%Y-%m-%d %H:%M:%S %z", "%Y-%m-%d %H:%M:%S%z", "%Y-%m-%d %H:%M:%S %Z", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M",
        "%Y/%m/%d %H:%M:%S", "%Y/%m/%d", "%m/%d/%Y %H:%M:%S", "%m/%d/%Y %H:%M", "%m/%d/%Y %I:%M %p", "%m/%d/%Y",
        "%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%Y", "%d.%m.%Y %H:%M:%S", "%d.%m.%Y %H:%M", "%d.%m.%Y", "%d-%m-%Y",
        "%b %d, %Y %I:%M %p", "%b %d, %Y", "%B %d, %Y", "%d %b %Y", "%d %B %Y", "%a, %d %b %Y %H:%M:%S %z",
    ]

    /// A format that reads `value` (nil when none of `common`, `unix` or `unix_ms` does).
    public static func guess(_ value: String) -> String? {
        let s = value.trimmingCharacters(in: .whitespaces)
        if DateParser.timestamp(from: s) != nil { return "iso" }
        if let v = Double(s), v == v.rounded(), v > 0 {
            if v >= 1e11 && v < 1e13 { return "unix_ms" }
            if v >= 1e8 && v < 1e10 { return "unix" }
        }
        return common.first { DateFormat(pattern: $0).parse(s) != nil }
    }
}
