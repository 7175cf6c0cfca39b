import Foundation
import TenureCohorts
import TenureData
import TenureLifetime
import TenureNumerics

/// Builds a segment's `Baseline` from the reduced data (`ROIInputs`): BG/NBD and Gamma-Gamma fitted
/// on the segment's RFM summary in weeks, an sBG fitted on its subscriptions' first spells, and the
/// curves the scenario effects act upon (see `Baseline`).
public struct BaselineBuilder {
    public let inputs: ROIInputs
    var summary: RFMSummary { inputs.summary }
    /// The segment labels (`CustomerAttribute`'s order; empty without a segment column).
    public var segmentLevels: [String] { inputs.segments?.levels ?? [] }

    /// Grid step of the curves, in months.
    public var step = 0.5
    public static let unit = TimeUnit.week
    static let unitsPerMonth = Civil.daysPerMonth / 7

    public init(inputs: ROIInputs) { self.inputs = inputs }

    /// The baseline of `segment` (nil = every customer) with curves reaching `months` months.
    public func build(segment: String?, months: Double) throws -> (Baseline, ROIResult.BaselineSummary) {
        var wanted: Int32? = nil
        if let segment {
            guard let i = segmentLevels.firstIndex(of: segment) else {
                throw DataError(.badValue, file: "scenarios", column: "segment", value: segment,
                                expected: segmentLevels.isEmpty ? "`all` (the data has no segment column)"
                                    : "one of the segments in the data: " + segmentLevels.joined(separator: ", ") + ", or `all`")
            }
            wanted = Int32(i)
        }
        let label = segment ?? "all"
        // rows of the RFM summary in the segment
        var xs: [Int32] = [], txs: [Double] = [], Ts: [Double] = [], ms: [Double] = []
        var newLastYear = 0
        let codes = inputs.segments?.codes
        for i in 0..<summary.customer.count where wanted == nil || codes?[Int(summary.customer[i])] == wanted {
            xs.append(summary.frequency[i]); txs.append(summary.recency[i]); Ts.append(summary.T[i])
            ms.append(summary.monetaryValue[i])
            if Int(inputs.asOf) - Int(summary.firstDay[i]) < 365 { newLastYear += 1 }
        }
        guard xs.count >= 10 else {
            throw FitError(model: "ROI baseline", reason: "segment '\(label)' has \(xs.count) customers with purchases; at least 10 are needed to fit BG/NBD")
        }
        let patterns = RFMPatterns(x: xs, tx: txs, T: Ts)
        let bg = try BGNBDModel.fit(patterns)
        let gg = try GammaGammaModel.fit(frequency: xs, monetary: ms)
        let points = Int((months / step).rounded(.up)) + 2
        let theta = bg.fit.estimates + gg.fit.estimates
        let groups = PatternGroups(patterns)
        // Gamma-Gamma moves only the spend weights, so its Jacobian columns reuse the BG/NBD curves.
        let ggSteps = (4..<7).map { 1e-4 * max(abs(theta[$0]), 1e-3) }
        var ggThetas: [[Double]] = []
        for (k, j) in (4..<7).enumerated() {
            var up = theta, dn = theta
            up[j] += ggSteps[k]; dn[j] -= ggSteps[k]
            ggThetas += [up, dn]
        }
        let all = Self.curves(theta, groups, xs: xs, ms, points: points, step: step, spendThetas: ggThetas)
        let curves0 = all.base
        var jac: [Baseline.CurveSet] = []
        func d(_ a: [Double], _ b: [Double], _ h: Double) -> [Double] { zip(a, b).map { ($0 - $1) / (2 * h) } }
        for j in 0..<4 {
            let h = 1e-4 * max(abs(theta[j]), 1e-3)
            var up = theta, dn = theta
            up[j] += h; dn[j] -= h
            let cu = Self.curves(up, groups, xs: xs, ms, points: points, step: step).base
            let cd = Self.curves(dn, groups, xs: xs, ms, points: points, step: step).base
            jac.append(.init(purchases: d(cu.purchases, cd.purchases, h), spend: d(cu.spend, cd.spend, h),
                             alive: d(cu.alive, cd.alive, h), newCustomer: d(cu.newCustomer, cd.newCustomer, h)))
        }
        for k in 0..<3 {
            jac.append(.init(purchases: zeros(points), spend: d(all.spend[2 * k], all.spend[2 * k + 1], ggSteps[k]),
                             alive: zeros(points), newCustomer: zeros(points)))
        }
        var names = ["bgnbd.r", "bgnbd.alpha", "bgnbd.a", "bgnbd.b", "gg.p", "gg.q", "gg.gamma"]
        var cov = Matrix(rows: theta.count, cols: theta.count)
        for i in 0..<4 { for j in 0..<4 { cov[i, j] = bg.fit.covariance[i, j] } }
        for i in 0..<3 { for j in 0..<3 { cov[4 + i, 4 + j] = gg.fit.covariance[i, j] } }

        var b = Baseline(step: step, curves: curves0, meanSpend: gg.populationMeanSpend, customers: xs.count,
                         aliveNow: curves0.alive[0], newPerMonth: Double(newLastYear) / 12)
        var se = Dictionary(uniqueKeysWithValues: zip(names, bg.fit.standardErrors + gg.fit.standardErrors))
        var params = Dictionary(uniqueKeysWithValues: zip(names, theta))
        var active = 0.0
        let book = try subscriptionBook(segment: wanted, firstIndex: theta.count)
        if let book, let limit = book.fit.limit {
            // The sBG fit is its geometric limit (no heterogeneity in churn): one churn rate θ for all,
            // held fixed in the draws (its standard error is in the summary's parameters).
            var fixed = book.book
            fixed.alphaIndex = nil; fixed.betaIndex = nil
            b.subscriptions = fixed
            params["sbg.theta"] = limit.theta; se["sbg.theta"] = limit.thetaSE
            active = book.book.count.reduce(0, +)
        } else if let book {
            b.subscriptions = book.book
            names += ["sbg.alpha", "sbg.beta"]
            let grown = Matrix(rows: theta.count + 2, cols: theta.count + 2)
            var g = grown
            for i in 0..<theta.count { for j in 0..<theta.count { g[i, j] = cov[i, j] } }
            // natural-scale covariance of (α, β) from that of (log α, log β)
            let f = book.fit, s = [f.alpha, f.beta]
            for i in 0..<2 { for j in 0..<2 { g[theta.count + i, theta.count + j] = s[i] * s[j] * f.logCovariance[2 * i + j] } }
            cov = g
            jac += [Baseline.CurveSet](repeating: .init(purchases: zeros(points), spend: zeros(points), alive: zeros(points),
                                                        newCustomer: zeros(points)), count: 2)
            params["sbg.alpha"] = f.alpha; params["sbg.beta"] = f.beta
            se["sbg.alpha"] = f.alphaSE; se["sbg.beta"] = f.betaSE
            active = book.book.count.reduce(0, +)
        }
        b.parameterNames = names
        b.covariance = cov
        b.jacobian = jac
        let summary = ROIResult.BaselineSummary(segment: label, customers: xs.count, aliveNow: b.aliveNow,
                                                newPerMonth: b.newPerMonth, meanSpend: b.meanSpend,
                                                activeSubscriptions: active, parameters: params, standardErrors: se)
        return (b, summary)
    }

    func zeros(_ n: Int) -> [Double] { [Double](repeating: 0, count: n) }

    /// The RFM patterns grouped by (x, T): the BG/NBD forecasts' hypergeometric terms depend on a
    /// pattern only through x and T, and t_x enters as a factor (see `curves`).
    struct PatternGroups {
        let patterns: RFMPatterns
        /// Group of each pattern, and each group's x and T.
        var group: [Int32] = [], x: [Int32] = [], T: [Double] = []
        init(_ patterns: RFMPatterns) {
            self.patterns = patterns
            struct Key: Hashable { let x: Int32; let T: Double }
            var index: [Key: Int32] = [:]
            group.reserveCapacity(patterns.count)
            for p in 0..<patterns.count {
                let key = Key(x: patterns.x[p], T: patterns.T[p])
                if let g = index[key] { group.append(g); continue }
                let g = Int32(x.count)
                index[key] = g; x.append(key.x); T.append(key.T); group.append(g)
            }
        }
        var count: Int { x.count }
    }

    /// The four curves at parameters θ = (r, α, a, b, p, q, γ), summed over customers, plus the
    /// spend curve at each of `spendThetas` (Gamma-Gamma perturbations; same BG/NBD parameters).
    ///
    /// A pattern's conditional expected purchases are E(t | x, t_x, T) = E(t | x, T, T) · P(alive | x, t_x, T) /
    /// P(alive | x, T, T) (the t_x-dependence of the BG/NBD forecast is the P(alive) denominator alone), so each
    /// (x, T) group needs its hypergeometric functions once per grid point, whatever its number of patterns.
    static func curves(_ theta: [Double], _ groups: PatternGroups, xs: [Int32], _ ms: [Double], points: Int, step: Double,
                       spendThetas: [[Double]] = []) -> (base: Baseline.CurveSet, spend: [[Double]]) {
        let bg = BGNBDModel(r: theta[0], alpha: theta[1], a: theta[2], b: theta[3])
        let patterns = groups.patterns
        // Σ over a pattern's customers of their expected spend per order, at θ and at each perturbation
        let ggs = ([theta] + spendThetas).map { GammaGammaModel(p: $0[4], q: $0[5], gamma: $0[6]) }
        let nSpend = ggs.count
        var spendWeight = [Double](repeating: 0, count: patterns.count * nSpend)
        for i in 0..<xs.count {
            let p = Int(patterns.pattern[i])
            for (k, gg) in ggs.enumerated() { spendWeight[p * nSpend + k] += gg.conditionalExpectedSpend(x: xs[i], m: ms[i]) }
        }
        // per group: Σ w·ratio (purchases), Σ spendWeight·ratio (each spend curve), Σ w·P(alive)
        let width = 2 + nSpend
        var sums = [Double](repeating: 0, count: groups.count * width)
        var aliveRep = [Double](repeating: 1, count: groups.count)
        for g in 0..<groups.count { aliveRep[g] = bg.probabilityAlive(x: groups.x[g], tx: groups.T[g], T: groups.T[g]) }
        for p in 0..<patterns.count {
            let g = Int(groups.group[p]), w = patterns.weight[p]
            let alive = bg.probabilityAlive(x: patterns.x[p], tx: patterns.tx[p], T: patterns.T[p])
            let ratio = alive / aliveRep[g]
            sums[g * width] += w * ratio
            sums[g * width + 1] += w * alive
            for k in 0..<nSpend { sums[g * width + 2 + k] += spendWeight[p * nSpend + k] * ratio }
        }
        let k = Self.unitsPerMonth * step
        let chunks = 2
        let rows = 2 + nSpend   // purchases, alive, spend curves
        var partial = [[Double]](repeating: [Double](repeating: 0, count: rows * points), count: chunks)
        let coef = sums
        partial.withUnsafeMutableBufferPointer { parts in
            let parts = parts
            Parallel.forEach(chunks) { c in
                var acc = [Double](repeating: 0, count: rows * points)
                var g = c
                while g < groups.count {
                    let x = groups.x[g], T = groups.T[g]
                    let s = bg.r + Double(x), c2 = bg.a + bg.b + Double(x)
                    for i in 1..<points {
                        let t = Double(i) * k
                        let e = bg.conditionalExpectedPurchases(t, x: x, tx: T, T: T)
                        acc[i] += coef[g * width] * e
                        // P(still alive t later | alive now) = 2F1(r+x, a; a+b+x; −t/(α+T))
                        acc[points + i] += coef[g * width + 1] * Special.hyp2f1(s, bg.a, c2, -t / (bg.alpha + T))
                        for q in 0..<nSpend { acc[(2 + q) * points + i] += coef[g * width + 2 + q] * e }
                    }
                    acc[points] += coef[g * width + 1]   // t = 0: everyone alive now is alive
                    g += chunks
                }
                parts[c] = acc
            }
        }
        var sum = [Double](repeating: 0, count: rows * points)
        for c in 0..<chunks { for i in 0..<sum.count { sum[i] += partial[c][i] } }
        func row(_ r: Int) -> [Double] { Array(sum[r * points..<(r + 1) * points]) }
        let newCustomer = (0..<points).map { $0 == 0 ? 0 : bg.expectedPurchases(Double($0) * k) }
        let base = Baseline.CurveSet(purchases: row(0), spend: row(2), alive: row(1), newCustomer: newCustomer)
        return (base, (1..<nSpend).map { row(2 + $0) })
    }

    /// Active subscriptions with MRR in the segment, grouped by whole months of tenure, and an sBG fit on
    /// the customers observed for at least `K` anniversary months (first-spell survivors at ages 0…K,
    /// the balanced cohort the sBG likelihood of Fader & Hardie takes). nil when there are no
    /// subscriptions with MRR.
    func subscriptionBook(segment: Int32?, firstIndex: Int) throws -> (book: Baseline.SubscriptionBook, fit: SBGFit)? {
        guard let books = inputs.subscriptions else { return nil }
        let include = { (g: Int) in segment == nil || g == Int(segment!) }
        var byTenure: [Int: (mrr: Double, count: Double)] = [:]
        for t in books.active where include(t.group) {
            byTenure[t.age, default: (0, 0)].mrr += t.mrr
            byTenure[t.age, default: (0, 0)].count += t.count
        }
        guard !byTenure.isEmpty else { return nil }
        let maxAge = (0..<books.groups).filter(include).map { books.maxAge[$0] }.max() ?? -1
        let K = min(SubscriptionBooks.maxMonths, maxAge)
        guard K >= 2 else { return nil }
        // Survivors on anniversaries of the first start, first spells only (a plan change is not a loss).
        let fit = try SBG.fit(survivors: books.balanced(K: K, include: include))
        let tenures = byTenure.keys.sorted()
        return (Baseline.SubscriptionBook(alpha: fit.alpha, beta: fit.beta, tenures: tenures,
                                          mrr: tenures.map { byTenure[$0]!.mrr }, count: tenures.map { byTenure[$0]!.count },
                                          alphaIndex: firstIndex, betaIndex: firstIndex + 1), fit)
    }
}
