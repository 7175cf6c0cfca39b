import Foundation
import TenureNumerics

/// MBG/NBD (Batislam, Denizel & Filiztekin 2007): as BG/NBD, but a customer may also drop out at
/// time zero, so customers without repeat purchases need not be alive.
///
/// Log-likelihood, as lifetimes' `ModifiedBetaGeoFitter`:
/// `ln Γ(r+x) − ln Γ(r) + r ln α + ln Γ(a+b) + ln Γ(b+x+1) − ln Γ(b) − ln Γ(a+b+x+1)
///   − (r+x) ln(α+T) + ln(1 + e^A₄)`, `A₄ = ln a − ln(b+x) + (r+x)(ln(α+T) − ln(α+tx))`.
public struct MBGNBDModel: RepeatPurchaseModel, BetaGeometricFamily, Codable, Equatable {
    public static let name = "mbgnbd"
    public var fit: MLEFit
    public init(fit: MLEFit) { self.fit = fit }

    static func negLogLikelihood(_ th: [Double], _ d: RFMPatterns, _ byX: WeightsByX, _ g: inout [Double]) -> Double {
        let r = th[0], al = th[1], a = th[2], b = th[3]
        guard r > 0, al > 0, a > 0, b > 0 else { g = [.nan, .nan, .nan, .nan]; return .nan }
        var ll = 0.0, gr = 0.0, gal = 0.0, ga = 0.0, gb = 0.0
        let lgr = Special.logGamma(r), psr = Special.digamma(r)
        let lgab = Special.logGamma(a + b), psab = Special.digamma(a + b)
        let lgb = Special.logGamma(b), psb = Special.digamma(b)
        let lal = Foundation.log(al), la = Foundation.log(a)
        for x in 0...byX.maxX where byX.w[x] > 0 {
            let w = byX.w[x], xd = Double(x)
            ll += w * (Special.logGamma(r + xd) - lgr + r * lal + lgab + Special.logGamma(b + xd + 1) - lgb
                       - Special.logGamma(a + b + xd + 1))
            gr += w * (Special.digamma(r + xd) - psr + lal)
            gal += w * r / al
            let psabx = Special.digamma(a + b + xd + 1)
            ga += w * (psab - psabx)
            gb += w * (psab + Special.digamma(b + xd + 1) - psb - psabx)
        }
        for i in 0..<d.count {
            let x = Double(d.x[i]), w = d.weight[i], rx = r + x
            let lT = Foundation.log(al + d.T[i]), ltx = Foundation.log(al + d.tx[i])
            let a4 = la - Foundation.log(b + x) + rx * (lT - ltx)
            // ln(1 + e^a4) and its derivative σ(a4)
            let sp = a4 > 0 ? a4 + Foundation.log1p(Foundation.exp(-a4)) : Foundation.log1p(Foundation.exp(a4))
            let sg = a4 > 0 ? 1 / (1 + Foundation.exp(-a4)) : Foundation.exp(a4) / (1 + Foundation.exp(a4))
            ll += w * (-rx * lT + sp)
            gr += w * (-lT + sg * (lT - ltx))
            gal += w * (-rx / (al + d.T[i]) + sg * rx * (1 / (al + d.T[i]) - 1 / (al + d.tx[i])))
            ga += w * sg / a
            gb -= w * sg / (b + x)
        }
        g = [-gr, -gal, -ga, -gb]
        return -ll
    }

    public static func fit(_ d: RFMPatterns) throws -> MBGNBDModel {
        guard d.x.contains(where: { $0 > 0 }) else {
            throw FitError(model: name, reason: "no customer has a repeat purchase: the model cannot be identified")
        }
        let byX = WeightsByX(x: d.x, weight: d.weight)
        let s = max(d.T.max() ?? 1, 1e-9) / 10
        let e = Foundation.exp(0.1)
        let f = try MLE.fit(model: name, names: ["r", "alpha", "a", "b"], starts: [[e, e * s, e, e], [1, s, 1, 1], [0.5, 2 * s, 0.5, 2]],
                            observations: d.totalWeight, patterns: d.count, bounds: bgnbdBounds(d)) { th, g in negLogLikelihood(th, d, byX, &g) }
        return MBGNBDModel(fit: f.describingLimit("MBG/NBD", bound: "alpha ≤ 10⁶ × the longest customer age, a, b ≤ 10⁶", f.bgnbdLimits))
    }

    public func logLikelihood(x: Int32, tx: Double, T: Double) -> Double {
        let xd = Double(x)
        let a4 = Foundation.log(a) - Foundation.log(b + xd) + (r + xd) * (Foundation.log(alpha + T) - Foundation.log(alpha + tx))
        return Special.logGamma(r + xd) - Special.logGamma(r) + r * Foundation.log(alpha)
            + Special.logGamma(a + b) + Special.logGamma(b + xd + 1) - Special.logGamma(b) - Special.logGamma(a + b + xd + 1)
            - (r + xd) * Foundation.log(alpha + T) + logAddExp(a4, 0)
    }

    /// `1 / (1 + a/(b+x) · ((α+T)/(α+tx))^(r+x))`.
    public func probabilityAlive(x: Int32, tx: Double, T: Double) -> Double {
        let xd = Double(x)
        return 1 / (1 + Foundation.exp(Foundation.log(a / (b + xd)) + (r + xd) * Foundation.log((alpha + T) / (alpha + tx))))
    }

    /// `(a+b+x)/(a−1) · [1 − ₂F₁(r+x, b+x+1; a+b+x; t/(α+T+t)) ((α+T)/(α+T+t))^(r+x)] / (1 + a/(b+x) ((α+T)/(α+tx))^(r+x))`.
    public func conditionalExpectedPurchases(_ t: Double, x: Int32, tx: Double, T: Double) -> Double {
        guard t > 0 else { return 0 }
        let xd = Double(x)
        let lh = logHyp2f1(r + xd, b + xd + 1, a + b + xd, t / (alpha + T + t))
        let num = (a + b + xd) / (a - 1) * -Foundation.expm1(lh + (r + xd) * Foundation.log((alpha + T) / (alpha + t + T)))
        return num * probabilityAlive(x: x, tx: tx, T: T)
    }

    /// `b/(a−1) · [1 − ₂F₁(r, b+1; a+b; t/(α+t)) (α/(α+t))^r]`.
    public func expectedPurchases(_ t: Double) -> Double {
        guard t > 0 else { return 0 }
        let lh = logHyp2f1(r, b + 1, a + b, t / (alpha + t))
        return b / (a - 1) * -Foundation.expm1(lh + r * Foundation.log(alpha / (alpha + t)))
    }
}
