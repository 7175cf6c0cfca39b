import Foundation

/// A seeded pseudo-random generator: **xoshiro256\*\*** (Blackman & Vigna 2018) with its 256-bit
/// state filled from the seed by **splitmix64**.
///
/// Determinism: the `UInt64` stream of `next()`, `uniform()` and `int(below:)` is bit-identical on
/// every platform for a given seed (integer and exactly-rounded operations only). The continuous
/// samplers add `log`/`sqrt`/`exp` from the platform's libm, which agree to the last bit across
/// glibc and Apple's libm in practice but are not guaranteed to. A value type: copying an `RNG`
/// forks the stream. Not thread-safe to share; give each task its own (e.g. `RNG(seed: base &+ i)`).
public struct RNG: Sendable {
    private var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64
    /// Second normal deviate of the last polar pair, if unused.
    private var spareNormal: Double? = nil

    public init(seed: UInt64) {
        var sm = seed
        func splitmix() -> UInt64 {
            sm &+= 0x9E37_79B9_7F4A_7C15
            var z = sm
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s0 = splitmix(); s1 = splitmix(); s2 = splitmix(); s3 = splitmix()
    }

    @inline(__always)
    private static func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    /// The next 64 random bits.
    @inline(__always)
    public mutating func next() -> UInt64 {
        let result = RNG.rotl(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = RNG.rotl(s3, 45)
        return result
    }

    /// Uniform on the open interval (0, 1): `(k + ½) · 2⁻⁵³` for a uniform 53-bit `k`, so neither 0
    /// nor 1 is ever returned (safe to take `log`).
    @inline(__always)
    public mutating func uniform() -> Double {
        (Double(next() >> 11) + 0.5) * 0x1.0p-53
    }

    /// Uniform on `[low, high)`.
    @inline(__always)
    public mutating func uniform(_ low: Double, _ high: Double) -> Double {
        low + (high - low) * uniform()
    }

    /// Uniform integer in `0..<n` without modulo bias (Lemire's multiply-and-reject). `n > 0`.
    public mutating func int(below n: Int) -> Int {
        precondition(n > 0, "RNG.int(below:): n must be positive")
        let bound = UInt64(n)
        var m = next().multipliedFullWidth(by: bound)
        if m.low < bound {
            let threshold = (0 &- bound) % bound
            while m.low < threshold { m = next().multipliedFullWidth(by: bound) }
        }
        return Int(m.high)
    }

    /// Bernoulli(p): true with probability `p`.
    @inline(__always)
    public mutating func bernoulli(_ p: Double) -> Bool { uniform() < p }

    /// Normal(mean, sd) by Marsaglia's polar method (pairs; the spare deviate is cached in the state).
    public mutating func normal(mean: Double = 0, sd: Double = 1) -> Double {
        if let z = spareNormal {
            spareNormal = nil
            return mean + sd * z
        }
        while true {
            let u = 2 * uniform() - 1
            let v = 2 * uniform() - 1
            let s = u * u + v * v
            if s < 1 && s > 0 {
                let f = (-2 * log(s) / s).squareRoot()
                spareNormal = v * f
                return mean + sd * (u * f)
            }
        }
    }

    /// Exponential with the given rate (mean `1/rate`), by inversion.
    @inline(__always)
    public mutating func exponential(rate: Double) -> Double {
        -log(uniform()) / rate
    }

    /// Gamma(shape, scale) (mean `shape·scale`) by Marsaglia & Tsang (2000); for `shape < 1` the
    /// boost `G(a) = G(a+1)·U^{1/a}` is applied in log space. `shape > 0`, `scale > 0`.
    /// For extremely small shapes (≲ 1e-3) the result can underflow to 0; use `logGamma(shape:)`.
    public mutating func gamma(shape: Double, scale: Double = 1) -> Double {
        if shape >= 1 { return scale * marsagliaTsang(shape) }
        return scale * exp(logGamma(shape: shape))
    }

    /// `log` of a Gamma(shape, 1) draw, accurate even when the draw underflows (tiny shapes).
    public mutating func logGamma(shape: Double) -> Double {
        precondition(shape > 0, "RNG.gamma: shape must be positive")
        if shape >= 1 { return log(marsagliaTsang(shape)) }
        let g = marsagliaTsang(shape + 1)
        return log(g) + log(uniform()) / shape
    }

    private mutating func marsagliaTsang(_ a: Double) -> Double {
        let d = a - 1.0 / 3.0
        let c = 1.0 / (9 * d).squareRoot()
        while true {
            var x: Double
            var v: Double
            repeat {
                x = normal()
                v = 1 + c * x
            } while v <= 0
            v = v * v * v
            let u = uniform()
            let x2 = x * x
            if u < 1 - 0.0331 * x2 * x2 { return d * v }
            if log(u) < 0.5 * x2 + d * (1 - v + log(v)) { return d * v }
        }
    }

    /// Beta(a, b) as `X / (X + Y)` with `X ~ Gamma(a)`, `Y ~ Gamma(b)` (computed in log space so
    /// tiny shapes do not give 0/0). `a, b > 0`.
    public mutating func beta(_ a: Double, _ b: Double) -> Double {
        if a >= 1 && b >= 1 {
            let x = marsagliaTsang(a)
            let y = marsagliaTsang(b)
            return x / (x + y)
        }
        let lx = logGamma(shape: a)
        let ly = logGamma(shape: b)
        // x/(x+y) = 1 / (1 + exp(ly − lx))
        let t = ly - lx
        return t > 0 ? exp(-t) / (1 + exp(-t)) : 1 / (1 + exp(t))
    }

    /// Poisson(λ). Inversion by sequential search for `λ < 10`; Hörmann's PTRS transformed rejection
    /// (1993) for `λ ≥ 10`. `λ ≥ 0`; returns 0 for `λ == 0`.
    public mutating func poisson(_ lambda: Double) -> Int {
        precondition(lambda >= 0 && lambda.isFinite, "RNG.poisson: lambda must be finite and ≥ 0")
        if lambda == 0 { return 0 }
        if lambda < 10 {
            var p = exp(-lambda)
            var cdf = p
            let u = uniform()
            var k = 0
            while u > cdf {
                k += 1
                p *= lambda / Double(k)
                cdf += p
                if p == 0 && cdf < u { break }   // rounding guard: the tail has been exhausted
            }
            return k
        }
        let slam = lambda.squareRoot()
        let loglam = log(lambda)
        let b = 0.931 + 2.53 * slam
        let a = -0.059 + 0.02483 * b
        let invalpha = 1.1239 + 1.1328 / (b - 3.4)
        let vr = 0.9277 - 3.6224 / (b - 2)
        while true {
            let u = uniform() - 0.5
            let v = uniform()
            let us = 0.5 - abs(u)
            let k = ((2 * a / us + b) * u + lambda + 0.43).rounded(.down)
            if us >= 0.07 && v <= vr { return Int(k) }
            if k < 0 || (us < 0.013 && v > us) { continue }
            if log(v) + log(invalpha) - log(a / (us * us) + b) <= -lambda + k * loglam - Special.logGamma(k + 1) {
                return Int(k)
            }
        }
    }

    /// Fisher–Yates shuffle.
    public mutating func shuffle<T>(_ a: inout [T]) {
        if a.count < 2 { return }
        for i in stride(from: a.count - 1, to: 0, by: -1) {
            let j = int(below: i + 1)
            if i != j { a.swapAt(i, j) }
        }
    }
}
