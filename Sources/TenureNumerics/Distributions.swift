import Foundation

/// The standard normal distribution.
public enum Normal {
    /// `Φ(x) = P(Z ≤ x) = ½ erfc(−x/√2)`. Relative error < 1e-15·(1 + x²) (so < 2e-12 down to
    /// x = −37, where Φ ≈ 6e-300); 0 below x ≈ −38.5, 1 above 8.3.
    @inline(__always)
    public static func cdf(_ x: Double) -> Double {
        0.5 * erfc(-x * 0.707_106_781_186_547_524_4)
    }

    /// Survival `1 − Φ(x) = Φ(−x)`, accurate in the upper tail (same bound as `cdf`).
    @inline(__always)
    public static func sf(_ x: Double) -> Double {
        0.5 * erfc(x * 0.707_106_781_186_547_524_4)
    }

    /// Density `φ(x) = e^{−x²/2}/√(2π)`.
    @inline(__always)
    public static func pdf(_ x: Double) -> Double {
        0.398_942_280_401_432_677_94 * exp(-0.5 * x * x)
    }

    /// `log Φ(x)`, finite far into the lower tail (asymptotic series below −38).
    public static func logCdf(_ x: Double) -> Double {
        if x > -30 { return log(cdf(x)) }
        // Φ(x) ~ φ(x)/|x| · (1 − 1/x² + 3/x⁴ − 15/x⁶ + 105/x⁸)
        let x2 = x * x
        let r = 1 / x2
        let s = 1 - r * (1 - r * (3 - r * (15 - r * 105)))
        return -0.5 * x2 - 0.918_938_533_204_672_741_78 - log(-x) + log(s)
    }

    /// Quantile `Φ⁻¹(p)` for p ∈ [0, 1] (−∞ / +∞ at the ends, NaN outside). Acklam's rational
    /// approximation refined by two Halley steps on the lower-tail probability (`1 − p` is exact for
    /// p ≥ ½, so the upper half is computed by symmetry). Relative error < 1e-14 on
    /// p ∈ [1e-300, 1 − 1e-16].
    public static func quantile(_ p: Double) -> Double {
        if p.isNaN || p < 0 || p > 1 { return .nan }
        if p == 0 { return -.infinity }
        if p == 1 { return .infinity }
        if p > 0.5 { return -lowerQuantile(1 - p) }
        return lowerQuantile(p)
    }

    /// Φ⁻¹(p) for p ∈ (0, ½].
    private static func lowerQuantile(_ p: Double) -> Double {
        let pLow = 0.02425
        var x: Double
        if p < pLow {
            let q = (-2 * log(p)).squareRoot()
            x = (((((-7.784894002430293e-03 * q - 3.223964580411365e-01) * q - 2.400758277161838e+00) * q
                - 2.549732539343734e+00) * q + 4.374664141464968e+00) * q + 2.938163982698783e+00)
                / ((((7.784695709041462e-03 * q + 3.224671290700398e-01) * q + 2.445134137142996e+00) * q
                    + 3.754408661907416e+00) * q + 1)
        } else {
            let q = p - 0.5
            let r = q * q
            x = (((((-3.969683028665376e+01 * r + 2.209460984245205e+02) * r - 2.759285104469687e+02) * r
                + 1.383577518672690e+02) * r - 3.066479806614716e+01) * r + 2.506628277459239e+00) * q
                / (((((-5.447609879822406e+01 * r + 1.615858368580409e+02) * r - 1.556989798598866e+02) * r
                    + 6.680131188771972e+01) * r - 1.328068155288572e+01) * r + 1)
        }
        // Halley refinement: f(x) = Φ(x) − p, f' = φ(x), f''/f' = −x.
        for _ in 0..<2 {
            let e = cdf(x) - p
            let u = e * 2.506_628_274_631_000_502_4 * exp(0.5 * x * x)
            x -= u / (1 + 0.5 * x * u)
        }
        return x
    }
}

/// The chi-squared distribution with `df > 0` degrees of freedom (real df allowed).
public enum ChiSquared {
    /// `P(X ≤ x) = P(df/2, x/2)` (regularised lower incomplete gamma). Accuracy as `Special.gammaP`.
    public static func cdf(_ x: Double, df: Double) -> Double {
        if x <= 0 { return df > 0 ? 0 : .nan }
        return Special.gammaP(0.5 * df, 0.5 * x)
    }

    /// `P(X > x) = Q(df/2, x/2)`, accurate in the upper tail (p-values).
    public static func sf(_ x: Double, df: Double) -> Double {
        if x <= 0 { return df > 0 ? 1 : .nan }
        return Special.gammaQ(0.5 * df, 0.5 * x)
    }

    /// Quantile: the x with `cdf(x) = p`, p ∈ [0, 1]. Relative error < 1e-12 for
    /// df ∈ [0.1, 1e4], p ∈ [1e-100, 1 − 1e-15].
    public static func quantile(_ p: Double, df: Double) -> Double {
        2 * Special.gammaPInverse(0.5 * df, p)
    }

    /// Upper-tail quantile: the x with `sf(x) = q` (accurate for tiny q, e.g. critical values).
    public static func upperQuantile(_ q: Double, df: Double) -> Double {
        2 * Special.gammaQInverse(0.5 * df, q)
    }
}
