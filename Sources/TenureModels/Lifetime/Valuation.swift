import Foundation

/// When future purchases happen and how much they are discounted.
///
/// Purchases expected in step i, `E(tᵢ) − E(tᵢ₋₁)`, are valued at the end of the step with factor
/// `fᵢ`. CLV of a customer = E[spend per transaction] × Σᵢ fᵢ [E(tᵢ | x, tx, T) − E(tᵢ₋₁ | x, tx, T)].
/// This is lifetimes' `customer_lifetime_value` (monthly steps, `fᵢ = (1 + d)^−i`) generalised.
public struct DiscountSchedule: Sendable, Codable, Equatable {
    /// End of each step in model time units (t₀ = 0 is implicit), increasing.
    public var times: [Double]
    /// Discount factor applied to purchases in each step.
    public var factors: [Double]

    public init(times: [Double], factors: [Double]) { self.times = times; self.factors = factors }

    /// `steps` steps of `stepLength` time units, factor `(1 + ratePerStep)^−i` — lifetimes'
    /// convention (its `time` months of `factor` units: 30 days, 4.345 weeks or 1 month).
    public static func perStep(steps: Int, stepLength: Double, ratePerStep: Double) -> DiscountSchedule {
        let i = (1...max(steps, 1)).map(Double.init)
        return DiscountSchedule(times: i.map { $0 * stepLength }, factors: i.map { Foundation.pow(1 + ratePerStep, -$0) })
    }

    /// The CLI's schedule: `horizonDays` split into n = ⌈horizon / month⌉ equal steps (month =
    /// 365.25/12 days), purchases of step i discounted at its end by `(1 + annualRate)^−(tᵢ / 365.25 days)`.
    /// For a whole number of months this equals lifetimes' monthly steps with the monthly rate
    /// `(1 + annual)^(1/12) − 1`. Times are returned in `unit`s.
    public static func annual(horizonDays: Double, unit: TimeUnit, annualRate: Double) -> DiscountSchedule {
        let month = 365.25 / 12
        let n = max(1, Int((horizonDays / month - 1e-9).rounded(.up)))
        let stepDays = horizonDays / Double(n)
        let days = (1...n).map { Double($0) * stepDays }
        return DiscountSchedule(times: days.map { $0 / unit.days },
                                factors: days.map { Foundation.pow(1 + annualRate, -$0 / 365.25) })
    }

    /// Horizon (end of the last step) in model time units.
    public var horizon: Double { times.last ?? 0 }
}

/// Per-customer forecasts from a repeat-purchase model and a spend model.
public enum Valuation {
    /// Σᵢ fᵢ [E(tᵢ | x, tx, T) − E(tᵢ₋₁ | x, tx, T)]: discounted expected purchases of one customer.
    public static func discountedPurchases(_ model: any RepeatPurchaseModel, x: Int32, tx: Double, T: Double,
                                           schedule: DiscountSchedule) -> Double {
        var prev = 0.0, sum = 0.0
        for (t, f) in zip(schedule.times, schedule.factors) {
            let e = model.conditionalExpectedPurchases(t, x: x, tx: tx, T: T)
            sum += f * (e - prev)
            prev = e
        }
        return sum
    }

    /// Per-pattern P(alive), expected purchases over the schedule's horizon and discounted expected
    /// purchases (one model evaluation per pattern and step).
    public static func patternForecasts(_ model: any RepeatPurchaseModel, _ d: RFMPatterns, schedule: DiscountSchedule)
        -> (pAlive: [Double], expected: [Double], discounted: [Double]) {
        var pa = [Double](repeating: 0, count: d.count)
        var ex = pa, dc = pa
        for k in 0..<d.count {
            pa[k] = model.probabilityAlive(x: d.x[k], tx: d.tx[k], T: d.T[k])
            var prev = 0.0, sum = 0.0
            for (t, f) in zip(schedule.times, schedule.factors) {
                let e = model.conditionalExpectedPurchases(t, x: d.x[k], tx: d.tx[k], T: d.T[k])
                sum += f * (e - prev); prev = e
            }
            ex[k] = prev; dc[k] = sum
        }
        return (pa, ex, dc)
    }
}
