import Foundation
import TenureNumerics

/// Gamma-Gamma spend model (Fader, Hardie & Lee 2005b; Colombo & Jiang 1999): a customer's
/// transaction values are Gamma(p, ν), ν ~ Gamma(q, γ). Fitted on customers with at least one
/// repeat purchase (x > 0) and positive mean repeat spend m, on x and m only (the model assumes
/// spend independent of purchase frequency).
///
/// Log-likelihood (lifetimes' `GammaGammaFitter`, whose third parameter `v` is our `gamma`):
/// `ln Γ(px+q) − ln Γ(px) − ln Γ(q) + q ln γ + (px−1) ln m + px ln x − (px+q) ln(xm + γ)`.
/// The x-only terms are cached per distinct x; each evaluation costs one log and one division per
/// customer (customers are grouped by x).
public struct GammaGammaModel: Sendable, Codable, Equatable {
    public static let name = "gamma-gamma"
    public var fit: MLEFit
    public var p: Double { fit.estimates[0] }
    public var q: Double { fit.estimates[1] }
    /// The scale parameter γ (lifetimes: `v`).
    public var gamma: Double { fit.estimates[2] }
    /// Customers excluded from the fit (no repeat purchase, or mean repeat spend ≤ 0).
    public var excluded: Int = 0

    public init(fit: MLEFit, excluded: Int = 0) { self.fit = fit; self.excluded = excluded }
    public init(p: Double, q: Double, gamma: Double) {
        fit = MLEFit(names: ["p", "q", "gamma"], estimates: [p, q, gamma], covariance: Matrix(rows: 3, cols: 3),
                     logLikelihood: .nan, observations: 0, patterns: 0, iterations: 0, gradientNorm: 0)
    }

    /// Customers grouped by x: `xm[groupLo[k]..<groupHi[k]]` holds x·m of the customers with x = xs[k].
    struct Data {
        var xs: [Double] = []
        var count: [Double] = []
        var sumLogM: [Double] = []
        var groupLo: [Int] = []
        var groupHi: [Int] = []
        var xm: [Double] = []
        var n: Double { count.reduce(0, +) }
    }

    static func prepare(frequency: [Int32], monetary: [Double]) -> (Data, excluded: Int) {
        var maxX = 0
        var excluded = 0
        for (x, m) in zip(frequency, monetary) {
            if x > 0 && m > 0 && m.isFinite { maxX = max(maxX, Int(x)) } else { excluded += 1 }
        }
        var cnt = [Int](repeating: 0, count: maxX + 2)
        for (x, m) in zip(frequency, monetary) where x > 0 && m > 0 && m.isFinite { cnt[Int(x) + 1] += 1 }
        var st = cnt
        for i in 0..<(maxX + 1) { st[i + 1] += st[i] }
        // m per x group, each group sorted: every sum below runs in an order that does not depend on
        // the order of customers (file order on CSV, id order from an engine), so both paths give
        // the same fit to the last bit
        var ms = [Double](repeating: 0, count: st[maxX + 1])
        var fill = st
        for (x, m) in zip(frequency, monetary) where x > 0 && m > 0 && m.isFinite {
            ms[fill[Int(x)]] = m; fill[Int(x)] += 1
        }
        var xm = [Double](repeating: 0, count: ms.count)
        var slm = [Double](repeating: 0, count: maxX + 1)
        for k in 1...max(maxX, 1) where k <= maxX && st[k + 1] > st[k] {
            ms[st[k]..<st[k + 1]].sort()
            for i in st[k]..<st[k + 1] { xm[i] = Double(k) * ms[i]; slm[k] += Foundation.log(ms[i]) }
        }
        var d = Data()
        d.xm = xm
        for k in 1...max(maxX, 1) where k <= maxX && st[k + 1] > st[k] {
            d.xs.append(Double(k)); d.count.append(Double(st[k + 1] - st[k])); d.sumLogM.append(slm[k])
            d.groupLo.append(st[k]); d.groupHi.append(st[k + 1])
        }
        return (d, excluded)
    }

    /// Per x group, Σ ln v, Σ 1/v and (with `squares`) Σ 1/v² over its customers, v = x·m + γ —
    /// the only O(customers) part of the likelihood, summed on every core (`Parallel.blockSum`).
    static func groupSums(_ d: Data, gamma ga: Double, squares: Bool) -> [Double] {
        Parallel.blockSum(count: d.xm.count, width: 3 * d.xs.count) { range, acc in
            d.xm.withUnsafeBufferPointer { xm in
                for k in 0..<d.xs.count where d.groupLo[k] < range.upperBound && d.groupHi[k] > range.lowerBound {
                    var sl = 0.0, si = 0.0, si2 = 0.0
                    for i in max(d.groupLo[k], range.lowerBound)..<min(d.groupHi[k], range.upperBound) {
                        let v = xm[i] + ga
                        let iv = 1 / v
                        sl += Foundation.log(v); si += iv
                        if squares { si2 += iv * iv }
                    }
                    acc[3 * k] = sl; acc[3 * k + 1] = si; acc[3 * k + 2] = si2
                }
            }
        }
    }

    static func negLogLikelihood(_ th: [Double], _ d: Data, _ g: inout [Double]) -> Double {
        let p = th[0], q = th[1], ga = th[2]
        guard p > 0, q > 0, ga > 0 else { g = [.nan, .nan, .nan]; return .nan }
        var ll = 0.0, gp = 0.0, gq = 0.0, gg = 0.0
        let lgq = Special.logGamma(q), psq = Special.digamma(q), lga = Foundation.log(ga)
        let sums = groupSums(d, gamma: ga, squares: false)
        do {
            for k in 0..<d.xs.count {
                let x = d.xs[k], w = d.count[k], px = p * x
                let sl = sums[3 * k], si = sums[3 * k + 1]
                let lx = Foundation.log(x), pspxq = Special.digamma(px + q)
                ll += w * (Special.logGamma(px + q) - Special.logGamma(px) - lgq + q * lga + px * lx)
                    + (px - 1) * d.sumLogM[k] - (px + q) * sl
                gp += w * x * (pspxq - Special.digamma(px) + lx) + x * d.sumLogM[k] - x * sl
                gq += w * (pspxq - psq + lga) - sl
                gg += w * q / ga - (px + q) * si
            }
        }
        g = [-gp, -gq, -gg]
        return -ll
    }

    /// Total −log L with gradient and analytic Hessian in (p, q, γ); per customer one log and one
    /// division (sums of ln v, 1/v and 1/v² per x group, v = x·m + γ).
    static func negLogLikelihood(_ th: [Double], _ d: Data, _ g: inout [Double], _ hess: inout Matrix) -> Double {
        let p = th[0], q = th[1], ga = th[2]
        guard p > 0, q > 0, ga > 0 else { g = [.nan, .nan, .nan]; return .nan }
        var ll = 0.0, gp = 0.0, gq = 0.0, gg = 0.0
        var hpp = 0.0, hpq = 0.0, hpg = 0.0, hqq = 0.0, hqg = 0.0, hgg = 0.0
        let lgq = Special.logGamma(q), psq = Special.digamma(q), tgq = Special.trigamma(q), lga = Foundation.log(ga)
        let sums = groupSums(d, gamma: ga, squares: true)
        do {
            for k in 0..<d.xs.count {
                let x = d.xs[k], w = d.count[k], px = p * x
                let sl = sums[3 * k], si = sums[3 * k + 1], si2 = sums[3 * k + 2]
                let lx = Foundation.log(x), pspxq = Special.digamma(px + q), tgpxq = Special.trigamma(px + q)
                ll += w * (Special.logGamma(px + q) - Special.logGamma(px) - lgq + q * lga + px * lx)
                    + (px - 1) * d.sumLogM[k] - (px + q) * sl
                gp += w * x * (pspxq - Special.digamma(px) + lx) + x * d.sumLogM[k] - x * sl
                gq += w * (pspxq - psq + lga) - sl
                gg += w * q / ga - (px + q) * si
                hpp += w * x * x * (tgpxq - Special.trigamma(px))
                hpq += w * x * tgpxq
                hpg -= x * si
                hqq += w * (tgpxq - tgq)
                hqg += w / ga - si
                hgg += -w * q / (ga * ga) + (px + q) * si2
            }
        }
        g = [-gp, -gq, -gg]
        hess = Matrix(rowMajor: [[-hpp, -hpq, -hpg], [-hpq, -hqq, -hqg], [-hpg, -hqg, -hgg]])
        return -ll
    }

    /// Fits on the customers with x > 0 and m > 0 (`frequency`, `monetary` are per customer, as in
    /// `RFMSummary`). Throws `FitError` when fewer than 3 customers qualify, when the fit fails, or
    /// when q ≤ 1 (the expected spend would be infinite).
    public static func fit(frequency: [Int32], monetary: [Double]) throws -> GammaGammaModel {
        let (d, excluded) = prepare(frequency: frequency, monetary: monetary)
        guard d.n >= 3 else {
            throw FitError(model: name, reason: "needs customers with repeat purchases and positive spend; found \(Int(d.n))")
        }
        // start: lifetimes uses log-params 0.1; scale γ by the mean spend so the start is sensible
        var mean = 0.0
        for k in 0..<d.xs.count { for i in d.groupLo[k]..<d.groupHi[k] { mean += d.xm[i] / d.xs[k] } }
        mean /= d.n
        let e = Foundation.exp(0.1)
        let starts = [[e, e, e], [1, 2, mean], [5, 3, 2 * mean]]
        let bounds = MLE.Bounds(lower: [1e-6, 1e-6, 1e-6 * mean], upper: [1e6, 1e6, 1e6 * mean])
        let f0 = try MLE.fit(model: name, names: ["p", "q", "gamma"], starts: starts, observations: d.n,
                            patterns: Int(d.n), bounds: bounds, hessian: { th, g, h in negLogLikelihood(th, d, &g, &h) }) { th, g in
            negLogLikelihood(th, d, &g)
        }
        let one = ("one mean transaction value for all customers: spend per transaction Gamma(p, nu), nu = q/gamma",
                   ["p": f0.estimates[0], "nu": f0.estimates[1] / f0.estimates[2]])
        let f = f0.describingLimit("Gamma-Gamma", bound: "p, q ≤ 10⁶, gamma ≤ 10⁶ × the mean spend", ["q": one, "gamma": one])
        if f.estimates[1] <= 1 {
            throw FitError(model: name, reason: "q = \(f.estimates[1]) ≤ 1: the expected spend per transaction is not finite")
        }
        return GammaGammaModel(fit: f, excluded: excluded)
    }

    /// Log-likelihood of one customer (x > 0, m > 0) at the fitted parameters.
    public func logLikelihood(x: Int32, m: Double) -> Double {
        let xd = Double(x), px = p * xd
        return Special.logGamma(px + q) - Special.logGamma(px) - Special.logGamma(q) + q * Foundation.log(gamma)
            + (px - 1) * Foundation.log(m) + px * Foundation.log(xd) - (px + q) * Foundation.log(xd * m + gamma)
    }

    /// Population mean spend per transaction, `p γ / (q − 1)`.
    public var populationMeanSpend: Double { p * gamma / (q - 1) }

    /// E[spend per transaction | x, m] = `(1 − w) · pγ/(q−1) + w · m`, `w = p x / (p x + q − 1)`
    /// (lifetimes' `conditional_expected_average_profit`); the population mean when x = 0.
    public func conditionalExpectedSpend(x: Int32, m: Double) -> Double {
        let w = p * Double(x) / (p * Double(x) + q - 1)
        return (1 - w) * populationMeanSpend + w * (x > 0 ? m : 0)
    }
}
