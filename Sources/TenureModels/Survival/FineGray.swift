import Foundation
import TenureNumerics

/// A fitted Fine–Gray (1999) proportional subdistribution hazards model for one cause.
///
/// Contract: β̂ maximises the censoring-weighted partial likelihood of R `cmprsk::crr` (Breslow
/// ties): at each distinct time t of a churn of the cause, the risk set is everyone still a
/// customer (weight 1) plus everyone who churned earlier for another reason, weighted
/// G(t−)/G(Tᵢ−), G the Kaplan–Meier estimate of the censoring distribution (G(0) at time 0, as
/// crr). Standard errors are crr's sandwich I⁻¹ΣI⁻¹, Σ = Σᵢ(ηᵢ + ψᵢ)(ηᵢ + ψᵢ)ᵀ with ψᵢ the
/// term for the estimated G (Fine & Gray 1999, §3). `summary[k].hazardRatio` is the
/// subdistribution hazard ratio exp(β): > 1 means the cause's cumulative incidence rises faster.
/// Without tied times the coefficients equal R `coxph` on `survival::finegray` data with
/// `weights = fgwt`. Agrees with cmprsk 2.2 to ≈1e-8 relative.
public struct FineGrayModel: Sendable, Codable, Equatable {
    public var cause: String
    public var covariates: [String]
    public var coefficients: [String: Double]
    public var standardErrors: [String: Double]
    public var summary: [CoxCoefficient]
    /// Sandwich covariance of β̂ (row-major p × p).
    public var covariance: [[Double]]
    /// Log pseudo-likelihood at β̂ and at β = 0 (crr's `loglik`, `loglik.null`).
    public var logLikelihood: Double
    public var nullLogLikelihood: Double
    /// Wald test of β = 0 with the sandwich covariance.
    public var waldTest: ChiSquareTest
    public var n: Int
    public var events: Int
    public var competingEvents: Int
    public var censored: Int
    public var iterations: Int
    public var confidenceLevel: Double

    enum CodingKeys: String, CodingKey {
        case cause, covariates, coefficients, summary, covariance, n, events, censored, iterations
        case standardErrors = "standard_errors", logLikelihood = "log_likelihood", nullLogLikelihood = "null_log_likelihood"
        case waldTest = "wald_test", competingEvents = "competing_events", confidenceLevel = "confidence_level"
    }
}

extension FineGrayModel: FittedModel {
    /// The shared fit shape: coefficients (log subdistribution hazard ratios), sandwich SEs, Wald
    /// intervals at `confidenceLevel` on the coefficient scale, z and p; the log pseudo-likelihood.
    public var modelFit: ModelFit {
        let z = Normal.quantile(1 - (1 - confidenceLevel) / 2)
        return ModelFit(model: "Fine–Gray (\(cause))",
                        parameters: summary.map { c in
                            FittedParameter(name: c.name, estimate: c.coef, standardError: c.se,
                                            lower: c.coef - z * c.se, upper: c.coef + z * c.se, statistic: c.z, pValue: c.p)
                        },
                        level: confidenceLevel, logLikelihood: logLikelihood, observations: Double(n), iterations: iterations)
    }
}

public enum FineGray {
    /// Fits the subdistribution hazard of cause `k` (1-based, `sample.causes[k − 1]`) on the n × p
    /// design `x` (column-major, no missing values). Newton–Raphson from β = 0 with step halving
    /// until the log pseudo-likelihood changes by less than 1e-12 relative.
    ///
    /// Throws `FitError` for: no churn of the cause, a constant covariate, a singular information
    /// matrix, a diverging coefficient, or no convergence within `maxIterations`. O(n·p²) per step.
    public static func fit(x: Matrix, names: [String], sample: CompetingSample, cause k: Int32,
                           confidenceLevel: Double = 0.95, maxIterations: Int = 50) throws -> FineGrayModel {
        let causeName = k >= 1 && Int(k) <= sample.causes.count ? sample.causes[Int(k) - 1] : "?"
        let model = "Fine–Gray model (\(causeName))"
        try sample.validate(model: model)
        let n = x.rows, p = x.cols
        guard n == sample.count else { throw FitError(model: model, reason: "\(n) design rows for \(sample.count) subjects") }
        guard p >= 1, names.count == p else { throw FitError(model: model, reason: "\(names.count) names for \(p) covariates") }
        guard k >= 1, Int(k) <= sample.causes.count else { throw FitError(model: model, reason: "no cause \(k)") }
        let engine = try FineGrayEngine(x: x, names: names, sample: sample, cause: k, model: model)
        let start = [Double](repeating: 0, count: p)
        let first = engine.evaluate(start)
        let ll0 = first.loglik
        let (beta, cur, iterations) = try partialLikelihoodNewton(
            start: start, first: first, evaluate: engine.evaluate, scale: engine.scale, maxIterations: maxIterations, model: model,
            notConverged: { _ in "Newton–Raphson did not converge in \(maxIterations) iterations" })
        let leftover = (try? LinearAlgebra.choleskySolve(cur.info, cur.gradient)) ?? [Double](repeating: .infinity, count: p)
        for j in 0..<p where abs(leftover[j]) > 1e-6 * max(1, abs(beta[j])) || abs(beta[j]) * engine.scale[j] > 15 {
            throw FitError(model: model, reason: "the coefficient of '\(names[j])' diverges (β = \(String(format: "%.3g", beta[j]))): a covariate or level separates this reason's churners from the others (e.g. a level with no churn for this reason)")
        }
        let infoInverse: Matrix
        do { infoInverse = try LinearAlgebra.inverseSPD(cur.info) } catch {
            throw FitError(model: model, reason: "the information matrix at the estimate is singular")
        }
        let cov = engine.sandwich(cur, infoInverse: infoInverse)
        let z = Normal.quantile(1 - (1 - confidenceLevel) / 2)
        var table: [CoxCoefficient] = []
        var coefs: [String: Double] = [:], ses: [String: Double] = [:]
        for j in 0..<p {
            let se = cov[j, j].squareRoot()
            let zj = beta[j] / se
            table.append(CoxCoefficient(name: names[j], coef: beta[j], se: se, hazardRatio: exp(beta[j]),
                                        lower: exp(beta[j] - z * se), upper: exp(beta[j] + z * se),
                                        z: zj, p: 2 * Normal.sf(abs(zj))))
            coefs[names[j]] = beta[j]; ses[names[j]] = se
        }
        var wald = Double.nan
        if let s = try? LinearAlgebra.solve(cov, beta) { wald = zip(beta, s).reduce(0) { $0 + $1.0 * $1.1 } }
        return FineGrayModel(cause: causeName, covariates: names, coefficients: coefs, standardErrors: ses, summary: table,
                             covariance: (0..<p).map { i in (0..<p).map { cov[i, $0] } },
                             logLikelihood: cur.loglik, nullLogLikelihood: ll0, waldTest: ChiSquareTest(wald, df: p),
                             n: n, events: engine.events, competingEvents: engine.competing, censored: engine.censored,
                             iterations: iterations, confidenceLevel: confidenceLevel)
    }
}

/// The data of one Fine–Gray fit in time order, centred, with the censoring distribution and the
/// distinct times; `evaluate` gives the log pseudo-likelihood, score and information at β.
final class FineGrayEngine {
    let n: Int, p: Int
    /// Centred covariates in time order, column-major n × p.
    let xs: Matrix
    /// Status in time order: 0 censored, 1 the cause, 2 another cause.
    let status: [UInt8]
    /// Runs of equal time: first subject of each, and the run of each subject.
    let runStart: [Int]
    let runOf: [Int32]
    /// G(T−) of the subjects of each run (G(0) at time 0), and the censorings of each run.
    let gBefore: [Double]
    let runCensored: [Int]
    /// Runs holding a churn of the cause, their churn counts, and per run the index of the last
    /// such run at or before it (−1: none).
    let failRuns: [Int]
    let failCount: [Double]
    let lastFail: [Int]
    let scale: [Double]
    let events: Int, competing: Int, censored: Int

    struct Evaluation {
        var loglik: Double
        var gradient: [Double]
        var info: Matrix
        var w: [Double]
        /// Per failure time: S0 and S1/S0.
        var s0: [Double]
        var xbar: [[Double]]
    }

    init(x: Matrix, names: [String], sample: CompetingSample, cause k: Int32, model: String) throws {
        let n = x.rows, p = x.cols
        self.n = n; self.p = p
        let order = RadixSort.order(sample.time).map(Int.init)
        var st = [UInt8](repeating: 0, count: n)
        var ev = 0, co = 0, ce = 0
        for (q, i) in order.enumerated() {
            let c = sample.cause[i]
            st[q] = c == 0 ? 0 : (c == k ? 1 : 2)
            if c == 0 { ce += 1 } else if c == k { ev += 1 } else { co += 1 }
        }
        guard ev > 0 else { throw FitError(model: model, reason: "no customer churned for this reason; nothing to fit") }
        events = ev; competing = co; censored = ce; status = st
        // centred design in time order
        var data = [Double](repeating: 0, count: n * p)
        var sc = [Double](repeating: 0, count: p)
        for j in 0..<p {
            var mean = 0.0
            for i in 0..<n { mean += x[i, j] }
            mean /= Double(n)
            guard mean.isFinite else { throw FitError(model: model, reason: "a value of covariate '\(names[j])' is not a finite number") }
            var ss = 0.0
            for (q, i) in order.enumerated() { let v = x[i, j] - mean; data[j * n + q] = v; ss += v * v }
            sc[j] = (ss / Double(max(n - 1, 1))).squareRoot()
            guard sc[j] > 0 else {
                throw FitError(model: model, reason: "covariate '\(names[j])' is constant (every subject has the same value); drop it")
            }
        }
        xs = Matrix(rows: n, cols: p, data: data); scale = sc
        // runs of equal time and the censoring Kaplan–Meier
        var starts: [Int] = [], runOf = [Int32](repeating: 0, count: n)
        var g: [Double] = [], cens: [Int] = []
        var q = 0, gPrev = 1.0
        while q < n {
            let t = sample.time[order[q]]
            let first = q
            var c = 0
            while q < n && sample.time[order[q]] == t { if st[q] == 0 { c += 1 }; runOf[q] = Int32(starts.count); q += 1 }
            let gNow = gPrev * (1 - Double(c) / Double(n - first))
            starts.append(first); cens.append(c)
            g.append(t == 0 ? gNow : gPrev)
            gPrev = gNow
        }
        runStart = starts; self.runOf = runOf; gBefore = g; runCensored = cens
        var fr: [Int] = [], fc: [Double] = [], last = [Int](repeating: -1, count: starts.count)
        for r in starts.indices {
            let end = r + 1 < starts.count ? starts[r + 1] : n
            var d = 0
            for q in starts[r]..<end where st[q] == 1 { d += 1 }
            if d > 0 { fr.append(r); fc.append(Double(d)) }
            last[r] = fr.count - 1
        }
        failRuns = fr; failCount = fc; lastFail = last
    }

    func evaluate(_ beta: [Double]) -> Evaluation {
        let m = failRuns.count
        let eta = xs.times(beta)
        let w = eta.map { exp($0) }
        // S0, S1 at each failure time: everyone still there (suffix) + earlier churns of other causes
        // weighted G(t−)/G(T−) (prefix)
        var s0 = [Double](repeating: 0, count: m)
        var s1 = [[Double]](repeating: [Double](repeating: 0, count: p), count: m)
        var a0 = 0.0, a1 = [Double](repeating: 0, count: p)
        var l = m - 1, r = runStart.count - 1
        while r >= 0 {
            let end = r + 1 < runStart.count ? runStart[r + 1] : n
            for q in runStart[r]..<end { a0 += w[q]; for j in 0..<p { a1[j] += w[q] * xs.data[j * n + q] } }
            if l >= 0 && failRuns[l] == r { s0[l] = a0; s1[l] = a1; l -= 1 }
            r -= 1
        }
        var b0 = 0.0, b1 = [Double](repeating: 0, count: p)
        l = 0
        for r in runStart.indices {
            if l < m && failRuns[l] == r {
                let gl = gBefore[r]
                s0[l] += gl * b0
                for j in 0..<p { s1[l][j] += gl * b1[j] }
                l += 1
            }
            let end = r + 1 < runStart.count ? runStart[r + 1] : n
            for q in runStart[r]..<end where status[q] == 2 {
                let v = w[q] / gBefore[r]
                b0 += v
                for j in 0..<p { b1[j] += v * xs.data[j * n + q] }
            }
        }
        var ll = 0.0
        var grad = [Double](repeating: 0, count: p)
        for q in 0..<n where status[q] == 1 {
            ll += eta[q]
            for j in 0..<p { grad[j] += xs.data[j * n + q] }
        }
        var xbar = s1
        var cum = [Double](repeating: 0, count: m), suf = cum        // Σ_{l' ≤ l} d/S0, Σ_{l' ≥ l} G·d/S0
        var info = Matrix(rows: p, cols: p)
        for l in 0..<m {
            let d = failCount[l]
            ll -= d * log(s0[l])
            for j in 0..<p { xbar[l][j] = s1[l][j] / s0[l]; grad[j] -= d * xbar[l][j] }
            for i in 0..<p { for j in 0...i { info[i, j] -= d * xbar[l][i] * xbar[l][j] } }
            cum[l] = (l > 0 ? cum[l - 1] : 0) + d / s0[l]
        }
        for l in stride(from: m - 1, through: 0, by: -1) {
            suf[l] = (l + 1 < m ? suf[l + 1] : 0) + gBefore[failRuns[l]] * failCount[l] / s0[l]
        }
        // Σ_l d_l S2_l/S0_l = Σ_i ω_i xᵢxᵢᵀ
        var omega = [Double](repeating: 0, count: n)
        for q in 0..<n {
            let r = Int(runOf[q]), L = lastFail[r]
            var o = L >= 0 ? w[q] * cum[L] : 0
            if status[q] == 2, L + 1 < m { o += w[q] / gBefore[r] * suf[L + 1] }
            omega[q] = o
        }
        let second = xs.weightedGram(omega)
        for i in 0..<p { for j in 0...i { info[i, j] += second[i, j] } }
        info.fillUpperFromLower()
        return Evaluation(loglik: ll, gradient: grad, info: info, w: w, s0: s0, xbar: xbar)
    }

    /// crr's variance at β̂: I⁻¹ΣI⁻¹ with Σ = Σᵢ(ηᵢ + ψᵢ)(ηᵢ + ψᵢ)ᵀ. ηᵢ is subject i's score
    /// residual (its churn's deviation from the risk-set mean, minus its share of every risk set it
    /// is in); ψᵢ = Σ_u q(u)/Y(u) dMᵢᶜ(u) over the censoring times u, with
    /// q(u) = Σ_{t_l ≥ u} (d_l/S0_l) Σ_{other-cause churns j before u} G(t_l−)/G(T_j−) e^{η_j}(x_j − x̄_l)
    /// and Y(u) the subjects at risk at u.
    func sandwich(_ e: Evaluation, infoInverse: Matrix) -> Matrix {
        let m = failRuns.count
        let h = (0..<m).map { failCount[$0] / e.s0[$0] }
        // prefix Σ h, Σ h·x̄; suffix Σ G·h, Σ G·h·x̄
        var p0 = [Double](repeating: 0, count: m), q0 = p0
        var p1 = [[Double]](repeating: [Double](repeating: 0, count: p), count: m), q1 = p1
        for l in 0..<m {
            p0[l] = (l > 0 ? p0[l - 1] : 0) + h[l]
            for j in 0..<p { p1[l][j] = (l > 0 ? p1[l - 1][j] : 0) + h[l] * e.xbar[l][j] }
        }
        for l in stride(from: m - 1, through: 0, by: -1) {
            let gh = gBefore[failRuns[l]] * h[l]
            q0[l] = (l + 1 < m ? q0[l + 1] : 0) + gh
            for j in 0..<p { q1[l][j] = (l + 1 < m ? q1[l + 1][j] : 0) + gh * e.xbar[l][j] }
        }
        var resid = [Double](repeating: 0, count: n * p)       // ηᵢ + ψᵢ, column-major
        var c0 = 0.0, c1 = [Double](repeating: 0, count: p)   // Σ over other-cause churns before u of w/G, x·w/G
        var acc = [Double](repeating: 0, count: p)
        var qu = [Double](repeating: 0, count: p)
        for r in runStart.indices {
            let first = runStart[r], end = r + 1 < runStart.count ? runStart[r + 1] : n
            let L = lastFail[r]
            let y = Double(n - first)
            let hasCensoring = runCensored[r] > 0
            if hasCensoring {
                // first failure at or after this time: the one in this run, else the next
                let lu = L >= 0 && failRuns[L] == r ? L : L + 1
                for j in 0..<p { qu[j] = lu < m ? c1[j] * q0[lu] - c0 * q1[lu][j] : 0 }
                for j in 0..<p { acc[j] -= qu[j] * Double(runCensored[r]) / (y * y) }
            }
            for q in first..<end {
                let wq = e.w[q]
                for j in 0..<p {
                    let x = xs.data[j * n + q]
                    var v = acc[j]
                    if hasCensoring && status[q] == 0 { v += qu[j] / y }
                    if L >= 0 {
                        if status[q] == 1 { v += x - e.xbar[L][j] }   // the churn at this run is failure time L
                        v -= wq * (x * p0[L] - p1[L][j])
                    }
                    if status[q] == 2, L + 1 < m {
                        v -= wq / gBefore[r] * (x * q0[L + 1] - q1[L + 1][j])
                    }
                    resid[j * n + q] = v
                }
            }
            for q in first..<end where status[q] == 2 {
                let v = e.w[q] / gBefore[r]
                c0 += v
                for j in 0..<p { c1[j] += v * xs.data[j * n + q] }
            }
        }
        let middle = Matrix(rows: n, cols: p, data: resid).gram()
        return infoInverse * middle * infoInverse
    }
}
