import ArgumentParser
import Foundation
import TenureData
import TenureLifetime
import TenureRegression
import TenureReport

struct CLV: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clv",
        abstract: "Customer lifetime value: BTYD repeat-purchase models + Gamma-Gamma spend, regression CLV, holdout validation, per segment.",
        discussion: """
        Transactions are summarised per customer as lifetimes does \
        (summary_data_from_transaction_data, calibration_and_holdout_data), in \
        periods of --time-unit: day; week = ISO week, Monday to Sunday; month = \
        calendar month; year = calendar year (BG/BB on yearly data).
          frequency  repeat purchase periods: distinct periods with a purchase,
                     minus one (purchases in one period count once, amounts add up)
          recency    last purchase period − first purchase period (0: no repeat)
          T          calibration end's period − first purchase period (the age)
          monetary   mean spend of the repeat periods (first purchase left out;
                     0 without a repeat)
        Only customers with a purchase on or before --calibration-end are \
        modelled; transactions after it (up to --as-of) are the holdout.

        --time-scale continuous is the BTYD papers' and R BTYD's clock instead: purchases are \
        grouped by day (frequency = distinct purchase days − 1) and recency, T and the horizon are \
        days / 7 for week (/ 30.4375 for month, / 365.25 for year), as lifetimes with freq="D", \
        freq_multiplier=7. The two differ most for short lives and few purchases: on the calendar \
        scale a purchase on Sunday and one on the next Monday are a week apart and two on one week's \
        Monday and Sunday are one period; on the continuous scale they are 1/7 and 6/7 of a week. \
        Parameters are per week either way, but only continuous-time estimates compare with the \
        papers' (e.g. CDNOW's r = 0.243, alpha = 4.41 per week).

        Models (maximum likelihood on the distinct (frequency, recency, T) patterns, analytic gradients, \
        standard errors from the Hessian): bgnbd (BG/NBD), pareto-nbd (Pareto/NBD), mbgnbd (MBG/NBD), \
        bgbb (BG/BB: each period is one transaction opportunity; use week or month). pareto-nbd uses the \
        closed form (Gauss hypergeometric function) of Fader & Hardie's note. A fit whose likelihood \
        keeps rising towards an edge of the parameter space (e.g. Pareto/NBD's beta → ∞: every \
        customer has the same dropout rate) is reported as that limiting model, with a note, its \
        finite parameters and the log-likelihood at the search bound. Spend: Gamma-Gamma \
        on customers with a repeat purchase and positive mean repeat spend. --model regression puts the \
        regression comparison first (the probabilistic model is BG/NBD).

        Per customer: P(alive), expected repeat purchases over --horizon, expected spend per purchase, \
        CLV = expected spend × Σ purchases expected in each month-long step of the horizon, discounted \
        at --discount-rate (annual) to the end of the step. Durations: 30d, 26w, 12m, 2y (m = 365.25/12 \
        days, y = 365.25 days).

        Intervals: the segment table's "95%" intervals are customer-to-customer variation given the \
        fitted parameters. The "parameters" intervals carry the estimation uncertainty of the \
        parameters: --draws sets of BG/NBD (or --model's) and Gamma-Gamma parameters are drawn from \
        the asymptotic normal of their log-parameters (inverse Hessian), every customer's CLV is \
        recomputed per draw, and the 2.5th and 97.5th percentiles of each segment's mean and total \
        are reported (with --scores also per customer: clv_lower, clv_upper). --draws 0 skips them.

        With a holdout: per-customer errors, the cumulative repeat-purchase tracking curve (forecast vs \
        actual), mean holdout purchases by calibration frequency, and the regression models (OLS, \
        ridge with λ by 5-fold CV, log-link GLM by IRLS) on RFM features, segment dummies and numeric \
        customer columns, trained on 70% of the customers and scored with the probabilistic model on \
        the same 30%.

        A fit that does not converge or cannot identify its parameters (e.g. no repeat purchases) stops \
        with "model fit failed" and exit code 70.

        Examples:
          tenure clv data/
          tenure clv data/ --calibration-end 2024-12-31 --time-unit week --horizon 12m --by segment
          tenure clv data/ --model pareto-nbd --discount-rate 0.08 --scores scores.csv --format json -o clv.json
          tenure clv data/ --calibration-end 2024-06-30 --model regression --format md
          tenure clv data/ --calibration-end 2024-06-30 --compare-models
          tenure clv data/ --time-scale continuous --draws 500 --seed 7 --by segment
        """)

    @OptionGroup var data: DataOptions

    @Option(help: "Repeat-purchase model; regression: the regression comparison first (BG/NBD underneath).")
    var model: CLVModel = .purchase(.bgnbd)

    @Option(help: "Spend model (none: purchases only, no CLV).")
    var spend: SpendModel = .gammaGamma

    @Option(name: .customLong("calibration-end"),
            help: ArgumentHelp("Last day of the calibration period (ISO date); later transactions are the holdout. Default: no holdout.", valueName: "date"),
            transform: Arguments.date("--calibration-end"))
    var calibrationEnd: Day?

    @Option(name: .customLong("time-unit"), help: "Period of the RFM summary and the models.")
    var timeUnit: TimeUnit = .week

    @Option(name: .customLong("time-scale"), help: "calendar: periods of --time-unit (lifetimes' default); continuous: days / the unit's length (the BTYD papers).")
    var timeScale: TimeScale = .calendar

    enum TimeScale: String, CaseIterable, ExpressibleByArgument { case calendar, continuous }

    @OptionGroup var value: ValueOptions

    @Option(help: "Aggregate per segment of this column (customers.csv, or segment/channel/category/product of the first transaction).")
    var by: String?

    @Option(help: "Regression comparison — auto: with a holdout; on: always (needs --calibration-end); off: never.")
    var regression: RegressionChoice = .auto

    @Flag(name: .customLong("compare-models"), help: "Also fit every repeat-purchase model and validate each on the holdout.")
    var compareModels = false

    @Option(help: "Write per-customer scores (RFM, P(alive), expected purchases, CLV, holdout errors) to this CSV file.")
    var scores: String?

    @Option(help: "Parameter draws for the CLV intervals that carry parameter uncertainty (0: none).")
    var draws: Int = 200

    @Option(help: "Seed of the parameter draws, the regression train/test split and CV folds.")
    var seed: UInt64 = 2024

    @OptionGroup var timing: TimingOptions

    @OptionGroup var output: OutputOptions

    @OptionGroup(title: "Warehouse mode") var warehouse: WarehouseOptions

    /// `--model`: a repeat-purchase model, or `regression` (its comparison is the headline; BG/NBD underneath).
    enum CLVModel: Equatable, ExpressibleByArgument {
        case purchase(PurchaseModelKind)
        case regression

        static let aliases: [String: PurchaseModelKind] = ["paretonbd": .paretoNBD, "pnbd": .paretoNBD, "bg-nbd": .bgnbd,
                                                           "mbg-nbd": .mbgnbd, "bg-bb": .bgbb]

        init?(argument: String) {
            let name = argument.lowercased()
            if name == "regression" { self = .regression; return }
            guard let kind = PurchaseModelKind(rawValue: name) ?? Self.aliases[name] else { return nil }
            self = .purchase(kind)
        }

        static var allValueStrings: [String] { PurchaseModelKind.allCases.map(\.rawValue) + ["regression"] }
        static var defaultCompletionKind: CompletionKind { .list(allValueStrings) }

        var name: String {
            switch self { case .purchase(let k): return k.rawValue; case .regression: return "regression" }
        }
        var defaultValueDescription: String { name }
        /// The probabilistic model fitted (regression CLV is compared against BG/NBD).
        var purchaseModel: PurchaseModelKind {
            switch self { case .purchase(let k): return k; case .regression: return .bgnbd }
        }
    }

    enum SpendModel: String, CaseIterable, ExpressibleByArgument {
        case gammaGamma = "gamma-gamma", none
    }

    enum RegressionChoice: String, CaseIterable, ExpressibleByArgument {
        case auto, on, off
        var setting: CLVOptions.Regression {
            switch self { case .auto: return .auto; case .on: return .required; case .off: return .off }
        }
    }

    func validate() throws {
        if model == .regression && regression == .off {
            throw ValidationError("--model regression needs the regression comparison; drop --regression off.")
        }
        if draws < 0 || draws > 100_000 {
            throw ValidationError("--draws \(draws): give 0 (no parameter-uncertainty intervals) to 100000; 200 is plenty for 95% intervals.")
        }
        if (model == .regression || regression == .on) && calibrationEnd == nil {
            throw ValidationError("regression CLV is trained on holdout spend: give --calibration-end (a date before the end of the data).")
        }
    }

    func run() throws {
        try reportingErrors {
            if try runInWarehouse() { return }
            let clock = timing.clock()
            let dataset = try data.load(rejectsNextTo: output.output)
            clock.lap("load")
            var o = CLVOptions()
            o.headline = model.name
            o.lifetime.model = model.purchaseModel
            o.lifetime.gammaGamma = spend == .gammaGamma
            o.lifetime.horizonDays = value.horizonDays
            o.lifetime.annualDiscountRate = value.discountRate
            o.lifetime.segmentColumn = by
            o.lifetime.rfm = RFMOptions(timeUnit: timeUnit, calibrationEnd: calibrationEnd, observationEnd: dataset.asOf,
                                        continuous: timeScale == .continuous)
            o.regression = model == .regression ? .required : regression.setting
            o.compareModels = compareModels
            o.seed = seed
            o.lifetime.uncertainty = ParameterDrawOptions(draws: draws, seed: seed, perCustomer: scores != nil)
            if let c = o.lifetime.rfm.calibrationEnd, c >= dataset.asOf {
                throw ValidationError("--calibration-end \(Civil.iso(c)) must be before the end of observation \(Civil.iso(dataset.asOf)) (the holdout would be empty).")
            }
            let summary = try RFMSummary(dataset: dataset, options: o.lifetime.rfm)
            let segments = try by.map { try CustomerSegments(dataset: dataset, column: $0) }
            clock.lap("rfm summary (\(summary.count) customers)")
            // Fits and parameter draws that run longer than a second show their progress on a terminal's stderr.
            let progress = ProgressBar(total: 1, mode: ProgressBar.mode(whenNotTerminal: .silent))
            let r = try FitProgress.reporting(to: { message, seconds in
                if seconds > 1 { progress.note(message) }
            }) {
                try CLVAnalysis.run(summary: summary, dataset: dataset, segments: segments, options: o)
            }
            progress.finish()
            clock.lap("models and per-customer CLV")
            if let scores {
                try CLVScoresCSV.write(r.scores, to: scores)
                clock.lap("scores csv")
            }
            try output.emit(r.result, lead: model == .regression ? "clv_regression_comparison" : nil)
            clock.lap("render")
        }
    }
}
