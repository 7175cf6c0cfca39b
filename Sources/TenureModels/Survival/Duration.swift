/// Durations on the command line (`90d`, `12w`, `6m`, `1y`) and the unit results are reported in.
///
/// Contract: every survival time is computed in **days** (differences of `Day` numbers). A month is
/// the mean Gregorian month, 30.4375 days; a year is 365.25 days; a week is 7 days. Reporting in
/// another unit divides times by that many days (survival probabilities and hazard ratios do not change).
public enum TimeUnit: String, Sendable, Codable, CaseIterable {
    case day, week, month, year

    /// Length of one unit in days.
    public var days: Double {
        switch self {
        case .day: return 1
        case .week: return 7
        case .month: return 30.4375
        case .year: return 365.25
        }
    }

    /// Plural label for table headers.
    public var plural: String { rawValue + "s" }
}

/// A length of time typed by a person: a positive number followed by a unit, `d`, `w`, `m` or `y`
/// (also `day(s)`, `week(s)`, `mo`, `month(s)`, `year(s)`). A bare number is refused: `12` could mean
/// days, weeks or months. `Duration.days` is the exact length in days. This is the one parser of
/// every duration option (`--churn-after`, `--horizon`, `--horizons`, `--tau`).
public struct Duration: Sendable, Codable, Equatable, CustomStringConvertible {
    public var value: Double
    public var unit: TimeUnit

    public init(value: Double, unit: TimeUnit) { self.value = value; self.unit = unit }

    /// Parses `90d`, `12w`, `6m`, `1.5y`, `2 months`; nil when malformed, unit-less or not positive.
    public init?(parsing text: String) {
        guard case .success(let d) = Duration.parse(text) else { return nil }
        self = d
    }

    /// Parses like `init?(parsing:)`, saying what is wrong: the message names the option, shows the
    /// value and gives examples (`--horizon '12' has no unit: write 12m (months), 52w (weeks) or 365d (days)`).
    public static func parse(_ text: String, option: String = "duration") -> Result<Duration, DurationError> {
        var s = text.trimmingCharacters(in: .whitespaces).lowercased()
        let examples = "write it like 90d, 12w, 6m or 1y"
        guard !s.isEmpty else { return .failure(DurationError("\(option) needs a duration; \(examples)")) }
        var unit: TimeUnit?
        let suffixes: [(String, TimeUnit)] = [("days", .day), ("day", .day), ("d", .day),
                                              ("weeks", .week), ("week", .week), ("w", .week),
                                              ("months", .month), ("month", .month), ("mo", .month), ("m", .month),
                                              ("years", .year), ("year", .year), ("y", .year)]
        for (suffix, u) in suffixes where s.hasSuffix(suffix) {
            s.removeLast(suffix.count); unit = u; break
        }
        let number = s.trimmingCharacters(in: .whitespaces)
        guard let v = Double(number), v.isFinite else {
            return .failure(DurationError("\(option) '\(text)' is not a duration; \(examples)"))
        }
        guard v > 0 else { return .failure(DurationError("\(option) '\(text)' must be positive; \(examples)")) }
        guard let unit else {
            let n = number
            return .failure(DurationError("\(option) '\(text)' has no unit: write \(n)m (months), \(n)w (weeks) or \(n)d (days)"))
        }
        return .success(Duration(value: v, unit: unit))
    }

    /// Parses a comma-separated list (`30d,90d,365d`); nil when any part is not a duration.
    public static func list(_ text: String) -> [Duration]? {
        var out: [Duration] = []
        for part in text.split(separator: ",") {
            guard let d = Duration(parsing: String(part)) else { return nil }
            out.append(d)
        }
        return out.isEmpty ? nil : out
    }

    public var days: Double { value * unit.days }

    public var description: String {
        let v = value == value.rounded() ? String(Int(value)) : String(value)
        switch unit { case .day: return v + "d"; case .week: return v + "w"; case .month: return v + "m"; case .year: return v + "y" }
    }
}

import Foundation

/// Why a duration option was refused, phrased for a person (the CLI shows it as a usage error).
public struct DurationError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ d: String) { description = d }
}
