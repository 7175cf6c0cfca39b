import Foundation
import TenureNumerics

/// Pareto/NBD (Schmittlein, Morrison & Colombo 1987): purchases Poisson(λ), λ ~ Gamma(r, α), while
/// alive; lifetimes exponential(μ), μ ~ Gamma(s, β).
///
/// Closed form (Fader & Hardie, "A Note on Deriving the Pareto/NBD Model and Related Expressions",
/// 2005), rearranged so that no term cancels. Integrating the individual likelihood over the gamma
/// mixing distributions gives
///
/// `L = Γ(r+x) α^r β^s / Γ(r) · [ E(T) + s ∫_{tx}^{T} (α+τ)^−(r+x) (β+τ)^−(s+1) dτ ]`,
/// `E(t) = (α+t)^−(r+x) (β+t)^−s`.
///
/// Write the tail integral from t to ∞ as `E(t) ρ(t) / s`. Then the bracket is
/// `E(T)(1 − ρ(T)) + E(tx) ρ(tx)`, a sum of two non-negative terms (0 < ρ ≤ 1), each no larger than
/// the bracket, so a relative error ε in ρ moves log L by at most ~2ε even when tx ≈ T. With
/// k = r + x, ρ is a Gauss hypergeometric function with positive terms, the branch chosen by α vs β
/// as in the note (these are A₀'s two ₂F₁ forms divided by their t-dependent prefactors):
///
/// - α ≥ β: `ρ = s/(s+k) · ₂F₁(k, 1; s+k+1; (α−β)/(α+t))`,
/// - α < β: `ρ = s/(s+k) · ((α+t)/(β+t))^k · ₂F₁(k, s+k; s+k+1; (β−α)/(β+t))`,
///
/// evaluated in log space with the exact derivatives of the series (`Special.logHyp2f1Gradient`),
/// once per distinct (x, t) — not per pattern — and, for the fit and P(alive) of many patterns,
/// from one series per run of ages by exact quadrature steps (`RhoTable`). The gradient of log L
/// is analytic; the Hessian used by the Newton fit is the central difference of that gradient. P(alive) = E(T) / bracket; the
/// conditional expectation is lifetimes' / the paper's eq. (22) times P(alive).
///
/// Cost: the series needs ~39/(1 − z) terms, so it grows when one of α, β is many times the other
/// plus the customer's age (z → 1); the table sums one series per run of ages and 16 quadrature
/// nodes per other age. The fit bounds α and β to at most `scaleBound` × the longest age (a fit
/// that reaches the bound is reported as the limiting model, see `MLEFit.limit`).
public struct ParetoNBDModel: RepeatPurchaseModel, Codable, Equatable {
    public static let name = "pareto-nbd"
    public var fit: MLEFit
    public var r: Double { fit.estimates[0] }
    public var alpha: Double { fit.estimates[1] }
    public var s: Double { fit.estimates[2] }
    public var beta: Double { fit.estimates[3] }
    public init(fit: MLEFit) { self.fit = fit }
    /// A model at given parameters (no covariance).
    public init(r: Double, alpha: Double, s: Double, beta: Double) {
        fit = MLEFit(names: ["r", "alpha", "s", "beta"], estimates: [r, alpha, s, beta], covariance: Matrix(rows: 4, cols: 4),
                     logLikelihood: .nan, observations: 0, patterns: 0, iterations: 0, gradientNorm: 0)
    }

    /// The bound on α and β, in units of the longest customer age T.
    static let scaleBound = 1e2

    /// `log ρ` and its derivatives in (k, s, α, β) at one t (see the type's documentation); nil when
    /// the series would need more than a million terms.
    struct Rho { var log: Double; var dk: Double; var ds: Double; var dal: Double; var dbe: Double }

    static func rho(k: Double, s: Double, alpha al: Double, beta be: Double, t: Double) -> Rho? {
        let lss = Foundation.log(s) - Foundation.log(s + k), iss = 1 / (s + k)
        if al >= be {
            let z = (al - be) / (al + t)
            guard let h = Special.logHyp2f1Gradient(k, 1, s + k + 1, z) else { return nil }
            let iat = 1 / (al + t)
            return Rho(log: lss + h.value, dk: -iss + h.da + h.dc, ds: 1 / s - iss + h.dc,
                       dal: h.dz * (be + t) * iat * iat, dbe: -h.dz * iat)
        }
        let z = (be - al) / (be + t)
        let l1z = Foundation.log((al + t) / (be + t)), ibt = 1 / (be + t)
        // Euler's transformation ₂F₁(k, s+k; s+k+1; z) = (1−z)^(1−k) ₂F₁(s+1, 1; s+k+1; z), also with
        // positive terms, is much shorter when s is large (β → ∞ with s/β fixed): take the shorter.
        let nlz = -Foundation.log(z)
        if z > 0 && Special.seriesLength(s + 1, 1, s + k + 1, z, nlz) < Special.seriesLength(k, s + k, s + k + 1, z, nlz) {
            guard let h = Special.logHyp2f1Gradient(s + 1, 1, s + k + 1, z) else { return nil }
            return Rho(log: lss + l1z + h.value, dk: -iss + h.dc, ds: 1 / s - iss + h.da + h.dc,
                       dal: 1 / (al + t) - h.dz * ibt, dbe: -ibt + h.dz * (al + t) * ibt * ibt)
        }
        guard let h = Special.logHyp2f1Gradient(k, s + k, s + k + 1, z) else { return nil }
        return Rho(log: lss + k * l1z + h.value, dk: -iss + l1z + h.da + h.db + h.dc, ds: 1 / s - iss + h.db + h.dc,
                   dal: k / (al + t) - h.dz * ibt, dbe: -k * ibt + h.dz * (al + t) * ibt * ibt)
    }

    /// The patterns arranged for evaluation: x-only weights, and for every pattern indices into the
    /// distinct (x, t) pairs at which ρ is needed (t = T and t = tx; none when tx = T).
    struct Prepared {
        var byX: WeightsByX
        /// The distinct (x, t) at which ρ is needed.
        var keys = RhoTable.Keys()
        var x: [Double] = [], tx: [Double] = [], T: [Double] = [], w: [Double] = []
        /// Index of ρ at (x, T) and at (x, tx), −1 when tx = T.
        var iT: [Int32] = [], iX: [Int32] = []
        var maxT = 0.0

        struct Key: Hashable { var x: Int32; var t: UInt64 }

        init(_ d: RFMPatterns) {
            byX = WeightsByX(x: d.x, weight: d.weight)
            var index: [Key: Int32] = [:]
            func key(_ x: Int32, _ t: Double) -> Int32 {
                let k = Key(x: x, t: t.bitPattern)
                if let i = index[k] { return i }
                let i = Int32(keys.x.count)
                index[k] = i; keys.x.append(Double(x)); keys.t.append(t)
                return i
            }
            for k in 0..<d.count where d.weight[k] != 0 {
                x.append(Double(d.x[k])); tx.append(d.tx[k]); T.append(d.T[k]); w.append(d.weight[k])
                maxT = max(maxT, d.T[k])
                if d.tx[k] < d.T[k] {
                    iT.append(key(d.x[k], d.T[k])); iX.append(key(d.x[k], d.tx[k]))
                } else { iT.append(-1); iX.append(-1) }
            }
            keys.arrange()
        }
    }

    /// log of the bracket `E(T)(1 − ρ(T)) + E(tx) ρ(tx)` and its gradient in (r, α, s, β).
    @inline(__always)
    static func logBracket(r: Double, al: Double, s: Double, be: Double, x: Double, tx: Double, T: Double,
                           rhoT: Rho?, rhoX: Rho?) -> (Double, Double, Double, Double, Double) {
        let k = r + x
        let lat = Foundation.log(al + T), lbt = Foundation.log(be + T)
        let logET = -k * lat - s * lbt
        // ∂ log E(T)
        let eTr = -lat, eTa = -k / (al + T), eTs = -lbt, eTb = -s / (be + T)
        guard let pT = rhoT, let pX = rhoX else { return (logET, eTr, eTa, eTs, eTb) }
        let lax = Foundation.log(al + tx), lbx = Foundation.log(be + tx)
        let logEX = -k * lax - s * lbx
        let l2 = logEX + pX.log
        let m = max(logET, l2)
        let eT = Foundation.exp(logET - m), rT = Foundation.exp(pT.log)
        let u1 = eT * -Foundation.expm1(pT.log), u2 = Foundation.exp(l2 - m)
        let bsum = u1 + u2
        let p1 = u1 / bsum, p2 = u2 / bsum, q = eT * rT / bsum
        return (m + Foundation.log(bsum),
                p1 * eTr - q * pT.dk + p2 * (-lax + pX.dk),
                p1 * eTa - q * pT.dal + p2 * (-k / (al + tx) + pX.dal),
                p1 * eTs - q * pT.ds + p2 * (-lbx + pX.ds),
                p1 * eTb - q * pT.dbe + p2 * (-s / (be + tx) + pX.dbe))
    }

    /// Total −log L and its gradient in (r, α, s, β); NaN when a series does not converge.
    static func negLogLikelihood(_ th: [Double], _ p: Prepared, _ g: inout [Double]) -> Double {
        let r = th[0], al = th[1], s = th[2], be = th[3]
        guard r > 0, al > 0, s > 0, be > 0, th.allSatisfy({ $0.isFinite }) else { g = [.nan, .nan, .nan, .nan]; return .nan }
        let rho = RhoTable.rho(p.keys, r: r, alpha: al, s: s, beta: be)
        if rho.contains(where: { $0 == nil }) { g = [.nan, .nan, .nan, .nan]; return .nan }
        var ll = 0.0, gr = 0.0, gal = 0.0, gs = 0.0, gbe = 0.0
        let lgr = Special.logGamma(r), psr = Special.digamma(r), lal = Foundation.log(al), lbe = Foundation.log(be)
        var wTot = 0.0
        for x in 0...p.byX.maxX where p.byX.w[x] > 0 {
            let w = p.byX.w[x], xd = Double(x)
            wTot += w
            ll += w * (Special.logGamma(r + xd) - lgr)
            gr += w * (Special.digamma(r + xd) - psr)
        }
        ll += wTot * (r * lal + s * lbe)
        gr += wTot * lal; gal += wTot * r / al; gs += wTot * lbe; gbe += wTot * s / be
        let sums = Parallel.blockSum(count: p.x.count, width: 5) { range, acc in
            var a0 = 0.0, a1 = 0.0, a2 = 0.0, a3 = 0.0, a4 = 0.0
            for i in range {
                let jT = Int(p.iT[i]), jX = Int(p.iX[i])
                let b = logBracket(r: r, al: al, s: s, be: be, x: p.x[i], tx: p.tx[i], T: p.T[i],
                                   rhoT: jT >= 0 ? rho[jT] : nil, rhoX: jX >= 0 ? rho[jX] : nil)
                let w = p.w[i]
                a0 += w * b.0; a1 += w * b.1; a2 += w * b.2; a3 += w * b.3; a4 += w * b.4
            }
            acc[0] = a0; acc[1] = a1; acc[2] = a2; acc[3] = a3; acc[4] = a4
        }
        ll += sums[0]; gr += sums[1]; gal += sums[2]; gs += sums[3]; gbe += sums[4]
        g = [-gr, -gal, -gs, -gbe]
        return -ll
    }

    /// The same on raw patterns (arranges them first).
    static func negLogLikelihood(_ th: [Double], _ d: RFMPatterns, _ g: inout [Double]) -> Double {
        negLogLikelihood(th, Prepared(d), &g)
    }

    /// −log L, its analytic gradient and the Hessian as the central difference of the gradient
    /// (steps 1e-5 relative; symmetrised).
    static func negLogLikelihood(_ th: [Double], _ p: Prepared, _ g: inout [Double], _ h: inout Matrix) -> Double {
        let v = negLogLikelihood(th, p, &g)
        guard v.isFinite else { return v }
        h = Matrix(rows: 4, cols: 4)
        var gp = g, gm = g
        for j in 0..<4 {
            var up = th, dn = th
            let step = 1e-5 * th[j]
            up[j] += step; dn[j] -= step
            guard negLogLikelihood(up, p, &gp).isFinite, negLogLikelihood(dn, p, &gm).isFinite else { return .nan }
            for i in 0..<4 { h[i, j] = (gp[i] - gm[i]) / (2 * step) }
        }
        h = h.symmetrized
        return v
    }

    public static func fit(_ d: RFMPatterns) throws -> ParetoNBDModel {
        guard d.x.contains(where: { $0 > 0 }) else {
            throw FitError(model: name, reason: "no customer has a repeat purchase: the model cannot be identified")
        }
        let p = Prepared(d)
        let sc = max(p.maxT, 1e-9) / 10
        let e = Foundation.exp(0.1)
        let tmax = max(p.maxT, 1e-9)
        let bounds = MLE.Bounds(lower: [1e-6, 1e-6 * tmax, 1e-6, 1e-6 * tmax], upper: [1e6, scaleBound * tmax, 1e6, scaleBound * tmax])
        let f = try MLE.fit(model: name, names: ["r", "alpha", "s", "beta"],
                            starts: [[1, sc, 1, sc], [e, e * sc, e, e * sc], [0.5, 2 * sc, 0.5, 2 * sc]],
                            observations: d.totalWeight, patterns: d.count, bounds: bounds,
                            hessian: { th, g, h in negLogLikelihood(th, p, &g, &h) }) { th, g in negLogLikelihood(th, p, &g) }
        let r = f.estimates[0], al = f.estimates[1], s = f.estimates[2], be = f.estimates[3]
        return ParetoNBDModel(fit: f.describingLimit("Pareto/NBD", bound: "alpha, beta ≤ \(Int(scaleBound)) × the longest customer age", [
            "alpha": ("one purchase rate for all customers: Poisson purchases at lambda = r/alpha", ["lambda": r / al]),
            "r": ("one purchase rate for all customers: Poisson purchases at lambda = r/alpha", ["lambda": r / al]),
            "beta": ("one dropout rate for all customers: exponential lifetimes at mu = s/beta", ["mu": s / be]),
            "s": ("one dropout rate for all customers: exponential lifetimes at mu = s/beta", ["mu": s / be]),
            "s→0": ("dropout rates concentrated at zero: no one drops out (the NBD model)", ["r": r, "alpha": al]),
        ]))
    }

    /// Log of the bracket at the fitted parameters for one pattern, and P(alive) = E(T) / bracket.
    func bracket(x: Int32, tx: Double, T: Double) -> (log: Double, pAlive: Double) {
        let xd = Double(x)
        guard tx < T else { return (-(r + xd) * Foundation.log(alpha + T) - s * Foundation.log(beta + T), 1) }
        let rT = Self.rho(k: r + xd, s: s, alpha: alpha, beta: beta, t: T)
        let rX = Self.rho(k: r + xd, s: s, alpha: alpha, beta: beta, t: tx)
        let b = Self.logBracket(r: r, al: alpha, s: s, be: beta, x: xd, tx: tx, T: T, rhoT: rT, rhoX: rX)
        let logET = -(r + xd) * Foundation.log(alpha + T) - s * Foundation.log(beta + T)
        guard rT != nil, rX != nil else { return (.nan, .nan) }
        return (b.0, Foundation.exp(logET - b.0))
    }

    public func logLikelihood(x: Int32, tx: Double, T: Double) -> Double {
        let xd = Double(x)
        return Special.logGamma(r + xd) - Special.logGamma(r) + r * Foundation.log(alpha) + s * Foundation.log(beta)
            + bracket(x: x, tx: tx, T: T).log
    }

    public func probabilityAlive(x: Int32, tx: Double, T: Double) -> Double {
        bracket(x: x, tx: tx, T: T).pAlive
    }

    /// `P(alive) · (r+x)(β+T) / ((α+T)(s−1)) · [1 − ((β+T)/(β+T+t))^(s−1)]` (limit `log((β+T+t)/(β+T))` at s = 1).
    public func conditionalExpectedPurchases(_ t: Double, x: Int32, tx: Double, T: Double) -> Double {
        conditionalExpectedPurchases(t, x: x, T: T, pAlive: probabilityAlive(x: x, tx: tx, T: T))
    }

    /// The same given the customer's P(alive) (the only part that needs the hypergeometric series).
    public func conditionalExpectedPurchases(_ t: Double, x: Int32, T: Double, pAlive: Double) -> Double {
        guard t > 0 else { return 0 }
        let xd = Double(x)
        let q = Foundation.log((beta + T) / (beta + T + t))
        let term = abs(s - 1) < 1e-12 ? -q : -Foundation.expm1((s - 1) * q) / (s - 1)
        return pAlive * (r + xd) * (beta + T) / (alpha + T) * term
    }

    /// P(alive) of every pattern, with ρ computed once per distinct (x, t) by `RhoTable` (on every
    /// core): `probabilityAlive`'s operations on the table's ρ (within 1e-14 in log of 40-digit values).
    public func probabilitiesAlive(_ d: RFMPatterns) -> [Double] {
        let p = Prepared(d)
        let r = self.r, al = alpha, s = self.s, be = beta
        let rho = RhoTable.rho(p.keys, r: r, alpha: al, s: s, beta: be)
        var out = [Double](repeating: .nan, count: d.count)
        var j = 0
        for k in 0..<d.count where d.weight[k] != 0 {
            let jT = Int(p.iT[j]), jX = Int(p.iX[j])
            if jT < 0 { out[k] = 1 } else if let rT = rho[jT], let rX = rho[jX] {
                let b = Self.logBracket(r: r, al: al, s: s, be: be, x: p.x[j], tx: p.tx[j], T: p.T[j], rhoT: rT, rhoX: rX)
                let logET = -(r + p.x[j]) * Foundation.log(al + p.T[j]) - s * Foundation.log(be + p.T[j])
                out[k] = Foundation.exp(logET - b.0)
            }
            j += 1
        }
        for k in 0..<d.count where d.weight[k] == 0 { out[k] = probabilityAlive(x: d.x[k], tx: d.tx[k], T: d.T[k]) }
        return out
    }

    /// `r β / (α (s−1)) · [1 − (β/(β+t))^(s−1)]`.
    public func expectedPurchases(_ t: Double) -> Double {
        guard t > 0 else { return 0 }
        let q = Foundation.log(beta / (beta + t))
        let term = abs(s - 1) < 1e-12 ? -q : -Foundation.expm1((s - 1) * q) / (s - 1)
        return r * beta / alpha * term
    }
}
