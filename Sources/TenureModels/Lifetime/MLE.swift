import Foundation
import TenureNumerics

/// A fit that ran to the edge of the parameter space, reported as the model it tends to.
///
/// Some data are best described by a limit of the model: e.g. Pareto/NBD with `beta` and `s` growing
/// together (every customer has the same dropout rate s/beta) or BG/NBD with `r` and `alpha` growing
/// together (one purchase rate). The search is bounded; a parameter that ends on a bound with the
/// likelihood still rising towards it is listed here, the other parameters are at their optimum
/// given it, and the log-likelihood is the one at the bound (within a small relative amount of the
/// limit's, as the bounds are far out: see each model's `bounds`).
public struct LimitingModel: Sendable, Codable, Equatable {
    /// Parameters that ended on a bound, e.g. `["beta"]`, with the side: `"beta → ∞"`.
    public var parameters: [String]
    /// The limiting model in words, e.g. "no heterogeneity in dropout: exponential lifetimes, μ = s/beta".
    public var model: String
    /// Parameters of the limiting model that stay finite (e.g. `mu` = s/beta), by name.
    public var limitParameters: [String: Double]
    /// A sentence for the reader.
    public var note: String
    enum CodingKeys: String, CodingKey { case parameters, model, note, limitParameters = "limit_parameters" }
}

/// A fitted parameter vector with the quantities every BTYD fit reports.
public struct MLEFit: Sendable, Codable, Equatable {
    /// Parameter names in model order (e.g. `r, alpha, a, b`).
    public var names: [String]
    /// Maximum-likelihood estimates on the natural scale.
    public var estimates: [Double]
    /// Covariance of the estimates: inverse observed information (Hessian of −log L), obtained on
    /// log-parameters and mapped back by the delta method, `Σ = D H_φ⁻¹ D`, `D = diag(θ)`. For a fit
    /// at a boundary (`limit`), the information of the parameters not on a bound, the others' rows
    /// and columns NaN.
    public var covariance: Matrix
    /// Maximised total log-likelihood (sum over customers, weights applied).
    public var logLikelihood: Double
    /// Number of customers (total weight) and of distinct sufficient-statistic patterns.
    public var observations: Double
    public var patterns: Int
    public var iterations: Int
    /// Largest |∂(−log L / n)/∂ log θ| at the estimate, over the parameters not on a bound.
    public var gradientNorm: Double
    /// Set when the fit ended on a bound of the parameter space: the limiting model.
    public var limit: LimitingModel? = nil

    public var standardErrors: [Double] { covariance.diagonal.map { $0 > 0 ? $0.squareRoot() : .nan } }
    public subscript(_ name: String) -> Double { estimates[names.firstIndex(of: name)!] }
    public var aic: Double { ModelFit.aic(logLikelihood: logLikelihood, parameters: names.count) }
    public var bic: Double { ModelFit.bic(logLikelihood: logLikelihood, parameters: names.count, observations: observations) }

    /// The fit in the shared shape; intervals are 95 % Wald, estimate ± 1.96 SE (as lifetimes).
    public func modelFit(model: String) -> ModelFit {
        let se = standardErrors
        return ModelFit(model: model,
                        parameters: names.indices.map { FittedParameter.wald(names[$0], estimates[$0], se[$0], z: 1.959963984540054) },
                        logLikelihood: logLikelihood, observations: observations, iterations: iterations, limit: limit?.note)
    }
}

/// Reports the progress of long model work (a fit's Newton iterations, parameter draws) as a line
/// and the seconds since that work started, to a handler the CLI installs for the duration of a
/// command; analyses never print.
public final class FitProgress: @unchecked Sendable {
    public typealias Handler = @Sendable (_ message: String, _ seconds: Double) -> Void
    private static let shared = FitProgress()
    private let lock = NSLock()
    private var handler: Handler?

    /// Runs `body` with `handler` receiving the progress of every fit in it.
    public static func reporting<T>(to handler: @escaping Handler, _ body: () throws -> T) rethrows -> T {
        shared.lock.lock(); shared.handler = handler; shared.lock.unlock()
        defer { shared.lock.lock(); shared.handler = nil; shared.lock.unlock() }
        return try body()
    }

    static func report(_ message: @autoclosure () -> String, since started: Date) {
        shared.lock.lock(); let h = shared.handler; shared.lock.unlock()
        h?(message(), Date().timeIntervalSince(started))
    }
}

/// Maximum-likelihood driver shared by the BTYD models: damped, bounded Newton on log-parameters,
/// L-BFGS as the fallback, the result checked and bounds reported as limiting models.
enum MLE {
    /// Bounds of the search on the natural scale (a box in log-parameters).
    struct Bounds {
        var lower: [Double]
        var upper: [Double]
        static func uniform(_ p: Int, _ lo: Double = 1e-8, _ hi: Double = 1e8) -> Bounds {
            Bounds(lower: [Double](repeating: lo, count: p), upper: [Double](repeating: hi, count: p))
        }
    }

    /// `nll(θ, &g)` returns the total −log L at natural parameters θ and fills its gradient in θ.
    /// `starts` are natural-scale starting points tried in order.
    ///
    /// Each start is tried with damped Newton on log-parameters, projected onto `bounds` (quadratic
    /// convergence: ~10–20 passes over the data); the first start that converges is taken. The
    /// Hessian is `hessian`'s (analytic) when given, else the central difference of the gradient.
    /// When Newton fails from every start, L-BFGS runs and Newton polishes its end point. A fit
    /// whose optimum lies on a bound is returned with the bound parameters listed in
    /// `limit.parameters` (the model fills in the rest, `interpretLimit`).
    /// Iterations are capped (200 Newton steps a start), so a fit ends in bounded time.
    static func fit(model: String, names: [String], starts: [[Double]], observations: Double, patterns: Int,
                    bounds: Bounds? = nil,
                    hessian: (([Double], inout [Double], inout Matrix) -> Double)? = nil,
                    nll: @escaping ([Double], inout [Double]) -> Double) throws -> MLEFit {
        let p = names.count
        let box = bounds ?? .uniform(p)
        // Without an analytic Hessian: the forward difference of the gradient (steps 1e-6 relative).
        let hess: ([Double], inout [Double], inout Matrix) -> Double = hessian ?? { th, g, h in
            let v = nll(th, &g)
            guard v.isFinite else { return v }
            h = Matrix(rows: p, cols: p)
            var gp = g
            for j in 0..<p {
                var up = th
                let step = 1e-6 * th[j]
                up[j] += step
                guard nll(up, &gp).isFinite else { return .nan }
                for i in 0..<p { h[i, j] = (gp[i] - g[i]) / step }
            }
            h = h.symmetrized
            return v
        }
        let clamped = starts.map { s in s.indices.map { min(max(s[$0], box.lower[$0] * 1.01), box.upper[$0] / 1.01) } }
        if let f = try newtonFit(model: model, names: names, starts: clamped, observations: observations,
                                 patterns: patterns, bounds: box, nll: nll, nllHessian: hess) {
            return f
        }
        let lb = try lbfgsFit(model: model, names: names, starts: clamped, observations: observations, patterns: patterns, nll: nll)
        let from = lb.indices.map { min(max(lb[$0], box.lower[$0]), box.upper[$0]) }
        if let f = try newtonFit(model: model, names: names, starts: [from], observations: observations,
                                 patterns: patterns, bounds: box, nll: nll, nllHessian: hess, acceptLoose: true) {
            return f
        }
        throw FitError(model: model, reason: "did not converge from any starting point")
    }

    /// Damped Newton on φ = log θ with the mean −log L, projected onto the box: parameters on a bound
    /// whose gradient points outwards are held there (the Newton system is solved for the others);
    /// Levenberg–Marquardt damping when the Hessian is not positive definite, steps capped at 3 in φ,
    /// Armijo backtracking on the projected path. Returns nil when no start converges.
    static func newtonFit(model: String, names: [String], starts: [[Double]], observations: Double, patterns: Int,
                          bounds: Bounds, nll: ([Double], inout [Double]) -> Double,
                          nllHessian: ([Double], inout [Double], inout Matrix) -> Double,
                          acceptLoose: Bool = false) throws -> MLEFit? {
        let p = names.count
        let scale = 1 / max(observations, 1)
        let lo = bounds.lower.map { Foundation.log($0) }, hi = bounds.upper.map { Foundation.log($0) }
        let started = Date()
        func eval(_ phi: [Double]) -> (v: Double, g: [Double], h: Matrix)? {
            let theta = phi.map { Foundation.exp($0) }
            var gt = [Double](repeating: 0, count: p)
            var ht = Matrix(rows: p, cols: p)
            let v = nllHessian(theta, &gt, &ht)
            guard v.isFinite, gt.allSatisfy({ $0.isFinite }), ht.data.allSatisfy({ $0.isFinite }) else { return nil }
            var g = [Double](repeating: 0, count: p)
            var h = Matrix(rows: p, cols: p)
            for i in 0..<p {
                g[i] = gt[i] * theta[i] * scale
                for j in 0..<p { h[i, j] = ht[i, j] * theta[i] * theta[j] * scale }
                h[i, i] += gt[i] * theta[i] * scale
            }
            return (v * scale, g, h)
        }
        /// Value and gradient only (line-search trials).
        func value(_ phi: [Double]) -> (v: Double, g: [Double])? {
            let theta = phi.map { Foundation.exp($0) }
            var gt = [Double](repeating: 0, count: p)
            let v = nll(theta, &gt)
            guard v.isFinite, gt.allSatisfy({ $0.isFinite }) else { return nil }
            return (v * scale, (0..<p).map { gt[$0] * theta[$0] * scale })
        }
        /// Parameters held on a bound: on it (to rounding) with the descent direction pointing out.
        func active(_ phi: [Double], _ g: [Double]) -> [Bool] {
            (0..<p).map { i in (phi[i] <= lo[i] + 1e-9 && g[i] > 0) || (phi[i] >= hi[i] - 1e-9 && g[i] < 0) }
        }
        func project(_ phi: [Double]) -> [Double] { (0..<p).map { min(max(phi[$0], lo[$0]), hi[$0]) } }
        for s in starts {
            var phi = project(s.map { Foundation.log($0) })
            guard var cur = eval(phi) else { continue }
            var iters = 0, converged = false, stalled = 0, evaluations = 0, jumps = 0
            var sameWay = [Int](repeating: 0, count: p)   // consecutive steps in one direction (signed)
            var lastStep = [Double](repeating: 0, count: p)
            var act = active(phi, cur.g)
            func freeNorm() -> Double { (0..<p).filter { !act[$0] }.map { abs(cur.g[$0]) }.max() ?? 0 }
            while iters < 200 {
                act = active(phi, cur.g)
                let gn = freeNorm()
                FitProgress.report("fitting \(model): Newton iteration \(iters), −log L per customer \(String(format: "%.6f", cur.v))",
                                   since: started)
                if gn < 1e-12 { converged = true; break }
                // Crawling along a flat ridge (two parameters growing together towards a limit):
                // three steps in a row that lower the mean −log L by less than 1e-13 relative end it.
                // Crawling along a ridge towards a bound (parameters moving the same way for 5 steps,
                // e.g. s and beta growing together with s/beta fixed): move them together by the same
                // amount in log scale (their ratios kept) until the first reaches its bound; the fit
                // is then reported as the limiting model instead of as huge raw numbers.
                let moving = (0..<p).filter { !act[$0] && abs(sameWay[$0]) >= 5 }
                if !moving.isEmpty && jumps < 2 {
                    jumps += 1
                    let room = moving.map { sameWay[$0] > 0 ? hi[$0] - phi[$0] : phi[$0] - lo[$0] }.min() ?? 0
                    var jump = phi
                    for i in moving { jump[i] += sameWay[i] > 0 ? room : -room }
                    sameWay = sameWay.map { _ in 0 }
                    if room > 0, let e = eval(project(jump)), e.v <= cur.v + 1e-10 * max(1, abs(cur.v)) {
                        phi = project(jump); cur = e; stalled = 0; continue
                    }
                }
                if stalled >= 3 && gn < 1e-7 { converged = true; break }
                if evaluations > 400 { break }
                let before = cur.v
                iters += 1
                let free = (0..<p).filter { !act[$0] }
                var lambda = 0.0
                var accepted = false
                for _ in 0..<12 {
                    var a = Matrix(rows: free.count, cols: free.count)
                    for (u, i) in free.enumerated() { for (v, j) in free.enumerated() { a[u, v] = cur.h[i, j] } }
                    if lambda > 0 { for (u, i) in free.enumerated() { a[u, u] += lambda * max(1, abs(cur.h[i, i])) } }
                    guard let sub = try? LinearAlgebra.choleskySolve(a, free.map { -cur.g[$0] }) else {
                        lambda = lambda == 0 ? 1e-6 : lambda * 10; continue
                    }
                    var step = [Double](repeating: 0, count: p)
                    for (u, i) in free.enumerated() { step[i] = sub[u] }
                    let slope = zip(cur.g, step).reduce(0) { $0 + $1.0 * $1.1 }
                    // Newton decrement at roundoff level: the optimum is reached.
                    if lambda == 0 && -slope < 1e-14 * max(1, abs(cur.v)) && gn < 1e-7 { converged = true; break }
                    let big = step.map(abs).max() ?? 0
                    if big > 3 { step = step.map { $0 * 3 / big } }
                    var t = 1.0
                    for _ in 0..<(gn < 1e-9 ? 3 : 30) {
                        let trial = project(zip(phi, step).map { $0 + t * $1 })
                        let moved = zip(cur.g, zip(trial, phi)).reduce(0) { $0 + $1.0 * ($1.1.0 - $1.1.1) }
                        evaluations += 1
                        if let e = value(trial), e.v <= cur.v + 1e-4 * min(moved, 0)
                            || (e.v <= cur.v + 1e-14 * abs(cur.v) && (e.g.map(abs).max() ?? 0) < gn) {
                            guard let full = eval(trial) else { break }
                            lastStep = zip(trial, phi).map { $0 - $1 }
                            for i in 0..<p {
                                sameWay[i] = lastStep[i] > 0 ? max(sameWay[i], 0) + 1 : lastStep[i] < 0 ? min(sameWay[i], 0) - 1 : 0
                            }
                            phi = trial; cur = full; accepted = true; break
                        }
                        t *= 0.5
                    }
                    if accepted || gn < 1e-9 { break }
                    lambda = lambda == 0 ? 1e-6 : lambda * 10
                }
                if converged { break }
                stalled = accepted && before - cur.v < 1e-13 * max(1, abs(cur.v)) ? stalled + 1 : 0
                if !accepted {
                    act = active(phi, cur.g)
                    converged = freeNorm() < (acceptLoose ? 1e-6 : 1e-9)
                    break
                }
            }
            act = active(phi, cur.g)
            guard converged || freeNorm() < (acceptLoose ? 1e-6 : 1e-9) else { continue }
            // A parameter that ended on its bound with a flat gradient (a ridge: b → ∞ with a/b fixed)
            // is on the bound too: the likelihood does not pull it back inside, so it has no finite
            // estimate and no standard error (its variance from a near-singular Hessian was 10¹⁷).
            let flat = acceptLoose ? 1e-6 : 1e-9
            act = (0..<p).map { i in act[i] || (phi[i] <= lo[i] + 1e-9 && cur.g[i] > -flat) || (phi[i] >= hi[i] - 1e-9 && cur.g[i] < flat) }
            let theta = phi.map { Foundation.exp($0) }
            let free = (0..<p).filter { !act[$0] }
            // Observed information of the free parameters (total −log L on φ).
            var hf = Matrix(rows: free.count, cols: free.count)
            for (u, i) in free.enumerated() { for (v, j) in free.enumerated() { hf[u, v] = (1 / scale) * cur.h[i, j] } }
            var cov = Matrix(rows: p, cols: p)
            for i in 0..<p { for j in 0..<p where act[i] || act[j] { cov[i, j] = .nan } }
            if !free.isEmpty {
                guard let inv = try? LinearAlgebra.inverseSPD(hf.symmetrized) else { continue }
                for (u, i) in free.enumerated() { for (v, j) in free.enumerated() { cov[i, j] = theta[i] * inv[u, v] * theta[j] } }
            }
            var f = MLEFit(names: names, estimates: theta, covariance: cov, logLikelihood: -cur.v / scale,
                           observations: observations, patterns: patterns, iterations: iters, gradientNorm: freeNorm())
            let onBound = (0..<p).filter { act[$0] }
            if !onBound.isEmpty {
                f.limit = LimitingModel(parameters: onBound.map { names[$0] + (phi[$0] >= hi[$0] - 1e-9 ? " → ∞" : " → 0") },
                                        model: "", limitParameters: [:], note: "")
            }
            return f
        }
        return nil
    }

    /// L-BFGS on log-parameters from each start (unbounded); returns the best end point (natural
    /// scale) for the bounded Newton polish.
    static func lbfgsFit(model: String, names: [String], starts: [[Double]], observations: Double, patterns: Int,
                         nll: ([Double], inout [Double]) -> Double) throws -> [Double] {
        let p = names.count
        let scale = 1 / max(observations, 1)
        func f(_ phi: [Double], _ g: inout [Double]) -> Double {
            let theta = phi.map { Foundation.exp($0) }
            var gt = [Double](repeating: 0, count: p)
            let v = nll(theta, &gt)
            for i in 0..<p { g[i] = gt[i] * theta[i] * scale }
            return v * scale
        }
        var best: (phi: [Double], value: Double)? = nil
        var lastMessage = ""
        for s in starts {
            var opts = OptimizeOptions(maxIterations: 500, gradientTolerance: 1e-9, relativeTolerance: 1e-13)
            opts.computeHessian = false
            let r = Optimize.lbfgs(x0: s.map { Foundation.log($0) }, options: opts, objective: f)
            lastMessage = r.message
            guard r.value.isFinite, r.x.allSatisfy({ $0.isFinite }) else { continue }
            if best == nil || r.value < best!.value { best = (r.x, r.value) }
        }
        guard let b = best else {
            throw FitError(model: model, reason: "the likelihood could not be evaluated from any starting point (\(lastMessage))")
        }
        return b.phi.map { Foundation.exp($0) }
    }
}

/// Numerically careful helpers used by the likelihoods.
@inline(__always) func logAddExp(_ a: Double, _ b: Double) -> Double {
    let m = max(a, b)
    if m == -.infinity { return -.infinity }
    return m + Foundation.log(Foundation.exp(a - m) + Foundation.exp(b - m))
}

/// Per-integer cache of x-only terms (x = 0...maxX) with weights aggregated by x.
struct WeightsByX {
    var maxX: Int
    var w: [Double]
    init(x: [Int32], weight: [Double]) {
        maxX = Int(x.max() ?? 0)
        w = [Double](repeating: 0, count: maxX + 1)
        for (xi, wi) in zip(x, weight) { w[Int(xi)] += wi }
    }
}

extension MLEFit {
    /// Fills in `limit` (when the fit ended on a bound) from the model's reading of the bound
    /// parameters: `phrases[name]` gives, for a parameter that ran to +∞ (`"beta"`) or to 0
    /// (`"s→0"`), the limiting model's description and its finite parameters.
    func describingLimit(_ model: String, bound: String, _ phrases: [String: (String, [String: Double])]) -> MLEFit {
        guard var l = limit else { return self }
        var text: [String] = [], params: [String: Double] = [:]
        for p in l.parameters {
            let n = p.hasSuffix(" → ∞") ? String(p.dropLast(4)) : String(p.dropLast(4)) + "→0"
            if let (t, v) = phrases[n] {
                if !text.contains(t) { text.append(t) }
                params.merge(v) { a, _ in a }
            } else {
                text.append("\(p) (no simpler model)")
            }
        }
        l.model = text.joined(separator: "; ")
        l.limitParameters = params
        l.note = "\(model): the likelihood keeps rising towards \(l.parameters.joined(separator: ", ")), so the data are described by the limiting model (\(l.model)). The estimates stop at the search bound (\(bound)); the log-likelihood is the bound's, and the bound parameters have no standard error."
        var f = self
        f.limit = l
        return f
    }
}
