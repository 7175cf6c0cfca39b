import TenureNumerics

/// The log-rank (Mantel–Haenszel) test of equal survival across k ≥ 2 groups, optionally
/// stratified — R's `survdiff(..., rho = 0)`.
///
/// Contract: at each distinct event time (within a stratum) with n at risk and d events,
/// E_g += d·n_g/n and V_gh += d(n−d)/(n−1)·(n_g/n)(δ_gh − n_h/n); strata are summed.
/// χ² = (O−E)ᵀV⁻¹(O−E) over the groups with E > 0, first of them dropped; df = (#groups with E > 0) − 1
/// (exactly R's rule). p = P(χ²_df > χ²).
public struct LogRankTest: Sendable, Codable, Equatable {
    public var groups: [String]
    public var n: [Int]
    public var observed: [Double]
    public var expected: [Double]
    /// Variance matrix of O − E, row-major k × k.
    public var variance: [[Double]]
    public var chiSquare: Double
    public var df: Int
    public var pValue: Double
    public var stratified: Bool

    enum CodingKeys: String, CodingKey {
        case groups, n, observed, expected, variance, df, stratified
        case chiSquare = "chi_square", pValue = "p_value"
    }
}

public enum LogRank {
    /// `group[i]` in 0..<levels.count (−1 = leave out); `strata[i]` ≥ 0 when given (−1 = leave out).
    public static func test(_ s: SurvivalSample, group: [Int32], levels: [String], strata: [Int32]? = nil) throws -> LogRankTest {
        try s.validate(model: "log-rank test")
        let k = levels.count
        guard k >= 2 else { throw FitError(model: "log-rank test", reason: "needs at least 2 groups, got \(k)") }
        let nStrata = Int((strata?.max() ?? 0) + 1)
        // order subjects by (stratum, time)
        var idx: [Int] = []
        idx.reserveCapacity(s.count)
        for i in 0..<s.count where group[i] >= 0 && (strata?[i] ?? 0) >= 0 { idx.append(i) }
        let st = strata
        idx.sort { a, b in
            let sa = st?[a] ?? 0, sb = st?[b] ?? 0
            return sa != sb ? sa < sb : s.time[a] < s.time[b]
        }
        var O = [Double](repeating: 0, count: k), E = O
        var V = [Double](repeating: 0, count: k * k)
        var nG = [Int](repeating: 0, count: k)
        for i in idx { nG[Int(group[i])] += 1 }
        var atRisk = [Double](repeating: 0, count: k)
        var d = [Double](repeating: 0, count: k), removed = d
        var start = 0
        while start < idx.count {
            let sNow = st?[idx[start]] ?? 0
            var end = start
            while end < idx.count && (st?[idx[end]] ?? 0) == sNow { end += 1 }
            for g in 0..<k { atRisk[g] = 0 }
            for j in start..<end { atRisk[Int(group[idx[j]])] += 1 }
            var i = start
            while i < end {
                let t = s.time[idx[i]]
                for g in 0..<k { d[g] = 0; removed[g] = 0 }
                while i < end && s.time[idx[i]] == t {
                    let g = Int(group[idx[i]])
                    if s.event[idx[i]] { d[g] += 1 }
                    removed[g] += 1
                    i += 1
                }
                let dt = d.reduce(0, +)
                if dt > 0 {
                    let n = atRisk.reduce(0, +)
                    for g in 0..<k { O[g] += d[g]; E[g] += dt * atRisk[g] / n }
                    if n > 1 {
                        let f = dt * (n - dt) / (n - 1)
                        for g in 0..<k {
                            let pg = atRisk[g] / n
                            for h in 0..<k { V[g * k + h] += f * pg * ((g == h ? 1 : 0) - atRisk[h] / n) }
                        }
                    }
                }
                for g in 0..<k { atRisk[g] -= removed[g] }
            }
            start = end
        }
        guard O.reduce(0, +) > 0 else {
            throw FitError(model: "log-rank test", reason: "no group has a churn event (every customer is censored), so there is nothing to compare")
        }
        let used = (0..<k).filter { E[$0] > 0 }
        var chi = 0.0
        if used.count >= 2 {
            let keep = Array(used.dropFirst())
            let m = keep.count
            var vv = Matrix(rows: m, cols: m)
            var r = [Double](repeating: 0, count: m)
            for (a, g) in keep.enumerated() {
                r[a] = O[g] - E[g]
                for (b, h) in keep.enumerated() { vv[a, b] = V[g * k + h] }
            }
            let sol: [Double]
            do { sol = try LinearAlgebra.solve(vv, r) } catch {
                throw FitError(model: "log-rank test", reason: "the variance matrix of O − E is singular (\(error))")
            }
            for a in 0..<m { chi += sol[a] * r[a] }
        }
        let df = max(used.count - 1, 0)
        let p = df > 0 ? ChiSquared.sf(chi, df: Double(df)) : .nan
        return LogRankTest(groups: levels, n: nG, observed: O, expected: E,
                           variance: (0..<k).map { g in (0..<k).map { V[g * k + $0] } },
                           chiSquare: chi, df: df, pValue: p, stratified: nStrata > 1)
    }
}
