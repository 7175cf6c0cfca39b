import TenureNumerics

/// What a Cox fit on sums needs besides the sums (WebDISCO: Lu et al., 2015, "WebDISCO: a web
/// service for distributed Cox model learning without patient-level data sharing"): the subjects'
/// (stratum, time) groups in (stratum, time) order with their deaths, and the moments of the
/// centred covariates x − x̄ over the n subjects.
public struct CoxGroupedData: Sendable {
    public var names: [String]
    /// Deaths (events) per group; the group index range of each stratum.
    public var deaths: [Int32]
    public var strata: [Range<Int>]
    public var n: Int
    /// Σ over deaths of x − x̄ (p); Σ over subjects of (x − x̄)(x − x̄)ᵀ (p × p).
    public var sumDeathX: [Double]
    public var gram: Matrix

    public init(names: [String], deaths: [Int32], strata: [Range<Int>], n: Int, sumDeathX: [Double], gram: Matrix) {
        self.names = names; self.deaths = deaths; self.strata = strata; self.n = n; self.sumDeathX = sumDeathX; self.gram = gram
    }
}

/// One Newton step's sums at β, per group of `CoxGroupedData`, with w = e^{(x − x̄)β} and x the
/// centred covariates: Σw, Σw·x (G × p, column-major) and Σw·x·xᵀ (G × p × p, group g's matrix at
/// `g·p·p`, column-major) over the group's subjects, and the same over its deaths.
public struct CoxGroupSums: Sendable {
    public var w: [Double], wDeaths: [Double]
    public var wx: [Double], wxDeaths: [Double]
    public var wxx: [Double], wxxDeaths: [Double]

    public init(w: [Double], wDeaths: [Double], wx: [Double], wxDeaths: [Double], wxx: [Double], wxxDeaths: [Double]) {
        self.w = w; self.wDeaths = wDeaths; self.wx = wx; self.wxDeaths = wxDeaths; self.wxx = wxx; self.wxxDeaths = wxxDeaths
    }
}

extension CoxPH {
    /// The Cox model from per-step sums (`sums(β)`, e.g. one GROUP BY time in a warehouse per
    /// step): the same Newton–Raphson, tests and refusals as `fit` on the subjects the sums came
    /// from, which it equals to rounding (the sums are added in another order). Harrell's C needs
    /// every subject's risk score and is not computed (`concordance` is nil).
    public static func fit(grouped d: CoxGroupedData, options: CoxOptions, sums: ([Double]) throws -> CoxGroupSums) throws -> CoxModel {
        let model = "Cox model", p = d.names.count, G = d.deaths.count
        guard p >= 1 else { throw FitError(model: model, reason: "no covariates given") }
        guard options.penalty >= 0, options.penalty.isFinite else { throw FitError(model: model, reason: "the L2 penalty must be ≥ 0") }
        let events = d.deaths.reduce(0) { $0 + Int($1) }
        guard events > 0 else { throw FitError(model: model, reason: "there are no events (every subject is censored); nothing to fit") }
        let scale = try CoxEngine.scale(gram: d.gram, n: d.n, names: d.names)
        let efron = options.ties == .efron
        let rows = CoxSweep.rowCount(deaths: d.deaths, efron: efron)
        func evaluate(_ beta: [Double]) throws -> CoxEngine.Evaluation {
            let s = try sums(beta)
            guard s.w.count == G, s.wDeaths.count == G, s.wx.count == G * p, s.wxDeaths.count == G * p,
                  s.wxx.count == G * p * p, s.wxxDeaths.count == G * p * p else {
                throw FitError(model: model, reason: "the sums of a step do not match the \(G) time groups and \(p) covariates")
            }
            let sweep = CoxSweep(deaths: d.deaths, strata: d.strata, G0: s.w, D0: s.wDeaths, G1: s.wx, D1: s.wxDeaths,
                                 sumDeathX: d.sumDeathX, beta: beta, efron: efron, rows: rows)
            // Σᵢ wᵢcᵢxᵢxᵢᵀ by group: the non-deaths with c_all, the deaths with c_death
            let (cAll, cDeath) = sweep.weights(strata: d.strata)
            var info = Matrix(rows: p, cols: p)
            for g in 0..<G where cAll[g] != 0 || cDeath[g] != 0 {
                let o = g * p * p
                for k in 0..<(p * p) { info.data[k] += cAll[g] * (s.wxx[o + k] - s.wxxDeaths[o + k]) + cDeath[g] * s.wxxDeaths[o + k] }
            }
            return sweep.evaluation(info: info, beta: beta, penalty: options.penalty)
        }
        return try newton(evaluate: evaluate, scale: scale, names: d.names, n: d.n, events: events, strata: d.strata.count,
                          options: options).model
    }
}
