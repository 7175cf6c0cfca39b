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

/// A length of time typed by a person: a positive number followed by `d`, `w`, `m` or `y`
/// (a bare number means days). `Duration.days` is the exact length in days.
public struct Duration: Sendable, Codable, Equatable, CustomStringConvertible {
    public var value: Double
    public var unit: TimeUnit

    public init(value: Double, unit: TimeUnit) { self.value = value; self.unit = unit }

    /// Parses `90d`, `12w`, `6m`, `1.5y`, `30` (days); nil when malformed or not positive.
    public init?(parsing text: String) {
        var s = text.trimmingCharacters(in: .whitespaces).lowercased()
        guard !s.isEmpty else { return nil }
        var unit = TimeUnit.day
        let suffixes: [(String, TimeUnit)] = [("days", .day), ("day", .day), ("d", .day),
                                              ("weeks", .week), ("week", .week), ("w", .week),
                                              ("months", .month), ("month", .month), ("mo", .month), ("m", .month),
                                              ("years", .year), ("year", .year), ("y", .year)]
        for (suffix, u) in suffixes where s.hasSuffix(suffix) {
            s.removeLast(suffix.count); unit = u; break
        }
        guard let v = Double(s.trimmingCharacters(in: .whitespaces)), v.isFinite, v > 0 else { return nil }
        self.value = v; self.unit = unit
    }

    /// Parses a comma-separated list (`30d,90d,365d`).
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
