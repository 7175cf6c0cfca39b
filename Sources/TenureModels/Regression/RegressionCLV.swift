import Foundation
import TenureData
import TenureLifetime
import TenureNumerics

/// Builds the regression design from the calibration RFM summary: intercept, frequency, recency,
/// T, monetary value (mean repeat spend), total calibration spend, dummies of the segment column
/// (first level is the reference) and numeric columns of customers.csv (missing values replaced by
/// the column mean). Constant columns are dropped.
public enum CLVFeatures {
    public static func design(summary s: RFMSummary, dataset: Dataset?, segments: CustomerSegments?) -> DesignMatrix {
        var cols: [[Double]] = [[Double](repeating: 1, count: s.count)]
        var names = ["intercept"]
        cols.append(s.frequency.map(Double.init)); names.append("frequency")
        cols.append(s.recency); names.append("recency")
        cols.append(s.T); names.append("T")
        cols.append(s.monetaryValue); names.append("monetary_value")
        cols.append(s.totalValue); names.append("calibration_spend")
        if let seg = segments, seg.levels.count > 1 {
            for (l, level) in seg.levels.enumerated().dropFirst() {
                cols.append(s.customer.map { seg.codes[Int($0)] == Int32(l) ? 1 : 0 })
                names.append("\(seg.column)=\(level)")
            }
        }
        if let ct = dataset?.customerTable {
            var row = [Int](repeating: -1, count: dataset!.customers.count)
            for (r, c) in ct.customer.enumerated() { row[Int(c)] = r }
            for name in ct.attributeNames {
                guard case .numeric(let v)? = ct.attributes[name] else { continue }
                let present = v.filter { $0.isFinite }
                let mean = present.isEmpty ? 0 : present.reduce(0, +) / Double(present.count)
                cols.append(s.customer.map { c in let r = row[Int(c)]; return r >= 0 && v[r].isFinite ? v[r] : mean })
                names.append(name)
            }
            if let acq = ct.acquisitionCost {
                let present = acq.filter { $0.isFinite }
                let mean = present.isEmpty ? 0 : present.reduce(0, +) / Double(present.count)
                cols.append(s.customer.map { c in let r = row[Int(c)]; return r >= 0 && acq[r].isFinite ? acq[r] : mean })
                names.append("acquisition_cost")
            }
        }
        // drop constant columns (except the intercept)
        var keep: [Int] = [0]
        for j in 1..<cols.count {
            let c = cols[j]
            if let f = c.first, c.contains(where: { $0 != f }) { keep.append(j) }
        }
        return DesignMatrix(X: Matrix(columns: keep.map { cols[$0] }), names: keep.map { names[$0] })
    }
}

/// Holdout error of one model on the test customers.
public struct ModelComparison: Sendable, Codable, Equatable {
    public var model: String
    public var customers: Int
    public var mae: Double
    public var rmse: Double
    public var bias: Double
    /// 1 − SSE/SST of the predictions on the test customers.
    public var rSquared: Double
    /// Why this model's predictions are not usable (non-finite, or R² below `minUsableRSquared`: far
    /// worse than predicting the mean, e.g. a log link extrapolating past the training data); such a
    /// model is listed with its failure and never charted or picked as best.
    public var failure: String?
    public static let minUsableRSquared = -1.0
    enum CodingKeys: String, CodingKey { case model, customers, mae, rmse, bias, rSquared = "r_squared", failure }

    public init(model: String, predicted: [Double], actual: [Double]) {
        self.model = model
        customers = actual.count
        let e = ForecastError(predicted: predicted, actual: actual)
        mae = e.mae; rmse = e.rmse; bias = e.bias
        let m = actual.reduce(0, +) / Double(max(actual.count, 1))
        var sse = 0.0, sst = 0.0
        for (p, a) in zip(predicted, actual) { sse += (p - a) * (p - a); sst += (a - m) * (a - m) }
        rSquared = 1 - sse / sst
        if predicted.contains(where: { !$0.isFinite }) {
            failure = "some predictions overflowed (not finite)"
        } else if rSquared < Self.minUsableRSquared {
            failure = "holdout R² \(String(format: "%.1f", rSquared)): far worse than predicting the mean (the model extrapolates past its training data)"
        }
    }
}

/// Regression-based CLV: predicts each customer's holdout spend from calibration features.
///
/// Customers are split (seeded shuffle) into 70 % training and 30 % test. OLS, ridge (λ by 5-fold
/// CV on the training rows) and the Poisson quasi-likelihood log-link GLM are fitted on the
/// training rows; every model, and the probabilistic model's own forecast of holdout spend
/// (E[spend per transaction] × E[holdout purchases], fitted on calibration data only), is scored
/// on the same test customers (MAE, RMSE, bias, R²).
public struct RegressionCLVResult: Sendable, Codable, Equatable {
    public var target: String
    public var features: [String]
    public var trainCustomers: Int
    public var testCustomers: Int
    public var seed: UInt64
    public var ols: LinearFit
    public var ridge: LinearFit
    public var ridgeLambdas: [Double]
    public var ridgeCVMSE: [Double]
    public var glm: LinearFit
    /// Targets below zero (refunds) are set to 0 for the GLM only.
    public var glmClippedTargets: Int
    public var comparison: [ModelComparison]
    enum CodingKeys: String, CodingKey {
        case target, features, seed, ols, ridge, glm, comparison
        case trainCustomers = "train_customers", testCustomers = "test_customers"
        case ridgeLambdas = "ridge_lambdas", ridgeCVMSE = "ridge_cv_mse", glmClippedTargets = "glm_clipped_targets"
    }
}

public enum RegressionCLV {
    /// Runs the regression comparison. Needs a holdout (`summary.hasHoldout`). Returns the result
    /// and per-customer predictions of holdout spend by OLS, ridge and GLM (all customers).
    public static func run(output: LifetimeOutput, dataset: Dataset?, segments: CustomerSegments?, seed: UInt64 = 2024) throws
        -> (result: RegressionCLVResult, predictions: [(String, [Double])]) {
        let s = output.summary
        guard s.hasHoldout else {
            throw FitError(model: "regression", reason: "regression CLV is trained on holdout spend: give --calibration-end before the end of the data")
        }
        let design = CLVFeatures.design(summary: s, dataset: dataset, segments: segments)
        let y = s.valueHoldout
        let n = s.count
        var order = Array(0..<n)
        var rng = RNG(seed: seed)
        rng.shuffle(&order)
        let nTest = max(1, Int((0.3 * Double(n)).rounded()))
        let test = Array(order[0..<nTest]).sorted(), train = Array(order[nTest...]).sorted()
        let dTrain = design.subset(train)
        let yTrain = train.map { y[$0] }, yTest = test.map { y[$0] }
        let ols = try OLS.fit(dTrain, yTrain)
        let ridge = try Ridge.fitCV(dTrain, yTrain, seed: seed &+ 1)
        let clipped = yTrain.filter { $0 < 0 }.count
        let glm = try PoissonGLM.fit(dTrain, yTrain.map { max($0, 0) })
        let predOLS = design.X.times(ols.estimates)
        let predRidge = design.X.times(ridge.fit.estimates)
        let predGLM = PoissonGLM.predict(design.X, glm.fit.estimates)
        var comparison = [
            ModelComparison(model: "ols", predicted: test.map { predOLS[$0] }, actual: yTest),
            ModelComparison(model: "ridge", predicted: test.map { predRidge[$0] }, actual: yTest),
            ModelComparison(model: "poisson-glm", predicted: test.map { predGLM[$0] }, actual: yTest),
        ]
        if let pv = output.scores.holdoutPredictedValue {
            comparison.append(ModelComparison(model: output.result.settings.model + "+gamma-gamma",
                                              predicted: test.map { pv[$0] }, actual: yTest))
        }
        let result = RegressionCLVResult(
            target: "holdout spend (sum of amounts after the calibration end)", features: design.names,
            trainCustomers: train.count, testCustomers: test.count, seed: seed, ols: ols, ridge: ridge.fit,
            ridgeLambdas: ridge.lambdas, ridgeCVMSE: ridge.cvMSE, glm: glm.fit, glmClippedTargets: clipped,
            comparison: comparison)
        return (result, [("ols_holdout_value", predOLS), ("ridge_holdout_value", predRidge), ("glm_holdout_value", predGLM)])
    }
}
