import Foundation

/// Small descriptive statistics shared by every analysis. Empty input gives NaN (never a crash).
public enum Stats {
    /// Wilson score interval for a binomial proportion `successes / trials` at two-sided
    /// `confidence` (default 95%, z = Φ⁻¹(1 − (1 − confidence)/2)). Accepts non-integer counts
    /// (weighted data). `trials == 0` gives (NaN, NaN): the share itself is 0/0, so there is no
    /// interval to show (renderers print it as missing). Bounds are clamped to [0, 1], and are exactly
    /// 0 when there is no success and exactly 1 when every trial is one.
    public static func wilson(successes: Double, trials: Double, confidence: Double = 0.95) -> (lower: Double, upper: Double) {
        wilson(successes: successes, trials: trials, z: Normal.quantile(1 - (1 - confidence) / 2))
    }

    /// `wilson(successes:trials:confidence:)` with the normal quantile `z` given (computed once by a
    /// caller that builds many intervals at one level, e.g. every cell of a cohort matrix).
    @inlinable
    public static func wilson(successes: Double, trials: Double, z: Double) -> (lower: Double, upper: Double) {
        if !(trials > 0) { return (.nan, .nan) }
        let p = min(max(successes / trials, 0), 1)
        let z2n = z * z / trials
        let denom = 1 + z2n
        let center = (p + z2n / 2) / denom
        let half = z * (p * (1 - p) / trials + z2n / (4 * trials)).squareRoot() / denom
        // At p = 0 (p = 1) the lower (upper) bound is exactly 0 (1); say so rather than keep the rounding residue.
        return (p == 0 ? 0 : max(0, center - half), p == 1 ? 1 : min(1, center + half))
    }

    /// Quantile of **sorted** data by linear interpolation between order statistics (Hyndman & Fan
    /// type 7, the numpy/R default): `h = (n − 1)p`, `x[⌊h⌋] + (h − ⌊h⌋)(x[⌊h⌋+1] − x[⌊h⌋])`.
    /// `p` is clamped to [0, 1]; NaN for empty input. The one sample quantile of the package.
    public static func quantile(sorted: [Double], _ p: Double) -> Double {
        sorted.withUnsafeBufferPointer { quantile(sorted: $0, p) }
    }

    /// `quantile(sorted:_:)` on a buffer (a slice of a larger sorted-by-group buffer, without a copy).
    @inlinable
    public static func quantile(sorted: UnsafeBufferPointer<Double>, _ p: Double) -> Double {
        let n = sorted.count
        if n == 0 || p.isNaN { return .nan }
        if n == 1 { return sorted[0] }
        let h = Double(n - 1) * min(max(p, 0), 1)
        let lo = Int(h.rounded(.down))
        if lo >= n - 1 { return sorted[n - 1] }
        let frac = h - Double(lo)
        let a = sorted[lo], b = sorted[lo + 1]
        return frac == 0 ? a : a + frac * (b - a)
    }

    /// Type-7 quantiles of unsorted data (sorts a copy once).
    public static func quantiles(_ x: [Double], _ ps: [Double]) -> [Double] {
        let s = x.sorted()
        return ps.map { quantile(sorted: s, $0) }
    }

    /// Median (type-7 quantile at ½) of unsorted data.
    public static func median(_ x: [Double]) -> Double { quantile(sorted: x.sorted(), 0.5) }

    /// Sum with Neumaier compensation (error independent of n).
    public static func sum(_ x: [Double]) -> Double {
        var s = 0.0, c = 0.0
        for v in x {
            let t = s + v
            if abs(s) >= abs(v) { c += (s - t) + v } else { c += (v - t) + s }
            s = t
        }
        return s + c
    }

    /// Arithmetic mean (compensated sum / n). NaN for empty input.
    public static func mean(_ x: [Double]) -> Double {
        x.isEmpty ? .nan : sum(x) / Double(x.count)
    }

    /// Sample variance with divisor n − 1 (two-pass, compensated). NaN for n < 2.
    public static func variance(_ x: [Double]) -> Double {
        let n = x.count
        if n < 2 { return .nan }
        let m = mean(x)
        var ss = 0.0, comp = 0.0
        for v in x {
            let d = v - m
            ss += d * d
            comp += d
        }
        return (ss - comp * comp / Double(n)) / Double(n - 1)
    }

    /// Sample standard deviation (√variance).
    public static func standardDeviation(_ x: [Double]) -> Double { variance(x).squareRoot() }

    /// Weighted mean `Σ wᵢxᵢ / Σ wᵢ`. NaN when the weights sum to 0.
    public static func weightedMean(_ x: [Double], weights w: [Double]) -> Double {
        precondition(x.count == w.count, "weightedMean: \(x.count) values, \(w.count) weights")
        var sw = 0.0, swx = 0.0
        for i in 0..<x.count { sw += w[i]; swx += w[i] * x[i] }
        return sw == 0 ? .nan : swx / sw
    }

    /// Pearson correlation. NaN when either variable is constant or n < 2.
    public static func correlation(_ x: [Double], _ y: [Double]) -> Double {
        precondition(x.count == y.count, "correlation: length mismatch")
        let n = x.count
        if n < 2 { return .nan }
        let mx = mean(x), my = mean(y)
        var sxy = 0.0, sxx = 0.0, syy = 0.0
        for i in 0..<n {
            let dx = x[i] - mx, dy = y[i] - my
            sxy += dx * dy; sxx += dx * dx; syy += dy * dy
        }
        return sxy / (sxx * syy).squareRoot()
    }
}
