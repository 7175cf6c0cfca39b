import Foundation
import TenureData
import TenureNumerics

/// Settings of the CLV intervals that carry the estimation uncertainty of the models' parameters.
public struct ParameterDrawOptions: Sendable, Equatable {
    /// Number of parameter draws (0: no such intervals).
    public var draws = 200
    public var seed: UInt64 = 2024
    /// Coverage of the percentile intervals.
    public var level = 0.95
    /// Also an interval per customer (the `--scores` columns): costs draws × customers.
    public var perCustomer = false
    public init(draws: Int = 200, seed: UInt64 = 2024, level: Double = 0.95, perCustomer: Bool = false) {
        self.draws = draws; self.seed = seed; self.level = level; self.perCustomer = perCustomer
    }
}

/// How the parameter-uncertainty intervals were made (JSON `parameter_uncertainty` of the result).
public struct ParameterUncertainty: Sendable, Codable, Equatable {
    public var draws: Int
    public var seed: UInt64
    public var level: Double
    /// Parameters drawn, as `model.parameter`.
    public var drawn: [String]
    /// Parameters held at their estimate because the fit ended on a bound (no standard error).
    public var heldFixed: [String]
    /// Draws of the spend model redrawn because q ≤ 1 (infinite expected spend): the normal is truncated there.
    public var redrawn: Int
    public var method: String
    /// The level as people write it: "95%".
    public var levelText: String { CLVParameterDraws.percent(level) }
    enum CodingKeys: String, CodingKey {
        case draws, seed, level, drawn, redrawn, method
        case heldFixed = "held_fixed"
    }
}

/// A group's mean and total CLV over the parameter draws: the percentile interval at the draws' level.
public struct CLVParameterInterval: Sendable, Codable, Equatable {
    public var meanLower: Double
    public var meanUpper: Double
    public var totalLower: Double
    public var totalUpper: Double
    enum CodingKeys: String, CodingKey {
        case meanLower = "mean_clv_lower", meanUpper = "mean_clv_upper"
        case totalLower = "total_clv_lower", totalUpper = "total_clv_upper"
    }
}

extension MLEFit {
    /// `count` draws of the natural parameters from the asymptotic normal of the log-parameters,
    /// φ ~ N(log θ̂, H_φ⁻¹), H_φ the observed information on log-parameters (`covariance` is
    /// D H_φ⁻¹ D with D = diag(θ̂), so H_φ⁻¹ᵢⱼ = covarianceᵢⱼ / θ̂ᵢθ̂ⱼ); φ = log θ̂ + L z, L Lᵀ = H_φ⁻¹.
    /// Parameters without a standard error (on a bound) stay at their estimate. A draw that fails
    /// `valid` is drawn again (the normal truncated to the valid region), at most 100 × `count` times.
    /// nil when the information is not positive definite, a parameter is `unidentified`, or too few
    /// draws are valid.
    func draws(_ count: Int, _ rng: inout RNG, valid: ([Double]) -> Bool = { _ in true }) -> (draws: [[Double]], redrawn: Int)? {
        let free = freeParameters
        var s = Matrix(rows: free.count, cols: free.count)
        for (u, i) in free.enumerated() {
            for (v, j) in free.enumerated() { s[u, v] = covariance[i, j] / (estimates[i] * estimates[j]) }
        }
        guard let l = try? LinearAlgebra.cholesky(s.symmetrized) else { return nil }
        // A standard error of log θ above 3 (one SD = a factor of 20) means the data hardly identify
        // the parameter: draws would range over many orders of magnitude, where the forecasts are
        // meaningless and their series can take minutes. No draws then.
        guard unidentified.isEmpty else { return nil }
        var out: [[Double]] = [], redrawn = 0
        out.reserveCapacity(count)
        while out.count < count {
            let z = free.map { _ in rng.normal() }
            var theta = estimates
            for (u, i) in free.enumerated() {
                var d = 0.0
                for v in 0...u { d += l[u, v] * z[v] }
                theta[i] = estimates[i] * Foundation.exp(d)
            }
            if valid(theta) { out.append(theta) } else {
                redrawn += 1
                if redrawn > 100 * count { return nil }
            }
        }
        return (out, redrawn)
    }

    /// Indexes of the parameters with a variance (the others ended on a bound).
    var freeParameters: [Int] { names.indices.filter { covariance[$0, $0].isFinite && covariance[$0, $0] > 0 } }

    /// Free parameters the data hardly identify: standard error of log θ above 3 (one SD = a factor of 20).
    var unidentified: [String] {
        freeParameters.filter { covariance[$0, $0] / (estimates[$0] * estimates[$0]) > 9 }.map { names[$0] }
    }

    /// Why `draws` gave none: the unidentified parameters, else `otherwise`.
    func drawRefusal(_ otherwise: String) -> String {
        let u = unidentified
        return u.isEmpty ? otherwise : "the data hardly identify \(u.joined(separator: ", ")) (standard error of the log above 3): no parameter draws"
    }

    /// Names of the parameters a draw holds fixed (no standard error: on a bound).
    var heldFixed: [String] { names.indices.filter { !freeParameters.contains($0) }.map { names[$0] } }
}

/// CLV intervals that carry parameter uncertainty: the repeat-purchase and the Gamma-Gamma
/// parameters are drawn (independently: the two models have separate likelihoods) from their
/// asymptotic normals (`MLEFit.draws`); for each draw b every customer's discounted CLV is
/// recomputed, CLVᵢ(b) = E[spend | xᵢ, mᵢ; ψ_b] × Σⱼ fⱼ ΔE(tⱼ | xᵢ, tₓᵢ, Tᵢ; θ_b) (the same schedule
/// and formulas as the point forecast), and each group's total Σᵢ CLVᵢ(b) is formed. The intervals
/// are the percentiles (linear interpolation between order statistics, R's type 7) of the draws'
/// totals, of the totals / customers for the mean, and with `perCustomer` of each CLVᵢ(b).
///
/// What they describe: the uncertainty of the expected CLV of these customers given their
/// histories that comes from estimating the parameters — not the spread between customers (the
/// summary's other intervals) nor the randomness of future purchases.
///
/// Cost: draws × (the point forecast on the patterns + one pass over (group, pattern) cells);
/// with `perCustomer`, draws × customers more. Results do not depend on the core count: each
/// draw's forecast is computed on one thread and the totals are summed in pattern order.
public enum CLVParameterDraws {
    public struct Output: Sendable {
        public var info: ParameterUncertainty
        /// Per group (`0 ..< groupCount`), then all customers last.
        public var intervals: [CLVParameterInterval?]
        public var customerLower: [Double]?
        public var customerUpper: [Double]?
    }

    /// `frequency`, `monetary` per customer (the RFM summary's), `patterns.pattern[i]` customer i's
    /// pattern, `group[i]` its group in `0 ..< groupCount` or −1 (in the overall total only).
    /// Throws `FitError` when a model's information matrix cannot be drawn from.
    public static func run(model: any RepeatPurchaseModel, modelName: String, spend: GammaGammaModel,
                           frequency: [Int32], monetary: [Double], patterns pat: RFMPatterns,
                           schedule: DiscountSchedule, group: [Int32], groupCount: Int,
                           options: ParameterDrawOptions) throws -> Output {
        let B = options.draws, n = frequency.count, K = pat.count
        precondition(B > 0 && pat.pattern.count == n && group.count == n)
        var rng = RNG(seed: options.seed)
        guard let thetas = model.fit.draws(B, &rng) else {
            throw FitError(model: modelName, reason: model.fit.drawRefusal("its information matrix is not positive definite: no parameter draws"))
        }
        guard let psis = spend.fit.draws(B, &rng, valid: { $0[1] > 1 }) else {
            throw FitError(model: GammaGammaModel.name, reason: spend.fit.drawRefusal("its parameter draws rarely have q > 1 (finite expected spend): no parameter-uncertainty intervals"))
        }
        let started = Date()
        let kind = type(of: model)
        let models: [any RepeatPurchaseModel] = thetas.draws.map { th in
            var f = model.fit; f.estimates = th; return kind.init(fit: f)
        }
        // Expected spend of draw b: pop_b + w_b(x) (m' − pop_b), m' = m when x > 0 else 0 — Gamma-Gamma's
        // conditional expectation with the weight tabled per x.
        let maxX = Int(frequency.max() ?? 0)
        var pop = [Double](repeating: 0, count: B), w = [Double](repeating: 0, count: B * (maxX + 1))
        for b in 0..<B {
            let (p, q, g) = (psis.draws[b][0], psis.draws[b][1], psis.draws[b][2])
            pop[b] = p * g / (q - 1)
            for x in 1...max(maxX, 1) where x <= maxX { w[b * (maxX + 1) + x] = p * Double(x) / (p * Double(x) + q - 1) }
        }
        // Customers in pattern order (counting sort), and per (pattern, group) the customers and Σ m'.
        var start = [Int](repeating: 0, count: K + 1)
        for k in pat.pattern { start[Int(k) + 1] += 1 }
        for k in 0..<K { start[k + 1] += start[k] }
        var members = [Int32](repeating: 0, count: n), fill = start
        for i in 0..<n { let k = Int(pat.pattern[i]); members[fill[k]] = Int32(i); fill[k] += 1 }
        // Cells: per (pattern, group) the customers and Σ m', those of pattern k at cellStart[k] ..< cellStart[k + 1].
        var cellGroup: [Int32] = [], cellN: [Double] = [], cellM: [Double] = []
        var cellStart = [Int](repeating: 0, count: K + 1)
        var cellOf = [Int](repeating: -1, count: groupCount + 1)
        for k in 0..<K {
            cellStart[k] = cellGroup.count
            for j in start[k]..<start[k + 1] {
                let i = Int(members[j]), g = group[i] < 0 ? groupCount : Int(group[i])
                if cellOf[g] < cellStart[k] {
                    cellOf[g] = cellGroup.count
                    cellGroup.append(Int32(g)); cellN.append(0); cellM.append(0)
                }
                cellN[cellOf[g]] += 1
                cellM[cellOf[g]] += frequency[i] > 0 ? monetary[i] : 0
            }
        }
        cellStart[K] = cellGroup.count
        var totals = [Double](repeating: 0, count: (groupCount + 2) * B)   // groups, ungrouped, all
        var lower: [Double]? = options.perCustomer ? [Double](repeating: .nan, count: n) : nil
        var upper = lower
        let (qLo, qHi) = ((1 - options.level) / 2, (1 + options.level) / 2)
        // Patterns in blocks, taken in (x, T, tₓ) order so that a block shares the forecasts'
        // hypergeometric part (per distinct (x, T)): every draw's forecast of a block on one thread,
        // then the block's cells (and customers).
        let order = (0..<K).sorted { (pat.x[$0], pat.T[$0], pat.tx[$0]) < (pat.x[$1], pat.T[$1], pat.tx[$1]) }
        let blockLength = 8_192
        // the block's forecasts per draw, kept only for the per-customer intervals
        var d = [Double](repeating: 0, count: options.perCustomer ? B * min(blockLength, max(K, 1)) : 0)
        for b0 in stride(from: 0, to: K, by: blockLength) {
            let b1 = min(K, b0 + blockLength), len = b1 - b0, block = order[b0..<b1]
            let sub = RFMPatterns(x: block.map { pat.x[$0] }, tx: block.map { pat.tx[$0] }, T: block.map { pat.T[$0] },
                                  weight: block.map { pat.weight[$0] })
            // Each draw on its own thread: its forecast of the block, then its column of the totals
            // (summed in the block's order, so the result does not depend on the cores).
            d.withUnsafeMutableBufferPointer { dp in totals.withUnsafeMutableBufferPointer { tp in
                let dp = dp, tp = tp
                Parallel.forEach(B) { b in
                    let f = Valuation.discountedPurchases(models[b], sub, schedule: schedule)
                    let pb = pop[b], wb = b * (maxX + 1), all = (groupCount + 1) * B + b
                    if options.perCustomer { for j in 0..<len { dp[b * len + j] = f[j] } }
                    for j in 0..<len {
                        let k = order[b0 + j], x = Int(pat.x[k])
                        for c in cellStart[k]..<cellStart[k + 1] {
                            let v = f[j] * (cellN[c] * pb + w[wb + x] * (cellM[c] - cellN[c] * pb))
                            tp[Int(cellGroup[c]) * B + b] += v
                            tp[all] += v
                        }
                    }
                }
            }}
            if options.perCustomer {
                lower!.withUnsafeMutableBufferPointer { lo in upper!.withUnsafeMutableBufferPointer { hi in
                    let lo = lo, hi = hi
                    d.withUnsafeBufferPointer { dp in
                        let dp = dp
                        Parallel.forEachBlock(count: len, minimumPerBlock: 512) { _, range in
                            var values = [Double](repeating: 0, count: B)
                            for j in range {
                                let k = order[b0 + j]
                                for mj in start[k]..<start[k + 1] {
                                    let i = Int(members[mj]), x = Int(frequency[i])
                                    let m = x > 0 ? monetary[i] : 0
                                    for b in 0..<B { values[b] = dp[b * len + j] * (pop[b] + w[b * (maxX + 1) + x] * (m - pop[b])) }
                                    (lo[i], hi[i]) = percentiles(&values, qLo, qHi)
                                }
                            }
                        }
                    }
                }}
            }
            FitProgress.report("parameter draws: \(b1) of \(K) patterns × \(B) draws", since: started)
        }
        var groupSize = [Double](repeating: 0, count: groupCount + 1)
        for g in group { groupSize[g < 0 ? groupCount : Int(g)] += 1 }
        func interval(_ row: Int, customers: Double) -> CLVParameterInterval? {
            guard customers > 0 else { return nil }
            var t = Array(totals[row * B ..< (row + 1) * B])
            let (lo, hi) = percentiles(&t, qLo, qHi)
            guard lo.isFinite && hi.isFinite else { return nil }
            return CLVParameterInterval(meanLower: lo / customers, meanUpper: hi / customers, totalLower: lo, totalUpper: hi)
        }
        var intervals = (0..<groupCount).map { interval($0, customers: groupSize[$0]) }
        intervals.append(interval(groupCount + 1, customers: Double(n)))
        let fixed = model.fit.heldFixed.map { "\(modelName).\($0)" } + spend.fit.heldFixed.map { "\(GammaGammaModel.name).\($0)" }
        let drawn = model.fit.names.map { "\(modelName).\($0)" }.filter { !fixed.contains($0) }
            + spend.fit.names.map { "\(GammaGammaModel.name).\($0)" }.filter { !fixed.contains($0) }
        let info = ParameterUncertainty(
            draws: B, seed: options.seed, level: options.level, drawn: drawn, heldFixed: fixed, redrawn: psis.redrawn,
            method: "\(B) draws of the \(modelName) and Gamma-Gamma parameters from the asymptotic normal of their log-parameters (inverse observed information), each customer's CLV recomputed per draw; \(percent(options.level)) percentile intervals"
                + (fixed.isEmpty ? "" : "; \(fixed.joined(separator: ", ")) held at the bound the fit ended on"))
        return Output(info: info, intervals: intervals, customerLower: lower, customerUpper: upper)
    }

    /// The `lo` and `hi` quantiles of `values` (type 7: linear between order statistics); reorders `values`.
    /// NaN when a value is not finite (a draw whose forecast overflowed).
    static func percentiles(_ values: inout [Double], _ lo: Double, _ hi: Double) -> (Double, Double) {
        let n = values.count
        guard n > 0, values.allSatisfy({ $0.isFinite }) else { return (.nan, .nan) }
        let hl = Double(n - 1) * lo, hh = Double(n - 1) * hi
        let l0 = Int(hl.rounded(.down)), h0 = Int(hh.rounded(.down))
        let s = orderStatistics(&values, ranks: [l0, min(l0 + 1, n - 1), h0, min(h0 + 1, n - 1)])
        return (s[0] + (hl - Double(l0)) * (s[1] - s[0]), s[2] + (hh - Double(h0)) * (s[3] - s[2]))
    }

    static func percent(_ level: Double) -> String {
        let p = 100 * level
        return p == p.rounded() ? "\(Int(p))%" : "\(p)%"
    }
}
