import Foundation

/// What a minimiser returns. `hessian` is the Hessian of the objective at `x`: the analytic one for
/// `Optimize.newton`, central differences of the gradient for `Optimize.lbfgs` (one-sided at an
/// active bound), `nil` when it was not requested or came out non-finite.
public struct OptimizationResult: Sendable {
    public var x: [Double]
    public var value: Double
    public var gradient: [Double]
    public var iterations: Int
    public var converged: Bool
    public var message: String
    public var hessian: Matrix?
    /// Objective evaluations used (including those for the Hessian).
    public var evaluations: Int

    public init(x: [Double], value: Double, gradient: [Double], iterations: Int, converged: Bool,
                message: String, hessian: Matrix? = nil, evaluations: Int = 0) {
        self.x = x
        self.value = value
        self.gradient = gradient
        self.iterations = iterations
        self.converged = converged
        self.message = message
        self.hessian = hessian
        self.evaluations = evaluations
    }
}

/// Stopping rules and knobs shared by the minimisers.
///
/// A run is **converged** when one of these holds:
/// - the projected gradient satisfies `‖pg‖∞ ≤ gradientTolerance` (for unbounded problems `pg = g`);
/// - a step reduced the objective by a relative amount `(f_k − f_{k+1}) / max(|f_k|, |f_{k+1}|, 1)
///   ≤ relativeTolerance` (the L-BFGS-B `factr` rule);
/// - the line search can make no further progress while `‖pg‖∞ ≤ 1e-6 · max(1, |f|)` (the optimum
///   is reached to machine precision).
/// Otherwise `converged == false` and `message` says why it stopped.
public struct OptimizeOptions: Sendable {
    public var maxIterations = 500
    public var gradientTolerance = 1e-9
    public var relativeTolerance = 1e-12
    /// L-BFGS memory (number of correction pairs).
    public var memory = 10
    /// Objective evaluations allowed per line search.
    public var maxLineSearchSteps = 40
    /// Whether `lbfgs` differences the gradient at the optimum to report `hessian` (2n gradient calls).
    public var computeHessian = true

    public init(maxIterations: Int = 500, gradientTolerance: Double = 1e-9, relativeTolerance: Double = 1e-12,
                memory: Int = 10, maxLineSearchSteps: Int = 40, computeHessian: Bool = true) {
        self.maxIterations = maxIterations
        self.gradientTolerance = gradientTolerance
        self.relativeTolerance = relativeTolerance
        self.memory = memory
        self.maxLineSearchSteps = maxLineSearchSteps
        self.computeHessian = computeHessian
    }
}

/// Minimisers. Every objective **fills the gradient** (`inout [Double]`, already sized `x.count`)
/// and **returns the value to minimise**. Returning NaN or ±∞ (or a non-finite gradient) marks a
/// point as infeasible: line searches step back from it. Maximise a log-likelihood by returning its
/// negative.
public enum Optimize {
    static let c1 = 1e-4   // Armijo constant
    static let c2 = 0.9    // curvature constant (strong Wolfe), quasi-Newton value

    /// The third root of machine epsilon: the step of central differences (error O(h²) + O(ε/h)).
    static let cbrtEps = pow(Double.ulpOfOne, 1.0 / 3.0)

    /// Hessian by central differences of an analytic gradient:
    /// `H[:, i] = (∇f(x + hᵢeᵢ) − ∇f(x − hᵢeᵢ)) / 2hᵢ` with `hᵢ = ε^{1/3} · max(|xᵢ|, 1)`, then
    /// symmetrised. Relative accuracy ≈ 1e-10 for smooth, well-scaled gradients. 2n gradient calls.
    public static func hessian(at x: [Double], gradient: ([Double]) -> [Double]) -> Matrix {
        hessian(at: x, lower: nil, upper: nil, gradient: gradient)
    }

    /// As `hessian(at:gradient:)`, but never evaluates outside `[lower, upper]`: a coordinate within
    /// `hᵢ` of a bound is differenced one-sidedly (forward or backward, accuracy O(h)).
    public static func hessian(at x: [Double], lower: [Double]?, upper: [Double]?,
                               gradient: ([Double]) -> [Double]) -> Matrix {
        let n = x.count
        var h = Matrix(rows: n, cols: n)
        var g0: [Double]? = nil
        var xp = x
        for i in 0..<n {
            let step = cbrtEps * max(abs(x[i]), 1)
            let lo = lower?[i] ?? -.infinity
            let hi = upper?[i] ?? .infinity
            let canUp = x[i] + step <= hi
            let canDown = x[i] - step >= lo
            var col = [Double](repeating: 0, count: n)
            if canUp && canDown {
                xp[i] = x[i] + step
                let hUp = xp[i] - x[i]
                let gp = gradient(xp)
                xp[i] = x[i] - step
                let hDown = x[i] - xp[i]
                let gm = gradient(xp)
                for k in 0..<n { col[k] = (gp[k] - gm[k]) / (hUp + hDown) }
            } else {
                if g0 == nil { g0 = gradient(x) }
                // one-sided with the larger room; O(h) so use a smaller step (√ε scale)
                let s1 = Double.ulpOfOne.squareRoot() * max(abs(x[i]), 1)
                if canUp || (!canDown && hi - x[i] >= x[i] - lo) {
                    xp[i] = min(x[i] + s1, hi)
                } else {
                    xp[i] = max(x[i] - s1, lo)
                }
                let hh = xp[i] - x[i]
                let gs = gradient(xp)
                if hh != 0 { for k in 0..<n { col[k] = (gs[k] - g0![k]) / hh } }
            }
            xp[i] = x[i]
            for k in 0..<n { h[k, i] = col[k] }
        }
        return h.symmetrized
    }

    // MARK: helpers

    @inline(__always)
    static func project(_ x: inout [Double], _ lower: [Double]?, _ upper: [Double]?) {
        if let l = lower { for i in 0..<x.count where x[i] < l[i] { x[i] = l[i] } }
        if let u = upper { for i in 0..<x.count where x[i] > u[i] { x[i] = u[i] } }
    }

    /// Projected gradient infinity norm: ‖P(x − g) − x‖∞.
    static func projectedGradientNorm(_ x: [Double], _ g: [Double], _ lower: [Double]?, _ upper: [Double]?) -> Double {
        var m = 0.0
        for i in 0..<x.count {
            var t = x[i] - g[i]
            if let l = lower, t < l[i] { t = l[i] }
            if let u = upper, t > u[i] { t = u[i] }
            m = max(m, abs(t - x[i]))
        }
        return m
    }

    static func allFinite(_ v: [Double]) -> Bool {
        for e in v where !e.isFinite { return false }
        return true
    }

    /// Minimiser of the cubic interpolating (a, fa, da), (b, fb, db), or nil when not defined.
    static func cubicMin(_ a: Double, _ fa: Double, _ da: Double, _ b: Double, _ fb: Double, _ db: Double) -> Double? {
        let d1 = da + db - 3 * (fa - fb) / (a - b)
        let disc = d1 * d1 - da * db
        guard disc >= 0, disc.isFinite else { return nil }
        let d2 = (b - a).sign == .minus ? -disc.squareRoot() : disc.squareRoot()
        let den = db - da + 2 * d2
        guard den != 0 else { return nil }
        let t = b - (b - a) * (db + d2 - d1) / den
        return t.isFinite ? t : nil
    }
}
