import Foundation
import TenureNumerics

/// Pareto/NBD (Schmittlein, Morrison & Colombo 1987): purchases Poisson(λ), λ ~ Gamma(r, α), while
/// alive; lifetimes exponential(μ), μ ~ Gamma(s, β).
///
/// The likelihood is written without the Gauss hypergeometric function, which lifetimes evaluates
/// as a *difference* of two ₂F₁ terms (cancellation when α ≈ β or tx ≈ T). Integrating the
/// individual likelihood `λ^x e^{−(λ+μ)T} + λ^x μ ∫_{tx}^{T} e^{−(λ+μ)τ} dτ` over the gamma mixing
/// distributions gives a sum of two positive terms:
///
/// `L = Γ(r+x) α^r β^s / Γ(r) · [ (α+T)^−(r+x) (β+T)^−s + s ∫_{tx}^{T} (α+τ)^−(r+x) (β+τ)^−(s+1) dτ ]`
///
/// which is identical to lifetimes' `_conditional_log_likelihood` (the integral equals the A₀
/// term). The integral and its four parameter derivatives (differentiating under the integral:
/// analytic gradient) are evaluated together by adaptive Gauss–Kronrod (7/15) quadrature on the
/// integrand scaled by its maximum, until the 7-point Gauss and 15-point Kronrod sums agree to 1e-11 relative (the
/// Kronrod value is then accurate to ~1e-15). P(alive) = first term / bracket.
public struct ParetoNBDModel: RepeatPurchaseModel, Codable, Equatable {
    public static let name = "pareto-nbd"
    public var fit: MLEFit
    public var r: Double { fit.estimates[0] }
    public var alpha: Double { fit.estimates[1] }
    public var s: Double { fit.estimates[2] }
    public var beta: Double { fit.estimates[3] }
    public init(fit: MLEFit) { self.fit = fit }

    /// Scaled pieces of one pattern: log reference, Ê = E/ref, Ĩ and its derivatives (r, α, s, β).
    struct Pieces { var logRef: Double; var e: Double; var i: (Double, Double, Double, Double, Double) }

    static func pieces(_ r: Double, _ al: Double, _ s: Double, _ be: Double, x: Double, tx: Double, T: Double, derivatives: Bool) -> Pieces {
        let rx = r + x
        let logE = -rx * Foundation.log(al + T) - s * Foundation.log(be + T)
        let logF0 = -rx * Foundation.log(al + tx) - (s + 1) * Foundation.log(be + tx)
        let logRef = max(logE, logF0)
        let e = Foundation.exp(logE - logRef)
        guard T > tx else { return Pieces(logRef: logRef, e: e, i: (0, 0, 0, 0, 0)) }
        let res = GaussKronrod.integrate5(tx, T, relTol: 1e-11, derivatives: derivatives) { tau in
            let la = Foundation.log(al + tau), lb = Foundation.log(be + tau)
            let f = Foundation.exp(-rx * la - (s + 1) * lb - logRef)
            return (f, -la * f, -rx / (al + tau) * f, -lb * f, -(s + 1) / (be + tau) * f)
        }
        return Pieces(logRef: logRef, e: e, i: res)
    }

    static func negLogLikelihood(_ th: [Double], _ d: RFMPatterns, _ g: inout [Double]) -> Double {
        let r = th[0], al = th[1], s = th[2], be = th[3]
        guard r > 0, al > 0, s > 0, be > 0 else { g = [.nan, .nan, .nan, .nan]; return .nan }
        var ll = 0.0, gr = 0.0, gal = 0.0, gs = 0.0, gbe = 0.0
        let lgr = Special.logGamma(r), psr = Special.digamma(r)
        let lal = Foundation.log(al), lbe = Foundation.log(be)
        var cacheX = -1.0, lgrx = 0.0, psrx = 0.0
        for k in 0..<d.count {
            let x = Double(d.x[k]), w = d.weight[k], T = d.T[k]
            if x != cacheX { cacheX = x; lgrx = Special.logGamma(r + x); psrx = Special.digamma(r + x) }
            let p = pieces(r, al, s, be, x: x, tx: d.tx[k], T: T, derivatives: true)
            let bh = p.e + s * p.i.0
            ll += w * (lgrx - lgr + r * lal + s * lbe + p.logRef + Foundation.log(bh))
            gr += w * (psrx - psr + lal + (p.e * -Foundation.log(al + T) + s * p.i.1) / bh)
            gal += w * (r / al + (p.e * -(r + x) / (al + T) + s * p.i.2) / bh)
            gs += w * (lbe + (p.e * -Foundation.log(be + T) + p.i.0 + s * p.i.3) / bh)
            gbe += w * (s / be + (p.e * -s / (be + T) + s * p.i.4) / bh)
        }
        g = [-gr, -gal, -gs, -gbe]
        return -ll
    }

    public static func fit(_ d: RFMPatterns) throws -> ParetoNBDModel {
        guard d.x.contains(where: { $0 > 0 }) else {
            throw FitError(model: name, reason: "no customer has a repeat purchase: the model cannot be identified")
        }
        let sc = max(d.T.max() ?? 1, 1e-9) / 10
        let f = try MLE.fit(model: name, names: ["r", "alpha", "s", "beta"],
                            starts: [[1, sc, 1, sc], [0.5, 2 * sc, 0.5, 2 * sc]],
                            observations: d.totalWeight, patterns: d.count) { th, g in negLogLikelihood(th, d, &g) }
        return ParetoNBDModel(fit: f)
    }

    public func logLikelihood(x: Int32, tx: Double, T: Double) -> Double {
        let xd = Double(x)
        let p = Self.pieces(r, alpha, s, beta, x: xd, tx: tx, T: T, derivatives: false)
        return Special.logGamma(r + xd) - Special.logGamma(r) + r * Foundation.log(alpha) + s * Foundation.log(beta)
            + p.logRef + Foundation.log(p.e + s * p.i.0)
    }

    public func probabilityAlive(x: Int32, tx: Double, T: Double) -> Double {
        let p = Self.pieces(r, alpha, s, beta, x: Double(x), tx: tx, T: T, derivatives: false)
        return p.e / (p.e + s * p.i.0)
    }

    /// `P(alive) · (r+x)(β+T) / ((α+T)(s−1)) · [1 − ((β+T)/(β+T+t))^(s−1)]` (limit `log((β+T+t)/(β+T))` at s = 1).
    public func conditionalExpectedPurchases(_ t: Double, x: Int32, tx: Double, T: Double) -> Double {
        guard t > 0 else { return 0 }
        let xd = Double(x)
        let q = Foundation.log((beta + T) / (beta + T + t))
        let term = abs(s - 1) < 1e-12 ? -q : -Foundation.expm1((s - 1) * q) / (s - 1)
        return probabilityAlive(x: x, tx: tx, T: T) * (r + xd) * (beta + T) / (alpha + T) * term
    }

    /// `r β / (α (s−1)) · [1 − (β/(β+t))^(s−1)]`.
    public func expectedPurchases(_ t: Double) -> Double {
        guard t > 0 else { return 0 }
        let q = Foundation.log(beta / (beta + t))
        let term = abs(s - 1) < 1e-12 ? -q : -Foundation.expm1((s - 1) * q) / (s - 1)
        return r * beta / alpha * term
    }
}

/// Adaptive Gauss–Kronrod (7-point Gauss, 15-point Kronrod) quadrature of a 5-vector integrand:
/// global bisection of the interval with the largest error estimate until every component's
/// error estimate |K15 − G7| is below `relTol` × its |integral| (or 400 intervals). The K15 value is
/// far more accurate than that estimate for the smooth, monotone Pareto/NBD integrands.
enum GaussKronrod {
    static let xgk: [Double] = [0.991455371120812639206854697526329, 0.949107912342758524526189684047851,
                                0.864864423359769072789712788640926, 0.741531185599394439863864773280788,
                                0.586087235467691130294144845693013, 0.405845151377397166906606412076961,
                                0.207784955007898467600689403773245, 0.0]
    static let wgk: [Double] = [0.022935322010529224963732008058970, 0.063092092629978553290700663189204,
                                0.104790010322250183839876322541518, 0.140653259715525918745189590510238,
                                0.169004726639267902826583426598550, 0.190350578064785409913256402421014,
                                0.204432940075298892414161999234649, 0.209482141084727828012999174891714]
    static let wg: [Double] = [0.129484966168869693270611432679082, 0.279705391489276667901467771423780,
                               0.381830050505118944950369775488975, 0.417959183673469387755102040816327]

    typealias V5 = (Double, Double, Double, Double, Double)

    @inline(__always) static func add(_ a: V5, _ b: V5, _ w: Double) -> V5 {
        (a.0 + w * b.0, a.1 + w * b.1, a.2 + w * b.2, a.3 + w * b.3, a.4 + w * b.4)
    }

    static func rule(_ a: Double, _ b: Double, _ f: (Double) -> V5) -> (k: V5, e: V5) {
        let c = 0.5 * (a + b), h = 0.5 * (b - a)
        let fc = f(c)
        var k = add((0, 0, 0, 0, 0), fc, wgk[7])
        var g = add((0, 0, 0, 0, 0), fc, wg[3])
        for j in 0..<7 {
            let dx = h * xgk[j]
            let f1 = f(c - dx), f2 = f(c + dx)
            k = add(add(k, f1, wgk[j]), f2, wgk[j])
            if j % 2 == 1 { g = add(add(g, f1, wg[j / 2]), f2, wg[j / 2]) }
        }
        k = (k.0 * h, k.1 * h, k.2 * h, k.3 * h, k.4 * h)
        g = (g.0 * h, g.1 * h, g.2 * h, g.3 * h, g.4 * h)
        return (k, (abs(k.0 - g.0), abs(k.1 - g.1), abs(k.2 - g.2), abs(k.3 - g.3), abs(k.4 - g.4)))
    }

    static func integrate5(_ a: Double, _ b: Double, relTol: Double, derivatives: Bool, _ f: (Double) -> V5) -> V5 {
        var intervals: [(a: Double, b: Double, k: V5, e: V5)] = []
        let r0 = rule(a, b, f)
        intervals.append((a, b, r0.k, r0.e))
        var total = r0.k, err = r0.e
        func ok(_ t: V5, _ e: V5) -> Bool {
            let tiny = 1e-300
            if e.0 > relTol * abs(t.0) + tiny { return false }
            if !derivatives { return true }
            return e.1 <= relTol * abs(t.1) + tiny && e.2 <= relTol * abs(t.2) + tiny
                && e.3 <= relTol * abs(t.3) + tiny && e.4 <= relTol * abs(t.4) + tiny
        }
        while !ok(total, err) && intervals.count < 400 {
            // bisect the interval with the largest (relative) error in component 0
            let n0 = 1 / max(abs(total.0), 1e-300), n1 = derivatives ? 1 / max(abs(total.1), 1e-300) : 0
            let n2 = derivatives ? 1 / max(abs(total.2), 1e-300) : 0, n3 = derivatives ? 1 / max(abs(total.3), 1e-300) : 0
            let n4 = derivatives ? 1 / max(abs(total.4), 1e-300) : 0
            func score(_ e: V5) -> Double { max(e.0 * n0, e.1 * n1, e.2 * n2, e.3 * n3, e.4 * n4) }
            var worst = 0, worstScore = score(intervals[0].e)
            for i in 1..<intervals.count { let sc = score(intervals[i].e); if sc > worstScore { worst = i; worstScore = sc } }
            let iv = intervals[worst]
            let mid = 0.5 * (iv.a + iv.b)
            let left = rule(iv.a, mid, f), right = rule(mid, iv.b, f)
            intervals[worst] = (iv.a, mid, left.k, left.e)
            intervals.append((mid, iv.b, right.k, right.e))
            total = (0, 0, 0, 0, 0); err = (0, 0, 0, 0, 0)
            for iv in intervals { total = add(total, iv.k, 1); err = add(err, iv.e, 1) }
            if mid == iv.a || mid == iv.b { break }
        }
        return total
    }
}
