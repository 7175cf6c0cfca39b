import Foundation

/// A length of time typed by a person: a positive number followed by a unit. This is the one parser
/// of every duration the user writes — `--churn-after`, `--horizon`, `--horizons`, `--tau`, the KPI
/// SLA thresholds (`--sla-response 4h`) and the scenario file's `horizon: 24 months`.
///
/// Units (case-insensitive, a space before the unit allowed): `min`, `mins`, `minute(s)`;
/// `h`, `hour(s)`; `d`, `day(s)`; `w`, `week(s)`; `m`, `mo`, `month(s)`; `y`, `yr`, `year(s)`.
/// A month is `Civil.daysPerMonth` (30.4375 days), a year `Civil.daysPerYear` (365.25 days).
/// Each caller says which units it takes and what a bare number means: by default only the
/// calendar units and no bare number (`12` could mean days, weeks or months).
public struct TimeSpan: Sendable, Codable, Equatable, CustomStringConvertible {
    public enum Unit: String, Sendable, Codable, CaseIterable {
        case minute, hour, day, week, month, year

        /// Day, week, month and year: what every duration option of an analysis takes.
        public static let calendar: Set<Unit> = [.day, .week, .month, .year]

        public init(_ u: TimeUnit) {
            switch u { case .day: self = .day; case .week: self = .week; case .month: self = .month; case .year: self = .year }
        }

        /// Suffixes, longest first where one ends another (`months` before `m`, `min` before `m`).
        static let suffixes: [(String, Unit)] = [
            ("days", .day), ("day", .day), ("d", .day),
            ("weeks", .week), ("week", .week), ("w", .week),
            ("months", .month), ("month", .month), ("mo", .month),
            ("minutes", .minute), ("minute", .minute), ("mins", .minute), ("min", .minute), ("m", .month),
            ("hours", .hour), ("hour", .hour), ("h", .hour),
            ("years", .year), ("year", .year), ("yr", .year), ("y", .year),
        ]

        var short: String {
            switch self { case .minute: return "min"; case .hour: return "h"; case .day: return "d"; case .week: return "w"; case .month: return "m"; case .year: return "y" }
        }
    }

    public var value: Double
    public var unit: Unit

    public init(value: Double, unit: Unit) { self.value = value; self.unit = unit }

    /// Parses `90d`, `12w`, `6m`, `1.5y`, `2 months` (calendar units, a unit required); nil when
    /// malformed, unit-less or not positive.
    public init?(parsing text: String) {
        guard case .success(let d) = TimeSpan.parse(text) else { return nil }
        self = d
    }

    /// Parses like `init?(parsing:)`, saying what is wrong: the message names the option, shows the
    /// value and gives examples (`--horizon '12' has no unit: write 12m (months), 12w (weeks) or 12d (days)`).
    /// `units` are the units accepted (another unit is "not a duration"); `bare` is the unit of a
    /// number written without one (nil: refused).
    public static func parse(_ text: String, option: String = "duration", units: Set<Unit> = Unit.calendar,
                             bare: Unit? = nil) -> Result<TimeSpan, TimeSpanError> {
        var s = text.trimmingCharacters(in: .whitespaces).lowercased()
        let examples = "write it like 90d, 12w, 6m or 1y"
        guard !s.isEmpty else { return .failure(TimeSpanError(.empty, "\(option) needs a duration; \(examples)")) }
        var unit: Unit?
        for (suffix, u) in Unit.suffixes where s.hasSuffix(suffix) {
            s.removeLast(suffix.count); unit = u; break
        }
        let number = s.trimmingCharacters(in: .whitespaces)
        guard let v = Double(number), v.isFinite, unit.map(units.contains) ?? true else {
            return .failure(TimeSpanError(.notADuration, "\(option) '\(text)' is not a duration; \(examples)"))
        }
        guard v > 0 else { return .failure(TimeSpanError(.notPositive, "\(option) '\(text)' must be positive; \(examples)")) }
        guard let unit = unit ?? bare else {
            let n = number
            return .failure(TimeSpanError(.noUnit, "\(option) '\(text)' has no unit: write \(n)m (months), \(n)w (weeks) or \(n)d (days)"))
        }
        return .success(TimeSpan(value: v, unit: unit))
    }

    /// Parses a comma-separated list (`30d,90d,365d`) of calendar durations; nil when any part is not one.
    public static func list(_ text: String) -> [TimeSpan]? {
        var out: [TimeSpan] = []
        for part in text.split(separator: ",") {
            guard let d = TimeSpan(parsing: String(part)) else { return nil }
            out.append(d)
        }
        return out.isEmpty ? nil : out
    }

    /// The length in days (`6m` = 6 × 30.4375).
    public var days: Double {
        switch unit {
        case .minute: return value / 1440
        case .hour: return value / 24
        case .day: return value
        case .week: return value * 7
        case .month: return value * Civil.daysPerMonth
        case .year: return value * Civil.daysPerYear
        }
    }

    /// The length in hours (`30min` = 0.5).
    public var hours: Double {
        switch unit {
        case .minute: return value / 60
        case .hour: return value
        default: return days * 24
        }
    }

    /// The length in months for month and year spans (`2y` = 24), nil for shorter units.
    public var months: Double? {
        switch unit {
        case .month: return value
        case .year: return value * 12
        default: return nil
        }
    }

    public var description: String {
        let v = value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
        return v + unit.short
    }
}

/// Why a duration was refused, phrased for a person (the CLI shows it as a usage error).
public struct TimeSpanError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable { case empty, notADuration, notPositive, noUnit }
    public var kind: Kind
    public var description: String
    public init(_ kind: Kind, _ d: String) { self.kind = kind; description = d }
}
