import Foundation
import Testing
import TenureData
import TenureNumerics
@testable import TenureCohorts

/// The sBG fit against the worked example of Fader & Hardie (2007), "How to Project Customer Retention",
/// Journal of Interactive Marketing 21(1), 76–90: survivors of two cohorts of 1000 customers over years 0–7
/// (their Table 1). The paper reports α̂ = 0.668, β̂ = 3.806 for "High End" and α̂ = 0.704, β̂ = 1.182 for
/// "Regular" (maximised log-likelihoods −1611.2 and −1680.3); the fixture holds the same fits by scipy
/// (scripts/fixtures/cohorts.py) to more digits.
@Suite struct SBGTests {
    struct Example: Codable { var survivors: [Double]; var alpha: Double; var beta: Double; var log_likelihood: Double }
    struct File: Codable { var high_end: Example; var regular: Example }
    /// Read once; a missing or broken fixture fails the tests that need it (never crashes the run).
    static let fixture = Result { try JSONDecoder().decode(File.self, from: Data(contentsOf: FixtureData.root.appendingPathComponent("expected_sbg.json"))) }

    /// Table 1 of the paper: survivors of 1000 customers at years 0–12. Years 0–7 calibrate the model,
    /// years 8–12 are the paper's holdout.
    static let highEnd: [Double] = [1000, 869, 743, 653, 593, 551, 517, 491, 468, 445, 427, 409, 394]
    static let regular: [Double] = [1000, 631, 468, 382, 326, 289, 262, 241, 223, 207, 194, 183, 173]

    @Test func highEndMatchesPaper() throws {
        let f = try SBG.fit(survivors: Array(Self.highEnd[0...7]))
        // The paper's estimates (3 decimals) and maximised log-likelihood (1 decimal).
        #expect(abs(f.alpha - 0.668) < 0.0005)
        #expect(abs(f.beta - 3.806) < 0.0005)
        #expect(abs(f.logLikelihood - -1611.2) < 0.05)
        let e = try Self.fixture.get().high_end
        #expect(abs(f.alpha / e.alpha - 1) < 1e-5)
        #expect(abs(f.beta / e.beta - 1) < 1e-5)
        #expect(abs(f.logLikelihood - e.log_likelihood) < 1e-6)
        #expect(f.alphaSE > 0 && f.betaSE > 0)
    }

    @Test func regularMatchesPaper() throws {
        let f = try SBG.fit(survivors: Array(Self.regular[0...7]))
        #expect(abs(f.alpha - 0.704) < 0.0005)
        #expect(abs(f.beta - 1.182) < 0.0005)
        #expect(abs(f.logLikelihood - -1680.3) < 0.05)
        let e = try Self.fixture.get().regular
        #expect(abs(f.alpha / e.alpha - 1) < 1e-5)
        #expect(abs(f.beta / e.beta - 1) < 1e-5)
        #expect(abs(f.logLikelihood - e.log_likelihood) < 1e-6)
    }

    /// The paper's point: calibrated on years 0–7, the sBG projects years 8–12 closely (its Figure 5).
    /// The expected survivors E[N_t | N_7] = N_7·S(t)/S(7) from the fit are within 5% of the holdout counts.
    @Test(arguments: [("high end", SBGTests.highEnd), ("regular", SBGTests.regular)])
    func holdoutYearsProjected(_ name: String, _ n: [Double]) throws {
        let f = try SBG.fit(survivors: Array(n[0...7]))
        let p = SBG.project(fit: f, lastAge: 7, survivorsAtK: Int(n[7]), through: 12, draws: 500, confidence: 0.95, seed: 1)
        #expect(p.map(\.age) == [8, 9, 10, 11, 12])
        for c in p {
            #expect(abs(c.expected / n[c.age] - 1) < 0.05, "\(name) year \(c.age): \(c.expected) vs \(n[c.age])")
            #expect(abs(c.expected - n[7] * SBG.survival(alpha: f.alpha, beta: f.beta, Double(c.age)) / SBG.survival(alpha: f.alpha, beta: f.beta, 7)) < 1e-9)
        }
    }

    /// Retention rates r_t = (β + t − 1)/(α + β + t − 1): with the Regular fit the paper's forecast of year-12
    /// survivors from 1000 is 1000·S(12); check S against the recurrence.
    @Test func survivalRecurrence() {
        let a = 0.704, b = 1.182
        var s = 1.0
        for t in 1...12 {
            s *= (b + Double(t) - 1) / (a + b + Double(t) - 1)
            #expect(abs(SBG.survival(alpha: a, beta: b, Double(t)) - s) < 1e-12)
        }
    }

    @Test func standardErrorsFromInverseHessian() throws {
        // Delta method: se(α) = α·sqrt(Var log α). Compare with a finite-difference Hessian of the
        // log-likelihood computed here independently of the fit.
        let n: [Double] = [1000, 631, 468, 382, 326, 289, 262, 241]
        let f = try SBG.fit(survivors: n)
        func ll(_ x: [Double]) -> Double { var g = [0.0, 0.0]; return SBG.logLikelihood(x, survivors: n, gradient: &g) }
        let x = [log(f.alpha), log(f.beta)], h = 1e-4
        func d2(_ i: Int, _ j: Int) -> Double {
            func at(_ di: Double, _ dj: Double) -> Double { var y = x; y[i] += di; y[j] += dj; return ll(y) }
            return (at(h, h) - at(h, -h) - at(-h, h) + at(-h, -h)) / (4 * h * h)
        }
        let hxx = -d2(0, 0), hyy = -d2(1, 1), hxy = -d2(0, 1)
        let det = hxx * hyy - hxy * hxy
        #expect(abs(f.alphaSE - f.alpha * (hyy / det).squareRoot()) / f.alphaSE < 1e-3)
        #expect(abs(f.betaSE - f.beta * (hxx / det).squareRoot()) / f.betaSE < 1e-3)
    }

    @Test func gradientIsAnalyticDerivative() {
        let n: [Double] = [1000, 869, 743, 653, 593, 551, 517, 491]
        let x = [-0.3, 1.2]
        var g = [0.0, 0.0]
        _ = SBG.logLikelihood(x, survivors: n, gradient: &g)
        for i in 0..<2 {
            var p = x, m = x; p[i] += 1e-6; m[i] -= 1e-6
            var dummy = [0.0, 0.0]
            let num = (SBG.logLikelihood(p, survivors: n, gradient: &dummy) - SBG.logLikelihood(m, survivors: n, gradient: &dummy)) / 2e-6
            #expect(abs(num - g[i]) < 1e-4 * max(1, abs(g[i])))
        }
    }

    @Test func projectionIsDeterministicAndCoversExpectation() throws {
        let f = try SBG.fit(survivors: [1000, 631, 468, 382, 326])
        let p1 = SBG.project(fit: f, lastAge: 4, survivorsAtK: 326, through: 12, draws: 2000, confidence: 0.9, seed: 7)
        let p2 = SBG.project(fit: f, lastAge: 4, survivorsAtK: 326, through: 12, draws: 2000, confidence: 0.9, seed: 7)
        #expect(p1.map(\.lower) == p2.map(\.lower))
        #expect(p1.count == 8)
        for p in p1 { #expect(p.lower <= p.expected && p.expected <= p.upper) }
        // Intervals widen with the horizon.
        let first = try #require(p1.first), last = try #require(p1.last)
        #expect(last.upper - last.lower > first.upper - first.lower)
        // Held-out truth of the paper's Regular cohort (years 5–7: 289, 262, 241) lies inside.
        for (t, truth) in [(5, 289.0), (6, 262.0), (7, 241.0)] {
            let c = try #require(p1.first { $0.age == t })
            #expect(c.lower <= truth && truth <= c.upper, "year \(t)")
        }
    }

    @Test func degenerateSeriesThrowFitError() {
        #expect(throws: FitError.self) { _ = try SBG.fit(survivors: [100, 100, 100]) }
        #expect(throws: FitError.self) { _ = try SBG.fit(survivors: [100, 90]) }
        #expect(throws: FitError.self) { _ = try SBG.fit(survivors: [100, 90, 95]) }
    }
}

/// Fits at the edge of the parameter space are reported as their limiting model (issue 12, point 3).
@Suite struct SBGBoundaryTests {
    /// Survivors of a homogeneous cohort (every customer churns with θ = 0.2 each period, no
    /// heterogeneity): the likelihood rises as α, β → ∞ at α/(α+β) = 0.2. The fit is the geometric
    /// model with θ̂ = lost / periods at risk, never alpha = 10⁸.
    @Test func homogeneousChurnIsTheGeometricLimit() throws {
        let n: [Double] = [10_000, 8_000, 6_400, 5_120, 4_096, 3_277, 2_621]
        let fit = try SBG.fit(survivors: n)
        let limit = try #require(fit.limit, "alpha \(fit.alpha), beta \(fit.beta) should be reported as a limit")
        #expect(limit.model == "geometric")
        var lost = 0.0, exposure = 0.0
        for t in 1..<n.count { lost += n[t - 1] - n[t]; exposure += Double(t) * (n[t - 1] - n[t]) }
        exposure += Double(n.count - 1) * n.last!
        #expect(abs(limit.theta - lost / exposure) < 1e-12)
        #expect(abs(limit.theta - 0.2) < 0.002)
        #expect(limit.thetaSE > 0 && limit.thetaSE < 0.01)
        // the projection of the limit is the geometric one
        #expect(abs(SBG.survival(alpha: fit.alpha, beta: fit.beta, 3) - pow(1 - limit.theta, 3)) < 1e-6)
    }

    /// Pooled data (several cohorts, different lengths) fit the same α, β as one long series would.
    @Test func pooledCohortsShareOneFit() throws {
        var d = SBGData()
        d.add(survivors: [1000, 869, 743, 653, 593, 551, 517, 491])
        let one = try SBG.fit(d)
        d.add(survivors: [1000, 869, 743])
        let two = try SBG.fit(d)
        #expect(one.limit == nil && two.limit == nil)
        #expect(abs(one.alpha - 0.6680883728764352) < 1e-4)
        #expect(abs(two.alpha - one.alpha) < 0.1 && abs(two.beta - one.beta) < 0.5)
    }
}
