import Foundation

extension Optimize {
    /// Limited-memory BFGS, optionally with box bounds `lower ≤ x ≤ upper` (either may be nil; use
    /// ±∞ entries for unbounded coordinates).
    ///
    /// - Unbounded: the two-loop recursion with a strong-Wolfe line search (c₁ = 1e-4, c₂ = 0.9,
    ///   bracketing + safeguarded cubic zoom).
    /// - Bounded: projected L-BFGS. Coordinates at a bound whose gradient points outward are held
    ///   fixed; the quasi-Newton direction is computed on the free ones; the step follows the projected
    ///   path `P(x + αd)` with an Armijo backtracking search. The start is projected into the box.
    ///
    /// Non-finite objective values are treated as infeasible and stepped back from. Correction pairs
    /// with `sᵀy ≤ ε‖y‖²` are skipped, so the inverse-Hessian model stays positive definite. See
    /// `OptimizeOptions` for the convergence rules. When `options.computeHessian` is set the result
    /// carries the Hessian at the optimum by central differences of the gradient.
    public static func lbfgs(x0: [Double], lower: [Double]? = nil, upper: [Double]? = nil,
                             options: OptimizeOptions = .init(),
                             objective: ([Double], inout [Double]) -> Double) -> OptimizationResult {
        let n = x0.count
        if let l = lower { precondition(l.count == n, "lbfgs: lower has \(l.count) entries, x0 has \(n)") }
        if let u = upper { precondition(u.count == n, "lbfgs: upper has \(u.count) entries, x0 has \(n)") }
        if let l = lower, let u = upper {
            for i in 0..<n where !(l[i] <= u[i]) {
                return OptimizationResult(x: x0, value: .nan, gradient: [], iterations: 0, converged: false,
                                          message: "invalid bounds: lower[\(i)] = \(l[i]) > upper[\(i)] = \(u[i])")
            }
        }
        let hasBounds = (lower?.contains { $0 > -.infinity } ?? false) || (upper?.contains { $0 < .infinity } ?? false)
        let lo: [Double]? = hasBounds ? lower : nil
        let hi: [Double]? = hasBounds ? upper : nil

        var evaluations = 0
        var x = x0
        project(&x, lo, hi)
        var g = [Double](repeating: 0, count: n)
        var f = objective(x, &g)
        evaluations += 1
        if !f.isFinite || !allFinite(g) {
            return OptimizationResult(x: x, value: f, gradient: g, iterations: 0, converged: false,
                                      message: "objective or gradient is not finite at the starting point",
                                      evaluations: evaluations)
        }
        if n == 0 {
            return OptimizationResult(x: x, value: f, gradient: g, iterations: 0, converged: true,
                                      message: "no parameters", hessian: Matrix(rows: 0, cols: 0), evaluations: evaluations)
        }

        let m = max(1, options.memory)
        var sHist = [[Double]]()
        var yHist = [[Double]]()
        var rhoHist = [Double]()
        sHist.reserveCapacity(m); yHist.reserveCapacity(m); rhoHist.reserveCapacity(m)
        var alphaBuf = [Double](repeating: 0, count: m)

        var converged = false
        var message = "maximum iterations (\(options.maxIterations)) reached"
        var iterations = 0
        var d = [Double](repeating: 0, count: n)
        var free = [Bool](repeating: true, count: n)

        outer: while iterations < options.maxIterations {
            let pgNorm = projectedGradientNorm(x, g, lo, hi)
            if pgNorm <= options.gradientTolerance {
                converged = true
                message = "projected gradient norm \(pgNorm) ≤ \(options.gradientTolerance)"
                break
            }
            iterations += 1

            // Active set: at a bound with the gradient pushing outward.
            for i in 0..<n {
                var isFree = true
                if let l = lo, x[i] <= l[i], g[i] > 0 { isFree = false }
                if let u = hi, x[i] >= u[i], g[i] < 0 { isFree = false }
                free[i] = isFree
            }

            var attempt = 0
            while true {
                attempt += 1
                // Two-loop recursion on the reduced gradient.
                for i in 0..<n { d[i] = free[i] ? g[i] : 0 }
                let k = sHist.count
                if k > 0 {
                    for j in stride(from: k - 1, through: 0, by: -1) {
                        let a = rhoHist[j] * Vec.dot(sHist[j], d)
                        alphaBuf[j] = a
                        let y = yHist[j]
                        for i in 0..<n { d[i] -= a * y[i] }
                    }
                    let sy = Vec.dot(sHist[k - 1], yHist[k - 1])
                    let yy = Vec.dot(yHist[k - 1], yHist[k - 1])
                    let gamma = sy / yy
                    for i in 0..<n { d[i] *= gamma }
                    for j in 0..<k {
                        let b = rhoHist[j] * Vec.dot(yHist[j], d)
                        let s = sHist[j]
                        let c = alphaBuf[j] - b
                        for i in 0..<n { d[i] += c * s[i] }
                    }
                }
                for i in 0..<n { d[i] = free[i] ? -d[i] : 0 }
                var gd = Vec.dot(g, d)
                if !(gd < 0) || !allFinite(d) {
                    sHist.removeAll(keepingCapacity: true); yHist.removeAll(keepingCapacity: true); rhoHist.removeAll(keepingCapacity: true)
                    for i in 0..<n { d[i] = free[i] ? -g[i] : 0 }
                    gd = Vec.dot(g, d)
                    if !(gd < 0) {
                        // Every free gradient component is zero: a KKT point.
                        converged = true
                        message = "no descent direction: KKT conditions hold at the bounds"
                        break outer
                    }
                }
                // Initial trial step: 1 for a quasi-Newton direction, scaled for the first steepest step.
                let alpha0 = sHist.isEmpty ? min(1.0, 1.0 / Vec.normInf(d)) : 1.0

                let step: (x: [Double], f: Double, g: [Double])?
                if hasBounds {
                    step = projectedArmijo(x: x, f: f, g: g, d: d, alpha0: alpha0, lower: lo, upper: hi,
                                           maxSteps: options.maxLineSearchSteps, evaluations: &evaluations,
                                           objective: objective)
                } else {
                    step = strongWolfe(x: x, f: f, g: g, d: d, gd: gd, alpha0: alpha0,
                                       maxSteps: options.maxLineSearchSteps, evaluations: &evaluations,
                                       objective: objective)
                }
                guard let s = step else {
                    if !sHist.isEmpty && attempt == 1 {
                        // Retry once along steepest descent with a fresh memory.
                        sHist.removeAll(keepingCapacity: true); yHist.removeAll(keepingCapacity: true); rhoHist.removeAll(keepingCapacity: true)
                        continue
                    }
                    converged = pgNorm <= max(options.gradientTolerance, 1e-6 * max(1, abs(f)))
                    message = converged
                        ? "line search made no further progress: optimum reached to machine precision (‖pg‖∞ = \(pgNorm))"
                        : "line search failed to reduce the objective (‖pg‖∞ = \(pgNorm))"
                    break outer
                }
                // Accept the step, update memory.
                var sv = [Double](repeating: 0, count: n)
                var yv = [Double](repeating: 0, count: n)
                for i in 0..<n { sv[i] = s.x[i] - x[i]; yv[i] = s.g[i] - g[i] }
                let sy = Vec.dot(sv, yv)
                let yy = Vec.dot(yv, yv)
                if sy > Double.ulpOfOne * yy && sy > 0 {
                    if sHist.count == m { sHist.removeFirst(); yHist.removeFirst(); rhoHist.removeFirst() }
                    sHist.append(sv); yHist.append(yv); rhoHist.append(1 / sy)
                }
                let fOld = f
                x = s.x; f = s.f; g = s.g
                let rel = (fOld - f) / max(abs(fOld), abs(f), 1)
                if rel <= options.relativeTolerance {
                    converged = true
                    message = "relative reduction of the objective \(rel) ≤ \(options.relativeTolerance)"
                    break outer
                }
                break
            }
        }

        var hess: Matrix? = nil
        if options.computeHessian {
            var gbuf = [Double](repeating: 0, count: n)
            let hm = hessian(at: x, lower: lo, upper: hi) { p in
                evaluations += 1
                _ = objective(p, &gbuf)
                return gbuf
            }
            hess = allFinite(hm.data) ? hm : nil
        }
        return OptimizationResult(x: x, value: f, gradient: g, iterations: iterations, converged: converged,
                                  message: message, hessian: hess, evaluations: evaluations)
    }

    /// Armijo backtracking along the projected path `P(x + αd)`; sufficient decrease measured with
    /// the actual displacement: `f(xα) ≤ f + c₁ gᵀ(xα − x)`.
    static func projectedArmijo(x: [Double], f: Double, g: [Double], d: [Double], alpha0: Double,
                                lower: [Double]?, upper: [Double]?, maxSteps: Int, evaluations: inout Int,
                                objective: ([Double], inout [Double]) -> Double) -> (x: [Double], f: Double, g: [Double])? {
        let n = x.count
        var alpha = alpha0
        var xa = x
        var ga = [Double](repeating: 0, count: n)
        for _ in 0..<max(1, maxSteps) {
            for i in 0..<n { xa[i] = x[i] + alpha * d[i] }
            project(&xa, lower, upper)
            var moved = false
            var decrease = 0.0
            for i in 0..<n {
                let dx = xa[i] - x[i]
                if dx != 0 { moved = true }
                decrease += g[i] * dx
            }
            if !moved { return nil }
            let fa = objective(xa, &ga)
            evaluations += 1
            if fa.isFinite && allFinite(ga) && fa <= f + c1 * decrease {
                return (xa, fa, ga)
            }
            // Safeguarded quadratic interpolation along the (locally linear) path.
            var next = 0.5 * alpha
            if fa.isFinite && decrease < 0 {
                let q = -decrease * alpha / (2 * (fa - f - decrease))
                if q.isFinite { next = min(max(q, 0.1 * alpha), 0.5 * alpha) }
            }
            alpha = next
        }
        return nil
    }

    private struct LinePoint {
        var alpha: Double
        var f: Double
        var dphi: Double
        var x: [Double]
        var g: [Double]
    }

    /// Strong-Wolfe line search (Nocedal & Wright, Algorithms 3.5–3.6). Returns the accepted point, or
    /// the best point satisfying the Armijo condition when the budget runs out, or nil if none does.
    static func strongWolfe(x: [Double], f: Double, g: [Double], d: [Double], gd: Double, alpha0: Double,
                            maxSteps: Int, evaluations: inout Int,
                            objective: ([Double], inout [Double]) -> Double) -> (x: [Double], f: Double, g: [Double])? {
        let n = x.count
        var budget = max(2, maxSteps)
        func eval(_ alpha: Double) -> LinePoint {
            var xa = [Double](repeating: 0, count: n)
            for i in 0..<n { xa[i] = x[i] + alpha * d[i] }
            var ga = [Double](repeating: 0, count: n)
            let fa = objective(xa, &ga)
            evaluations += 1
            budget -= 1
            let ok = fa.isFinite && allFinite(ga)
            return LinePoint(alpha: alpha, f: ok ? fa : .infinity, dphi: ok ? Vec.dot(ga, d) : .nan, x: xa, g: ga)
        }
        func armijo(_ p: LinePoint) -> Bool { p.f <= f + c1 * p.alpha * gd }
        func result(_ p: LinePoint) -> (x: [Double], f: Double, g: [Double]) { (p.x, p.f, p.g) }

        func zoom(_ loIn: LinePoint, _ hiIn: LinePoint) -> (x: [Double], f: Double, g: [Double])? {
            var lo = loIn, hi = hiIn
            while budget > 0 {
                let a = min(lo.alpha, hi.alpha), b = max(lo.alpha, hi.alpha)
                let width = b - a
                if width <= 1e-14 * b { break }
                var t = 0.5 * (a + b)
                if hi.f.isFinite && hi.dphi.isFinite,
                   let c = cubicMin(lo.alpha, lo.f, lo.dphi, hi.alpha, hi.f, hi.dphi),
                   c > a + 0.1 * width, c < b - 0.1 * width {
                    t = c
                }
                let p = eval(t)
                if !p.f.isFinite || !armijo(p) || p.f >= lo.f {
                    hi = p
                } else {
                    if abs(p.dphi) <= -c2 * gd { return result(p) }
                    if p.dphi * (hi.alpha - lo.alpha) >= 0 { hi = lo }
                    lo = p
                }
            }
            return lo.alpha > 0 && lo.f < f ? result(lo) : nil
        }

        var prev = LinePoint(alpha: 0, f: f, dphi: gd, x: x, g: g)
        var alpha = alpha0
        var first = true
        while budget > 0 {
            let cur = eval(alpha)
            if !cur.f.isFinite || !armijo(cur) || (!first && cur.f >= prev.f) {
                return zoom(prev, cur)
            }
            if abs(cur.dphi) <= -c2 * gd { return result(cur) }
            if cur.dphi >= 0 { return zoom(cur, prev) }
            let old = prev
            prev = cur
            first = false
            // Extrapolate: cubic guess clipped to [1.1α, 4α].
            var next = 4 * alpha
            if let c = cubicMin(old.alpha, old.f, old.dphi, cur.alpha, cur.f, cur.dphi),
               c > 1.1 * alpha { next = min(c, 4 * alpha) }
            alpha = next
        }
        return prev.alpha > 0 && prev.f < f ? result(prev) : nil
    }
}
