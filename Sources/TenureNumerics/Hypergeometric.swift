import Foundation

extension Special {
    /// Gauss hypergeometric function `₂F₁(a, b; c; z) = Σ (a)ₙ(b)ₙ/((c)ₙ n!) zⁿ` for real a, b, c
    /// (c not a non-positive integer) and real `z < 1` (also `z = 1` when `c − a − b > 0`, by Gauss's
    /// formula).
    ///
    /// Method: `z < 0` is mapped into (0, 1) by Pfaff's transformation `z → z/(z − 1)` (with
    /// `1 − z/(z−1) = 1/(1−z)` passed exactly), choosing the form whose series has positive terms. On
    /// (0, 1) a series with non-negative terms — the Gauss series or Euler's transformation
    /// `(1−z)^{c−a−b} ₂F₁(c−a, c−b; c; z)` — is summed (rescaled, compensated) when one is available,
    /// since it cannot cancel; otherwise the series on [0, 0.75] and the `1 − z` connection formula
    /// (A&S 15.3.6) above, or, when `c − a − b` is (nearly) an integer, a long positive series
    /// (cost ∝ 1/(1 − z), at most `maxSeriesTerms`, NaN beyond: no wrong number is returned).
    ///
    /// Accuracy (vs mpmath, on the grids in `scripts/fixtures/numerics.py`, asserted by the tests), for
    /// a, b, c > 0 (and, when z < 0, c > min(a, b), so that one Pfaff form has positive terms):
    /// - z ∈ [−50, 0.9999]: relative error < 1e-12 (this covers the Pareto/NBD shapes
    ///   `₂F₁(r+s+x, s+1; r+s+x+1; z)` and the BG/NBD conditional expectations);
    /// - z ∈ [−1e4, 1 − 1e-5]: < 5e-11 (long series), except that a `c − a − b` within δ ∈ (1e-12,
    ///   1e-3) of an integer loses about log₁₀(1/δ) digits in the connection formula; an integer
    ///   `c − a − b` with z > 0.9999 is summed term by term (measured < 1e-11 at z = 1 − 1e-5, ~4e6
    ///   terms; too slow for the debug-build unit tests, so checked with the fixture grid only).
    /// Outside that domain (e.g. z < 0 with c < min(a, b), where the value is a tiny difference of
    /// huge terms) the result has no relative-accuracy guarantee. Allocation-free.
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

    /// `₂F₁(a, b; c; z)` as `(log |₂F₁|, sign)`: never overflows, and keeps the sign where the
    /// function can be negative (e.g. c < 0 with z near 1). Same method and accuracy as `hyp2f1`.
    public static func logHyp2f1Signed(_ a: Double, _ b: Double, _ c: Double, _ z: Double) -> (log: Double, sign: Double) {
        hyp2f1Scaled(a, b, c, z)
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
            let first = a > 0 && c - b > 0 && c > 0 ? seriesLength(a, c - b, c, w, -log(w)) : .infinity
            let second = c - a > 0 && b > 0 && c > 0 ? seriesLength(c - a, b, c, w, -log(w)) : .infinity
            if first <= second && (first < .infinity || c - b >= 0 || c - a < 0) {
                let r = hyp2f1Unit(a, c - b, c, w, 1 / (1 - z))
                return (r.log + a * lw, r.sign)
            } else {
                let r = hyp2f1Unit(c - a, b, c, w, 1 / (1 - z))
                return (r.log + b * lw, r.sign)
            }
        }
        return hyp2f1Unit(a, b, c, z, 1 - z)
    }

    /// ₂F₁ for z ∈ (0, 1).
    ///
    /// A series with non-negative terms cannot cancel, so it is preferred whenever one is available
    /// and not too long: the Gauss series itself (a, b, c > 0) or Euler's transformation
    /// `(1−z)^{c−a−b} ₂F₁(c−a, c−b; c; z)` (c − a, c − b > 0), whichever needs fewer terms. Otherwise
    /// the series on [0, 0.75] and the `1 − z` connection formula above.
    /// `w = 1 − z`, passed separately because it is exact where z is not (z = t/(t − 1) after Pfaff).
    private static func hyp2f1Unit(_ a: Double, _ b: Double, _ c: Double, _ z: Double, _ w: Double) -> (log: Double, sign: Double) {
        let d = c - a - b
        let nlz = -log(z)
        let direct = a > 0 && b > 0 && c > 0 ? seriesLength(a, b, c, z, nlz) : .infinity
        let euler = c - a > 0 && c - b > 0 ? seriesLength(c - a, c - b, c, z, nlz) : .infinity
        if min(direct, euler) <= 200_000 {
            if direct <= euler { return hyp2f1Series(a, b, c, z) }
            let r = hyp2f1Series(c - a, c - b, c, z)
            return (r.log + d * log(w), r.sign)
        }
        if z <= 0.75 { return hyp2f1Series(a, b, c, z) }
        let delta = abs(d - d.rounded())
        if delta > 0.05 || (w < 1e-4 && delta > 1e-12) {
            return hyp2f1Connection(a, b, c, z, w)
        }
        // c − a − b (nearly) an integer: the connection formula cancels; a long positive series is
        // slow but right.
        if min(direct, euler) <= maxSeriesTerms {
            if direct <= euler { return hyp2f1Series(a, b, c, z) }
            let r = hyp2f1Series(c - a, c - b, c, z)
            return (r.log + d * log(w), r.sign)
        }
        if d < 0 {
            let r = hyp2f1Series(c - a, c - b, c, z)
            return (r.log + d * log(w), r.sign)
        }
        return hyp2f1Series(a, b, c, z)
    }

    /// Rough number of terms the Gauss series needs for a, b, c > 0, z ∈ (0, 1): up to its largest
    /// term (where the term ratio `(a+n)(b+n)z/((c+n)(n+1))` falls to 1), then the tail, whose ratio
    /// tends to z like `z(1 + (a+b−c−1)/n)`. `nlz` = −log z.
    @inline(__always)
    public static func seriesLength(_ a: Double, _ b: Double, _ c: Double, _ z: Double, _ nlz: Double) -> Double {
        let w = 1 - z
        // Peak: solve (a+n)(b+n)z = (c+n)(n+1) for n ≥ 0 (a quadratic: w n² + B n + C = 0).
        let B = (c + 1) - (a + b) * z
        let C = c - a * b * z
        var peak = 0.0
        if C < 0 || B < 0 {
            let disc = B * B - 4 * w * C
            peak = disc > 0 ? max(0, (-B + disc.squareRoot()) / (2 * w)) : 0
        }
        let e = max(0, a + b - c - 1)
        // Tail: until (n/(peak+1))^e zⁿ < 1e-17 — about (39 + e·log((peak+1)/w))/w terms beyond the peak.
        let tail = (39 + (e > 0 ? e * log1p(max(peak, 1 / w)) : 0)) / nlz
        return peak + tail
    }

    @inline(__always)
    static func lgammaSigned(_ x: Double) -> (Double, Double) {
        var s: Int32 = 0
        let l = lgamma_r(x, &s)
        return (l, s < 0 ? -1 : 1)
    }

    /// The `1 − z` connection formula (Abramowitz & Stegun 15.3.6), in log scale.
    private static func hyp2f1Connection(_ a: Double, _ b: Double, _ c: Double, _ z: Double, _ w: Double) -> (log: Double, sign: Double) {
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
    /// Most terms any series may take (a last resort for z very near 1 costs ~0.1 s).
    static let maxSeriesTerms = 20_000_000.0

    /// Direct summation of the Gauss series with running rescaling and compensated (Kahan)
    /// summation, so long positive series keep their digits; returns (log|sum|, sign), NaN when it
    /// has not converged within `maxSeriesTerms`.
    private static func hyp2f1Series(_ a: Double, _ b: Double, _ c: Double, _ z: Double) -> (log: Double, sign: Double) {
        let rescale = 1e-250
        let logRescale = -250 * 2.302_585_092_994_045_7
        var term = 1.0
        var sum = 1.0
        var comp = 0.0
        var logScale = 0.0
        var n = 0.0
        while n < maxSeriesTerms {
            let ratio = (a + n) * (b + n) / ((c + n) * (n + 1)) * z
            term *= ratio
            let y = term - comp
            let t = sum + y
            comp = (t - sum) - y
            sum = t
            if term == 0 { break }
            if abs(term) <= 1e-17 * abs(sum) && abs(ratio) < 1 {
                // The remaining tail is bounded by a geometric series with the current ratio.
                let nextRatio = abs((a + n + 1) * (b + n + 1) / ((c + n + 1) * (n + 2)) * z)
                if nextRatio < 1 && abs(term) * nextRatio / (1 - nextRatio) <= 1e-17 * abs(sum) { break }
            }
            if abs(sum) > 1e250 {
                sum *= rescale
                term *= rescale
                comp *= rescale
                logScale -= logRescale
            }
            n += 1
        }
        if n >= maxSeriesTerms { return (.nan, 1) }   // not converged: no answer rather than a wrong one
        if sum == 0 { return (-.infinity, 1) }
        return (logScale + log(abs(sum)), sum < 0 ? -1 : 1)
    }
}

/// `log ₂F₁(a, b; c; z)` with its partial derivatives in a, b, c and z (see `Special.logHyp2f1Gradient`).
public struct LogHyp2f1Gradient: Sendable, Equatable {
    /// log ₂F₁(a, b; c; z).
    public var value: Double
    /// ∂ log ₂F₁ / ∂a, ∂b, ∂c, ∂z.
    public var da: Double, db: Double, dc: Double, dz: Double
    /// Terms summed.
    public var terms: Int
}

extension Special {
    /// `log ₂F₁(a, b; c; z)` and its four partial derivatives, by the Gauss series differentiated
    /// term by term, for **a, b, c > 0 and 0 ≤ z < 1** (every term positive, so neither the value
    /// nor a derivative in a, b, z can cancel; ∂/∂c is negative term by term, so it cannot cancel
    /// either).
    ///
    /// Term `n` is `tₙ = Πⱼ<ₙ (a+j)(b+j)/((c+j)(j+1)) · zⁿ`; its log-derivatives are the running sums
    /// `Σⱼ<ₙ 1/(a+j)`, `Σⱼ<ₙ 1/(b+j)`, `−Σⱼ<ₙ 1/(c+j)` and `n/z`. Summation stops when the next term
    /// and a geometric bound on the tail are below 1e-17 of the sum, so the value and the derivatives
    /// are accurate to a few ulps times the number of terms' rounding (measured < 1e-13 relative
    /// against mpmath on the fixture grid `scripts/fixtures/numerics.py`, section `hyp2f1grad`).
    ///
    /// Cost: about `39 / (1 − z)` terms plus the index of the largest term (`seriesLength`);
    /// returns nil when more than `maxTerms` would be needed (the caller chooses another form), and
    /// nil outside the domain.
    public static func logHyp2f1Gradient(_ a: Double, _ b: Double, _ c: Double, _ z: Double,
                                         maxTerms: Int = 1_000_000) -> LogHyp2f1Gradient? {
        guard a > 0, b > 0, c > 0, z >= 0, z < 1, a.isFinite, b.isFinite, c.isFinite else { return nil }
        if z == 0 { return LogHyp2f1Gradient(value: 0, da: 0, db: 0, dc: 0, dz: a * b / c, terms: 1) }
        // Running sums, rescaled when the sum grows large (terms may first grow for large a·b·z/c).
        var term = 1.0, sum = 1.0, sa = 0.0, sb = 0.0, sc = 0.0, sz = 0.0
        var ra = 0.0, rb = 0.0, rc = 0.0        // Σⱼ<ₙ 1/(a+j), 1/(b+j), 1/(c+j)
        var logScale = 0.0
        var n = 0
        while true {
            // One division per term: the four reciprocals the ratio and the derivative sums need
            // come from 1/((a+j)(b+j)(c+j)(j+1)) (a division costs several multiplications, and this
            // loop is the Pareto/NBD fit's time).
            let j = Double(n)
            let pa = a + j, pb = b + j, pc = c + j, pn = j + 1
            let ab = pa * pb, cn = pc * pn
            let d = 1 / (ab * cn)
            let t1 = cn * d, t2 = ab * d
            let ratio = t2 * ab * z
            ra += pb * t1; rb += pa * t1; rc += pn * t2
            term *= ratio
            n += 1
            sum += term
            sa += term * ra; sb += term * rb; sc += term * rc; sz += term * Double(n)
            if term <= 1e-17 * sum && ratio < 1 {
                // tail bound: the ratio decreases towards z from above when a + b < c + 1, else it
                // increases towards z; bound it by max(ratio, z) either way.
                let q = max(ratio, z)
                // The derivative sums carry factors growing like log n or n: bound them with the
                // same geometric tail times their current factor (ra, rb, rc grow slowly, n/(1−q)).
                let tail = term * q / (1 - q)
                if tail <= 1e-17 * sum && tail * Double(n + 1) / (1 - q) <= 1e-17 * sz { break }
            }
            if sum > 1e250 {
                let f = 1e-250
                term *= f; sum *= f; sa *= f; sb *= f; sc *= f; sz *= f
                logScale += 250 * 2.302_585_092_994_045_7
            }
            if n >= maxTerms { return nil }
        }
        return LogHyp2f1Gradient(value: logScale + log(sum), da: sa / sum, db: sb / sum, dc: -sc / sum,
                                 dz: sz / (sum * z), terms: n + 1)
    }
}
