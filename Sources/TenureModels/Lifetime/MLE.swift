import Foundation
import TenureNumerics

/// A fitted parameter vector with the quantities every BTYD fit reports.
public struct MLEFit: Sendable, Codable, Equatable {
    /// Parameter names in model order (e.g. `r, alpha, a, b`).
    public var names: [String]
    /// Maximum-likelihood estimates on the natural scale.
    public var estimates: [Double]
    /// Covariance of the estimates: inverse observed information (Hessian of −log L), obtained on
    /// log-parameters and mapped back by the delta method, `Σ = D H_φ⁻¹ D`, `D = diag(θ)`.
    public var covariance: Matrix
    /// Maximised total log-likelihood (sum over customers, weights applied).
    public var logLikelihood: Double
    /// Number of customers (total weight) and of distinct sufficient-statistic patterns.
    public var observations: Double
    public var patterns: Int
    public var iterations: Int
    /// Largest |∂(−log L / n)/∂ log θ| at the estimate.
    public var gradientNorm: Double

    public var standardErrors: [Double] { covariance.diagonal.map { $0 > 0 ? $0.squareRoot() : .nan } }
    public subscript(_ name: String) -> Double { estimates[names.firstIndex(of: name)!] }
    public var aic: Double { 2 * Double(names.count) - 2 * logLikelihood }
    public var bic: Double { Double(names.count) * Foundation.log(observations) - 2 * logLikelihood }
}

/// Maximum-likelihood driver shared by the BTYD models: minimises the mean negative log-likelihood
/// over log-parameters (positivity for free, good scaling) with L-BFGS, polishes with Newton steps
/// on the Hessian obtained by differencing the analytic gradient, and checks the result.
enum MLE {
    /// `nll(θ, &g)` returns the total −log L at natural parameters θ and fills its gradient in θ.
    /// `starts` are natural-scale starting points tried in order; the best converged fit wins.
    ///
    /// With `hessian` (total −log L, its gradient and Hessian in θ, analytic), each start is first
    /// tried with damped Newton on log-parameters (quadratic convergence: ~10–20 passes over the
    /// data instead of hundreds); the first start that converges is taken, and the covariance comes
    /// from the analytic Hessian. When Newton fails from every start the L-BFGS path runs.
    static func fit(model: String, names: [String], starts: [[Double]], observations: Double, patterns: Int,
                    hessian: (([Double], inout [Double], inout Matrix) -> Double)? = nil,
                    nll: ([Double], inout [Double]) -> Double) throws -> MLEFit {
        if let hessian, let f = try newtonFit(model: model, names: names, starts: starts, observations: observations,
                                                patterns: patterns, nllHessian: hessian) {
            return f
        }
        return try lbfgsFit(model: model, names: names, starts: starts, observations: observations, patterns: patterns, nll: nll)
    }

    /// Damped Newton on φ = log θ with the mean −log L: Levenberg–Marquardt damping when the
    /// Hessian is not positive definite, steps capped at 3 in φ, Armijo backtracking. Returns nil
    /// when no start converges (the caller falls back to L-BFGS).
    static func newtonFit(model: String, names: [String], starts: [[Double]], observations: Double, patterns: Int,
                          nllHessian: ([Double], inout [Double], inout Matrix) -> Double) throws -> MLEFit? {
        let p = names.count
        let scale = 1 / max(observations, 1)
        func eval(_ phi: [Double]) -> (v: Double, g: [Double], h: Matrix)? {
            let theta = phi.map { Foundation.exp($0) }
            var gt = [Double](repeating: 0, count: p)
            var ht = Matrix(rows: p, cols: p)
            let v = nllHessian(theta, &gt, &ht)
            guard v.isFinite, gt.allSatisfy({ $0.isFinite }), ht.data.allSatisfy({ $0.isFinite }) else { return nil }
            var g = [Double](repeating: 0, count: p)
            var h = Matrix(rows: p, cols: p)
            for i in 0..<p {
                g[i] = gt[i] * theta[i] * scale
                for j in 0..<p { h[i, j] = ht[i, j] * theta[i] * theta[j] * scale }
                h[i, i] += gt[i] * theta[i] * scale
            }
            return (v * scale, g, h)
        }
        for s in starts {
            var phi = s.map { Foundation.log($0) }
            guard var cur = eval(phi) else { continue }
            var iters = 0, converged = false
            while iters < 200 {
                let gn = cur.g.map(abs).max() ?? 0
                if gn < 1e-12 { converged = true; break }
                iters += 1
                var lambda = 0.0
                var accepted = false
                for _ in 0..<12 {
                    var a = cur.h
                    if lambda > 0 { for i in 0..<p { a[i, i] += lambda * max(1, abs(cur.h[i, i])) } }
                    guard var step = try? LinearAlgebra.choleskySolve(a, cur.g.map { -$0 }) else {
                        lambda = lambda == 0 ? 1e-6 : lambda * 10; continue
                    }
                    let slope = zip(cur.g, step).reduce(0) { $0 + $1.0 * $1.1 }
                    // Newton decrement at roundoff level: the optimum is reached (no further step can
                    // lower the objective measurably).
                    if lambda == 0 && -slope < 1e-14 * max(1, abs(cur.v)) && gn < 1e-7 { converged = true; break }
                    let big = step.map(abs).max() ?? 0
                    if big > 3 { step = step.map { $0 * 3 / big } }
                    let slope1 = zip(cur.g, step).reduce(0) { $0 + $1.0 * $1.1 }
                    var t = 1.0
                    for _ in 0..<(gn < 1e-9 ? 3 : 30) {
                        let trial = zip(phi, step).map { $0 + t * $1 }
                        if let e = eval(trial), e.v <= cur.v + 1e-4 * t * slope1
                            || (e.v <= cur.v + 1e-14 * abs(cur.v) && (e.g.map(abs).max() ?? 0) < gn) {
                            phi = trial; cur = e; accepted = true; break
                        }
                        t *= 0.5
                    }
                    if accepted || gn < 1e-9 { break }
                    lambda = lambda == 0 ? 1e-6 : lambda * 10
                }
                if converged { break }
                if !accepted {
                    converged = (cur.g.map(abs).max() ?? 0) < 1e-9
                    break
                }
            }
            guard converged || (cur.g.map(abs).max() ?? 0) < 1e-9 else { continue }
            let theta = phi.map { Foundation.exp($0) }
            if theta.contains(where: { !($0 > 1e-8 && $0 < 1e8) }) { continue }
            let hTotal = ((1 / scale) * cur.h).symmetrized
            guard let inv = try? LinearAlgebra.inverseSPD(hTotal) else { continue }
            var cov = Matrix(rows: p, cols: p)
            for i in 0..<p { for j in 0..<p { cov[i, j] = theta[i] * inv[i, j] * theta[j] } }
            return MLEFit(names: names, estimates: theta, covariance: cov, logLikelihood: -cur.v / scale,
                          observations: observations, patterns: patterns, iterations: iters,
                          gradientNorm: cur.g.map(abs).max() ?? 0)
        }
        return nil
    }

    static func lbfgsFit(model: String, names: [String], starts: [[Double]], observations: Double, patterns: Int,
                         nll: ([Double], inout [Double]) -> Double) throws -> MLEFit {
        let p = names.count
        let scale = 1 / max(observations, 1)
        // objective on φ = log θ, mean scale
        func f(_ phi: [Double], _ g: inout [Double]) -> Double {
            let theta = phi.map { Foundation.exp($0) }
            var gt = [Double](repeating: 0, count: p)
            let v = nll(theta, &gt)
            for i in 0..<p { g[i] = gt[i] * theta[i] * scale }
            return v * scale
        }
        func grad(_ phi: [Double]) -> [Double] {
            var g = [Double](repeating: 0, count: p); _ = f(phi, &g); return g
        }
        var best: (phi: [Double], value: Double, iters: Int)? = nil
        var lastMessage = ""
        for s in starts {
            let x0 = s.map { Foundation.log($0) }
            var opts = OptimizeOptions(maxIterations: 2000, gradientTolerance: 1e-11, relativeTolerance: 1e-15)
            opts.computeHessian = false
            let r = Optimize.lbfgs(x0: x0, options: opts, objective: f)
            lastMessage = r.message
            guard r.value.isFinite, r.x.allSatisfy({ $0.isFinite }) else { continue }
            // Newton polish
            var phi = r.x
            var g = [Double](repeating: 0, count: p)
            var value = f(phi, &g)
            var iters = r.iterations
            for _ in 0..<30 {
                if g.map(abs).max()! < 1e-13 { break }
                let h = Optimize.hessian(at: phi, gradient: grad)
                guard let step = try? LinearAlgebra.choleskySolve(h, g.map { -$0 }) else { break }
                var t = 1.0, improved = false
                for _ in 0..<30 {
                    let trial = zip(phi, step).map { $0 + t * $1 }
                    var gt = [Double](repeating: 0, count: p)
                    let vt = f(trial, &gt)
                    if vt.isFinite && (vt < value || (vt <= value + 1e-15 * abs(value) && gt.map(abs).max()! < g.map(abs).max()!)) {
                        phi = trial; value = vt; g = gt; improved = true; break
                    }
                    t *= 0.5
                }
                iters += 1
                if !improved { break }
            }
            if best == nil || value < best!.value { best = (phi, value, iters) }
        }
        guard let b = best else {
            throw FitError(model: model, reason: "the likelihood could not be evaluated from any starting point (\(lastMessage))")
        }
        let theta = b.phi.map { Foundation.exp($0) }
        var g = [Double](repeating: 0, count: p)
        _ = f(b.phi, &g)
        let gnorm = g.map(abs).max() ?? 0
        if gnorm > 1e-5 {
            throw FitError(model: model, reason: "did not converge: gradient norm \(gnorm) after \(b.iters) iterations")
        }
        for (n, t) in zip(names, theta) where !(t > 1e-8 && t < 1e8) {
            throw FitError(model: model, reason: "parameter \(n) = \(t) is at the edge of its range: the data cannot identify the model (too few repeat purchases?)")
        }
        // observed information on φ for the total log-likelihood
        let hMean = Optimize.hessian(at: b.phi, gradient: grad)
        var hTotal = (1 / scale) * hMean
        hTotal = hTotal.symmetrized
        guard let inv = try? LinearAlgebra.inverseSPD(hTotal) else {
            throw FitError(model: model, reason: "the information matrix is singular or not positive definite: the data cannot identify all parameters")
        }
        var cov = Matrix(rows: p, cols: p)
        for i in 0..<p { for j in 0..<p { cov[i, j] = theta[i] * inv[i, j] * theta[j] } }
        return MLEFit(names: names, estimates: theta, covariance: cov, logLikelihood: -b.value / scale,
                      observations: observations, patterns: patterns, iterations: b.iters, gradientNorm: gnorm)
    }
}

/// Numerically careful helpers used by the likelihoods.
@inline(__always) func logAddExp(_ a: Double, _ b: Double) -> Double {
    let m = max(a, b)
    if m == -.infinity { return -.infinity }
    return m + Foundation.log(Foundation.exp(a - m) + Foundation.exp(b - m))
}

/// Per-integer cache of x-only terms (x = 0...maxX) with weights aggregated by x.
struct WeightsByX {
    var maxX: Int
    var w: [Double]
    init(x: [Int32], weight: [Double]) {
        maxX = Int(x.max() ?? 0)
        w = [Double](repeating: 0, count: maxX + 1)
        for (xi, wi) in zip(x, weight) { w[Int(xi)] += wi }
    }
}
