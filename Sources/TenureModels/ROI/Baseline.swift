import TenureNumerics

/// What the fitted models expect a targeted group to do over the horizon if nothing changes,
/// in a form the effects can act on exactly.
///
/// Transactional customers (BG/NBD + Gamma-Gamma): `purchases(t)`, `spend(t)` and `alive(t)` are
/// the group's expected cumulative repeat purchases, expected cumulative spend, and expected number
/// of customers still alive, `t` months after the end of observation, each conditional on every
/// customer's history. Under BG/NBD a frequency lift `f` multiplies every purchase rate λ by
/// `1 + f`, and a churn reduction `c` multiplies every dropout probability p by `1 − c`; because a
/// customer's process over time t at rate (1+f)λ is the process over (1+f)t at rate λ, and because
/// E[(1 − e^{−λ(1−c)p t})/((1−c)p)] = E[(1 − e^{−λ p (1−c)t})/p]/(1−c), both effects are exact
/// time-rescalings of the baseline:
///
///     purchases_{f,c}(t) = purchases((1+f)(1−c)t) / (1−c)
///     spend_{f,c,o}(t)   = (1+o) · spend((1+f)(1−c)t) / (1−c)
///     alive_{f,c}(t)     = alive((1+f)(1−c)t)
///
/// Subscribers (sBG): each active subscription with tenure τ months and MRR m survives month n with
/// probability 1 − h(n), h(n) = α/(α+β+n−1); a churn reduction scales that hazard by `1 − c`.
///
/// New customers acquired during the horizon follow the unconditional BG/NBD curve `newCustomer(t)`
/// (expected repeat purchases t months after acquisition), each spending `meanSpend` per order, the
/// first order included.
///
/// Parameter uncertainty enters through `jacobian`: the change of every curve per unit change of
/// each model parameter (central differences), so a draw θ ~ N(θ̂, Σ) moves each curve by J·(θ − θ̂)
/// (first-order propagation; exact curves at θ̂).
public struct Baseline: Sendable, Codable {
    /// Time grid in months, from 0, evenly spaced by `step`.
    public var step: Double
    public var purchases: [Double]
    public var spend: [Double]
    public var alive: [Double]
    /// Expected repeat purchases of one new customer t months after acquisition (same grid).
    public var newCustomer: [Double]
    /// Expected spend per order of a new customer (Gamma-Gamma population mean p·γ/(q−1)).
    public var meanSpend: Double
    /// Customers in the targeted group (for per-customer costs).
    public var customers: Int
    /// Customers expected alive now (Σ P(alive)).
    public var aliveNow: Double
    /// New customers acquired per month in the last year of data (the base of a conversion lift).
    public var newPerMonth: Double

    /// Active subscriptions and their sBG churn model; nil when the data has no subscriptions with MRR.
    public var subscriptions: SubscriptionBook?

    /// Parameter names (e.g. `bgnbd.r`, …, `gg.p`, …, `sbg.alpha`) and their covariance.
    public var parameterNames: [String] = []
    public var covariance: Matrix?
    /// ∂curves/∂θ_j for each parameter j, on the same grid; zero curves for the sBG parameters.
    public var jacobian: [CurveSet] = []

    /// Active subscriptions grouped by whole months of tenure at the end of observation.
    public struct SubscriptionBook: Sendable, Codable {
        public var alpha: Double
        public var beta: Double
        /// Positions of α and β in the parameter vector θ (for parameter draws), if they are there.
        public var alphaIndex: Int?
        public var betaIndex: Int?
        public var tenures: [Int]
        /// Total MRR and count of active subscriptions, per entry of `tenures`.
        public var mrr: [Double]
        public var count: [Double]
        public init(alpha: Double, beta: Double, tenures: [Int], mrr: [Double], count: [Double],
                    alphaIndex: Int? = nil, betaIndex: Int? = nil) {
            self.alpha = alpha; self.beta = beta; self.tenures = tenures; self.mrr = mrr; self.count = count
            self.alphaIndex = alphaIndex; self.betaIndex = betaIndex
        }
    }

    public struct CurveSet: Sendable, Codable {
        public var purchases: [Double]
        public var spend: [Double]
        public var alive: [Double]
        public var newCustomer: [Double]
        public init(purchases: [Double], spend: [Double], alive: [Double], newCustomer: [Double]) {
            self.purchases = purchases; self.spend = spend; self.alive = alive; self.newCustomer = newCustomer
        }
        subscript(_ c: Curve) -> [Double] {
            switch c {
            case .purchases: return purchases
            case .spend: return spend
            case .alive: return alive
            case .newCustomer: return newCustomer
            }
        }
    }

    public enum Curve: Sendable { case purchases, spend, alive, newCustomer }

    /// The four curves as one value (shares the arrays, copies nothing).
    var curves: CurveSet { CurveSet(purchases: purchases, spend: spend, alive: alive, newCustomer: newCustomer) }

    subscript(_ c: Curve) -> [Double] { curves[c] }

    public init(step: Double, curves: CurveSet, meanSpend: Double, customers: Int, aliveNow: Double, newPerMonth: Double) {
        self.step = step; self.purchases = curves.purchases; self.spend = curves.spend; self.alive = curves.alive
        self.newCustomer = curves.newCustomer; self.meanSpend = meanSpend; self.customers = customers
        self.aliveNow = aliveNow; self.newPerMonth = newPerMonth
    }

    enum CodingKeys: String, CodingKey {
        case step, purchases, spend, alive, newCustomer = "new_customer", meanSpend = "mean_spend", customers,
             aliveNow = "alive_now", newPerMonth = "new_per_month", subscriptions, parameterNames = "parameter_names"
    }

    /// The grid must reach this many months (horizon × the largest time-scaling an effect asks for).
    public var reach: Double { step * Double(purchases.count - 1) }

    /// Grid cell and weight of `t` months: `t` lies at `i + w` grid steps, `i` clamped so that
    /// beyond the grid the last slope continues.
    @inline(__always)
    func cell(_ t: Double, count: Int) -> (Int, Double) {
        let x = t / step
        let i = Swift.max(0, Swift.min(Int(x), count - 2))
        return (i, x - Double(i))
    }

    /// `curve` + Σ_j δ_j J_j (first-order move of the curve to parameters θ̂ + δ) on the grid points
    /// needed to `read` it up to `t` months; computed once per draw.
    func shifted(_ curve: Curve, delta: [Double], through t: Double) -> [Double] {
        let base = self[curve]
        guard delta.contains(where: { $0 != 0 }) else { return base }
        let n = Swift.min(base.count, Int(t / step) + 2)
        var out = Array(base[0..<n])
        for j in 0..<Swift.min(delta.count, jacobian.count) where delta[j] != 0 {
            let dj = delta[j]
            jacobian[j][curve].withUnsafeBufferPointer { c in
                for i in 0..<n { out[i] += dj * c[i] }
            }
        }
        return out
    }

    /// Linear interpolation of a (possibly `shifted`) curve at `t` months; `t` within the points
    /// `shifted` kept, or beyond the whole grid.
    @inline(__always)
    func read(_ curve: [Double], at t: Double) -> Double {
        let (i, w) = cell(t, count: curve.count)
        return curve[i] + w * (curve[i + 1] - curve[i])
    }
}
