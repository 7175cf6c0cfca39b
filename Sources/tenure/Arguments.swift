import ArgumentParser
import Foundation
import TenureCohorts
import TenureData
import TenureKPIs
import TenureLifetime
import TenureReport
import TenureSurvival
import TenureSynth
import TenureWarehouse

// How command-line text becomes typed values: each option is parsed once, by the parser, into the
// type the analysis takes (no string is checked in `validate()` and parsed again later).
//
// Enumerations are `ExpressibleByArgument` + `CaseIterable`: `--help` lists their values and a bad
// value is refused as "The value 'x' is invalid for '--option <value>'. Please provide one of …".
// The retroactive conformances of the library enums are all in this file.
//
// Values with a syntax (durations, dates, lists) are parsed by the `Arguments` functions below,
// used as `@Option(transform:)`; their error says what is wrong and shows the form, after the
// parser's "The value 'x' is invalid for '--option <value>':".

extension OutputFormat: ExpressibleByArgument {}
extension LoadOptions.OnInvalid: ExpressibleByArgument {}

extension CalendarPeriod: ExpressibleByArgument {}
extension CohortWindow: ExpressibleByArgument {}
extension CohortOptions.CohortBy: ExpressibleByArgument {}
extension CohortOptions.Metric: ExpressibleByArgument {}
extension CohortOptions.Retention: ExpressibleByArgument {}
extension CohortOptions.RelativeTo: ExpressibleByArgument {}

extension CoxTies: ExpressibleByArgument {}
extension ConfidenceType: ExpressibleByArgument {}

extension TimeUnit: ExpressibleByArgument {}
extension Dialect: ExpressibleByArgument {}

/// Parsers of the options whose values have a syntax. Each throws a `ValidationError` that names
/// the option, shows the value and says how to write it.
enum Arguments {
    /// A duration with a unit (`90d`, `12w`, `6m`, `1y`), optionally at least a day, at most `atMostDays`.
    static func duration(_ option: String, atLeastADay: Bool = false, atMostDays: (Double, String)? = nil)
        -> @Sendable (String) throws -> TimeSpan {
        { text in
            let d = try tenure.duration(text, option: option)
            if atLeastADay, d.days < 1 {
                throw ValidationError("\(option) must be at least a day; got \(text).")
            }
            if let (hi, words) = atMostDays, d.days > hi {
                throw ValidationError("\(option) must be at most \(words); got \(text).")
            }
            return d
        }
    }

    /// A comma-separated list of durations (`30d,90d,1y`).
    static func durations(_ option: String) -> @Sendable (String) throws -> [TimeSpan] {
        { text in
            guard let list = TimeSpan.list(text) else {
                throw ValidationError("\(option) '\(text)' is not a list of durations; write it like 30d,90d,1y.")
            }
            return list
        }
    }

    /// An ISO date (`2024-06-30`).
    static func date(_ option: String) -> @Sendable (String) throws -> Day {
        { try tenure.isoDate($0, option: option) }
    }

    /// A comma-separated list of column names, none twice.
    static func columns(_ option: String, example: String) -> @Sendable (String) throws -> [String] {
        { text in
            let names = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            guard !names.isEmpty else { throw ValidationError("\(option) needs at least one column name, e.g. \(option) \(example).") }
            var seen = Set<String>()
            for n in names where !seen.insert(n).inserted { throw ValidationError("\(option) names '\(n)' twice.") }
            return names
        }
    }

    /// A column name (not blank).
    static func column(_ option: String) -> @Sendable (String) throws -> String {
        { text in
            guard !text.trimmingCharacters(in: .whitespaces).isEmpty else { throw ValidationError("\(option) needs a column name.") }
            return text
        }
    }
}
