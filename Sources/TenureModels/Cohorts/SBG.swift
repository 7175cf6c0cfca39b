import Foundation
import TenureData
import TenureNumerics

/// Maximum-likelihood fit of the shifted-beta-geometric model.
public struct SBGFit: Sendable, Codable, Equatable {
    public var alpha: Double
    public var beta: Double
    /// Standard errors by the delta method: se(α) = α·se(log α), from the inverse Hessian of the
    /// negative log-likelihood in (log α, log β).
    public var alphaSE: Double
    public var betaSE: Double
    public var logLikelihood: Double
    /// Covariance of (log α, log β), row-major 2×2.
    public var logCovariance: [Double]
    public var iterations: Int
    /// Set when the fit is at the edge of the parameter space and is its limiting model instead.
    public var limit: SBGLimit?
    public init(alpha: Double, beta: Double, alphaSE: Double, betaSE: Double, logLikelihood: Double,
                logCovariance: [Double], iterations: Int, limit: SBGLimit? = nil) {
        self.alpha = alpha; self.beta = beta; self.alphaSE = alphaSE; self.betaSE = betaSE
        self.logLikelihood = logLikelihood; self.logCovariance = logCovariance; self.iterations = iterations; self.limit = limit
    }
    enum CodingKeys: String, CodingKey {
        case alpha, beta, alphaSE = "alpha_se", betaSE = "beta_se", logLikelihood = "log_likelihood",
             logCovariance = "log_covariance", iterations, limit
    }
}

/// The limiting model of a fit at the edge of the sBG parameter space.
public struct SBGLimit: Sendable, Codable, Equatable {
    /// `geometric`: α, β → ∞ with α/(α+β) fixed.
    public var model: String
    /// The churn probability per period of the geometric model, with its standard error.
    public var theta: Double
    public var thetaSE: Double
    public var note: String
    enum CodingKeys: String, CodingKey { case model, theta, thetaSE = "theta_se", note }
}

/// Sufficient statistics of an sBG fit: customers lost at the end of age t (`lost[t]`, t ≥ 1) and
/// customers last seen surviving age t (`censored[t]`), pooled over any number of cohorts.
public struct SBGData: Sendable, Equatable {
    public var lost: [Double] = [0]
    public var censored: [Double] = []
    public init() {}

    /// Adds one cohort's survivors n_0 … n_K (losses n_{t−1} − n_t, n_K censored at K).
    public mutating func add(survivors n: [Double]) {
        let K = n.count - 1
        guard K >= 0 else { return }
        if lost.count <= K { lost += [Double](repeating: 0, count: K + 1 - lost.count) }
        if censored.count <= K { censored += [Double](repeating: 0, count: K + 1 - censored.count) }
        for t in stride(from: 1, through: K, by: 1) { lost[t] += n[t - 1] - n[t] }
        censored[K] += n[K]
    }

    /// Periods at risk: a customer lost at t was at risk t periods, one censored at t, t periods.
    var exposure: Double {
        var e = 0.0
        for t in 1..<max(1, lost.count) { e += Double(t) * lost[t] }
        for t in 0..<censored.count { e += Double(t) * censored[t] }
        return e
    }

    /// lost / exposure: the geometric MLE.
    var geometricTheta: Double { lost.reduce(0, +) / max(exposure, 1) }
}

/// The shifted-beta-geometric (sBG) model of contract duration, Fader & Hardie (2007), "How to Project
/// Customer Retention", Journal of Interactive Marketing 21(1), 76–90.
///
/// Each customer churns at the end of each period with probability θ, θ ~ Beta(α, β) across customers:
/// - P(T = t) = B(α + 1, β + t − 1) / B(α, β), t = 1, 2, …  (churn at the end of period t)
/// - S(t) = P(T > t) = B(α, β + t) / B(α, β); retention rate r_t = S(t)/S(t−1) = (β + t − 1)/(α + β + t − 1).
///
/// Data: survivors n_0 ≥ n_1 ≥ … ≥ n_K of one cohort; the log-likelihood is
/// Σ_{t=1..K} (n_{t−1} − n_t) log P(T = t) + n_K log S(K). It is maximised over (log α, log β) by L-BFGS
/// with the analytic gradient (digamma functions); the Hessian comes from central differences of that
/// gradient. Accuracy: parameters to ~1e-7 relative at convergence.
public enum SBG {
    public static func survival(alpha a: Double, beta b: Double, _ t: Double) -> Double {
        exp(Special.logBeta(a, b + t) - Special.logBeta(a, b))
    }

    /// Log-likelihood and its gradient with respect to (log α, log β) of `d`: Σ_t lost_t log P(T = t) +
    /// Σ_t censored_t log S(t).
    static func logLikelihood(_ x: [Double], _ d: SBGData, gradient g: inout [Double]) -> Double {
        let a = exp(x[0]), b = exp(x[1])
        let lB = Special.logBeta(a, b)
        let psiAB = Special.digamma(a + b), psiA = Special.digamma(a), psiB = Special.digamma(b), psiA1 = Special.digamma(a + 1)
        var ll = 0.0, ga = 0.0, gb = 0.0
        for t in 1..<d.lost.count where d.lost[t] > 0 {
            let w = d.lost[t], tt = Double(t)
            ll += w * (Special.logBeta(a + 1, b + tt - 1) - lB)
            let psiABt = Special.digamma(a + b + tt)
            ga += w * (psiA1 - psiABt - psiA + psiAB)
            gb += w * (Special.digamma(b + tt - 1) - psiABt - psiB + psiAB)
        }
        for t in 0..<d.censored.count where d.censored[t] > 0 {
            let w = d.censored[t], tt = Double(t)
            ll += w * (Special.logBeta(a, b + tt) - lB)
            let psiABK = Special.digamma(a + b + tt)
            ga += w * (psiAB - psiABK)
            gb += w * (Special.digamma(b + tt) - psiABK - psiB + psiAB)
        }
        g[0] = a * ga; g[1] = b * gb
        return ll
    }

    /// The log-likelihood of one survivor series `n_0 … n_K` (tests and the Hessian check).
    static func logLikelihood(_ x: [Double], survivors n: [Double], gradient g: inout [Double]) -> Double {
        var d = SBGData()
        d.add(survivors: n)
        return logLikelihood(x, d, gradient: &g)
    }

    /// Fits α, β to a survivor series `n_0 … n_K` (K ≥ 2, non-increasing, some loss, some survivors).
    public static func fit(survivors n: [Double]) throws -> SBGFit {
        guard n.count >= 3 else { throw FitError(model: "sBG", reason: "needs survivors at ages 0, 1 and 2 at least (got \(n.count) ages)") }
        guard n[0] > 0 else { throw FitError(model: "sBG", reason: "the cohort is empty") }
        for t in 1..<n.count where n[t] > n[t - 1] || n[t] < 0 {
            throw FitError(model: "sBG", reason: "survivors must not increase (age \(t): \(n[t]) > \(n[t - 1]))")
        }
        guard n[1] > 0 else { throw FitError(model: "sBG", reason: "every customer was lost after the first period; alpha/(alpha+beta) is 1") }
        var d = SBGData()
        d.add(survivors: n)
        return try fit(d)
    }

    /// Fits α, β to losses and censoring counts pooled over cohorts (`SBGData`). A fit whose α and β run
    /// off together (no heterogeneity in θ) is reported as its limit, the geometric model with
    /// θ = lost / exposure (`SBGFit.limit`), never as parameters of 10⁸.
    public static func fit(_ d: SBGData) throws -> SBGFit {
        let lost = d.lost.reduce(0, +), total = lost + d.censored.reduce(0, +)
        guard total > 0 else { throw FitError(model: "sBG", reason: "the cohort is empty") }
        guard lost > 0 else { throw FitError(model: "sBG", reason: "no customer was lost; beta is unbounded") }
        // Start from the geometric fit matched to the first-period churn rate.
        let p1 = max(1e-3, min(0.999, d.geometricTheta))
        let x0 = [log(p1), log(1 - p1)]
        let r = Optimize.lbfgs(x0: x0, options: OptimizeOptions(maxIterations: 1000, gradientTolerance: 1e-9 * total)) { x, g in
            guard abs(x[0]) < 30, abs(x[1]) < 30 else { g[0] = .nan; g[1] = .nan; return .nan }
            let ll = logLikelihood(x, d, gradient: &g)
            g[0] = -g[0]; g[1] = -g[1]
            return -ll
        }
        let a = exp(r.x[0]), b = exp(r.x[1])
        // The boundary: α, β → ∞ at a fixed ratio is the geometric model (every customer has the same θ).
        if r.value.isFinite && (a > 1e4 || b > 1e5) { return geometric(d) }
        guard r.converged || r.gradient.allSatisfy({ abs($0) < 1e-5 * total }), r.value.isFinite else {
            throw FitError(model: "sBG", reason: "maximum likelihood did not converge: \(r.message)")
        }
        let h = r.hessian ?? Optimize.hessian(at: r.x) { x in
            var g = [0.0, 0.0]; _ = logLikelihood(x, d, gradient: &g); return [-g[0], -g[1]]
        }
        let cov: Matrix
        do { cov = try LinearAlgebra.inverseSPD(h) } catch { return geometric(d) }
        return SBGFit(alpha: a, beta: b, alphaSE: a * cov[0, 0].squareRoot(), betaSE: b * cov[1, 1].squareRoot(),
                      logLikelihood: -r.value, logCovariance: [cov[0, 0], cov[0, 1], cov[1, 0], cov[1, 1]], iterations: r.iterations)
    }

    /// The geometric limit of the sBG: θ̂ = lost / exposure (periods at risk), SE from the binomial
    /// information. Reported with `limit` set and α, β as the ratio θ:(1 − θ) at a scale of 10⁶, so
    /// projections (which only see α/(α+β) in this limit) stay right.
    static func geometric(_ d: SBGData) -> SBGFit {
        let lost = d.lost.reduce(0, +), exposure = d.exposure
        let theta = lost / exposure
        let se = (theta * (1 - theta) / exposure).squareRoot()
        let ll = lost * log(theta) + (exposure - lost) * log1p(-theta)
        let scale = 1e6
        return SBGFit(alpha: theta * scale, beta: (1 - theta) * scale, alphaSE: .nan, betaSE: .nan, logLikelihood: ll,
                      logCovariance: [0, 0, 0, 0], iterations: 0,
                      limit: SBGLimit(model: "geometric", theta: theta, thetaSE: se,
                                      note: "alpha and beta ran off together (no heterogeneity in churn): the fit is the geometric model, every customer churning with probability theta each period"))
    }

    /// Projection of one cohort from its last complete age K with n_K survivors to ages K+1 … K+h.
    /// Expected survivors E[N_t | N_K] = N_K·S(t)/S(K) (exact under the model). The interval is the
    /// percentile interval of `draws` simulated paths: (log α, log β) drawn from their asymptotic normal
    /// (MLE, inverse Hessian), then N_t | N_{t−1} ~ Binomial(N_{t−1}, (β + t − 1)/(α + β + t − 1))
    /// (each survivor renews independently given the parameters), so it covers parameter and
    /// sampling uncertainty. Seeded: same seed, same interval.
    public static func project(fit: SBGFit, lastAge K: Int, survivorsAtK nK: Int, through H: Int, draws: Int,
                               confidence: Double, seed: UInt64) -> [(age: Int, expected: Double, lower: Double, upper: Double)] {
        guard H > K else { return [] }
        let sK = survival(alpha: fit.alpha, beta: fit.beta, Double(K))
        var sims = [[Double]](repeating: [], count: H - K)
        var rng = RNG(seed: seed)
        // Cholesky of the 2×2 covariance of the log-parameters.
        let c00 = fit.logCovariance[0], c01 = fit.logCovariance[1], c11 = fit.logCovariance[3]
        let l00 = c00 > 0 ? c00.squareRoot() : 0
        let l10 = l00 > 0 ? c01 / l00 : 0
        let l11 = max(0, c11 - l10 * l10).squareRoot()
        let la = log(fit.alpha), lb = log(fit.beta)
        for _ in 0..<max(1, draws) {
            let z0 = rng.normal(), z1 = rng.normal()
            let a = exp(la + l00 * z0), b = exp(lb + l10 * z0 + l11 * z1)
            var alive = nK
            for t in (K + 1)...H {
                let p = (b + Double(t) - 1) / (a + b + Double(t) - 1)
                alive = binomial(alive, p, &rng)
                sims[t - K - 1].append(Double(alive))
            }
        }
        let tail = (1 - confidence) / 2
        return (K + 1...H).map { t in
            var s = sims[t - K - 1]; s.sort()
            let expected = Double(nK) * survival(alpha: fit.alpha, beta: fit.beta, Double(t)) / sK
            return (t, expected, Stats.quantile(sorted: s, tail), Stats.quantile(sorted: s, 1 - tail))
        }
    }

    /// Binomial(n, p) draw: exact inversion (pmf recurrence) when n·min(p, 1−p) < 30, else the normal
    /// approximation with continuity correction, clamped to [0, n].
    static func binomial(_ n: Int, _ p: Double, _ rng: inout RNG) -> Int {
        if n <= 0 || p <= 0 { return 0 }
        if p >= 1 { return n }
        let flip = p > 0.5
        let q = flip ? 1 - p : p
        var k: Int
        if Double(n) * q < 30 {
            let u = rng.uniform()
            var pmf = pow(1 - q, Double(n)), cdf = pmf
            k = 0
            let ratio = q / (1 - q)
            while cdf < u && k < n {
                pmf *= ratio * Double(n - k) / Double(k + 1)
                k += 1
                cdf += pmf
            }
        } else {
            let mean = Double(n) * q, sd = (Double(n) * q * (1 - q)).squareRoot()
            k = Int((mean + sd * rng.normal()).rounded())
            k = min(n, max(0, k))
        }
        return flip ? n - k : k
    }
}

extension Engine {
    /// Completes each cohort's survivor series N periods past the end of observation (sBG per cohort).
    /// Basis: contractual survivors when subscriptions exist, else unbounded retention counts.
    func addForecasts(_ groups: inout [CohortGroup]) throws {
        for g in groups.indices {
            let useContractual = groups[g].contractual != nil
            var series: [(cohort: String, start: String, size: Int, counts: [Int], complete: Int, lastObserved: Int)] = []
            if let rows = groups[g].contractual {
                for r in rows {
                    series.append((r.cohort, r.start, r.size, r.cells.map(\.survivors),
                                   r.cells.filter { $0.status == .complete }.count, r.cells.count - 1))
                }
            } else {
                for r in groups[g].cohorts {
                    series.append((r.cohort, r.start, r.size, r.cells.map(\.unboundedCustomers),
                                   r.cells.filter { $0.status == .complete }.count, r.cells.count - 1))
                }
            }
            var out: [ForecastCohort] = []
            var pooled = SBGData()
            for (idx, s) in series.enumerated() {
                let K = s.complete - 1
                if K >= 1 { pooled.add(survivors: s.counts[0...K].map(Double.init)) }
                let H = s.lastObserved + o.forecast
                let startP = cal.index(of: DateParser.day(from: s.start) ?? 0)
                var fc = ForecastCohort(cohort: s.cohort, size: s.size, fittedAges: max(0, K + 1), fit: nil, failure: nil, cells: [])
                do {
                    guard K >= 2 else { throw FitError(model: "sBG", reason: "needs at least 3 complete ages (has \(max(0, K + 1)))") }
                    let fit = try SBG.fit(survivors: s.counts[0...K].map(Double.init))
                    fc.fit = fit
                    let seed = o.seed &+ UInt64(g) &* 1_000_003 &+ UInt64(idx)
                    for p in SBG.project(fit: fit, lastAge: K, survivorsAtK: s.counts[K], through: H, draws: o.forecastDraws,
                                         confidence: o.confidence, seed: seed) {
                        let window = useContractual ? o.contractualWindow : o.window
                        fc.cells.append(ForecastCell(age: p.age, period: window == .calendar ? cal.label(of: startP + Int32(p.age)) : nil,
                                                     survivors: p.expected, retention: p.expected / Double(s.size),
                                                     lower: p.lower / Double(s.size), upper: p.upper / Double(s.size)))
                    }
                } catch let e as FitError {
                    fc.failure = e.reason
                }
                out.append(fc)
            }
            var pooledFit: SBGFit?, pooledFailure: String?
            do { pooledFit = try SBG.fit(pooled) } catch let e as FitError { pooledFailure = e.reason }
            groups[g].forecast = CohortForecast(
                basis: useContractual ? "contractual" : "unbounded", horizon: o.forecast,
                intervalMethod: "percentile interval of \(o.forecastDraws) simulated paths (seed \(o.seed)): log-parameters drawn from their asymptotic normal, survivors renewed by binomial draws",
                cohorts: out, pooled: pooledFit, pooledFailure: pooledFailure)
        }
        let failed = groups.flatMap { $0.forecast?.cohorts ?? [] }.filter { $0.fit == nil }.count
        if failed > 0 { notes.append("sBG forecast: \(failed) cohort(s) could not be fitted (see forecast.cohorts[].failure).") }
    }
}
