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
        var members = [[Int]](repeating: [], count: nStrata * k)
        for i in 0..<s.count where group[i] >= 0 && (strata?[i] ?? 0) >= 0 {
            members[Int(strata?[i] ?? 0) * k + Int(group[i])].append(i)
        }
        let tables = (0..<nStrata).map { st in (0..<k).map { g in EventTable.tabulate(s, indices: members[st * k + g]) } }
        return try test(tables: tables, levels: levels)
    }

    /// The test from event tables reduced elsewhere: `tables[stratum][group]`, every stratum with
    /// one table per level (empty for a group without subjects there). Equal to the test on the
    /// subjects the tables count.
    public static func test(tables: [[EventTable]], levels: [String]) throws -> LogRankTest {
        let k = levels.count
        guard k >= 2 else { throw FitError(model: "log-rank test", reason: "needs at least 2 groups, got \(k)") }
        var O = [Double](repeating: 0, count: k), E = O
        var V = [Double](repeating: 0, count: k * k)
        var nG = [Int](repeating: 0, count: k)
        var atRisk = [Double](repeating: 0, count: k)
        var d = [Double](repeating: 0, count: k), removed = d
        for stratum in tables {
            precondition(stratum.count == k, "one event table per group in every stratum")
            for g in 0..<k { nG[g] += stratum[g].total; atRisk[g] = Double(stratum[g].total) }
            // the stratum's distinct times in ascending order, walked in step across the groups
            var next = [Int](repeating: 0, count: k)
            while true {
                var t = Double.infinity
                for g in 0..<k where next[g] < stratum[g].times.count { t = min(t, stratum[g].times[next[g]]) }
                guard t.isFinite else { break }
                for g in 0..<k {
                    d[g] = 0; removed[g] = 0
                    if next[g] < stratum[g].times.count && stratum[g].times[next[g]] == t {
                        let e = stratum[g].events[next[g]], c = stratum[g].censored[next[g]]
                        d[g] = Double(e); removed[g] = Double(e + c)
                        next[g] += 1
                    }
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
                           chiSquare: chi, df: df, pValue: p, stratified: tables.count > 1)
    }
}
