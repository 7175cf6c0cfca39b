import Foundation
import TenureData
import TenureNumerics

/// Which repeat-purchase model to fit.
public enum PurchaseModelKind: String, Sendable, Codable, CaseIterable {
    case bgnbd, paretoNBD = "pareto-nbd", mbgnbd, bgbb

    /// Fits this model on the patterns.
    public func fit(_ d: RFMPatterns) throws -> any RepeatPurchaseModel {
        switch self {
        case .bgnbd: return try BGNBDModel.fit(d)
        case .paretoNBD: return try ParetoNBDModel.fit(d)
        case .mbgnbd: return try MBGNBDModel.fit(d)
        case .bgbb: return try BGBBModel.fit(d)
        }
    }
}

/// Settings of `tenure clv`'s probabilistic part.
public struct LifetimeOptions: Sendable {
    public var model: PurchaseModelKind = .bgnbd
    /// Fit Gamma-Gamma for spend (otherwise CLV is not computed, only purchases).
    public var gammaGamma = true
    public var rfm = RFMOptions()
    /// Forecast horizon in days (default one year).
    public var horizonDays = 365.0
    /// Annual discount rate (0.10 = 10 %).
    public var annualDiscountRate = 0.10
    /// Column for per-segment aggregation.
    public var segmentColumn: String?
    /// Intervals carrying parameter uncertainty (with a spend model; `draws` 0: none).
    public var uncertainty = ParameterDrawOptions()
    public init() {}
}

/// A parameter estimate with its standard error and 95 % Wald interval (estimate ± 1.96 SE, as lifetimes).
public typealias ParameterEstimate = FittedParameter

/// What a fitted model reports: parameters under their conventional names, SEs, fit statistics.
public struct ModelFitSummary: Sendable, Codable, Equatable {
    public var model: String
    public var params: [String: Double]
    public var standardErrors: [String: Double]
    public var parameters: [ParameterEstimate]
    public var logLikelihood: Double
    public var aic: Double
    public var bic: Double
    public var customers: Double
    public var patterns: Int
    public var iterations: Int
    /// Set when the fit ended on a bound of the parameter space: the model it tends to, its
    /// parameters and a note (the log-likelihood above is the one at the bound).
    public var limitingModel: LimitingModel?
    enum CodingKeys: String, CodingKey {
        case model, params, parameters, aic, bic, customers, patterns, iterations
        case standardErrors = "standard_errors", logLikelihood = "log_likelihood", limitingModel = "limiting_model"
    }
    public init(model: String, fit f: MLEFit) {
        let m = f.modelFit(model: model)
        self.model = model
        params = Dictionary(uniqueKeysWithValues: m.parameters.map { ($0.name, $0.estimate) })
        standardErrors = Dictionary(uniqueKeysWithValues: m.parameters.map { ($0.name, $0.standardError) })
        parameters = m.parameters
        logLikelihood = f.logLikelihood; aic = f.aic; bic = f.bic
        customers = f.observations; patterns = f.patterns; iterations = f.iterations
        limitingModel = f.limit
    }
}

extension ModelFitSummary: FittedModel {
    /// The summary in the shared shape (what the renderers' parameter tables read).
    public var modelFit: ModelFit {
        ModelFit(model: model, parameters: parameters, logLikelihood: logLikelihood, observations: customers,
                 iterations: iterations, limit: limitingModel?.note)
    }
}

/// The settings as run, echoed in the result.
public struct LifetimeSettings: Sendable, Codable, Equatable {
    public var model: String
    public var spendModel: String?
    public var timeUnit: TimeUnit
    /// "calendar" (periods of the unit, lifetimes' default) or "continuous" (days / the unit's days).
    public var timeScale: String
    public var calibrationEnd: String
    public var observationEnd: String
    public var horizonDays: Double
    public var horizon: Double
    public var annualDiscountRate: Double
    public var discounting: String
    public var conventions: String
    enum CodingKeys: String, CodingKey {
        case model, horizon, discounting, conventions
        case spendModel = "spend_model", timeUnit = "time_unit", timeScale = "time_scale", calibrationEnd = "calibration_end"
        case observationEnd = "observation_end", horizonDays = "horizon_days", annualDiscountRate = "annual_discount_rate"
    }
}

extension LifetimeSettings {
    /// The periods of the holdout tracking curve: the unit's, or days on the continuous scale.
    public var trackingUnit: TimeUnit { timeScale == "continuous" ? .day : timeUnit }
}

/// Shape of the calibration data.
public struct RFMOverview: Sendable, Codable, Equatable {
    public var customers: Int
    public var customersFirstSeenInHoldout: Int
    public var repeatCustomers: Int
    public var patterns: Int
    public var meanFrequency: Double
    public var meanRecency: Double
    public var meanT: Double
    enum CodingKeys: String, CodingKey {
        case customers, patterns
        case customersFirstSeenInHoldout = "customers_first_seen_in_holdout", repeatCustomers = "repeat_customers"
        case meanFrequency = "mean_frequency", meanRecency = "mean_recency", meanT = "mean_T"
    }
}

/// Result of the probabilistic CLV analysis (JSON: the `probabilistic` part of `tenure clv`).
public struct LifetimeResult: Sendable, Codable, Equatable {
    public var settings: LifetimeSettings
    public var data: RFMOverview
    public var purchaseModel: ModelFitSummary
    public var spendModel: ModelFitSummary?
    /// Customers left out of the Gamma-Gamma fit (no repeat purchase or non-positive mean spend).
    public var spendModelExcluded: Int?
    /// All customers together (segment "all").
    public var overall: SegmentSummary
    public var segmentColumn: String?
    public var segments: [SegmentSummary]
    public var holdout: HoldoutValidation?
    /// How the segments' `parameter_uncertainty` intervals were drawn; nil when they were not.
    public var parameterUncertainty: ParameterUncertainty?
    /// Why there are no parameter-uncertainty intervals although they were asked for.
    public var parameterUncertaintyUnavailable: String?
    enum CodingKeys: String, CodingKey {
        case settings, data, overall, segments, holdout
        case purchaseModel = "purchase_model", spendModel = "spend_model", spendModelExcluded = "spend_model_excluded"
        case segmentColumn = "segment_column", parameterUncertainty = "parameter_uncertainty"
        case parameterUncertaintyUnavailable = "parameter_uncertainty_unavailable"
    }
}

/// Per-customer forecasts (the `--scores` CSV). Arrays are parallel, one entry per summarised customer.
public struct CustomerScores: Sendable {
    public var id: [String] = []
    public var segment: [String]?
    public var frequency: [Int32] = []
    public var recency: [Double] = []
    public var T: [Double] = []
    public var monetaryValue: [Double] = []
    public var pAlive: [Double] = []
    public var expectedPurchases: [Double] = []
    /// E[spend per transaction] (Gamma-Gamma), E[revenue over the horizon] (undiscounted), discounted CLV.
    public var expectedSpend: [Double]?
    public var expectedRevenue: [Double]?
    public var clv: [Double]?
    /// The CLV's interval over the parameter draws (`ParameterDrawOptions.perCustomer`).
    public var clvLower: [Double]?
    public var clvUpper: [Double]?
    public var holdoutActualPurchases: [Double]?
    public var holdoutPredictedPurchases: [Double]?
    public var holdoutActualValue: [Double]?
    public var holdoutPredictedValue: [Double]?
    /// Further per-customer columns (e.g. regression predictions), name and values.
    public var extraColumns: [String] = []
    public var extraValues: [[Double]] = []
    public var count: Int { id.count }
}

/// Everything `LifetimeAnalysis.run` produces: the reportable result and the fitted objects
/// (for scenario simulation and the regression comparison).
public struct LifetimeOutput: Sendable {
    public var result: LifetimeResult
    public var scores: CustomerScores
    public var summary: RFMSummary
    public var patterns: RFMPatterns
    public var purchaseModel: any RepeatPurchaseModel
    public var spendModel: GammaGammaModel?
    public var schedule: DiscountSchedule
}

/// `tenure clv` (probabilistic part): RFM summary → repeat-purchase model (+ Gamma-Gamma) →
/// per-customer P(alive), expected purchases, expected spend, discounted CLV → segments → holdout.
public enum LifetimeAnalysis {
    public static let conventions = "frequency = repeat purchase periods (distinct periods with a purchase − 1); recency = last − first purchase period; T = calibration end − first purchase period; monetary value = mean spend of the repeat periods (lifetimes conventions)"

    public static func run(dataset: Dataset, options: LifetimeOptions) throws -> LifetimeOutput {
        let summary = try RFMSummary(dataset: dataset, options: options.rfm)
        let segments = try options.segmentColumn.map { try CustomerSegments(dataset: dataset, column: $0) }
        return try run(summary: summary, ids: dataset.customers.ids, segments: segments, options: options)
    }

    public static func run(summary: RFMSummary, ids: [String], segments: CustomerSegments?, options: LifetimeOptions) throws -> LifetimeOutput {
        // Gamma-Gamma needs only (frequency, monetary value): it is fitted on another thread while
        // the patterns are grouped and the purchase model fitted.
        let spendFit = options.gammaGamma
            ? Concurrent { try GammaGammaModel.fit(frequency: summary.frequency, monetary: summary.monetaryValue) } : nil
        let pat = summary.patterns
        let model = try options.model.fit(pat)
        let gg = try spendFit?.value()
        let unit = summary.timeUnit
        let schedule = DiscountSchedule.annual(horizonDays: options.horizonDays, unit: unit, annualRate: options.annualDiscountRate)
        let fc = Valuation.patternForecasts(model, pat, schedule: schedule)
        let n = summary.count
        var sc = CustomerScores()
        sc.id = summary.customer.map { ids[Int($0)] }
        sc.frequency = summary.frequency; sc.recency = summary.recency; sc.T = summary.T; sc.monetaryValue = summary.monetaryValue
        sc.pAlive = pat.perCustomer(fc.pAlive)
        sc.expectedPurchases = pat.perCustomer(fc.expected)
        if let gg {
            var spend = [Double](repeating: 0, count: n), rev = spend, clv = spend
            spend.withUnsafeMutableBufferPointer { sp in rev.withUnsafeMutableBufferPointer { rp in clv.withUnsafeMutableBufferPointer { cp in
                let sp = sp, rp = rp, cp = cp
                Parallel.forEachBlock(count: n, minimumPerBlock: 8_192) { _, range in
                    for i in range {
                        sp[i] = gg.conditionalExpectedSpend(x: summary.frequency[i], m: summary.monetaryValue[i])
                        let k = Int(pat.pattern[i])
                        rp[i] = sp[i] * fc.expected[k]
                        cp[i] = sp[i] * fc.discounted[k]
                    }
                }
            }}}
            sc.expectedSpend = spend; sc.expectedRevenue = rev; sc.clv = clv
        }
        // holdout
        var holdout: HoldoutValidation? = nil
        if summary.hasHoldout {
            var perPattern = [Double](repeating: 0, count: pat.count)
            for k in 0..<pat.count {
                perPattern[k] = model.conditionalExpectedPurchases(summary.durationHoldout, x: pat.x[k], tx: pat.tx[k], T: pat.T[k])
            }
            let pred = pat.perCustomer(perPattern)
            let predValue = sc.expectedSpend.map { sp in (0..<n).map { sp[$0] * pred[$0] } }
            sc.holdoutPredictedPurchases = pred
            sc.holdoutActualPurchases = summary.frequencyHoldout.map(Double.init)
            sc.holdoutPredictedValue = predValue
            sc.holdoutActualValue = summary.valueHoldout
            holdout = HoldoutValidation.build(summary: summary, predictedPurchases: pred, predictedValue: predValue,
                                              expected: { model.expectedPurchases($0) })
        }
        // segments: group[i] = segment code of summary row i, the missing ones last (−1 without --by)
        var group = [Int32](repeating: -1, count: n)
        var groupNames: [String] = []
        if let segments {
            var labels = [String](); labels.reserveCapacity(n)
            for i in 0..<n {
                let c = segments.codes[Int(summary.customer[i])]
                group[i] = c < 0 ? Int32(segments.levels.count) : c
                labels.append(c < 0 ? "" : segments.levels[Int(c)])
            }
            sc.segment = labels
            groupNames = segments.levels + [CustomerAttribute.missingLabel]
        }
        // parameter uncertainty
        var drawn: CLVParameterDraws.Output? = nil, unavailable: String? = nil
        if let gg, options.uncertainty.draws > 0, n > 0 {
            do {
                drawn = try CLVParameterDraws.run(model: model, modelName: options.model.rawValue, spend: gg,
                                                  frequency: summary.frequency, monetary: summary.monetaryValue, patterns: pat,
                                                  schedule: schedule, group: group, groupCount: groupNames.count,
                                                  options: options.uncertainty)
                sc.clvLower = drawn?.customerLower; sc.clvUpper = drawn?.customerUpper
            } catch {
                unavailable = "\(error)"
            }
        }
        var overall = SegmentSummary.summarise("all", pAlive: sc.pAlive, expected: sc.expectedPurchases, clv: sc.clv ?? [])
        overall.parameterInterval = drawn?.intervals.last ?? nil
        var segRows: [SegmentSummary] = []
        if !groupNames.isEmpty {
            var members = [[Int]](repeating: [], count: groupNames.count)
            for i in 0..<n { members[Int(group[i])].append(i) }
            for (g, rows) in members.enumerated() where !rows.isEmpty {
                var row = SegmentSummary.summarise(groupNames[g], pAlive: rows.map { sc.pAlive[$0] },
                                                   expected: rows.map { sc.expectedPurchases[$0] },
                                                   clv: sc.clv.map { c in rows.map { c[$0] } } ?? [])
                row.parameterInterval = drawn?.intervals[g] ?? nil
                segRows.append(row)
            }
            segRows.sort { $0.segment < $1.segment }
        }
        let rep = summary.frequency.reduce(0) { $0 + ($1 > 0 ? 1 : 0) }
        let nd = Double(max(n, 1))
        let overview = RFMOverview(customers: n, customersFirstSeenInHoldout: summary.customersFirstSeenInHoldout,
                                   repeatCustomers: rep, patterns: pat.count,
                                   meanFrequency: Double(summary.frequency.reduce(0) { $0 + Int($1) }) / nd,
                                   meanRecency: summary.recency.reduce(0, +) / nd, meanT: summary.T.reduce(0, +) / nd)
        let settings = LifetimeSettings(
            model: options.model.rawValue, spendModel: gg == nil ? nil : GammaGammaModel.name, timeUnit: unit,
            timeScale: summary.options.timeScale,
            calibrationEnd: Civil.iso(summary.calibrationEnd), observationEnd: Civil.iso(summary.observationEnd),
            horizonDays: options.horizonDays, horizon: schedule.horizon, annualDiscountRate: options.annualDiscountRate,
            discounting: "CLV = E[spend per transaction] × Σ_i (1 + \(options.annualDiscountRate))^(−t_i/365.25 days) × (E[X(t_i)] − E[X(t_{i−1})]), \(schedule.times.count) equal steps of \(formatShort(options.horizonDays / Double(schedule.times.count))) days over the horizon",
            conventions: conventions)
        let result = LifetimeResult(
            settings: settings, data: overview,
            purchaseModel: ModelFitSummary(model: options.model.rawValue, fit: model.fit),
            spendModel: gg.map { ModelFitSummary(model: GammaGammaModel.name, fit: $0.fit) },
            spendModelExcluded: gg?.excluded, overall: overall, segmentColumn: segments?.column,
            segments: segRows, holdout: holdout, parameterUncertainty: drawn?.info,
            parameterUncertaintyUnavailable: unavailable)
        return LifetimeOutput(result: result, scores: sc, summary: summary, patterns: pat, purchaseModel: model,
                              spendModel: gg, schedule: schedule)
    }

    static func formatShort(_ x: Double) -> String {
        let r = (x * 100).rounded() / 100
        return r == r.rounded() ? String(Int(r)) : String(r)
    }
}
