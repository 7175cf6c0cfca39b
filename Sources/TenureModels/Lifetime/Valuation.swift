import Foundation
import TenureData
import TenureNumerics

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
    /// `Civil.daysPerMonth`, 365.25/12 days), purchases of step i discounted at its end by `(1 + annualRate)^−(tᵢ / 365.25 days)`.
    /// For a whole number of months this equals lifetimes' monthly steps with the monthly rate
    /// `(1 + annual)^(1/12) − 1`. Times are returned in `unit`s.
    public static func annual(horizonDays: Double, unit: TimeUnit, annualRate: Double) -> DiscountSchedule {
        let month = Civil.daysPerMonth
        let n = max(1, Int((horizonDays / month - 1e-9).rounded(.up)))
        let stepDays = horizonDays / Double(n)
        let days = (1...n).map { Double($0) * stepDays }
        return DiscountSchedule(times: days.map { $0 / unit.days },
                                factors: days.map { Foundation.pow(1 + annualRate, -$0 / Civil.daysPerYear) })
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
        if let bg = model as? BGNBDModel { return bgnbdForecasts(bg, d, schedule: schedule) }
        var pa = [Double](repeating: 0, count: d.count)
        var ex = pa, dc = pa
        if let pn = model as? ParetoNBDModel {
            // P(alive) once per pattern (the series part), the rest is arithmetic per step
            pa = pn.probabilitiesAlive(d)
            for k in 0..<d.count {
                var prev = 0.0, sum = 0.0
                for (t, f) in zip(schedule.times, schedule.factors) {
                    let e = pn.conditionalExpectedPurchases(t, x: d.x[k], T: d.T[k], pAlive: pa[k])
                    sum += f * (e - prev); prev = e
                }
                ex[k] = prev; dc[k] = sum
            }
            return (pa, ex, dc)
        }
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

    /// Discounted expected purchases per pattern, only that (the parameter draws' inner loop; the
    /// same quantity as `patternForecasts(…).discounted`, equal to rounding). For BG/NBD it is
    /// S(x, T) / D(x, tₓ, T) with S = Σᵢ fᵢ [A(x, T, tᵢ) − A(x, T, tᵢ₋₁)] computed once per run of
    /// equal (x, T) in the patterns' order — sort them by (x, T) to share it — and no P(alive);
    /// other models go through `patternForecasts`. One thread.
    public static func discountedPurchases(_ model: any RepeatPurchaseModel, _ d: RFMPatterns, schedule: DiscountSchedule) -> [Double] {
        guard let m = model as? BGNBDModel else { return patternForecasts(model, d, schedule: schedule).discounted }
        let count = d.count
        var out = [Double](repeating: 0, count: count)
        var k = 0
        while k < count {
            let x = d.x[k], T = d.T[k]
            var e = k + 1
            while e < count && d.x[e] == x && d.T[e] == T { e += 1 }
            var prev = 0.0, sum = 0.0
            for (t, f) in zip(schedule.times, schedule.factors) {
                let v = m.hypergeometricPart(t, x: x, T: T)
                sum += f * (v - prev); prev = v
            }
            for j in k..<e { out[j] = sum / m.recencyDivisor(x: x, tx: d.tx[j], T: T) }
            k = e
        }
        return out
    }

    /// BG/NBD's conditional expectation is `A(x, T, t) / D(x, tx, T)`: the hypergeometric part A
    /// does not depend on recency. It is computed once per distinct (x, T) and step, and each
    /// pattern divides by its own D — the same operations as `conditionalExpectedPurchases`, so
    /// the values are identical, at a fraction of the cost (patterns ≫ distinct (x, T)).
    static func bgnbdForecasts(_ m: BGNBDModel, _ d: RFMPatterns, schedule: DiscountSchedule)
        -> (pAlive: [Double], expected: [Double], discounted: [Double]) {
        let steps = schedule.times.count, count = d.count
        // distinct (x, T), first seen first; slot[k] = pattern k's
        var index = [UInt64: Int32](minimumCapacity: 1024)
        var ux: [Int32] = [], uT: [Double] = []
        var slot = [Int32](repeating: 0, count: count)
        for k in 0..<count {
            let x = d.x[k], T = d.T[k]
            let key = UInt64(UInt32(bitPattern: x)) << 32 ^ T.bitPattern &* 0x9E37_79B9_7F4A_7C15
            if let e = index[key], ux[Int(e)] == x, uT[Int(e)] == T { slot[k] = e; continue }
            let e = Int32(ux.count)
            ux.append(x); uT.append(T)
            if index[key] == nil { index[key] = e }
            slot[k] = e
        }
        // A(x, T, t) for every distinct (x, T) and step, then each pattern: the same operations
        // whichever core does them, so the values do not depend on the core count.
        var table = [Double](repeating: 0, count: ux.count * steps)
        var pa = [Double](repeating: 0, count: count)
        var ex = pa, dc = pa
        table.withUnsafeMutableBufferPointer { tb in
            let tb = tb
            Parallel.forEachBlock(count: ux.count, minimumPerBlock: 8_192) { _, range in
                for u in range {
                    for (i, t) in schedule.times.enumerated() { tb[u * steps + i] = m.hypergeometricPart(t, x: ux[u], T: uT[u]) }
                }
            }
            pa.withUnsafeMutableBufferPointer { pap in ex.withUnsafeMutableBufferPointer { exp in dc.withUnsafeMutableBufferPointer { dcp in
                let pap = pap, exp = exp, dcp = dcp
                Parallel.forEachBlock(count: count, minimumPerBlock: 8_192) { _, range in
                    for k in range {
                        let x = d.x[k], T = d.T[k], tx = d.tx[k]
                        pap[k] = m.probabilityAlive(x: x, tx: tx, T: T)
                        let den = m.recencyDivisor(x: x, tx: tx, T: T)
                        let base = Int(slot[k]) * steps
                        var prev = 0.0, sum = 0.0
                        for i in 0..<steps {
                            let e = schedule.times[i] > 0 ? tb[base + i] / den : 0
                            sum += schedule.factors[i] * (e - prev); prev = e
                        }
                        exp[k] = prev; dcp[k] = sum
                    }
                }
            }}}
        }
        return (pa, ex, dc)
    }

}
