import TenureNumerics

/// A scenario input that is either known or uncertain (SPEC §5):
/// `0.03` (point), `[0.05, 0.15]` (uniform on the range), `{dist: triangular, low, mode, high}`,
/// or `{dist: normal, mean, sd}` (optionally truncated with `low` / `high`).
public enum Uncertain: Sendable, Codable, Equatable {
    case point(Double)
    case uniform(low: Double, high: Double)
    case triangular(low: Double, mode: Double, high: Double)
    case normal(mean: Double, sd: Double, low: Double?, high: Double?)

    /// The value used for the deterministic ("expected") evaluation: the distribution's mean
    /// (for a truncated normal, the untruncated mean clamped into the bounds).
    public var center: Double {
        switch self {
        case .point(let x): return x
        case .uniform(let lo, let hi): return (lo + hi) / 2
        case .triangular(let lo, let m, let hi): return (lo + m + hi) / 3
        case .normal(let m, _, let lo, let hi): return min(max(m, lo ?? -.infinity), hi ?? .infinity)
        }
    }

    /// The 10th and 90th percentiles, the swing used by the tornado chart (a point swings nowhere).
    public var swing: (low: Double, high: Double) { (quantile(0.10), quantile(0.90)) }

    public var isUncertain: Bool { if case .point = self { return false } else { return true } }

    /// Inverse CDF. Exact for uniform and triangular; for the normal, the truncated quantile.
    public func quantile(_ u: Double) -> Double {
        switch self {
        case .point(let x): return x
        case .uniform(let lo, let hi): return lo + u * (hi - lo)
        case .triangular(let lo, let m, let hi):
            guard hi > lo else { return lo }
            let f = (m - lo) / (hi - lo)
            return u < f ? lo + ((hi - lo) * (m - lo) * u).squareRoot()
                         : hi - ((hi - lo) * (hi - m) * (1 - u)).squareRoot()
        case .normal(let m, let sd, let lo, let hi):
            let a = lo.map { Normal.cdf(($0 - m) / sd) } ?? 0
            let b = hi.map { Normal.cdf(($0 - m) / sd) } ?? 1
            return m + sd * Normal.quantile(a + u * (b - a))
        }
    }

    /// One draw by inversion (one uniform per draw, so streams stay aligned across scenarios).
    @inlinable public func sample(_ rng: inout RNG) -> Double {
        if case .point(let x) = self { _ = rng.next(); return x }
        return quantile(rng.uniform())
    }

    /// Every value the input can take lies in `range` (used for validation).
    func within(_ lo: Double, _ hi: Double) -> Bool {
        switch self {
        case .point(let x): return x >= lo && x <= hi
        case .uniform(let a, let b): return a >= lo && b <= hi && a <= b
        case .triangular(let a, let m, let b): return a >= lo && b <= hi && a <= m && m <= b
        case .normal(_, let sd, let a, let b): return sd >= 0 && (a ?? -.infinity) >= lo && (b ?? .infinity) <= hi
        }
    }

    /// The same input scaled by `s` (break-even search scales every effect together).
    func scaled(_ s: Double) -> Uncertain {
        switch self {
        case .point(let x): return .point(x * s)
        case .uniform(let a, let b): return .uniform(low: a * s, high: b * s)
        case .triangular(let a, let m, let b): return .triangular(low: a * s, mode: m * s, high: b * s)
        case .normal(let m, let sd, let a, let b): return .normal(mean: m * s, sd: sd * s, low: a.map { $0 * s }, high: b.map { $0 * s })
        }
    }
}
