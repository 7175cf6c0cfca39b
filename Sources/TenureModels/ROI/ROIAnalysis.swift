import TenureData
import TenureNumerics

/// `tenure roi`: every scenario of a scenario file evaluated against the baseline fitted on the
/// data, with Monte Carlo intervals, a ranking, tornado sensitivities and break-even effect sizes,
/// plus the realised uplift of past initiatives found in customers.csv.
public struct ROIResult: Sendable, Codable {
    public struct BaselineSummary: Sendable, Codable {
        public var segment: String
        public var customers: Int
        public var aliveNow: Double
        public var newPerMonth: Double
        public var meanSpend: Double
        public var activeSubscriptions: Double
        /// Fitted parameters by conventional name (`bgnbd.r`, …, `gg.p`, …, `sbg.alpha`, …).
        public var parameters: [String: Double]
        public var standardErrors: [String: Double]
        enum CodingKeys: String, CodingKey {
            case segment, customers, aliveNow = "alive_now", newPerMonth = "new_per_month", meanSpend = "mean_spend",
                 activeSubscriptions = "active_subscriptions", parameters, standardErrors = "standard_errors"
        }
    }

    public struct ScenarioResult: Sendable, Codable {
        public var name: String
        public var segment: String
        public var horizonMonths: Int
        public var discountRate: Double
        public var grossMargin: Double
        /// Every input at its center value, parameters at their estimates.
        public var expected: ScenarioOutcome
        public var simulation: MonteCarlo.Summary?
        /// Multiplier on all effects at which NPV = 0 (nil: not reached up to 1000×).
        public var breakEvenScale: Double?
        /// Each effect's value at break-even (center × scale), by effect name.
        public var breakEvenEffects: [String: Double]
        public var tornado: [TornadoBar]
        /// 1 = best (highest mean simulated NPV, or expected NPV without simulation).
        public var rank: Int
        enum CodingKeys: String, CodingKey {
            case name, segment, horizonMonths = "horizon_months", discountRate = "discount_rate", grossMargin = "gross_margin",
                 expected, simulation, breakEvenScale = "break_even_scale", breakEvenEffects = "break_even_effects",
                 tornado, rank
        }
    }

    public var asOf: String
    public var simulations: Int
    public var seed: UInt64
    public var costTiming: String
    public var marginTiming: String
    public var baselines: [BaselineSummary]
    public var scenarios: [ScenarioResult]
    public var pastInitiatives: [InitiativeUplift]
    /// Past initiatives: days without purchase after which a customer counts as not retained.
    public var retentionWindowDays: Int
    /// How the numbers were made, for the reader.
    public var method: String

    enum CodingKeys: String, CodingKey {
        case asOf = "as_of", simulations, seed, costTiming = "cost_timing", marginTiming = "margin_timing",
             baselines, scenarios, pastInitiatives = "past_initiatives", retentionWindowDays = "retention_window_days", method
    }
}

public enum ROIAnalysis {
    public struct Options: Sendable {
        public var simulations = 10_000
        public var seed: UInt64 = 1
        public init(simulations: Int = 10_000, seed: UInt64 = 1) {
            self.simulations = simulations; self.seed = seed
        }
    }

    public static let method = """
    Baselines: BG/NBD (purchases) and Gamma-Gamma (spend) fitted per targeted segment, sBG fitted on \
    subscription lifetimes. Churn reduction c scales every dropout probability and churn hazard by (1 − c); \
    frequency lift f scales every purchase rate by (1 + f); both act exactly as time-rescalings of the fitted \
    curves. Costs are paid at the start of each month and margins earned at its end unless the file says \
    otherwise; discounting is monthly at (1 + annual rate)^(1/12) − 1; ROI = NPV / PV(costs). Monte Carlo draws \
    effects and costs from their ranges and model parameters from their asymptotic normal (Cholesky of the \
    covariance), propagated to the curves to first order; every scenario uses the same random numbers.
    """

    /// Runs the scenarios. `baselineFor(segment, months)` builds the baseline of a segment (nil = all
    /// customers) with curves reaching at least `months` months.
    public static func run(_ file: ScenarioFile, inputs: ROIInputs, options: Options,
                           baselineFor: (String?, Double) throws -> (Baseline, ROIResult.BaselineSummary)) throws -> ROIResult {
        var cache: [String: (Baseline, ROIResult.BaselineSummary)] = [:]
        var results: [ROIResult.ScenarioResult] = []
        let timing = (cost: file.costTiming, margin: file.marginTiming)
        for s in file.scenarios {
            let key = s.segment ?? "\u{0}all"
            if cache[key] == nil { cache[key] = try baselineFor(s.segment, reachNeeded(file, segment: s.segment)) }
            let (baseline, _) = cache[key]!
            let expected = Projection.evaluate(s, timing: timing, baseline: baseline, draw: ScenarioDraw(center: s))
            let sim = options.simulations > 0
                ? try MonteCarlo.run(s, timing: timing, baseline: baseline, simulations: options.simulations, seed: options.seed)
                : nil
            let k = Sensitivity.breakEvenScale(s, timing: timing, baseline: baseline)
            var effects: [String: Double] = [:]
            if let k {
                let c = ScenarioDraw(center: s)
                let named = [("churn_reduction", c.churnReduction), ("frequency_lift", c.frequencyLift),
                             ("order_value_lift", c.orderValueLift), ("conversion_lift", c.conversionLift),
                             ("new_customers", c.newCustomers)]
                for (name, v) in named where v != 0 { effects[name] = v * k }
            }
            results.append(.init(name: s.name, segment: s.segment ?? "all", horizonMonths: s.horizonMonths,
                                 discountRate: s.discountRate, grossMargin: s.grossMargin, expected: expected,
                                 simulation: sim, breakEvenScale: k, breakEvenEffects: effects,
                                 tornado: Sensitivity.tornado(s, timing: timing, baseline: baseline), rank: 0))
        }
        let order = results.indices.sorted {
            let a = results[$0].simulation?.npv.mean ?? results[$0].expected.npv
            let b = results[$1].simulation?.npv.mean ?? results[$1].expected.npv
            return a != b ? a > b : $0 < $1
        }
        for (rank, i) in order.enumerated() { results[i].rank = rank + 1 }
        let costs = Dictionary(file.pastInitiatives.map { ($0.name, $0.cost) }, uniquingKeysWith: { a, _ in a })
        let uplift = InitiativeUplift.measure(inputs.initiatives, grossMargin: file.grossMargin, costs: costs)
        let recorded = InitiativeUplift.recorded(inputs.initiatives)
        for p in file.pastInitiatives where !uplift.contains(where: { $0.initiative == p.name }) {
            let known = recorded.contains(p.name)
            throw DataError(.badSchema, file: p.file ?? "scenario file", line: p.line ?? 0, column: "past_initiatives", value: p.name,
                            expected: known ? "an initiative with at least 2 treatment and 2 control customers in customers.csv"
                                            : "an initiative recorded in customers.csv (its `initiative` and `group` columns)",
                            hint: recorded.isEmpty ? "customers.csv records no initiative" : "recorded: \(recorded.joined(separator: ", "))")
        }
        return ROIResult(asOf: Civil.iso(inputs.asOf), simulations: options.simulations, seed: options.seed,
                         costTiming: file.costTiming.rawValue, marginTiming: file.marginTiming.rawValue,
                         baselines: cache.keys.sorted().map { cache[$0]!.1 }, scenarios: results,
                         pastInitiatives: uplift, retentionWindowDays: inputs.retentionWindowDays, method: method)
    }

    /// Months the baseline curves of `segment` must reach for every scenario targeting it.
    public static func reachNeeded(_ file: ScenarioFile, segment: String?) -> Double {
        file.scenarios.filter { $0.segment == segment }.map { Double($0.horizonMonths) * maxTimeScale($0) }.max() ?? 12
    }

    /// The largest factor by which an effect stretches time, (1 + f)(1 − c) ≤ 1 + f, at the frequency
    /// lift's 99.99th percentile and at the break-even search's scaled center, with 5 % to spare.
    static func maxTimeScale(_ s: ScenarioFile.Scenario) -> Double {
        let f = s.effects.frequencyLift
        return max(1, 1 + max(f.quantile(0.9999), 0)) * 1.05
    }
}
