import Foundation
import TenureData
import TenureLifetime
import TenureNumerics

/// Options of `tenure clv`.
public struct CLVOptions: Sendable {
    public var lifetime = LifetimeOptions()
    /// Run the regression comparison (needs a holdout). `.auto` runs it whenever there is a holdout
    /// and at least 50 customers.
    public enum Regression: String, Sendable { case auto, required, off }
    public var regression: Regression = .auto
    /// Fit every repeat-purchase model on the same calibration data and validate each on the holdout.
    public var compareModels = false
    /// The requested headline model (`bgnbd`, …, or `regression`), echoed in the result.
    public var headline: String?
    public var seed: UInt64 = 2024
    public init() {}
}

/// One repeat-purchase model fitted on the calibration period and scored on the holdout
/// (`tenure clv --compare-models`). A model that cannot be fitted carries the reason instead.
public struct PurchaseModelComparison: Sendable, Codable, Equatable {
    public var model: String
    public var logLikelihood: Double?
    public var aic: Double?
    public var bic: Double?
    /// Holdout repeat purchases per customer: forecast (conditional expectation) vs actual.
    public var holdout: ForecastError?
    /// Mean over the holdout periods of |forecast − actual| / actual on the cumulative repeat-purchase
    /// tracking curve (0 = perfect aggregate tracking).
    public var trackingError: Double?
    public var error: String?
    /// Set when the fit ended on a bound: the limiting model it stands for.
    public var limitingModel: LimitingModel?
    enum CodingKeys: String, CodingKey {
        case model, aic, bic, holdout, error
        case logLikelihood = "log_likelihood", trackingError = "tracking_error", limitingModel = "limiting_model"
    }
}

/// The result of `tenure clv` (the JSON document's `result`): the probabilistic analysis and, with
/// a holdout, the regression comparison.
public struct CLVResult: Sendable, Codable, Equatable {
    /// The model asked for with `--model` (`regression`: the regression comparison is the headline).
    public var model: String
    public var probabilistic: LifetimeResult
    public var regression: RegressionCLVResult?
    /// Every repeat-purchase model on the same holdout (`--compare-models`).
    public var modelComparison: [PurchaseModelComparison]?
    enum CodingKeys: String, CodingKey {
        case model, probabilistic, regression
        case modelComparison = "model_comparison"
    }
    public init(model: String, probabilistic: LifetimeResult, regression: RegressionCLVResult? = nil,
                modelComparison: [PurchaseModelComparison]? = nil) {
        self.model = model; self.probabilistic = probabilistic; self.regression = regression; self.modelComparison = modelComparison
    }
}

/// `tenure clv`: probabilistic CLV, then the regression comparison on the same holdout.
public enum CLVAnalysis {
    public static func run(dataset: Dataset, options: CLVOptions) throws -> (result: CLVResult, scores: CustomerScores, output: LifetimeOutput) {
        let summary = try RFMSummary(dataset: dataset, options: options.lifetime.rfm)
        let segments = try options.lifetime.segmentColumn.map { try CustomerSegments(dataset: dataset, column: $0) }
        return try run(summary: summary, dataset: dataset, segments: segments, options: options)
    }

    /// The same on a prepared summary (e.g. to time the phases separately).
    public static func run(summary: RFMSummary, dataset: Dataset, segments: CustomerSegments?, options: CLVOptions) throws
        -> (result: CLVResult, scores: CustomerScores, output: LifetimeOutput) {
        let out = try LifetimeAnalysis.run(summary: summary, ids: dataset.customers.ids, segments: segments, options: options.lifetime)
        var scores = out.scores
        var reg: RegressionCLVResult? = nil
        if options.regression == .required || (options.regression == .auto && summary.hasHoldout && summary.count >= 50) {
            let r = try RegressionCLV.run(output: out, dataset: dataset, segments: segments, seed: options.seed)
            reg = r.result
            for (name, v) in r.predictions { scores.extraColumns.append(name); scores.extraValues.append(v) }
        }
        let comparison = options.compareModels ? compareModels(summary: summary, patterns: out.patterns, fitted: out.purchaseModel,
                                                               kind: options.lifetime.model) : nil
        return (CLVResult(model: options.headline ?? options.lifetime.model.rawValue, probabilistic: out.result,
                          regression: reg, modelComparison: comparison), scores, out)
    }

    /// Fits every repeat-purchase model on the calibration patterns (the already fitted `kind` is
    /// reused) and scores each on the holdout when there is one.
    public static func compareModels(summary s: RFMSummary, patterns pat: RFMPatterns, fitted: any RepeatPurchaseModel,
                                     kind: PurchaseModelKind) -> [PurchaseModelComparison] {
        PurchaseModelKind.allCases.map { k in
            let model: any RepeatPurchaseModel
            if k == kind { model = fitted } else {
                do { model = try k.fit(pat) } catch {
                    return PurchaseModelComparison(model: k.rawValue, error: "\(error)")
                }
            }
            var c = PurchaseModelComparison(model: k.rawValue, logLikelihood: model.fit.logLikelihood, aic: model.fit.aic,
                                            bic: model.fit.bic)
            c.limitingModel = model.fit.limit
            if s.hasHoldout {
                var perPattern = [Double](repeating: 0, count: pat.count)
                for j in 0..<pat.count {
                    perPattern[j] = model.conditionalExpectedPurchases(s.durationHoldout, x: pat.x[j], tx: pat.tx[j], T: pat.T[j])
                }
                c.holdout = ForecastError(predicted: pat.perCustomer(perPattern), actual: s.frequencyHoldout.map(Double.init))
                let v = HoldoutValidation.build(summary: s, predictedPurchases: pat.perCustomer(perPattern), predictedValue: nil,
                                                expected: { model.expectedPurchases($0) })
                var err = 0.0, n = 0
                for t in v.tracking where t.holdout && t.actualCumulative > 0 {
                    err += abs(t.predictedCumulative - t.actualCumulative) / t.actualCumulative; n += 1
                }
                c.trackingError = n > 0 ? err / Double(n) : nil
            }
            return c
        }
    }
}
