// TEMPORARY: stand-ins for TenureNumerics' `Normal` and `ChiSquared` until the numerics helper
// lands them; delete this file then (the public ones have the same names and signatures).
import Foundation
import TenureNumerics

enum Normal {
    static func cdf(_ x: Double) -> Double { 0.5 * erfc(-x / 2.0.squareRoot()) }
    static func sf(_ x: Double) -> Double { 0.5 * erfc(x / 2.0.squareRoot()) }
    /// Acklam's rational approximation refined by one Halley step (≈1e-15 relative).
    static func quantile(_ p: Double) -> Double {
        if p <= 0 { return -.infinity }; if p >= 1 { return .infinity }
        let a = [-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00]
        let b = [-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01, -1.328068155288572e+01]
        let c = [-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00]
        let d = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00]
        var x: Double
        if p < 0.02425 {
            let q = (-2 * log(p)).squareRoot()
            x = (((((c[0]*q+c[1])*q+c[2])*q+c[3])*q+c[4])*q+c[5]) / ((((d[0]*q+d[1])*q+d[2])*q+d[3])*q+1)
        } else if p > 1 - 0.02425 {
            let q = (-2 * log(1 - p)).squareRoot()
            x = -(((((c[0]*q+c[1])*q+c[2])*q+c[3])*q+c[4])*q+c[5]) / ((((d[0]*q+d[1])*q+d[2])*q+d[3])*q+1)
        } else {
            let q = p - 0.5, r = q * q
            x = (((((a[0]*r+a[1])*r+a[2])*r+a[3])*r+a[4])*r+a[5])*q / (((((b[0]*r+b[1])*r+b[2])*r+b[3])*r+b[4])*r+1)
        }
        for _ in 0..<2 {
            let e = cdf(x) - p
            let u = e * (2 * Double.pi).squareRoot() * exp(x * x / 2)
            x -= u / (1 + x * u / 2)
        }
        return x
    }
}

enum ChiSquared {
    static func sf(_ x: Double, df: Double) -> Double { gammaQ(df / 2, x / 2) }
    static func cdf(_ x: Double, df: Double) -> Double { 1 - gammaQ(df / 2, x / 2) }
    static func gammaQ(_ a: Double, _ x: Double) -> Double {
        if x <= 0 { return 1 }
        let lg = Special.logGamma(a)
        if x < a + 1 {
            var sum = 1 / a, del = sum, ap = a
            for _ in 0..<10000 { ap += 1; del *= x / ap; sum += del; if abs(del) < abs(sum) * 1e-17 { break } }
            return 1 - sum * exp(-x + a * log(x) - lg)
        }
        var b = x + 1 - a, c = 1 / 1e-300, d = 1 / b, h = d
        for i in 1..<10000 {
            let an = -Double(i) * (Double(i) - a)
            b += 2
            d = an * d + b; if abs(d) < 1e-300 { d = 1e-300 }
            c = b + an / c; if abs(c) < 1e-300 { c = 1e-300 }
            d = 1 / d
            let del = d * c
            h *= del
            if abs(del - 1) < 1e-17 { break }
        }
        return exp(-x + a * log(x) - lg) * h
    }
}
