import Foundation
import Testing
import TenureData
import TenureNumerics
@testable import TenureCohorts

/// The sBG fit against the worked example of Fader & Hardie (2007), "How to Project Customer Retention",
/// Journal of Interactive Marketing 21(1), 76–90: survivors of two cohorts of 1000 customers over years 0–7
/// (their Table 1). The paper reports α̂ = 0.668, β̂ = 3.806 for "High End" and α̂ = 0.704, β̂ = 1.182 for
/// "Regular"; the fixture holds the same fits by scipy (scripts/fixtures/cohorts.py) to more digits.
@Suite struct SBGTests {
    struct Example: Codable { var survivors: [Double]; var alpha: Double; var beta: Double; var log_likelihood: Double }
    static let fixture: [String: Example] = {
        let data = try! Data(contentsOf: FixtureData.root.appendingPathComponent("expected_sbg.json"))
        let obj = try! JSONSerialization.jsonObject(with: data) as! [String: Any]
        var out: [String: Example] = [:]
        for k in ["high_end", "regular"] {
            out[k] = try! JSONDecoder().decode(Example.self, from: JSONSerialization.data(withJSONObject: obj[k]!))
        }
        return out
    }()

    @Test func highEndMatchesPaper() throws {
        let f = try SBG.fit(survivors: [1000, 869, 743, 653, 593, 551, 517, 491])
        #expect(abs(f.alpha - 0.668) < 0.0005)   // paper, 3 decimals
        #expect(abs(f.beta - 3.806) < 0.0005)
        let e = Self.fixture["high_end"]!
        #expect(abs(f.alpha / e.alpha - 1) < 1e-5)
        #expect(abs(f.beta / e.beta - 1) < 1e-5)
        #expect(abs(f.logLikelihood - e.log_likelihood) < 1e-6)
        #expect(f.alphaSE > 0 && f.betaSE > 0)
    }

    @Test func regularMatchesPaper() throws {
        let f = try SBG.fit(survivors: [1000, 631, 468, 382, 326, 289, 262, 241])
        #expect(abs(f.alpha - 0.704) < 0.0005)
        #expect(abs(f.beta - 1.182) < 0.0005)
        let e = Self.fixture["regular"]!
        #expect(abs(f.alpha / e.alpha - 1) < 1e-5)
        #expect(abs(f.beta / e.beta - 1) < 1e-5)
        #expect(abs(f.logLikelihood - e.log_likelihood) < 1e-6)
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
        #expect(p1.last!.upper - p1.last!.lower > p1.first!.upper - p1.first!.lower)
        // Held-out truth of the paper's Regular cohort (years 5–7: 289, 262, 241) lies inside.
        for (t, truth) in [(5, 289.0), (6, 262.0), (7, 241.0)] {
            let c = p1.first { $0.age == t }!
            #expect(c.lower <= truth && truth <= c.upper, "year \(t)")
        }
    }

    @Test func degenerateSeriesThrowFitError() {
        #expect(throws: FitError.self) { _ = try SBG.fit(survivors: [100, 100, 100]) }
        #expect(throws: FitError.self) { _ = try SBG.fit(survivors: [100, 90]) }
        #expect(throws: FitError.self) { _ = try SBG.fit(survivors: [100, 90, 95]) }
    }
}
