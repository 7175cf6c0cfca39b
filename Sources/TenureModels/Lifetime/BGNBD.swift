import Foundation
import TenureNumerics

/// A fitted repeat-purchase ("buy till you die") model. Times are in the model's time unit; for
/// BG/BB they are counts of transaction opportunities. `x` = repeat purchases (frequency),
/// `tx` = recency, `T` = age at the end of calibration.
public protocol RepeatPurchaseModel: Sendable {
    /// Short name used in output (`bgnbd`, `pareto-nbd`, `mbgnbd`, `bgbb`).
    static var name: String { get }
    var fit: MLEFit { get }
    /// The model at `fit.estimates` (how parameter draws make a model of each draw).
    init(fit: MLEFit)
    /// P(the customer is still active at the end of calibration | x, tx, T).
    func probabilityAlive(x: Int32, tx: Double, T: Double) -> Double
    /// E[repeat purchases in (T, T + t] | x, tx, T].
    func conditionalExpectedPurchases(_ t: Double, x: Int32, tx: Double, T: Double) -> Double
    /// E[repeat purchases in (0, t]] for a customer just acquired.
    func expectedPurchases(_ t: Double) -> Double
    /// Log-likelihood of one pattern at the fitted parameters.
    func logLikelihood(x: Int32, tx: Double, T: Double) -> Double
}

/// BG/NBD and MBG/NBD: the four parameters (r, α) of the purchase rate and (a, b) of the dropout
/// probability, in `fit.estimates` order.
public protocol BetaGeometricFamily {
    var fit: MLEFit { get }
}

extension BetaGeometricFamily {
    public var r: Double { fit.estimates[0] }
    public var alpha: Double { fit.estimates[1] }
    public var a: Double { fit.estimates[2] }
    public var b: Double { fit.estimates[3] }
}

/// BG/NBD (Fader, Hardie & Lee 2005): purchases Poisson(λ) while alive, λ ~ Gamma(r, α); after each
/// purchase the customer drops out with probability p ~ Beta(a, b).
///
/// Log-likelihood of (x, tx, T), as in lifetimes' `BetaGeoFitter`:
/// `ln Γ(r+x) − ln Γ(r) + r ln α + ln B(a, b+x) − ln B(a, b)
///   + ln[(α+T)^−(r+x) + 1{x>0} · a/(b+x−1) · (α+tx)^−(r+x)]`.
/// Fitted on unique patterns with weights; the gradient and the Hessian are analytic (digamma and
/// trigamma of the x-only terms, cached per distinct x; see `negLogLikelihood(_:_:_:_:)`).
public struct BGNBDModel: RepeatPurchaseModel, BetaGeometricFamily, Codable, Equatable {
    public static let name = "bgnbd"
    public var fit: MLEFit

    public init(fit: MLEFit) { self.fit = fit }
    /// A model at given parameters (no covariance), e.g. for scenario simulation.
    public init(r: Double, alpha: Double, a: Double, b: Double) {
        fit = MLEFit(names: ["r", "alpha", "a", "b"], estimates: [r, alpha, a, b], covariance: Matrix(rows: 4, cols: 4),
                     logLikelihood: .nan, observations: 0, patterns: 0, iterations: 0, gradientNorm: 0)
    }

    /// The terms of log L that depend on x alone (Σ over distinct x, weighted by customers) and their
    /// gradient in (r, α, a, b): (ll, ∂r, ∂α, ∂a, ∂b).
    static func xTerms(r: Double, alpha al: Double, a: Double, b: Double, _ byX: WeightsByX) -> (Double, Double, Double, Double, Double) {
        var ll = 0.0, gr = 0.0, gal = 0.0, ga = 0.0, gb = 0.0
        let lgr = Special.logGamma(r), psr = Special.digamma(r)
        let lgab = Special.logGamma(a + b), psab = Special.digamma(a + b)
        let lgb = Special.logGamma(b), psb = Special.digamma(b)
        let lal = Foundation.log(al)
        for x in 0...byX.maxX where byX.w[x] > 0 {
            let w = byX.w[x], xd = Double(x)
            ll += w * (Special.logGamma(r + xd) - lgr + r * lal + lgab + Special.logGamma(b + xd) - lgb - Special.logGamma(a + b + xd))
            gr += w * (Special.digamma(r + xd) - psr + lal)
            gal += w * r / al
            let psabx = Special.digamma(a + b + xd)
            ga += w * (psab - psabx)
            gb += w * (psab + Special.digamma(b + xd) - psb - psabx)
        }
        return (ll, gr, gal, ga, gb)
    }

    /// Total −log L and its gradient in (r, α, a, b) over weighted patterns.
    static func negLogLikelihood(_ th: [Double], _ d: RFMPatterns, _ byX: WeightsByX, _ g: inout [Double]) -> Double {
        let r = th[0], al = th[1], a = th[2], b = th[3]
        guard r > 0, al > 0, a > 0, b > 0 else { g = [.nan, .nan, .nan, .nan]; return .nan }
        var (ll, gr, gal, ga, gb) = xTerms(r: r, alpha: al, a: a, b: b, byX)
        let la = Foundation.log(a)
        d.x.withUnsafeBufferPointer { xs in d.tx.withUnsafeBufferPointer { txs in
        d.T.withUnsafeBufferPointer { Ts in d.weight.withUnsafeBufferPointer { ws in
            for i in 0..<xs.count {
                let x = Double(xs[i]), w = ws[i], rx = r + x
                let lT = Foundation.log(al + Ts[i])
                let a3 = -rx * lT
                if xs[i] == 0 {
                    ll += w * a3
                    gr -= w * lT; gal -= w * rx / (al + Ts[i])
                    continue
                }
                let ltx = Foundation.log(al + txs[i])
                let a4 = la - Foundation.log(b + x - 1) - rx * ltx
                let m = max(a3, a4)
                let e3 = Foundation.exp(a3 - m), e4 = Foundation.exp(a4 - m)
                let den = e3 + e4
                let p3 = e3 / den, p4 = e4 / den
                ll += w * (m + Foundation.log(den))
                gr -= w * (p3 * lT + p4 * ltx)
                gal -= w * rx * (p3 / (al + Ts[i]) + p4 / (al + txs[i]))
                ga += w * p4 / a
                gb -= w * p4 / (b + x - 1)
            }
        }}}}
        g = [-gr, -gal, -ga, -gb]
        return -ll
    }

    /// The patterns rearranged for fast likelihood evaluation: customers without a repeat purchase
    /// aggregated by T; for the others, indices into the distinct T and t_x values, so each
    /// evaluation takes the logarithms once per distinct value and per pattern only one `exp` and
    /// one `log1p`.
    struct Prepared {
        var byX: WeightsByX
        var tValues: [Double] = [], txValues: [Double] = []
        /// x = 0: weight per distinct T value (index into tValues).
        var zeroWeight: [Double] = []
        /// x > 0 patterns: x, index of T, index of tx, weight.
        var x: [Int32] = [], ti: [Int32] = [], txi: [Int32] = [], w: [Double] = []

        init(_ d: RFMPatterns) {
            byX = WeightsByX(x: d.x, weight: d.weight)
            var tIndex = DistinctValues(), txIndex = DistinctValues()
            for k in 0..<d.count {
                let T = d.T[k]
                let (j, newT) = tIndex.index(T)
                if newT { tValues.append(T); zeroWeight.append(0) }
                if d.x[k] == 0 { zeroWeight[Int(j)] += d.weight[k]; continue }
                let tx = d.tx[k]
                let (i, newTx) = txIndex.index(tx)
                if newTx { txValues.append(tx) }
                x.append(d.x[k]); ti.append(j); txi.append(i); w.append(d.weight[k])
            }
        }
    }

    /// Numbers of distinct values in first-seen order: whole numbers in [0, 65,536) (recency and age
    /// in days, weeks or months) through a direct table, anything else through a dictionary of bits.
    struct DistinctValues {
        var small = [Int32](repeating: -1, count: 65_536)
        var other: [UInt64: Int32] = [:]
        var count: Int32 = 0
        /// The value's number, and whether it is new.
        mutating func index(_ v: Double) -> (Int32, Bool) {
            if v >= 0 && v < 65_536 && v == v.rounded(.down) {
                let k = Int(v)
                if small[k] >= 0 { return (small[k], false) }
                small[k] = count; count += 1
                return (small[k], true)
            }
            if let e = other[v.bitPattern] { return (e, false) }
            other[v.bitPattern] = count; count += 1
            return (count - 1, true)
        }
    }

    /// log(e^a₃ + e^a₄) and the weights p₃ = e^a₃ / (e^a₃ + e^a₄), p₄ = 1 − p₃, with one `exp` and one
    /// `log1p` and no overflow.
    @inline(__always) static func logSumExp(_ a3: Double, _ a4: Double) -> (lse: Double, p3: Double, p4: Double) {
        if a3 >= a4 {
            let e = Foundation.exp(a4 - a3), p3 = 1 / (1 + e)
            return (a3 + Foundation.log1p(e), p3, e * p3)
        }
        let e = Foundation.exp(a3 - a4), p4 = 1 / (1 + e)
        return (a4 + Foundation.log1p(e), e * p4, p4)
    }

    /// Total −log L and its gradient, as `negLogLikelihood`, on prepared data.
    static func negLogLikelihood(_ th: [Double], _ p: Prepared, _ g: inout [Double]) -> Double {
        let r = th[0], al = th[1], a = th[2], b = th[3]
        guard r > 0, al > 0, a > 0, b > 0 else { g = [.nan, .nan, .nan, .nan]; return .nan }
        let byX = p.byX
        var (ll, gr, gal, ga, gb) = xTerms(r: r, alpha: al, a: a, b: b, byX)
        var lbx = [Double](repeating: 0, count: byX.maxX + 1), ibx = lbx
        for x in 1..<max(1, byX.maxX + 1) where byX.w[x] > 0 {
            lbx[x] = Foundation.log(b + Double(x) - 1); ibx[x] = 1 / (b + Double(x) - 1)
        }
        let lT = p.tValues.map { Foundation.log(al + $0) }, iT = p.tValues.map { 1 / (al + $0) }
        let lX = p.txValues.map { Foundation.log(al + $0) }, iX = p.txValues.map { 1 / (al + $0) }
        for j in 0..<p.tValues.count where p.zeroWeight[j] > 0 {
            let w = p.zeroWeight[j]
            ll -= w * r * lT[j]; gr -= w * lT[j]; gal -= w * r * iT[j]
        }
        let la = Foundation.log(a), ia = 1 / a
        let sums = patternSums(r: r, la: la, p, lT: lT, iT: iT, lX: lX, iX: iX, lbx: lbx, ibx: ibx, hessian: false)
        let sll = sums[0], sgr = sums[1], sgal = sums[2], sga = sums[3], sgb = sums[4]
        ll += sll; gr += sgr; gal += sgal; ga += sga * ia; gb += sgb
        g = [-gr, -gal, -ga, -gb]
        return -ll
    }

    /// Total −log L with its gradient and analytic Hessian in (r, α, a, b) on prepared data. Each
    /// pattern's term is a log-sum-exp of two terms a₃, a₄ with weights p₃, p₄ (p₃ + p₄ = 1), so
    /// its Hessian is `p₃∇²a₃ + p₄∇²a₄ + p₃p₄ (∇a₃ − ∇a₄)(∇a₃ − ∇a₄)ᵀ`; the x-only terms use trigamma.
    static func negLogLikelihood(_ th: [Double], _ p: Prepared, _ g: inout [Double], _ hess: inout Matrix) -> Double {
        let r = th[0], al = th[1], a = th[2], b = th[3]
        guard r > 0, al > 0, a > 0, b > 0 else { g = [.nan, .nan, .nan, .nan]; return .nan }
        // H holds the Hessian of +log L (negated at the end); index order r, α, a, b.
        var H = [Double](repeating: 0, count: 16)
        @inline(__always) func add(_ i: Int, _ j: Int, _ v: Double) { H[i * 4 + j] += v; if i != j { H[j * 4 + i] += v } }
        var ll = 0.0, gr = 0.0, gal = 0.0, ga = 0.0, gb = 0.0
        let byX = p.byX
        let lgr = Special.logGamma(r), psr = Special.digamma(r), tgr = Special.trigamma(r)
        let lgab = Special.logGamma(a + b), psab = Special.digamma(a + b), tgab = Special.trigamma(a + b)
        let lgb = Special.logGamma(b), psb = Special.digamma(b), tgb = Special.trigamma(b)
        let lal = Foundation.log(al)
        var lbx = [Double](repeating: 0, count: byX.maxX + 1), ibx = lbx
        var wTot = 0.0
        for x in 0...byX.maxX where byX.w[x] > 0 {
            let w = byX.w[x], xd = Double(x)
            wTot += w
            ll += w * (Special.logGamma(r + xd) - lgr + r * lal + lgab + Special.logGamma(b + xd) - lgb - Special.logGamma(a + b + xd))
            gr += w * (Special.digamma(r + xd) - psr + lal)
            let psabx = Special.digamma(a + b + xd), tgabx = Special.trigamma(a + b + xd)
            ga += w * (psab - psabx)
            gb += w * (psab + Special.digamma(b + xd) - psb - psabx)
            add(0, 0, w * (Special.trigamma(r + xd) - tgr))
            add(2, 2, w * (tgab - tgabx))
            add(2, 3, w * (tgab - tgabx))
            add(3, 3, w * (tgab + Special.trigamma(b + xd) - tgb - tgabx))
            if x > 0 { lbx[x] = Foundation.log(b + xd - 1); ibx[x] = 1 / (b + xd - 1) }
        }
        gal += wTot * r / al
        add(0, 1, wTot / al)
        add(1, 1, -wTot * r / (al * al))
        let lT = p.tValues.map { Foundation.log(al + $0) }, iT = p.tValues.map { 1 / (al + $0) }
        let lX = p.txValues.map { Foundation.log(al + $0) }, iX = p.txValues.map { 1 / (al + $0) }
        for j in 0..<p.tValues.count where p.zeroWeight[j] > 0 {
            let w = p.zeroWeight[j]
            ll -= w * r * lT[j]; gr -= w * lT[j]; gal -= w * r * iT[j]
            add(0, 1, -w * iT[j]); add(1, 1, w * r * iT[j] * iT[j])
        }
        let la = Foundation.log(a), ia = 1 / a
        let sums = patternSums(r: r, la: la, p, lT: lT, iT: iT, lX: lX, iX: iX, lbx: lbx, ibx: ibx, hessian: true)
        let sll = sums[0], sgr = sums[1], sgal = sums[2], sga = sums[3], sgb = sums[4]
        let h01 = sums[5], h11 = sums[6], h22 = sums[7], h33 = sums[8]
        let c00 = sums[9], c01 = sums[10], c02 = sums[11], c03 = sums[12], c11 = sums[13], c12 = sums[14], c13 = sums[15]
        let c22 = sums[16], c23 = sums[17], c33 = sums[18]
        ll += sll; gr += sgr; gal += sgal; ga += sga * ia; gb += sgb
        add(0, 1, h01); add(1, 1, h11); add(2, 2, -h22 * ia * ia); add(3, 3, h33)
        // δ₂ = −1/a: scale the a-components
        add(0, 0, c00); add(0, 1, c01); add(0, 2, -c02 * ia); add(0, 3, c03)
        add(1, 1, c11); add(1, 2, -c12 * ia); add(1, 3, c13)
        add(2, 2, c22 * ia * ia); add(2, 3, -c23 * ia); add(3, 3, c33)
        g = [-gr, -gal, -ga, -gb]
        hess = Matrix(rows: 4, cols: 4, data: H.map { -$0 })
        return -ll
    }

    /// The O(patterns) part of the likelihood: sums over the patterns with x > 0, in `Parallel.blockSum`
    /// blocks — [log L, ∂r, ∂α, a·∂a, ∂b] and, with `hessian`, the second-order sums
    /// [h01, h11, h22, h33] (p₃∇²a₃ + p₄∇²a₄) and the 10 of p₃p₄ δδᵀ, δ = (lX − lT, −rx (iT − iX), −1/a, 1/(b+x−1)).
    static func patternSums(r: Double, la: Double, _ p: Prepared, lT: [Double], iT: [Double], lX: [Double], iX: [Double],
                            lbx: [Double], ibx: [Double], hessian: Bool) -> [Double] {
        Parallel.blockSum(count: p.x.count, width: hessian ? 19 : 5) { range, acc in
            var sll = 0.0, sgr = 0.0, sgal = 0.0, sga = 0.0, sgb = 0.0
            var h01 = 0.0, h11 = 0.0, h22 = 0.0, h33 = 0.0
            var c00 = 0.0, c01 = 0.0, c02 = 0.0, c03 = 0.0, c11 = 0.0, c12 = 0.0, c13 = 0.0, c22 = 0.0, c23 = 0.0, c33 = 0.0
            p.x.withUnsafeBufferPointer { xs in p.ti.withUnsafeBufferPointer { tis in
            p.txi.withUnsafeBufferPointer { txis in p.w.withUnsafeBufferPointer { ws in
            lT.withUnsafeBufferPointer { lT in iT.withUnsafeBufferPointer { iT in
            lX.withUnsafeBufferPointer { lX in iX.withUnsafeBufferPointer { iX in
            lbx.withUnsafeBufferPointer { lbx in ibx.withUnsafeBufferPointer { ibx in
                for k in range {
                    let xi = Int(xs[k]), w = ws[k], rx = r + Double(xi)
                    let j = Int(tis[k]), i = Int(txis[k])
                    let a3 = -rx * lT[j]
                    let a4 = la - lbx[xi] - rx * lX[i]
                    let (lse, p3, p4) = logSumExp(a3, a4)
                    let ib = ibx[xi]
                    sll += w * lse
                    sgr -= w * (p3 * lT[j] + p4 * lX[i])
                    sgal -= w * rx * (p3 * iT[j] + p4 * iX[i])
                    sga += w * p4
                    sgb -= w * p4 * ib
                    guard hessian else { continue }
                    h01 -= w * (p3 * iT[j] + p4 * iX[i])
                    h11 += w * rx * (p3 * iT[j] * iT[j] + p4 * iX[i] * iX[i])
                    h22 += w * p4
                    h33 += w * p4 * ib * ib
                    let q = w * p3 * p4
                    let d0 = lX[i] - lT[j], d1 = -rx * (iT[j] - iX[i]), d3 = ib
                    c00 += q * d0 * d0; c01 += q * d0 * d1; c02 += q * d0; c03 += q * d0 * d3
                    c11 += q * d1 * d1; c12 += q * d1; c13 += q * d1 * d3
                    c22 += q; c23 += q * d3; c33 += q * d3 * d3
                }
            }}}}}}}}}}
            acc[0] = sll; acc[1] = sgr; acc[2] = sgal; acc[3] = sga; acc[4] = sgb
            guard hessian else { return }
            for (j, v) in [h01, h11, h22, h33, c00, c01, c02, c03, c11, c12, c13, c22, c23, c33].enumerated() { acc[5 + j] = v }
        }
    }

    /// Fits by maximum likelihood. Throws `FitError` when the fit does not converge or the data
    /// cannot identify the parameters (e.g. no repeat purchases).
    public static func fit(_ d: RFMPatterns) throws -> BGNBDModel {
        guard d.x.contains(where: { $0 > 0 }) else {
            throw FitError(model: name, reason: "no customer has a repeat purchase: the model cannot be identified")
        }
        var starts = defaultStarts(d)
        // Many patterns: start from the fit to every k-th pattern (about 8,000 of them), a few Newton
        // steps from the optimum, so the full data take three or four evaluations instead of eight
        // or more. The optimum is the full data's either way; the other starts remain as fallbacks.
        let k = d.count / 8_000
        if k >= 4, let warm = try? fitPatterns(d.sample(every: k), starts: starts) {
            starts.insert(warm.estimates, at: 0)
        }
        let f = try fitPatterns(d, starts: starts)
        return BGNBDModel(fit: f.describingLimit("BG/NBD", bound: "alpha ≤ 10⁶ × the longest customer age, a, b ≤ 10⁶", f.bgnbdLimits))
    }

    /// lifetimes' start (log-parameters 0.1, T scaled to at most 10), then two fallbacks.
    static func defaultStarts(_ d: RFMPatterns) -> [[Double]] {
        let s = max(d.T.max() ?? 1, 1e-9) / 10
        let e = Foundation.exp(0.1)
        return [[e, e * s, e, e], [1, s, 1, 1], [0.5, 2 * s, 0.5, 2]]
    }

    static func fitPatterns(_ d: RFMPatterns, starts: [[Double]]) throws -> MLEFit {
        let prepared = Prepared(d)
        return try MLE.fit(model: name, names: ["r", "alpha", "a", "b"], starts: starts, observations: d.totalWeight,
                           patterns: d.count, bounds: bgnbdBounds(d), hessian: { th, g, h in negLogLikelihood(th, prepared, &g, &h) }) { th, g in
            negLogLikelihood(th, prepared, &g)
        }
    }

    public func logLikelihood(x: Int32, tx: Double, T: Double) -> Double {
        let xd = Double(x)
        var v = Special.logGamma(r + xd) - Special.logGamma(r) + r * Foundation.log(alpha)
            + Special.logBeta(a, b + xd) - Special.logBeta(a, b)
        let a3 = -(r + xd) * Foundation.log(alpha + T)
        if x > 0 {
            let a4 = Foundation.log(a) - Foundation.log(b + xd - 1) - (r + xd) * Foundation.log(alpha + tx)
            v += logAddExp(a3, a4)
        } else { v += a3 }
        return v
    }

    /// `1 / (1 + 1{x>0} · a/(b+x−1) · ((α+T)/(α+tx))^(r+x))`.
    public func probabilityAlive(x: Int32, tx: Double, T: Double) -> Double {
        guard x > 0 else { return 1 }
        let xd = Double(x)
        let lo = Foundation.log(a / (b + xd - 1)) + (r + xd) * Foundation.log((alpha + T) / (alpha + tx))
        return 1 / (1 + Foundation.exp(lo))
    }

    /// `A(t | x, T) / D(x, tx, T)` (`hypergeometricPart`, `recencyDivisor`).
    public func conditionalExpectedPurchases(_ t: Double, x: Int32, tx: Double, T: Double) -> Double {
        guard t > 0 else { return 0 }
        return hypergeometricPart(t, x: x, T: T) / recencyDivisor(x: x, tx: tx, T: T)
    }

    /// `A = (a+b+x−1)/(a−1) · [1 − ((α+T)/(α+T+t))^(r+x) · ₂F₁(r+x, b+x; a+b+x−1; t/(α+T+t))]` (0 for
    /// t ≤ 0): the part of the conditional expectation that does not depend on recency, so forecasts
    /// compute it once per distinct (x, T). For a < 1 the factor and the bracket are both negative
    /// (and for x = 0 with a + b < 1 the ₂F₁ changes sign): `oneMinusScaledHyp2f1` keeps the sign.
    func hypergeometricPart(_ t: Double, x: Int32, T: Double) -> Double {
        guard t > 0 else { return 0 }
        let xd = Double(x)
        let first = (a + b + xd - 1) / (a - 1)
        return first * oneMinusScaledHyp2f1(r + xd, b + xd, a + b + xd - 1, t / (alpha + T + t),
                                            logFactor: (r + xd) * Foundation.log((alpha + T) / (alpha + t + T)))
    }

    /// `D = 1 + 1{x>0} · a/(b+x−1) · ((α+T)/(α+tx))^(r+x)`.
    func recencyDivisor(x: Int32, tx: Double, T: Double) -> Double {
        let xd = Double(x)
        return x > 0 ? 1 + (a / (b + xd - 1)) * Foundation.exp((r + xd) * Foundation.log((alpha + T) / (alpha + tx))) : 1
    }

    /// `(a+b−1)/(a−1) · [1 − (α/(α+t))^r · ₂F₁(r, b; a+b−1; t/(α+t))]`.
    public func expectedPurchases(_ t: Double) -> Double {
        guard t > 0 else { return 0 }
        return (a + b - 1) / (a - 1) * oneMinusScaledHyp2f1(r, b, a + b - 1, t / (alpha + t), logFactor: r * Foundation.log(alpha / (alpha + t)))
    }
}

/// Search bounds of BG/NBD and MBG/NBD: r, a, b in [10⁻⁶, 10⁶], alpha in 10^±6 × the longest age.
func bgnbdBounds(_ d: RFMPatterns) -> MLE.Bounds {
    let t = max(d.T.max() ?? 1, 1e-9)
    return MLE.Bounds(lower: [1e-6, 1e-6 * t, 1e-6, 1e-6], upper: [1e6, 1e6 * t, 1e6, 1e6])
}

extension MLEFit {
    /// BG/NBD and MBG/NBD limits.
    var bgnbdLimits: [String: (String, [String: Double])] {
        let r = estimates[0], al = estimates[1], a = estimates[2], b = estimates[3]
        let one = ("one purchase rate for all customers: Poisson purchases at lambda = r/alpha", ["lambda": r / al])
        let drop = ("one dropout probability for all customers: p = a/(a+b) after each purchase", ["p": a / (a + b)])
        return ["alpha": one, "r": one, "a": drop, "b": drop,
                "a→0": ("dropout probabilities concentrated at zero: no one drops out (the NBD model)", ["r": r, "alpha": al])]
    }
}

/// log ₂F₁(a, b; c; z) for 0 ≤ z < 1 with a, b, c > 0 as the BTYD forecasts need, via
/// `Special.logHyp2f1`, falling back to Euler's transformation
/// `₂F₁(a,b;c;z) = (1−z)^(c−a−b) ₂F₁(c−a, c−b; c; z)` when the direct value is not finite
/// (lifetimes does the same).
func logHyp2f1(_ a: Double, _ b: Double, _ c: Double, _ z: Double) -> Double {
    if z == 0 { return 0 }
    let v = Special.logHyp2f1(a, b, c, z)
    if v.isFinite { return v }
    return Special.logHyp2f1(c - a, c - b, c, z) + (c - a - b) * Foundation.log1p(-z)
}

/// `1 − ρ ₂F₁(a, b; c; z)` for ρ = exp(`logFactor`) > 0, 0 ≤ z < 1: BG/NBD's bracket. ₂F₁ is
/// negative for some z when c < 0 (x = 0 with a + b < 1, which fits and parameter draws can
/// reach), so it is taken with its sign (`Special.logHyp2f1Signed`, Euler's transformation when
/// the direct value is not finite) instead of through its logarithm alone.
func oneMinusScaledHyp2f1(_ a: Double, _ b: Double, _ c: Double, _ z: Double, logFactor: Double) -> Double {
    if z == 0 { return -Foundation.expm1(logFactor) }
    var h = Special.logHyp2f1Signed(a, b, c, z)
    if !h.log.isFinite {
        let e = Special.logHyp2f1Signed(c - a, c - b, c, z)
        h = (e.log + (c - a - b) * Foundation.log1p(-z), e.sign)
    }
    return h.sign > 0 ? -Foundation.expm1(h.log + logFactor) : 1 + Foundation.exp(h.log + logFactor)
}
