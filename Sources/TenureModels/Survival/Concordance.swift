/// Harrell's concordance index (C) of a risk score against right-censored times.
///
/// Contract: over comparable pairs (i, j) — same stratum, i has an event at tᵢ and tⱼ > tᵢ, or
/// tⱼ = tᵢ with j censored — the pair is concordant when riskᵢ > riskⱼ, discordant when
/// riskᵢ < riskⱼ, tied when equal; C = (concordant + tied/2) / (concordant + discordant + tied).
/// Pairs of events at the same time are excluded (`tiedTime` counts them). This is R
/// `concordance(..., reverse = TRUE)` as `coxph` reports it, and lifelines'
/// `concordance_index(T, -risk, E)`. Exact integer counts, O(n log n) with a Fenwick tree.
public struct Concordance: Sendable, Codable, Equatable {
    public var value: Double
    public var concordant: Double
    public var discordant: Double
    public var tiedRisk: Double
    public var tiedTime: Double
    enum CodingKeys: String, CodingKey {
        case value, concordant, discordant
        case tiedRisk = "tied_risk", tiedTime = "tied_time"
    }

    /// Concordance of `risk` with (`time`, `event`) for unsorted data.
    public static func compute(risk: [Double], sample: SurvivalSample, strata: [Int32]? = nil) -> Concordance {
        var order = RadixSort.order(sample.time)
        var nStrata = 1
        if let strata { nStrata = Int(strata.max() ?? 0) + 1; if nStrata > 1 { order = RadixSort.stableBy(order, bucket: strata, buckets: nStrata) } }
        let n = order.count
        var r = [Double](repeating: 0, count: n), t = r, e = [UInt8](repeating: 0, count: n)
        var st = [Int32](repeating: 0, count: n)
        for i in 0..<n {
            let k = Int(order[i]); r[i] = risk[k]; t[i] = sample.time[k]; e[i] = sample.event[k] ? 1 : 0
            st[i] = strata?[k] ?? 0
        }
        var groups: [Range<Int>] = [], ranges: [Range<Int>] = []
        var i = 0, sStart = 0
        while i < n {
            var j = i
            while j < n && st[j] == st[i] && t[j] == t[i] { j += 1 }
            if i > 0 && st[i - 1] != st[i] { ranges.append(sStart..<groups.count); sStart = groups.count }
            groups.append(i..<j); i = j
        }
        ranges.append(sStart..<groups.count)
        return compute(risk: r, time: t, event: e, groups: groups, strata: ranges)
    }

    /// Sorted input: `groups` are the (stratum, time) runs in ascending time, `strata` the group
    /// ranges of each stratum.
    static func compute(risk: [Double], time: [Double], event: [UInt8], groups: [Range<Int>], strata: [Range<Int>]) -> Concordance {
        let n = risk.count
        // dense ranks of the risk score (1-based)
        let order = RadixSort.order(risk)
        var rank = [Int32](repeating: 0, count: n)
        var m: Int32 = 0
        var prev = Double.nan
        for k in order { let v = risk[Int(k)]; if !(v == prev) { m += 1; prev = v }; rank[Int(k)] = m }
        let size = Int(m)
        var tree = [Int64](repeating: 0, count: size + 1)
        var conc: Int64 = 0, disc: Int64 = 0, tied: Int64 = 0, tiedT: Int64 = 0
        tree.withUnsafeMutableBufferPointer { tr in
            @inline(__always) func add(_ i: Int, _ v: Int64) { var i = i; while i <= size { tr[i] += v; i += i & -i } }
            @inline(__always) func prefix(_ i: Int) -> Int64 { var i = i, s: Int64 = 0; while i > 0 { s += tr[i]; i -= i & -i }; return s }
            for sr in strata {
                guard !sr.isEmpty else { continue }
                let lo = groups[sr.lowerBound].lowerBound, hi = groups[sr.upperBound - 1].upperBound
                for i in lo..<hi { add(Int(rank[i]), 1) }
                var inTree = Int64(hi - lo)
                for g in sr {
                    let rg = groups[g]
                    var d: Int64 = 0
                    for i in rg where event[i] != 0 { add(Int(rank[i]), -1); d += 1 }
                    inTree -= d
                    if d > 0 {
                        for i in rg where event[i] != 0 {
                            let rk = Int(rank[i])
                            let below = prefix(rk - 1), upto = prefix(rk)
                            conc += below; tied += upto - below; disc += inTree - upto
                        }
                        tiedT += d * (d - 1) / 2
                    }
                    for i in rg where event[i] == 0 { add(Int(rank[i]), -1); inTree -= 1 }
                }
            }
        }
        let c = Double(conc), dcs = Double(disc), tr = Double(tied)
        return Concordance(value: (c + tr / 2) / (c + dcs + tr), concordant: c, discordant: dcs,
                           tiedRisk: tr, tiedTime: Double(tiedT))
    }
}
