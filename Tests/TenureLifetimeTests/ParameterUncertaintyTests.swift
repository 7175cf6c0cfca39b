import Foundation
import Testing
import TenureData
import TenureNumerics
@testable import TenureLifetime

/// The CLV intervals that carry parameter uncertainty (`CLVParameterDraws`), checked by coverage:
/// datasets are simulated from known BG/NBD and Gamma-Gamma parameters, the models are fitted on
/// each, and the 90 % interval of each group's total expected CLV must hold the true value — the
/// same customers' expected CLV given their histories under the true parameters — in about 90 % of
/// the datasets.
@Suite struct ParameterUncertaintyTests {
    /// BG/NBD per week and Gamma-Gamma (spend per purchase Gamma(p, ν), ν ~ Gamma(q, rate γ)).
    static let truth = (r: 0.25, alpha: 4.0, a: 0.8, b: 2.5, p: 6.0, q: 4.0, gamma: 15.0)

    struct Sample { var x: [Int32]; var tx: [Double]; var T: [Double]; var m: [Double]; var group: [Int32] }

    /// `n` customers observed for 26, 39 or 52 weeks, in continuous time: purchases at the events of
    /// a Poisson process with rate λ ~ Gamma(r, 1/α), after each repeat purchase a dropout with
    /// probability p ~ Beta(a, b); group 0 or 1 at random.
    static func simulate(_ n: Int, _ rng: inout RNG) -> Sample {
        let t = truth
        var s = Sample(x: [], tx: [], T: [], m: [], group: [])
        for _ in 0..<n {
            let lambda = rng.gamma(shape: t.r, scale: 1 / t.alpha), drop = rng.beta(t.a, t.b)
            let age = [26.0, 39.0, 52.0][rng.int(below: 3)]
            let nu = rng.gamma(shape: t.q, scale: 1 / t.gamma)
            var time = 0.0, x: Int32 = 0, last = 0.0, spend = 0.0
            while true {
                time += rng.exponential(rate: lambda)
                if time > age { break }
                x += 1; last = time
                spend += rng.gamma(shape: t.p, scale: 1 / nu)
                if rng.bernoulli(drop) { break }
            }
            s.x.append(x); s.tx.append(last); s.T.append(age); s.m.append(x > 0 ? spend / Double(x) : 0)
            s.group.append(Int32(rng.int(below: 2)))
        }
        return s
    }

    @Test func ninetyPercentIntervalsCoverTheTrueExpectedCLV() throws {
        let t = Self.truth
        let schedule = DiscountSchedule.annual(horizonDays: 365, unit: .week, annualRate: 0.10)
        let trueModel = BGNBDModel(r: t.r, alpha: t.alpha, a: t.a, b: t.b)
        let trueSpend = GammaGammaModel(p: t.p, q: t.q, gamma: t.gamma)
        var rng = RNG(seed: 20261203)
        let datasets = 120
        var covered = [0, 0, 0], halfWidthCovered = 0, runs = 0
        for rep in 0..<datasets {
            let s = Self.simulate(1_000, &rng)
            let pat = RFMPatterns(x: s.x, tx: s.tx, T: s.T)
            let model = try BGNBDModel.fit(pat)
            let spend = try GammaGammaModel.fit(frequency: s.x, monetary: s.m)
            let out = try CLVParameterDraws.run(
                model: model, modelName: "bgnbd", spend: spend, frequency: s.x, monetary: s.m, patterns: pat,
                schedule: schedule, group: s.group, groupCount: 2,
                options: ParameterDrawOptions(draws: 100, seed: UInt64(rep + 1), level: 0.90))
            // the true expected CLV of each group given the customers' histories
            let d = Valuation.patternForecasts(trueModel, pat, schedule: schedule).discounted
            var trueTotal = [0.0, 0.0, 0.0]
            for i in 0..<s.x.count {
                let v = trueSpend.conditionalExpectedSpend(x: s.x[i], m: s.m[i]) * d[Int(pat.pattern[i])]
                trueTotal[Int(s.group[i])] += v; trueTotal[2] += v
            }
            for g in 0..<3 {
                let iv = try #require(out.intervals[g])
                #expect(iv.totalLower < iv.totalUpper)
                if iv.totalLower <= trueTotal[g] && trueTotal[g] <= iv.totalUpper { covered[g] += 1 }
                if g == 2 {
                    let mid = (iv.totalLower + iv.totalUpper) / 2, half = (iv.totalUpper - iv.totalLower) / 4
                    if abs(trueTotal[g] - mid) <= half { halfWidthCovered += 1 }
                }
            }
            runs += 1
        }
        // 120 datasets: the coverage's standard error at 90 % is 2.7 points; accept 82–97 %.
        for g in 0..<3 {
            let c = Double(covered[g]) / Double(runs)
            #expect(c >= 0.82 && c <= 0.97, "group \(g): the 90% interval held the true expected CLV in \(covered[g]) of \(runs) datasets")
        }
        // The check can tell a wrong width: intervals half as wide cover far less often.
        #expect(Double(halfWidthCovered) / Double(runs) < 0.75, "half-width intervals covered \(halfWidthCovered) of \(runs)")
    }

    /// BG/NBD forecasts where a + b < 1, which fits and draws reach: the ₂F₁ of x = 0 has c < 0 and
    /// changes sign (it used to give NaN). References: mpmath at 30 digits
    /// (`scripts/fixtures/bgnbd_small_ab.py`).
    @Test func bgnbdForecastsWithSmallAPlusB() {
        let m = BGNBDModel(r: 0.2365, alpha: 3.95, a: 0.208, b: 0.549)
        for (t, want) in [(4.0, 0.21147070529182805506), (52, 1.8639682635130184655), (520, 11.639299564096668209)] {
            #expect(abs(m.expectedPurchases(t) / want - 1) < 1e-10, "E[X(\(t))] = \(m.expectedPurchases(t))")
        }
        let cases: [(Double, Int32, Double, Double, Double)] = [
            (52, 0, 0, 26, 0.34220955919391200583), (52, 0, 0, 520, 0.023094905605761768364), (13, 1, 5, 26, 0.19012877936447419895)]
        for (t, x, tx, T, want) in cases {
            let got = m.conditionalExpectedPurchases(t, x: x, tx: tx, T: T)
            #expect(abs(got / want - 1) < 1e-10, "E[X(\(t)) | \(x), \(tx), \(T)] = \(got)")
            // the per-pattern forecast (hypergeometric part shared per (x, T)) gives the same
            let schedule = DiscountSchedule(times: [t], factors: [1])
            let f = Valuation.patternForecasts(m, RFMPatterns(x: [x], tx: [tx], T: [T], weight: [1]), schedule: schedule)
            #expect(abs(f.expected[0] / want - 1) < 1e-10)
        }
    }

    /// The draws' inner loop (`Valuation.discountedPurchases`, the hypergeometric part once per run of
    /// equal (x, T)) gives the point forecast's discounted purchases, in any pattern order.
    @Test func discountedPurchasesEqualThePointForecast() {
        var rng = RNG(seed: 3)
        let s = Self.simulate(2_000, &rng)
        let pat = RFMPatterns(x: s.x, tx: s.tx.map { ($0 * 7).rounded() / 7 }, T: s.T)
        let schedule = DiscountSchedule.annual(horizonDays: 365, unit: .week, annualRate: 0.1)
        let order = (0..<pat.count).sorted { (pat.x[$0], pat.T[$0], pat.tx[$0]) < (pat.x[$1], pat.T[$1], pat.tx[$1]) }
        let byXT = RFMPatterns(x: order.map { pat.x[$0] }, tx: order.map { pat.tx[$0] }, T: order.map { pat.T[$0] },
                               weight: order.map { pat.weight[$0] })
        let t = Self.truth
        let models: [any RepeatPurchaseModel] = [BGNBDModel(r: t.r, alpha: t.alpha, a: t.a, b: t.b),
                                                 ParetoNBDModel(r: 0.55, alpha: 10.6, s: 0.61, beta: 11.7)]
        for m in models {
            for d in [pat, byXT] {
                let want = Valuation.patternForecasts(m, d, schedule: schedule).discounted
                let got = Valuation.discountedPurchases(m, d, schedule: schedule)
                let worst = zip(got, want).map { abs($0 - $1) / max(abs($1), 1e-300) }.max() ?? .nan
                #expect(worst < 1e-12, "\(type(of: m)): worst relative difference \(worst)")
            }
        }
    }

    /// Draws follow the covariance they are drawn from: on log scale, mean ≈ log θ̂ and the sample
    /// covariance ≈ the inverse information; a parameter on a bound is held at its estimate.
    @Test func drawsFollowTheInformationAndHoldBoundParameters() throws {
        var cov = Matrix(rows: 2, cols: 2)
        let theta = [2.0, 0.5]
        // log-scale covariance [[0.04, 0.01], [0.01, 0.09]] mapped to the natural scale
        let logCov = [[0.04, 0.01], [0.01, 0.09]]
        for i in 0..<2 { for j in 0..<2 { cov[i, j] = logCov[i][j] * theta[i] * theta[j] } }
        let fit = MLEFit(names: ["u", "v"], estimates: theta, covariance: cov, logLikelihood: 0, observations: 1,
                         patterns: 1, iterations: 0, gradientNorm: 0)
        var rng = RNG(seed: 7)
        let d = try #require(fit.draws(20_000, &rng)).draws
        let logs = d.map { $0.map { Foundation.log($0) } }
        for k in 0..<2 {
            let mean = logs.reduce(0) { $0 + $1[k] } / Double(logs.count)
            #expect(abs(mean - Foundation.log(theta[k])) < 0.01)
        }
        let m0 = Foundation.log(theta[0]), m1 = Foundation.log(theta[1])
        let c01 = logs.reduce(0) { $0 + ($1[0] - m0) * ($1[1] - m1) } / Double(logs.count)
        let c11 = logs.reduce(0) { $0 + ($1[1] - m1) * ($1[1] - m1) } / Double(logs.count)
        #expect(abs(c01 - 0.01) < 0.003 && abs(c11 - 0.09) < 0.005)

        var bound = fit
        bound.covariance[1, 1] = .nan; bound.covariance[0, 1] = .nan; bound.covariance[1, 0] = .nan
        let b = try #require(bound.draws(100, &rng)).draws
        #expect(b.allSatisfy { $0[1] == 0.5 } && Set(b.map { $0[0] }).count == 100)
        #expect(bound.heldFixed == ["v"])
    }

    /// Through `LifetimeAnalysis`: every segment and the total get the draws' interval, which holds
    /// the point estimate; per-customer bounds bracket each customer's CLV; and the same seed gives
    /// the same numbers.
    @Test func analysisReportsIntervalsPerSegmentAndCustomer() throws {
        var rng = RNG(seed: 99)
        let s = Self.simulate(1_500, &rng)
        var summary = RFMSummary(options: RFMOptions(timeUnit: .week), calibrationEnd: 0, observationEnd: 0, hasHoldout: false)
        summary.customer = (0..<Int32(s.x.count)).map { $0 }
        summary.frequency = s.x; summary.recency = s.tx; summary.T = s.T; summary.monetaryValue = s.m
        let segments = CustomerSegments(column: "segment", codes: s.group.map { $0 == 1 ? -1 : 0 }, levels: ["a"])
        var o = LifetimeOptions()
        o.uncertainty = ParameterDrawOptions(draws: 120, seed: 5, perCustomer: true)
        let ids = (0..<s.x.count).map { "C\($0)" }
        let out = try LifetimeAnalysis.run(summary: summary, ids: ids, segments: segments, options: o)
        let r = out.result
        #expect(r.parameterUncertainty?.draws == 120 && r.parameterUncertaintyUnavailable == nil)
        #expect(r.segments.map(\.segment) == ["(missing)", "a"])
        for g in [r.overall] + r.segments {
            let iv = try #require(g.parameterInterval, "\(g.segment)")
            #expect(iv.meanLower < g.meanCLV && g.meanCLV < iv.meanUpper, "\(g.segment)")
            #expect(abs(iv.totalLower - iv.meanLower * Double(g.customers)) < 1e-6 * iv.totalLower)
        }
        let clv = try #require(out.scores.clv), lo = try #require(out.scores.clvLower), hi = try #require(out.scores.clvUpper)
        var inside = 0
        for i in 0..<clv.count where lo[i] <= clv[i] && clv[i] <= hi[i] { inside += 1 }
        #expect(inside > clv.count * 95 / 100, "\(inside) of \(clv.count) customers' CLV inside their interval")
        let again = try LifetimeAnalysis.run(summary: summary, ids: ids, segments: segments, options: o)
        #expect(again.result == r)
        o.uncertainty.draws = 0
        let none = try LifetimeAnalysis.run(summary: summary, ids: ids, segments: segments, options: o)
        #expect(none.result.parameterUncertainty == nil && none.result.overall.parameterInterval == nil)
    }

    /// Customers who never drop out (Poisson purchases, gamma rates, as in a generated file without
    /// churn): BG/NBD runs to b → ∞ along a flat ridge. The fit must end on the bound as the limiting
    /// model, b without a standard error — it used to end beside it with SE(b) = 6·10⁸, and its 200
    /// parameter draws of b over hundreds of orders of magnitude then ran for over half an hour in
    /// ₂F₁ series — and the draws must hold b fixed (or say why there are none).
    @Test func noDropoutEndsAtTheLimitAndDrawsHoldIt() throws {
        var rng = RNG(seed: 4)
        var summary = RFMSummary(options: RFMOptions(timeUnit: .week), calibrationEnd: 0, observationEnd: 0, hasHoldout: false)
        for i in 0..<5_000 {
            let lambda = rng.gamma(shape: 1.2, scale: 1 / 24.0), age = Double(1 + rng.int(below: 208))
            var time = rng.exponential(rate: lambda), x: Int32 = 0, last = 0.0
            while time < age { x += 1; last = time; time += rng.exponential(rate: lambda) }
            summary.customer.append(Int32(i)); summary.frequency.append(x); summary.recency.append(last.rounded(.down))
            summary.T.append(age); summary.monetaryValue.append(x > 0 ? 20 + Double(rng.int(below: 80)) : 0)
        }
        var o = LifetimeOptions()
        o.uncertainty = ParameterDrawOptions(draws: 20, seed: 1)
        let r = try LifetimeAnalysis.run(summary: summary, ids: summary.customer.map { "C\($0)" }, segments: nil, options: o).result
        let fit = r.purchaseModel
        let limit = try #require(fit.limitingModel, "no limiting model: \(fit.parameters)")
        #expect(limit.parameters.contains("b → ∞"), "\(limit.parameters)")
        #expect(fit.parameters.first { $0.name == "b" }?.standardError.isNaN == true)
        if let u = r.parameterUncertainty {
            #expect(u.heldFixed.contains("bgnbd.b"), "\(u.heldFixed)")
        } else {
            let why = try #require(r.parameterUncertaintyUnavailable)
            #expect(why.contains("hardly identify"), "\(why)")
        }
    }
}
