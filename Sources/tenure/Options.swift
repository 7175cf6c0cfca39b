import ArgumentParser
import Foundation
import TenureData
import TenureSurvival

// Options shared by several commands: one declaration and one parser each, so `tenure report`
// takes exactly what the analyses it runs take, spelled and checked the same way.

/// Parses a duration option (`--horizon 12m`): a unit is required; the error names the option.
func duration(_ text: String, option: String) throws -> TimeSpan {
    switch TimeSpan.parse(text, option: option) {
    case .success(let d): return d
    case .failure(let e): throw ValidationError(e.description + ".")
    }
}

/// Parses an ISO date option; the error names the option and shows the form.
func isoDate(_ text: String, option: String) throws -> Day {
    guard let d = DateParser.day(from: text) else {
        throw ValidationError("\(option) '\(text)' is not an ISO date; write it like 2024-06-30.")
    }
    return d
}

/// The value settings of CLV (`clv`, the KPI `clv`, the report): horizon and discount rate.
struct ValueOptions: ParsableArguments {
    static let defaultHorizon = TimeSpan(value: 12, unit: .month)

    @Option(parsing: .unconditional,
            help: ArgumentHelp("Forecast horizon of expected purchases and CLV, with a unit: 12m, 52w, 365d, 2y (m = \(Civil.daysPerMonth) days; default: \(ValueOptions.defaultHorizon)).",
                               valueName: "duration"),
            transform: Arguments.duration("--horizon", atMostDays: (Civil.daysPerYear * 100, "100 years")))
    var horizon = ValueOptions.defaultHorizon

    @Option(name: .customLong("discount-rate"), help: "Annual discount rate of CLV, 0 ≤ r < 1 (0.10 = 10% a year).")
    var discountRate: Double = 0.10

    func validate() throws {
        guard discountRate >= 0, discountRate < 1 else {
            throw ValidationError("--discount-rate must be an annual rate in [0, 1), e.g. 0.10 for 10%; got \(discountRate).")
        }
    }

    /// The horizon in days.
    var horizonDays: Double { horizon.days }
}

/// `--churn-after` of `kpis` and `report`: how long without a purchase a customer counts as churned.
struct ActivityWindowOption: ParsableArguments {
    static let defaultWindow = TimeSpan(value: 90, unit: .day)

    @Option(name: .customLong("churn-after"),
            help: ArgumentHelp("Non-contractual activity window: no purchase for this long = churned (90d, 12w, 3m; m = 30.4375 days; default: \(ActivityWindowOption.defaultWindow)).",
                               valueName: "duration"),
            transform: Arguments.duration("--churn-after", atLeastADay: true))
    var churnAfter = ActivityWindowOption.defaultWindow

    /// The window in whole days.
    var days: Int { Int(churnAfter.days.rounded()) }
}

/// `--gross-margin`: the share of revenue kept, for CLV, CAC payback and ROI.
struct MarginOption: ParsableArguments {
    @Option(name: .customLong("gross-margin"), help: "Gross margin in (0, 1] for CLV, CAC payback and ROI (without it CLV is in revenue terms and ROI is unavailable).")
    var grossMargin: Double?

    func validate() throws {
        if let m = grossMargin, !(m > 0 && m <= 1) {
            throw ValidationError("--gross-margin must be in (0, 1], got \(m); write 35% as 0.35.")
        }
    }
}
