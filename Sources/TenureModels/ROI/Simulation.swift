import Foundation
import TenureNumerics

/// Percentile summary of a simulated quantity.
public struct Interval: Sendable, Codable, Equatable {
    public var p5: Double
    public var p50: Double
    public var p95: Double
    public var mean: Double
}

/// Monte Carlo over effect ranges and model-parameter uncertainty.
///
/// Simulation `i` of every scenario uses the same random stream (`RNG(seed)` jumped to draw `i`),
/// so scenarios are compared on common random numbers and the same seed gives the same bytes.
/// Parameter draws: θ = θ̂ + L·z with L the Cholesky factor of the fitted covariance (LAPACK dpotrf),
/// z standard normal; effects and costs are drawn by inversion of their distributions.
public enum MonteCarlo {
    /// Most simulations per scenario (four `Double`s each are kept for the percentiles).
    public static let maxSimulations = 1_000_000

    public struct Summary: Sendable, Codable, Equatable {
        public var simulations: Int
        public var npv: Interval
        public var roi: Interval
        public var incrementalRevenue: Interval
        public var incrementalRetained: Interval
        /// Share of simulations with ROI > 0 (equivalently NPV > 0).
        public var probabilityPositive: Double
        enum CodingKeys: String, CodingKey {
            case simulations, npv, roi, incrementalRevenue = "incremental_revenue",
                 incrementalRetained = "incremental_retained", probabilityPositive = "p_roi_positive"
        }
    }

    public static func run(_ s: ScenarioFile.Scenario, timing: (cost: ScenarioFile.Timing, margin: ScenarioFile.Timing),
                           baseline: Baseline, simulations n: Int, seed: UInt64) throws -> Summary {
        try SizeLimitError.check([n], limit: maxSimulations, what: "the Monte Carlo of '\(s.name)' (\(n) simulations)",
                                 option: "--simulations", hint: "use --simulations \(maxSimulations) or fewer")
        let factor: Matrix? = try baseline.covariance.map { cov in
            do { return try LinearAlgebra.cholesky(cov) } catch {
                throw FitError(model: "ROI baseline", reason: "the fitted parameters' covariance is not positive definite (\(error)); refit or drop model uncertainty")
            }
        }
        let dim = factor?.rows ?? 0
        var npv = [Double](repeating: 0, count: n), roi = npv, revenue = npv, retained = npv
        // Simulation i draws from its own stream, so the split across threads does not change a bit.
        let chunks = n >= 4096 ? 2 : 1
        npv.withUnsafeMutableBufferPointer { npv in roi.withUnsafeMutableBufferPointer { roi in
            revenue.withUnsafeMutableBufferPointer { revenue in retained.withUnsafeMutableBufferPointer { retained in
                let (npv, roi, revenue, retained) = (npv, roi, revenue, retained)
                Parallel.forEach(chunks) { c in
                    var z = [Double](repeating: 0, count: dim)
                    for i in stride(from: c * n / chunks, to: (c + 1) * n / chunks, by: 1) {
                        var rng = RNG(seed: seed &+ 0x9E37_79B9_7F4A_7C15 &* UInt64(i + 1))
                        var d = ScenarioDraw()
                        d.churnReduction = s.effects.churnReduction.sample(&rng)
                        d.frequencyLift = s.effects.frequencyLift.sample(&rng)
                        d.orderValueLift = s.effects.orderValueLift.sample(&rng)
                        d.conversionLift = s.effects.conversionLift.sample(&rng)
                        d.newCustomers = s.effects.newCustomers.sample(&rng)
                        d.newCustomerCAC = s.effects.newCustomerCAC.sample(&rng)
                        d.fixedCost = s.cost.fixed.sample(&rng)
                        d.perCustomerCost = s.cost.perCustomer.sample(&rng)
                        d.perPeriodCost = s.cost.perPeriod.sample(&rng)
                        if let L = factor {
                            for j in 0..<dim { z[j] = rng.normal() }
                            d.delta = L.times(z)
                        }
                        let o = Projection.evaluate(s, timing: timing, baseline: baseline, draw: d, keepMonthly: false)
                        npv[i] = o.npv; roi[i] = o.roi; revenue[i] = o.incrementalRevenue; retained[i] = o.incrementalRetained
                    }
                }
            } }
        } }
        let positive = npv.reduce(0) { $0 + ($1 > 0 ? 1 : 0) }
        return Summary(simulations: n, npv: interval(&npv), roi: interval(&roi), incrementalRevenue: interval(&revenue),
                       incrementalRetained: interval(&retained), probabilityPositive: Double(positive) / Double(max(n, 1)))
    }

    static func interval(_ x: inout [Double]) -> Interval {
        guard !x.isEmpty else { return Interval(p5: .nan, p50: .nan, p95: .nan, mean: .nan) }
        let mean = Stats.mean(x)
        x.sort()
        return Interval(p5: Stats.quantile(sorted: x, 0.05), p50: Stats.quantile(sorted: x, 0.5),
                        p95: Stats.quantile(sorted: x, 0.95), mean: mean)
    }
}

/// One bar of a tornado chart: the NPV when one input sits at its 10th and at its 90th percentile,
/// everything else at its center.
public struct TornadoBar: Sendable, Codable, Equatable {
    public var input: String
    public var lowValue: Double
    public var highValue: Double
    public var npvAtLow: Double
    public var npvAtHigh: Double
    public var swing: Double { abs(npvAtHigh - npvAtLow) }
    enum CodingKeys: String, CodingKey {
        case input, lowValue = "low_value", highValue = "high_value", npvAtLow = "npv_at_low", npvAtHigh = "npv_at_high"
    }
}

public enum Sensitivity {
    /// Tornado bars for every uncertain input, plus the model parameters (±1.2816 sd along each
    /// parameter, the same 10/90 percentiles), sorted by swing, largest first. Swings equal to 1e-9
    /// of the largest count as tied and keep the inputs' order, so bars of equal swing (in exact
    /// arithmetic) do not swap with the last bits of another CPU's BLAS.
    public static func tornado(_ s: ScenarioFile.Scenario, timing: (cost: ScenarioFile.Timing, margin: ScenarioFile.Timing),
                               baseline: Baseline) -> [TornadoBar] {
        let center = ScenarioDraw(center: s)
        typealias Setter = (inout ScenarioDraw, Double) -> Void
        let inputs: [(String, Uncertain, Setter)] = [
            ("churn_reduction", s.effects.churnReduction, { $0.churnReduction = $1 }),
            ("frequency_lift", s.effects.frequencyLift, { $0.frequencyLift = $1 }),
            ("order_value_lift", s.effects.orderValueLift, { $0.orderValueLift = $1 }),
            ("conversion_lift", s.effects.conversionLift, { $0.conversionLift = $1 }),
            ("new_customers", s.effects.newCustomers, { $0.newCustomers = $1 }),
            ("new_customer_cac", s.effects.newCustomerCAC, { $0.newCustomerCAC = $1 }),
            ("cost.fixed", s.cost.fixed, { $0.fixedCost = $1 }),
            ("cost.per_customer", s.cost.perCustomer, { $0.perCustomerCost = $1 }),
            ("cost.per_period", s.cost.perPeriod, { $0.perPeriodCost = $1 }),
        ]
        func npv(_ d: ScenarioDraw) -> Double { Projection.evaluate(s, timing: timing, baseline: baseline, draw: d, keepMonthly: false).npv }
        var bars: [TornadoBar] = []
        for (name, u, set) in inputs where u.isUncertain {
            let (lo, hi) = u.swing
            var a = center, b = center
            set(&a, lo); set(&b, hi)
            bars.append(TornadoBar(input: name, lowValue: lo, highValue: hi, npvAtLow: npv(a), npvAtHigh: npv(b)))
        }
        if let cov = baseline.covariance {
            for (j, name) in baseline.parameterNames.enumerated() where j < cov.rows && cov[j, j] > 0 {
                let sd = cov[j, j].squareRoot() * 1.2815515655446004
                var a = center, b = center
                a.delta = [Double](repeating: 0, count: cov.rows); b.delta = a.delta
                a.delta[j] = -sd; b.delta[j] = sd
                bars.append(TornadoBar(input: "model: \(name)", lowValue: -sd, highValue: sd, npvAtLow: npv(a), npvAtHigh: npv(b)))
            }
        }
        let scale = bars.map(\.swing).max() ?? 0
        func key(_ b: TornadoBar) -> Double { scale > 0 ? (b.swing / scale * 1e9).rounded() : 0 }
        return bars.enumerated().sorted { (x, y) in
            key(x.element) != key(y.element) ? key(x.element) > key(y.element) : x.offset < y.offset
        }.map(\.element)
    }

    /// The multiplier k on every effect (center values, costs fixed) at which NPV = 0, by bisection;
    /// nil when NPV stays negative up to k = 1000 (or as far as the baseline's curves reach for a
    /// frequency lift) or the scenario has no effect to scale.
    /// k < 1 means the planned effects could shrink by that factor and still break even.
    public static func breakEvenScale(_ s: ScenarioFile.Scenario, timing: (cost: ScenarioFile.Timing, margin: ScenarioFile.Timing),
                                      baseline: Baseline) -> Double? {
        let center = ScenarioDraw(center: s)
        func npv(_ k: Double) -> Double {
            Projection.evaluate(s, timing: timing, baseline: baseline, draw: center.scalingEffects(k), keepMonthly: false).npv
        }
        var limit = 1000.0
        if center.frequencyLift > 0 {
            limit = min(limit, (baseline.reach / Double(s.horizonMonths) - 1) / center.frequencyLift)
        }
        var lo = 0.0, hi = min(1.0, limit)
        guard npv(lo) < 0 else { return 0 }
        while npv(hi) < 0 {
            if hi >= limit { return nil }
            hi = min(hi * 2, limit)
        }
        for _ in 0..<80 {
            let mid = (lo + hi) / 2
            if npv(mid) < 0 { lo = mid } else { hi = mid }
            if hi - lo < 1e-9 * hi { break }
        }
        return hi
    }
}
