import Foundation
import TenureData

/// Error summary of per-customer forecasts against holdout actuals.
public struct ForecastError: Sendable, Codable, Equatable {
    public var customers: Int
    public var actualTotal: Double
    public var predictedTotal: Double
    /// mean(|predicted − actual|), sqrt(mean((predicted − actual)²)), mean(predicted − actual).
    public var mae: Double
    public var rmse: Double
    public var bias: Double

    enum CodingKeys: String, CodingKey {
        case customers, mae, rmse, bias
        case actualTotal = "actual_total", predictedTotal = "predicted_total"
    }

    public init(predicted: [Double], actual: [Double]) {
        customers = predicted.count
        var at = 0.0, pt = 0.0, ae = 0.0, se = 0.0
        for (p, a) in zip(predicted, actual) { at += a; pt += p; ae += abs(p - a); se += (p - a) * (p - a) }
        let n = Double(max(customers, 1))
        actualTotal = at; predictedTotal = pt; mae = ae / n; rmse = (se / n).squareRoot(); bias = (pt - at) / n
    }
}

/// One period of the cumulative repeat-purchase tracking curve.
public struct TrackingPoint: Sendable, Codable, Equatable {
    public var period: Int
    /// ISO date of the period's first day.
    public var start: String
    public var actualCumulative: Double
    public var predictedCumulative: Double
    public var holdout: Bool
    enum CodingKeys: String, CodingKey {
        case period, start, holdout
        case actualCumulative = "actual_cumulative", predictedCumulative = "predicted_cumulative"
    }
}

/// Calibration-period frequency bucket: mean holdout purchases, actual vs predicted.
public struct CalibrationBucket: Sendable, Codable, Equatable {
    public var frequency: String
    public var customers: Int
    public var actualMean: Double
    public var predictedMean: Double
    enum CodingKeys: String, CodingKey {
        case frequency, customers
        case actualMean = "actual_mean_holdout_purchases", predictedMean = "predicted_mean_holdout_purchases"
    }
}

/// Holdout validation of a repeat-purchase model fitted on the calibration period.
public struct HoldoutValidation: Sendable, Codable, Equatable {
    /// Holdout length in time units.
    public var duration: Double
    /// Repeat purchase periods in the holdout, per customer.
    public var purchases: ForecastError
    /// Holdout spend per customer (predicted = E[spend per transaction] × E[holdout purchases]).
    public var value: ForecastError?
    /// Cumulative repeat purchases of the calibration customers by period: actual vs
    /// Σ_birth-period b n_b · E[X(k − b)] (the model's unconditional forecast for each cohort).
    public var tracking: [TrackingPoint]
    /// Mean holdout purchases by calibration frequency (0 … 6, "7+").
    public var calibration: [CalibrationBucket]

    /// Builds the validation from the summary, per-customer predictions of holdout purchases (and
    /// value), and the model's unconditional expectation E[X(t)].
    public static func build(summary s: RFMSummary, predictedPurchases: [Double], predictedValue: [Double]?,
                             expected: (Double) -> Double) -> HoldoutValidation {
        let actual = s.frequencyHoldout.map(Double.init)
        let purchases = ForecastError(predicted: predictedPurchases, actual: actual)
        let value = predictedValue.map { ForecastError(predicted: $0, actual: s.valueHoldout) }
        // tracking curve
        let span = s.repeatPurchasesByPeriod.count
        var e = [Double](repeating: 0, count: span)
        for k in 1..<max(span, 1) { e[k] = expected(Double(k) * s.options.periodLength) }
        var tracking: [TrackingPoint] = []
        var cum = 0.0
        for k in 0..<span {
            cum += s.repeatPurchasesByPeriod[k]
            var pred = 0.0
            for b in 0...k where s.newCustomersByPeriod[b] > 0 { pred += s.newCustomersByPeriod[b] * e[k - b] }
            let p = s.firstPeriod + Int32(k)
            tracking.append(TrackingPoint(period: k, start: Civil.iso(s.options.periodUnit.start(ofPeriod: p)), actualCumulative: cum,
                                          predictedCumulative: pred, holdout: p > s.calibrationEndPeriod))
        }
        // calibration table
        let cap = 7
        var cnt = [Int](repeating: 0, count: cap + 1), act = [Double](repeating: 0, count: cap + 1), pre = act
        for i in 0..<s.count {
            let b = min(Int(s.frequency[i]), cap)
            cnt[b] += 1; act[b] += actual[i]; pre[b] += predictedPurchases[i]
        }
        var table: [CalibrationBucket] = []
        for b in 0...cap where cnt[b] > 0 {
            table.append(CalibrationBucket(frequency: b == cap ? "\(cap)+" : "\(b)", customers: cnt[b],
                                           actualMean: act[b] / Double(cnt[b]), predictedMean: pre[b] / Double(cnt[b])))
        }
        return HoldoutValidation(duration: s.durationHoldout, purchases: purchases, value: value, tracking: tracking,
                                 calibration: table)
    }
}
