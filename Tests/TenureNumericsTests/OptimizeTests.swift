import Foundation
import Testing
@testable import TenureNumerics

private func rosenbrock(_ x: [Double], _ g: inout [Double]) -> Double {
    var f = 0.0
    for i in 0..<x.count { g[i] = 0 }
    for i in 0..<(x.count - 1) {
        let a = x[i + 1] - x[i] * x[i]
        let b = 1 - x[i]
        f += 100 * a * a + b * b
        g[i] += -400 * x[i] * a - 2 * b
        g[i + 1] += 200 * a
    }
    return f
}

private struct LogisticFixture: Decodable {
    let x: [[Double]]
    let y: [Double]
    let coef: [Double]
    let cov: [[Double]]
    let loglik: Double
}

/// Negative log-likelihood of a logistic regression with gradient and Hessian.
private func logisticNLL(_ X: Matrix, _ y: [Double], _ beta: [Double], _ g: inout [Double], _ h: inout Matrix?) -> Double {
    let eta = X.times(beta)
    var f = 0.0
    var r = [Double](repeating: 0, count: y.count)
    var w = [Double](repeating: 0, count: y.count)
    for i in 0..<y.count {
        let e = eta[i]
        // log(1 + exp(e)) stably
        f += (e > 0 ? e + log1p(exp(-e)) : log1p(exp(e))) - y[i] * e
        let p = 1 / (1 + exp(-e))
        r[i] = p - y[i]
        w[i] = p * (1 - p)
    }
    g = X.times(r, transposed: true)
    if h != nil { h = X.weightedGram(w) }
    return f
}

@Suite("Optimizers")
struct OptimizeTests {
    @Test func lbfgsRosenbrock2D() {
        let r = Optimize.lbfgs(x0: [-1.2, 1], objective: rosenbrock)
        #expect(r.converged, "\(r.message)")
        #expect(abs(r.x[0] - 1) < 1e-6 && abs(r.x[1] - 1) < 1e-6, "\(r.x)")
        #expect(r.value < 1e-12)
        #expect(r.iterations < 100)
        // Analytic Hessian at (1,1): [[802, -400], [-400, 200]].
        let h = r.hessian!
        #expect(abs(h[0, 0] - 802) < 1e-3 && abs(h[0, 1] + 400) < 1e-3 && abs(h[1, 1] - 200) < 1e-3, "\(h)")
    }

    @Test func lbfgsRosenbrock10D() {
        let r = Optimize.lbfgs(x0: [Double](repeating: -1, count: 10), objective: rosenbrock)
        #expect(r.converged, "\(r.message)")
        for v in r.x { #expect(abs(v - 1) < 1e-5) }
    }

    @Test func lbfgsBoundedQuadratic() {
        // f = x² + 2y² + xy − 4x − 4y: free minimum (12/7, 4/7); with x ≤ 1 the minimum is (1, 3/4).
        func f(_ x: [Double], _ g: inout [Double]) -> Double {
            g[0] = 2 * x[0] + x[1] - 4
            g[1] = 4 * x[1] + x[0] - 4
            return x[0] * x[0] + 2 * x[1] * x[1] + x[0] * x[1] - 4 * x[0] - 4 * x[1]
        }
        let free = Optimize.lbfgs(x0: [0, 0], objective: f)
        #expect(abs(free.x[0] - 12.0 / 7) < 1e-6 && abs(free.x[1] - 4.0 / 7) < 1e-6)
        let hf = free.hessian!
        #expect(abs(hf[0, 0] - 2) < 1e-7 && abs(hf[0, 1] - 1) < 1e-7 && abs(hf[1, 1] - 4) < 1e-7)

        let r = Optimize.lbfgs(x0: [0, 0], lower: [-.infinity, -.infinity], upper: [1, .infinity], objective: f)
        #expect(r.converged, "\(r.message)")
        #expect(r.x[0] == 1)
        #expect(abs(r.x[1] - 0.75) < 1e-6, "\(r.x)")  // relative-reduction stop: |Δx| ~ √relTol
        // Start outside the box: projected in.
        let r2 = Optimize.lbfgs(x0: [5, 5], lower: [0, 0], upper: [1, 0.5], objective: f)
        #expect(r2.x == [1, 0.5], "\(r2.x) \(r2.message)")
        #expect(r2.converged)
        // Hessian at a bound is still finite (one-sided differences).
        #expect(r2.hessian != nil)
        #expect(abs(r2.hessian![0, 0] - 2) < 1e-5)
    }

    @Test func lbfgsBoundsSeparable() {
        // Σ (xᵢ − cᵢ)² on [0, 1]³ with c = (2, −1, 0.5) → (1, 0, 0.5).
        let c = [2.0, -1, 0.5]
        let r = Optimize.lbfgs(x0: [0.5, 0.5, 0.5], lower: [0, 0, 0], upper: [1, 1, 1]) { x, g in
            var f = 0.0
            for i in 0..<3 { f += (x[i] - c[i]) * (x[i] - c[i]); g[i] = 2 * (x[i] - c[i]) }
            return f
        }
        #expect(r.converged)
        #expect(r.x[0] == 1 && r.x[1] == 0 && abs(r.x[2] - 0.5) < 1e-9, "\(r.x)")
    }

    @Test func lbfgsStepsBackFromInfeasiblePoints() {
        // f = x − log x − log(2 − x)... simpler: f = x − 2 log x, minimum at x = 2; NaN for x ≤ 0.
        let r = Optimize.lbfgs(x0: [0.01]) { x, g in
            g[0] = 1 - 2 / x[0]
            return x[0] > 0 ? x[0] - 2 * log(x[0]) : .nan
        }
        #expect(r.converged, "\(r.message)")
        #expect(abs(r.x[0] - 2) < 1e-7)
        #expect(abs(r.hessian![0, 0] - 0.5) < 1e-6)   // f'' = 2/x² = 0.5
    }

    @Test func nonFiniteStartIsReported() {
        let r = Optimize.lbfgs(x0: [-1]) { x, g in g[0] = 0; return log(x[0]) }
        #expect(!r.converged)
        #expect(r.message.contains("starting point"))
    }

    @Test func logisticMLEAgainstStatsmodels() throws {
        let fx: LogisticFixture = try Fixtures.load("logistic.json")
        let X = Matrix(rowMajor: fx.x)
        let lb = Optimize.lbfgs(x0: [0, 0, 0]) { b, g in
            var none: Matrix? = nil
            return logisticNLL(X, fx.y, b, &g, &none)
        }
        #expect(lb.converged, "\(lb.message)")
        for k in 0..<3 { #expect(abs(lb.x[k] - fx.coef[k]) < 1e-6, "lbfgs coef \(k): \(lb.x[k]) vs \(fx.coef[k])") }
        #expect(abs(-lb.value - fx.loglik) < 1e-9 * abs(fx.loglik))
        let covLB = try LinearAlgebra.inverseSPD(lb.hessian!)
        for i in 0..<3 { for j in 0..<3 { #expect(abs(covLB[i, j] - fx.cov[i][j]) < 1e-6 * abs(fx.cov[i][i])) } }

        let nt = Optimize.newton(x0: [0, 0, 0]) { b, g, h in
            var hh: Matrix? = h
            let f = logisticNLL(X, fx.y, b, &g, &hh)
            h = hh!
            return f
        }
        #expect(nt.converged, "\(nt.message)")
        #expect(nt.iterations < 15)
        for k in 0..<3 { #expect(abs(nt.x[k] - fx.coef[k]) < 1e-9, "newton coef \(k): \(nt.x[k]) vs \(fx.coef[k])") }
        let covNT = try LinearAlgebra.inverseSPD(nt.hessian!)
        for i in 0..<3 { for j in 0..<3 { #expect(abs(covNT[i, j] - fx.cov[i][j]) < 1e-9 * abs(fx.cov[i][i])) } }
    }

    @Test func newtonHandlesIndefiniteHessian() {
        // Rosenbrock from a point where the Hessian is indefinite (x₀ = (0, 1): H₀₀ = 2 − 400(1 − 0) < 0).
        let r = Optimize.newton(x0: [0, 1]) { x, g, h in
            let f = rosenbrock(x, &g)
            h[0, 0] = 1200 * x[0] * x[0] - 400 * x[1] + 2
            h[0, 1] = -400 * x[0]; h[1, 0] = -400 * x[0]
            h[1, 1] = 200
            return f
        }
        #expect(r.converged, "\(r.message)")
        #expect(abs(r.x[0] - 1) < 1e-8 && abs(r.x[1] - 1) < 1e-8, "\(r.x)")
    }

    @Test func finiteDifferenceHessian() {
        // f = exp(x) y² + sin(y): H = [[eˣy², 2eˣy], [2eˣy, 2eˣ − sin y]].
        let h = Optimize.hessian(at: [0.3, -0.7]) { p in
            [exp(p[0]) * p[1] * p[1], 2 * exp(p[0]) * p[1] + cos(p[1])]
        }
        let e = exp(0.3), y = -0.7
        #expect(abs(h[0, 0] - e * y * y) < 1e-9)
        #expect(abs(h[0, 1] - 2 * e * y) < 1e-9 && h[0, 1] == h[1, 0])
        #expect(abs(h[1, 1] - (2 * e - sin(y))) < 1e-9)
    }
}
