import Foundation

extension Optimize {
    /// Damped Newton with an analytic Hessian. The objective fills the gradient and the Hessian
    /// (`inout Matrix`, already sized n×n) and returns the value to minimise.
    ///
    /// Each step solves `(H + τI) d = −g` by Cholesky, with `τ = 0` when `H` is positive definite and
    /// otherwise the smallest `τ` (doubling from `10⁻³·max|Hᵢᵢ|`) that makes it so (Nocedal & Wright,
    /// Alg. 3.3); if that still fails the step falls back to steepest descent. The step length comes
    /// from Armijo backtracking starting at the full Newton step (α = 1) with safeguarded quadratic
    /// interpolation; non-finite values are stepped back from. Convergence rules as in
    /// `OptimizeOptions`; `hessian` in the result is the analytic Hessian at the returned `x`.
    public static func newton(x0: [Double], options: OptimizeOptions = .init(),
                              objective: ([Double], inout [Double], inout Matrix) -> Double) -> OptimizationResult {
        let n = x0.count
        var evaluations = 0
        var x = x0
        var g = [Double](repeating: 0, count: n)
        var h = Matrix(rows: n, cols: n)
        var f = objective(x, &g, &h)
        evaluations += 1
        if !f.isFinite || !allFinite(g) {
            return OptimizationResult(x: x, value: f, gradient: g, iterations: 0, converged: false,
                                      message: "objective or gradient is not finite at the starting point",
                                      hessian: nil, evaluations: evaluations)
        }
        var converged = false
        var message = "maximum iterations (\(options.maxIterations)) reached"
        var iterations = 0
        var xa = x
        var ga = g
        var ha = h

        while iterations < options.maxIterations {
            let gNorm = Vec.normInf(g)
            if gNorm <= options.gradientTolerance {
                converged = true
                message = "gradient norm \(gNorm) ≤ \(options.gradientTolerance)"
                break
            }
            iterations += 1
            var negG = g
            for i in 0..<n { negG[i] = -g[i] }
            var d: [Double]? = nil
            if allFinite(h.data) {
                let hs = h.symmetrized
                var maxDiag = 0.0, minDiag = Double.infinity
                for i in 0..<n { maxDiag = max(maxDiag, abs(hs[i, i])); minDiag = min(minDiag, hs[i, i]) }
                let beta = 1e-3 * max(maxDiag, 1e-10)
                var tau = minDiag > 0 ? 0.0 : -minDiag + beta
                for _ in 0..<80 {
                    var ht = hs
                    if tau > 0 { for i in 0..<n { ht[i, i] += tau } }
                    if let sol = try? LinearAlgebra.choleskySolve(ht, negG), allFinite(sol), Vec.dot(sol, g) < 0 {
                        d = sol
                        break
                    }
                    tau = max(2 * tau, beta)
                }
            }
            var alpha = 1.0
            if d == nil {
                d = negG
                alpha = min(1.0, 1.0 / max(gNorm, 1e-300))
            }
            let dir = d!
            let gd = Vec.dot(g, dir)

            var accepted = false
            for _ in 0..<max(1, options.maxLineSearchSteps) {
                var moved = false
                for i in 0..<n {
                    xa[i] = x[i] + alpha * dir[i]
                    if xa[i] != x[i] { moved = true }
                }
                if !moved { break }
                let fa = objective(xa, &ga, &ha)
                evaluations += 1
                if fa.isFinite && allFinite(ga) && fa <= f + c1 * alpha * gd {
                    let rel = (f - fa) / max(abs(f), abs(fa), 1)
                    x = xa; g = ga; h = ha; f = fa
                    accepted = true
                    if rel <= options.relativeTolerance {
                        converged = true
                        message = "relative reduction of the objective \(rel) ≤ \(options.relativeTolerance)"
                    }
                    break
                }
                var next = 0.5 * alpha
                if fa.isFinite {
                    let q = -gd * alpha * alpha / (2 * (fa - f - gd * alpha))
                    if q.isFinite { next = min(max(q, 0.1 * alpha), 0.5 * alpha) }
                }
                alpha = next
            }
            if converged { break }
            if !accepted {
                converged = gNorm <= max(options.gradientTolerance, 1e-6 * max(1, abs(f)))
                message = converged
                    ? "line search made no further progress: optimum reached to machine precision (‖g‖∞ = \(gNorm))"
                    : "line search failed to reduce the objective (‖g‖∞ = \(gNorm))"
                break
            }
        }
        return OptimizationResult(x: x, value: f, gradient: g, iterations: iterations, converged: converged,
                                  message: message, hessian: allFinite(h.data) ? h : nil, evaluations: evaluations)
    }
}
