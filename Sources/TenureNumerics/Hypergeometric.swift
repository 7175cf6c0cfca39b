import Foundation

extension Special {
    /// Gauss hypergeometric function `₂F₁(a, b; c; z) = Σ (a)ₙ(b)ₙ/((c)ₙ n!) zⁿ` for real a, b, c
    /// (c not a non-positive integer) and real `z < 1` (also `z = 1` when `c − a − b > 0`, by Gauss's
    /// formula).
    ///
    /// Method: `z < 0` is mapped into (0, 1) by Pfaff's transformation `z → z/(z − 1)`; on
    /// `[0, 0.75]` the series is summed directly (with running rescaling, so huge values do not
    /// overflow: see `logHyp2f1`); on `(0.75, 1)` the `1 − z` connection formula is used, except
    /// when `c − a − b` is within 0.05 of an integer (where that formula cancels) and `1 − z ≥ 1e-4`,
    /// where the series (after Euler's transformation `(1−z)^{c−a−b} ₂F₁(c−a, c−b; c; z)` when
    /// `c < a + b`) is summed instead; its cost grows like `1/(1 − z)`.
    ///
    /// Accuracy (vs mpmath, on the grids in `scripts/fixtures/numerics.py`): relative error < 1e-12
    /// for a, b, c ∈ (0, 200] and z ∈ [−1e4, 1 − 1e-8], including the Pareto/NBD shapes
    /// `₂F₁(r+s+x, s+1; r+s+x+1; z)`. Near-integer `c − a − b` with `1 − z < 1e-4` loses about
    /// `log₁₀(1/δ)` digits (δ = distance to the integer). Allocation-free.
    public static func hyp2f1(_ a: Double, _ b: Double, _ c: Double, _ z: Double) -> Double {
        let r = hyp2f1Scaled(a, b, c, z)
        return r.sign * exp(r.log)
    }

    /// `log ₂F₁(a, b; c; z)` for the cases where the function is positive (e.g. a, b, c > 0 and
    /// z < 1; NaN when it is ≤ 0). Never overflows: use it when `₂F₁` itself exceeds 1e308 (large
    /// a, b with z near 1). Same method and accuracy as `hyp2f1` (absolute error in the log).
    public static func logHyp2f1(_ a: Double, _ b: Double, _ c: Double, _ z: Double) -> Double {
        let r = hyp2f1Scaled(a, b, c, z)
        return r.sign > 0 ? r.log : .nan
    }

    /// `₂F₁ = sign · exp(log)`.
    static func hyp2f1Scaled(_ a: Double, _ b: Double, _ c: Double, _ z: Double) -> (log: Double, sign: Double) {
        if a.isNaN || b.isNaN || c.isNaN || z.isNaN || z > 1 { return (.nan, 1) }
        if c <= 0 && c == c.rounded() { return (.nan, 1) }
        if z == 0 || a == 0 || b == 0 { return (0, 1) }
        if z == 1 {
            let d = c - a - b
            if d <= 0 { return (.infinity, 1) }
            let (l1, s1) = lgammaSigned(c), (l2, s2) = lgammaSigned(d)
            let (l3, s3) = lgammaSigned(c - a), (l4, s4) = lgammaSigned(c - b)
            return (l1 + l2 - l3 - l4, s1 * s2 * s3 * s4)
        }
        if z < 0 {
            let w = z / (z - 1)
            let lw = -log1p(-z)   // log(1/(1 − z))
            // Pfaff: (1−z)^{−a} F(a, c−b; c; w) = (1−z)^{−b} F(c−a, b; c; w). Prefer the form whose
            // series has positive terms.
            if c - b >= 0 || c - a < 0 {
                let r = hyp2f1Unit(a, c - b, c, w)
                return (r.log + a * lw, r.sign)
            } else {
                let r = hyp2f1Unit(c - a, b, c, w)
                return (r.log + b * lw, r.sign)
            }
        }
        return hyp2f1Unit(a, b, c, z)
    }

    /// ₂F₁ for z ∈ (0, 1).
    private static func hyp2f1Unit(_ a: Double, _ b: Double, _ c: Double, _ z: Double) -> (log: Double, sign: Double) {
        if z <= 0.75 { return hyp2f1Series(a, b, c, z) }
        let d = c - a - b
        let delta = abs(d - d.rounded())
        let w = 1 - z
        if delta > 0.05 || (w < 1e-4 && delta > 1e-12) {
            return hyp2f1Connection(a, b, c, z)
        }
        if d < 0 {
            let r = hyp2f1Series(c - a, c - b, c, z)
            return (r.log + d * log(w), r.sign)
        }
        return hyp2f1Series(a, b, c, z)
    }

    @inline(__always)
    static func lgammaSigned(_ x: Double) -> (Double, Double) {
        var s: Int32 = 0
        let l = lgamma_r(x, &s)
        return (l, s < 0 ? -1 : 1)
    }

    /// The `1 − z` connection formula (Abramowitz & Stegun 15.3.6), in log scale.
    private static func hyp2f1Connection(_ a: Double, _ b: Double, _ c: Double, _ z: Double) -> (log: Double, sign: Double) {
        let w = 1 - z
        let d = c - a - b
        let (lc, sc) = lgammaSigned(c)
        let (ld, sd) = lgammaSigned(d)
        let (lca, sca) = lgammaSigned(c - a)
        let (lcb, scb) = lgammaSigned(c - b)
        let (lmd, smd) = lgammaSigned(-d)
        let (la, sa) = lgammaSigned(a)
        let (lb, sb) = lgammaSigned(b)
        let s1 = hyp2f1Series(a, b, 1 - d, w)
        let s2 = hyp2f1Series(c - a, c - b, 1 + d, w)
        // A term whose Γ in the denominator has a pole vanishes (lgamma = +∞ → log = −∞).
        let l1 = lc + ld - lca - lcb + s1.log
        let g1 = sc * sd * sca * scb * s1.sign
        let l2 = lc + lmd - la - lb + d * log(w) + s2.log
        let g2 = sc * smd * sa * sb * s2.sign
        let m = max(l1.isNaN ? -.infinity : l1, l2.isNaN ? -.infinity : l2)
        if m == -.infinity { return (.nan, 1) }
        let v = (l1.isNaN ? 0 : g1 * exp(l1 - m)) + (l2.isNaN ? 0 : g2 * exp(l2 - m))
        if v == 0 { return (-.infinity, 1) }
        return (m + log(abs(v)), v < 0 ? -1 : 1)
    }

    /// Direct summation of the Gauss series with running rescaling; returns (log|sum|, sign).
    private static func hyp2f1Series(_ a: Double, _ b: Double, _ c: Double, _ z: Double) -> (log: Double, sign: Double) {
        let rescale = 1e-250
        let logRescale = -250 * 2.302_585_092_994_045_7
        var term = 1.0
        var sum = 1.0
        var logScale = 0.0
        var n = 0.0
        while n < 5_000_000 {
            let ratio = (a + n) * (b + n) / ((c + n) * (n + 1)) * z
            term *= ratio
            sum += term
            if term == 0 { break }
            if abs(term) <= 1e-17 * abs(sum) && abs(ratio) < 1 {
                // The remaining tail is bounded by a geometric series with the current ratio.
                let nextRatio = abs((a + n + 1) * (b + n + 1) / ((c + n + 1) * (n + 2)) * z)
                if nextRatio < 1 && abs(term) * nextRatio / (1 - nextRatio) <= 1e-17 * abs(sum) { break }
            }
            if abs(sum) > 1e250 {
                sum *= rescale
                term *= rescale
                logScale -= logRescale
            }
            n += 1
        }
        if sum == 0 { return (-.infinity, 1) }
        return (logScale + log(abs(sum)), sum < 0 ? -1 : 1)
    }
}
