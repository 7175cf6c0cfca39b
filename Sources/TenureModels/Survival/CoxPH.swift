import Foundation
import Dispatch
import TenureNumerics

/// How tied event times enter the Cox partial likelihood.
public enum CoxTies: String, Sendable, Codable, CaseIterable {
    /// Efron (1977) approximation — R `coxph`'s and lifelines' default.
    case efron
    /// Breslow (1974) approximation.
    case breslow
}

/// Options of a Cox fit. The penalised objective is ℓ(β) − (λ/2)·Σβ², exactly R's
/// `ridge(..., theta = λ, scale = FALSE)`; λ = 0 (the default) is the ordinary partial likelihood.
public struct CoxOptions: Sendable {
    public var ties: CoxTies = .efron
    public var penalty: Double = 0
    public var maxIterations: Int = 30
    public var confidenceLevel: Double = 0.95
    public var computeConcordance = true
    public init(ties: CoxTies = .efron, penalty: Double = 0, maxIterations: Int = 30,
                confidenceLevel: Double = 0.95, computeConcordance: Bool = true) {
        self.ties = ties; self.penalty = penalty; self.maxIterations = maxIterations
        self.confidenceLevel = confidenceLevel; self.computeConcordance = computeConcordance
    }
}

public struct CoxCoefficient: Sendable, Codable, Equatable {
    public var name: String
    public var coef: Double
    public var se: Double
    public var hazardRatio: Double
    public var lower: Double
    public var upper: Double
    public var z: Double
    public var p: Double
    enum CodingKeys: String, CodingKey {
        case name, coef, se, z, p
        case hazardRatio = "hazard_ratio", lower = "hr_lower", upper = "hr_upper"
    }
}

/// A χ² test statistic.
public struct ChiSquareTest: Sendable, Codable, Equatable {
    public var statistic: Double
    public var df: Int
    public var pValue: Double
    enum CodingKeys: String, CodingKey { case statistic, df, pValue = "p_value" }
    init(_ x: Double, df: Int) {
        statistic = x; self.df = df
        pValue = df > 0 && x.isFinite ? ChiSquared.sf(max(x, 0), df: Double(df)) : .nan
    }
}

/// A fitted Cox proportional-hazards model.
///
/// Contract: β̂ maximises the (penalised) partial likelihood by Newton–Raphson from β = 0 with
/// step-halving, each step a Cholesky solve (LAPACK dposv); iteration stops when the log-likelihood
/// changes by less than 1e-12 relative. Standard errors are the square roots of the diagonal of
/// the inverse (penalised) information at β̂. Tests: likelihood ratio 2(ℓ(β̂) − ℓ(0)), Wald β̂ᵀIβ̂,
/// score U(0)ᵀI(0)⁻¹U(0), each on p df. Agrees with R `coxph` to ≈1e-9 relative.
public struct CoxModel: Sendable, Codable, Equatable {
    public var covariates: [String]
    /// β keyed by covariate name.
    public var coefficients: [String: Double]
    public var standardErrors: [String: Double]
    /// The coefficient table in covariate order.
    public var summary: [CoxCoefficient]
    /// Covariance of β̂ (row-major p × p).
    public var covariance: [[Double]]
    /// Partial log-likelihood at β̂ (without the penalty) and at β = 0.
    public var logLikelihood: Double
    public var nullLogLikelihood: Double
    public var likelihoodRatioTest: ChiSquareTest
    public var waldTest: ChiSquareTest
    public var scoreTest: ChiSquareTest
    public var concordance: Concordance?
    public var n: Int
    public var events: Int
    public var strata: Int
    public var iterations: Int
    public var ties: CoxTies
    public var penalty: Double
    public var confidenceLevel: Double

    enum CodingKeys: String, CodingKey {
        case covariates, coefficients, summary, covariance, concordance, n, events, strata, iterations, ties, penalty
        case standardErrors = "standard_errors", logLikelihood = "log_likelihood"
        case nullLogLikelihood = "null_log_likelihood", likelihoodRatioTest = "likelihood_ratio_test"
        case waldTest = "wald_test", scoreTest = "score_test", confidenceLevel = "confidence_level"
    }
}

public enum CoxPH {
    /// Fits a Cox model. `x` is n × p (column-major, one column per covariate, no missing values);
    /// `strata[i]` ≥ 0 gives separate baseline hazards (nil = one stratum).
    ///
    /// Throws `FitError` for: no events, a constant or collinear covariate (naming it),
    /// a non-positive-definite information matrix, a diverging coefficient (monotone likelihood),
    /// or no convergence within `maxIterations`.
    ///
    /// `x` is taken over and centred in place: pass it with `consume` when the caller has no further
    /// use for it, or the fit works on a copy.
    public static func fit(x: consuming Matrix, names: [String], sample: SurvivalSample, strata: [Int32]? = nil,
                           options: CoxOptions = CoxOptions()) throws -> CoxModel {
        var (model, concordance) = try fitted(x: x, names: names, sample: sample, strata: strata, options: options)
        if options.computeConcordance { model.concordance = concordance() }
        return model
    }

    /// `fit` without Harrell's C, and a function that computes it for the fitted β (so a caller can
    /// time it apart); `options.computeConcordance` is not read.
    public static func fitted(x: consuming Matrix, names: [String], sample: SurvivalSample, strata: [Int32]? = nil,
                              options: CoxOptions = CoxOptions()) throws -> (model: CoxModel, concordance: () -> Concordance) {
        let model = "Cox model"
        let n = x.rows, p = x.cols
        guard n == sample.count else { throw FitError(model: model, reason: "\(n) design rows for \(sample.count) subjects") }
        guard p >= 1 else { throw FitError(model: model, reason: "no covariates given") }
        guard names.count == p else { throw FitError(model: model, reason: "\(names.count) names for \(p) covariates") }
        guard options.penalty >= 0, options.penalty.isFinite else { throw FitError(model: model, reason: "the L2 penalty must be ≥ 0") }
        try sample.validate(model: model)
        let events = sample.eventCount
        guard events > 0 else { throw FitError(model: model, reason: "there are no events (every subject is censored); nothing to fit") }

        let engine = try CoxEngine(x: consume x, names: names, sample: sample, strata: strata, ties: options.ties,
                                   penalty: options.penalty)
        let (fit, beta) = try newton(evaluate: engine.evaluate, scale: engine.scale, names: names, n: n, events: events,
                                     strata: engine.strataCount, options: options)
        return (fit, { engine.concordance(beta) })
    }

    /// Newton–Raphson from β = 0 on `evaluate` (the in-memory engine, or sums an engine returns per
    /// step) and the fitted model without Harrell's C, with β̂.
    static func newton(evaluate: ([Double]) throws -> CoxEngine.Evaluation, scale: [Double], names: [String], n: Int, events: Int,
                       strata: Int, options: CoxOptions) throws -> (model: CoxModel, beta: [Double]) {
        let model = "Cox model", p = names.count
        let start = [Double](repeating: 0, count: p)
        let first = try evaluate(start)
        let ll0 = first.loglik
        let scoreStat: Double
        do {
            let s = try LinearAlgebra.choleskySolve(first.info, first.gradient)
            scoreStat = zip(s, first.gradient).reduce(0) { $0 + $1.0 * $1.1 }
        } catch {
            throw FitError(model: model, reason: "the information matrix at β = 0 is not positive definite (collinear covariates?)")
        }
        let (beta, cur, iterations) = try partialLikelihoodNewton(
            start: start, first: first, evaluate: evaluate, scale: scale, maxIterations: options.maxIterations, model: model,
            notConverged: { b in "Newton–Raphson did not converge in \(options.maxIterations) iterations (β = \(b.map { String(format: "%.4g", $0) }.joined(separator: ", ")))" })
        let cov: Matrix
        do { cov = try LinearAlgebra.inverseSPD(cur.info) } catch {
            throw FitError(model: model, reason: "the information matrix at the estimate is singular (collinear covariates or a diverging coefficient)")
        }
        // Monotone likelihood: a coefficient running off to ±∞ (R only warns; we refuse). Newton
        // converges quadratically to a real maximum, so the step still left at β̂ is negligible;
        // on a likelihood that only flattens out (ℓ ≈ c − a·e^{−β}) the step stays ≈ 1 however
        // small the change in ℓ — R's `coxph` test (|I⁻¹U| > toler·|β|), with a tighter tolerance.
        let leftover = (try? LinearAlgebra.choleskySolve(cur.info, cur.gradient)) ?? [Double](repeating: .infinity, count: p)
        for j in 0..<p where abs(leftover[j]) > 1e-6 * max(1, abs(beta[j])) || abs(beta[j]) * scale[j] > 15 {
            throw FitError(model: model, reason: "the coefficient of '\(names[j])' diverges (β = \(String(format: "%.3g", beta[j]))): the likelihood is monotone — a covariate or level separates churners from non-churners (e.g. a level with no events)")
        }
        let z975 = Normal.quantile(1 - (1 - options.confidenceLevel) / 2)
        var table: [CoxCoefficient] = []
        var coefs: [String: Double] = [:], ses: [String: Double] = [:]
        for j in 0..<p {
            let se = cov[j, j].squareRoot()
            let zj = beta[j] / se
            table.append(CoxCoefficient(name: names[j], coef: beta[j], se: se, hazardRatio: exp(beta[j]),
                                        lower: exp(beta[j] - z975 * se), upper: exp(beta[j] + z975 * se),
                                        z: zj, p: 2 * Normal.sf(abs(zj))))
            coefs[names[j]] = beta[j]; ses[names[j]] = se
        }
        var wald = 0.0
        let ib = cur.info.times(beta)
        for j in 0..<p { wald += beta[j] * ib[j] }
        return (CoxModel(covariates: names, coefficients: coefs, standardErrors: ses, summary: table,
                        covariance: (0..<p).map { i in (0..<p).map { cov[i, $0] } },
                        logLikelihood: cur.loglik, nullLogLikelihood: ll0,
                        likelihoodRatioTest: ChiSquareTest(2 * (cur.loglik - ll0), df: p),
                        waldTest: ChiSquareTest(wald, df: p), scoreTest: ChiSquareTest(scoreStat, df: p),
                        concordance: nil, n: n, events: events, strata: strata,
                        iterations: iterations, ties: options.ties, penalty: options.penalty,
                        confidenceLevel: options.confidenceLevel), beta)
    }
}

/// Subjects grouped by distinct (stratum, time), groups numbered in (stratum, time) order, without
/// moving the subjects: `gid[i]` is subject i's group. The sufficient structure of the partial
/// likelihood and of Harrell's C.
struct TimeGroups {
    var gid: [Int32]
    /// Deaths (events) in each group.
    var deaths: [Int32]
    /// Group index range of each stratum, in stratum order.
    var strata: [Range<Int>]
    var count: Int { deaths.count }

    /// Whole-number times in a compact range (days) are ranked directly: a table over
    /// (stratum, time) marks the pairs that occur and its prefix count numbers them, so no subject
    /// is moved. Other times take a radix sort by time, then a stable counting sort by stratum.
    /// `strata[i]` must be ≥ 0.
    init(time: [Double], event: [Bool], strata: [Int32]?) {
        if let direct = Self.ranked(time: time, event: event, strata: strata) { self = direct; return }
        let n = time.count
        var order = RadixSort.order(time)
        if let strata, let top = strata.max(), top > 0 {
            order = RadixSort.stableBy(order, bucket: strata, buckets: Int(top) + 1)
        }
        var gid = [Int32](repeating: 0, count: n)
        var deaths: [Int32] = []
        var ranges: [Range<Int>] = []
        var g = -1, strataStart = 0
        var prevS = Int32.min, prevT = Double.nan
        gid.withUnsafeMutableBufferPointer { gp in
            time.withUnsafeBufferPointer { tp in
                event.withUnsafeBufferPointer { ep in
                    for k in order {
                        let i = Int(k), s = strata?[i] ?? 0, t = tp[i]
                        if s != prevS || t != prevT {
                            if s != prevS && g >= 0 { ranges.append(strataStart..<(g + 1)); strataStart = g + 1 }
                            g += 1; deaths.append(0); prevS = s; prevT = t
                        }
                        gp[i] = Int32(g)
                        if ep[i] { deaths[g] += 1 }
                    }
                }
            }
        }
        ranges.append(strataStart..<(g + 1))
        self.gid = gid; self.deaths = deaths; self.strata = ranges
    }

    init(gid: [Int32], deaths: [Int32], strata: [Range<Int>]) { self.gid = gid; self.deaths = deaths; self.strata = strata }

    /// The direct ranking of `init`, or nil when the times are not whole numbers in a range of at
    /// most max(2²², 4n) per stratum.
    static func ranked(time: [Double], event: [Bool], strata: [Int32]?) -> TimeGroups? {
        let n = time.count
        guard n > 0 else { return nil }
        let limit = max(1 << 22, 4 * n)
        var lo = time[0], hi = time[0]
        for x in time {
            guard x == x.rounded(.down), abs(x) < 1e15 else { return nil }   // NaN fails too
            lo = min(lo, x); hi = max(hi, x)
        }
        let span = Int(hi - lo) + 1
        let nstrata = Int(strata?.max() ?? 0) + 1
        guard span <= limit, nstrata * span <= limit else { return nil }
        let base = Int(lo)
        var rank = [Int32](repeating: 0, count: nstrata * span)
        var gid = [Int32](repeating: 0, count: n)
        time.withUnsafeBufferPointer { tp in
            rank.withUnsafeMutableBufferPointer { rp in
                gid.withUnsafeMutableBufferPointer { gp in
                    // slot of each subject, then which slots occur
                    for i in 0..<n { gp[i] = Int32((Int(strata?[i] ?? 0)) * span + Int(tp[i]) - base) }
                    for i in 0..<n { rp[Int(gp[i])] = 1 }
                }
            }
        }
        var deaths: [Int32] = []
        var ranges: [Range<Int>] = []
        var g = 0
        rank.withUnsafeMutableBufferPointer { rp in
            for s in 0..<nstrata {
                let first = g
                for k in (s * span)..<((s + 1) * span) where rp[k] != 0 { rp[k] = Int32(g); g += 1 }
                if g > first { ranges.append(first..<g) }
            }
        }
        deaths = [Int32](repeating: 0, count: g)
        rank.withUnsafeBufferPointer { rp in
            event.withUnsafeBufferPointer { ep in
                gid.withUnsafeMutableBufferPointer { gp in
                    for i in 0..<n {
                        let r = rp[Int(gp[i])]
                        gp[i] = r
                        if ep[i] { deaths[Int(r)] += 1 }
                    }
                }
            }
        }
        return TimeGroups(gid: gid, deaths: deaths, strata: ranges)
    }
}

/// Centred data in input order and the likelihood sweep: one sequential O(n·p) pass scatters each
/// subject into its (stratum, time) group, an O(groups·p) sweep over the groups gives the
/// log-likelihood, gradient and the rank-one (Efron) terms, and the Σ wᵢcᵢxᵢxᵢᵀ part of the
/// information comes from BLAS dsyrk on cache-sized pieces of the scaled design. Subjects are
/// never permuted, so every pass over the n × p data is sequential.
final class CoxEngine {
    let n: Int, p: Int
    let ties: CoxTies
    let penalty: Double
    /// Centred covariates in input order, column-major n × p.
    let xs: Matrix
    let ev: [UInt8]
    let groups: TimeGroups
    var strataCount: Int { groups.strata.count }
    let sumDeathX: [Double]
    /// Standard deviation of each covariate (to judge step sizes and divergence on a common scale).
    var scale: [Double]
    let infoRows: Int
    /// Rows of the scaled design handed to dsyrk at once (2,048 × p doubles stay in cache).
    static let pieceRows = 2048
    /// Scratch reused by every evaluation: e^η, and the per-group sums (Σw·x as G × p column-major,
    /// `G1[j * G + g]`).
    var w: [Double]
    var G0: [Double], D0: [Double], G1: [Double], D1: [Double]

    struct Evaluation {
        var loglik: Double       // unpenalised
        var penalized: Double
        var gradient: [Double]   // of the penalised log-likelihood
        var info: Matrix         // negative Hessian of the penalised log-likelihood
    }

    /// Takes `x` over: it is centred in place (pass it with `consume` to spare a copy).
    init(x: consuming Matrix, names: [String], sample: SurvivalSample, strata: [Int32]?, ties: CoxTies, penalty: Double) throws {
        let n = x.rows, p = x.cols
        self.n = n; self.p = p; self.ties = ties; self.penalty = penalty
        let model = "Cox model"
        if let strata {
            guard strata.count == n else { throw FitError(model: model, reason: "\(strata.count) strata codes for \(n) subjects") }
            for s in strata where s < 0 { throw FitError(model: model, reason: "a subject has no stratum; leave it out first") }
        }
        groups = TimeGroups(time: sample.time, event: sample.event, strata: strata)
        let e = sample.event.map { UInt8($0 ? 1 : 0) }
        // Two passes over the design: the column means (a non-finite mean means a non-finite value),
        // then, a cache-sized piece at a time, centring in place with the sums of squares, the sums
        // over deaths and the Gram matrix (for the collinearity check) of the centred columns.
        let piece = Self.pieceRows
        var sums: [Double] = []
        x.data.withUnsafeMutableBufferPointer { xp in
            let xp = xp
            let mean = Parallel.blockSum(count: n, width: p) { range, acc in
                for j in 0..<p { var s = 0.0; for i in range { s += xp[j * n + i] }; acc[j] = s }
            }.map { $0 / Double(n) }
            guard mean.allSatisfy(\.isFinite) else { return }
            sums = e.withUnsafeBufferPointer { ep in
                let ep = ep
                return Parallel.blockSum(count: n, width: 2 * p + p * p) { range, acc in
                    var start = range.lowerBound
                    while start < range.upperBound {
                        let m = min(piece, range.upperBound - start)
                        for j in 0..<p {
                            let col = xp.baseAddress! + j * n + start, mj = mean[j]
                            var ss = 0.0, sd = 0.0
                            for r in 0..<m { let v = col[r] - mj; col[r] = v; ss += v * v; sd += v * Double(ep[start + r]) }
                            acc[j] += ss; acc[p + j] += sd
                        }
                        Matrix.addGram(xp.baseAddress! + start, rows: m, cols: p, ld: n, into: acc + 2 * p)
                        start += m
                    }
                }
            }
        }
        guard !sums.isEmpty else {
            if let bad = x.data.first(where: { !$0.isFinite }) {
                throw FitError(model: model, reason: "a covariate value is \(bad); remove missing values first")
            }
            throw FitError(model: model, reason: "covariate values are too large to sum (near 1e308); rescale them")
        }
        var gram = Matrix(rows: p, cols: p, data: Array(sums[(2 * p)...]))
        gram.fillUpperFromLower()
        scale = try Self.scale(gram: gram, n: n, names: names)
        sumDeathX = Array(sums[p..<(2 * p)])
        ev = e
        xs = x
        infoRows = CoxSweep.rowCount(deaths: groups.deaths, efron: ties == .efron)
        // every evaluation writes all of w before reading it: no need to zero it
        w = [Double](unsafeUninitializedCapacity: n) { _, count in count = n }
        G0 = [Double](repeating: 0, count: groups.count); D0 = G0
        G1 = [Double](repeating: 0, count: groups.count * p); D1 = G1
    }

    /// The standard deviation of each covariate from the Gram matrix of the centred covariates
    /// (Σ (x − x̄)(x − x̄)ᵀ over n subjects), after refusing a constant covariate or collinear ones
    /// (an eigenvalue of the correlation matrix below 1e-10 of the largest).
    static func scale(gram: Matrix, n: Int, names: [String]) throws -> [Double] {
        let p = names.count, model = "Cox model"
        let sc = (0..<p).map { (gram[$0, $0] / Double(max(n - 1, 1))).squareRoot() }
        for j in 0..<p where !(sc[j] > 0) {
            throw FitError(model: model, reason: "covariate '\(names[j])' is constant (every subject has the same value); drop it")
        }
        if p > 1 {
            var corr = gram
            for i in 0..<p { for j in 0..<p { corr[i, j] /= (sc[i] * sc[j] * Double(max(n - 1, 1))) } }
            if let eig = try? LinearAlgebra.symmetricEigen(corr), let lmin = eig.values.first,
               let lmax = eig.values.last, lmin < 1e-10 * lmax {
                let involved = (0..<p).filter { abs(eig.vectors[$0, 0]) > 0.05 }.map { "'\(names[$0])'" }
                throw FitError(model: model, reason: "covariates \(involved.joined(separator: ", ")) are collinear (one is a linear combination of the others); drop one")
            }
        }
        return sc
    }

    /// Subject blocks of the two O(n·p) passes of `evaluate`, run on every core. The block count is
    /// fixed by the data, not by the cores, and block sums are added in block order, so the result
    /// does not depend on the thread count. Each block needs its own per-group sums, so blocks are
    /// used only while those stay small beside the design (few distinct times, as with days).
    lazy var blocks: [Range<Int>] = {
        let k = n >= 65_536 && 8 * groups.count * (2 * p + 2) <= n * p ? 8 : 1
        return (0..<k).map { (n * $0 / k)..<(n * ($0 + 1) / k) }
    }()
    /// Per-block per-group sums, block after block: Σw, Σw over deaths (G each), Σw·x, Σw·x over
    /// deaths (G × p each, column-major).
    lazy var blockSums: UnsafeMutablePointer<Double> = .allocate(capacity: blocks.count * groups.count * (2 * p + 2))
    deinit { if !blocks.isEmpty { blockSums.deallocate() } }

    func evaluate(_ beta: [Double]) -> Evaluation {
        let n = self.n, p = self.p
        let G = groups.count
        // one sequential pass per block: η = xβ, w = e^η, and per group Σw, Σw·x (all subjects) and
        // the same over its deaths
        let blocks = self.blocks
        let width = G * (2 * p + 2)
        let store = blockSums
        xs.data.withUnsafeBufferPointer { xp in
        beta.withUnsafeBufferPointer { bp in
        w.withUnsafeMutableBufferPointer { wp in
        ev.withUnsafeBufferPointer { ep in
        groups.gid.withUnsafeBufferPointer { gp in
            let xp = xp, bp = bp, wp = wp, ep = ep, gp = gp
            Parallel.forEach(blocks.count) { b in
                let s = store + b * width
                s.update(repeating: 0, count: width)
                let g0 = s, d0 = s + G, g1 = s + 2 * G, d1 = s + 2 * G + G * p
                // a cache-sized piece at a time, column by column (contiguous, vectorised loops)
                let piece = Self.pieceRows
                let wr = UnsafeMutablePointer<Double>.allocate(capacity: 2 * piece)
                defer { wr.deallocate() }
                let we = wr + piece
                var start = blocks[b].lowerBound
                while start < blocks[b].upperBound {
                    let m = min(piece, blocks[b].upperBound - start)
                    let x0 = xp.baseAddress! + start, gs = gp.baseAddress! + start, es = ep.baseAddress! + start
                    wr.update(repeating: 0, count: m)
                    for j in 0..<p { let bj = bp[j], col = x0 + j * n; for r in 0..<m { wr[r] += col[r] * bj } }
                    for r in 0..<m {
                        let wi = exp(wr[r]), e = Double(es[r]), g = Int(gs[r])
                        wr[r] = wi; wp[start + r] = wi; we[r] = wi * e
                        g0[g] += wi; d0[g] += wi * e
                    }
                    for j in 0..<p {
                        let col = x0 + j * n, g1j = g1 + j * G, d1j = d1 + j * G
                        for r in 0..<m { let g = Int(gs[r]); g1j[g] += wr[r] * col[r]; d1j[g] += we[r] * col[r] }
                    }
                    start += m
                }
            }
        }}}}}
        // block sums, in block order
        let total = store
        for b in 1..<max(blocks.count, 1) { let s = store + b * width; for k in 0..<width { total[k] += s[k] } }
        G0.withUnsafeMutableBufferPointer { $0.baseAddress!.update(from: total, count: G) }
        D0.withUnsafeMutableBufferPointer { $0.baseAddress!.update(from: total + G, count: G) }
        G1.withUnsafeMutableBufferPointer { $0.baseAddress!.update(from: total + 2 * G, count: G * p) }
        D1.withUnsafeMutableBufferPointer { $0.baseAddress!.update(from: total + 2 * G + G * p, count: G * p) }
        let sweep = CoxSweep(deaths: groups.deaths, strata: groups.strata, G0: G0, D0: D0, G1: G1, D1: D1,
                             sumDeathX: sumDeathX, beta: beta, efron: ties == .efron, rows: infoRows)
        let (cAll, cDeath) = sweep.weights(strata: groups.strata)
        // Each block scales its subjects by √(wᵢcᵢ) a cache-sized piece at a time and adds the piece's
        // Gram matrix (dsyrk) to its own p × p sum; block sums are added in block order.
        let piece = Self.pieceRows
        let blockInfo = UnsafeMutablePointer<Double>.allocate(capacity: blocks.count * p * p)
        defer { blockInfo.deallocate() }
        blockInfo.initialize(repeating: 0, count: blocks.count * p * p)
        xs.data.withUnsafeBufferPointer { xp in
        w.withUnsafeBufferPointer { wp in
        ev.withUnsafeBufferPointer { ep in
        groups.gid.withUnsafeBufferPointer { gp in
        cAll.withUnsafeBufferPointer { ca in
        cDeath.withUnsafeBufferPointer { cd in
            let xp = xp, wp = wp, ep = ep, gp = gp, ca = ca, cd = cd
            Parallel.forEach(blocks.count) { b in
                let z = UnsafeMutablePointer<Double>.allocate(capacity: piece * (p + 1))
                defer { z.deallocate() }
                let sc = z + piece * p
                var start = blocks[b].lowerBound
                while start < blocks[b].upperBound {
                    let m = min(piece, blocks[b].upperBound - start)
                    for r in 0..<m {
                        let i = start + r, g = Int(gp[i])
                        sc[r] = (wp[i] * (ep[i] != 0 ? cd[g] : ca[g])).squareRoot()
                    }
                    for j in 0..<p {
                        let col = xp.baseAddress! + j * n + start, zj = z + j * m
                        for r in 0..<m { zj[r] = sc[r] * col[r] }
                    }
                    Matrix.addGram(z, rows: m, cols: p, ld: m, into: blockInfo + b * p * p)
                    start += m
                }
            }
        }}}}}}
        var info = Matrix(rows: p, cols: p)
        for b in 0..<blocks.count { for k in 0..<(p * p) { info.data[k] += blockInfo[b * p * p + k] } }
        info.fillUpperFromLower()
        return sweep.evaluation(info: info, beta: beta, penalty: penalty)
    }

    /// Harrell's C of the linear predictor at `beta`, within strata (see `Concordance`). Every
    /// subject's xᵢᵀβ is summed over the columns in order with the same operations (not BLAS, whose
    /// kernels round a row differently by its position), so subjects with equal covariates have
    /// equal risk and count as tied, whatever the row order.
    func concordance(_ beta: [Double]) -> Concordance {
        let n = xs.rows
        var risk = [Double](repeating: 0, count: n)
        xs.data.withUnsafeBufferPointer { x in
            risk.withUnsafeMutableBufferPointer { r in
                for (j, b) in beta.enumerated() {   // column by column: sequential, one add per subject
                    let col = x.baseAddress! + j * n
                    for i in 0..<n { r[i] += col[i] * b }
                }
            }
        }
        return Concordance.compute(risk: risk, event: ev, groups: groups)
    }
}
