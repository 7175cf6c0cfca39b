/// Harrell's concordance index (C) of a risk score against right-censored times.
///
/// Contract: over comparable pairs (i, j) — same stratum, i has an event at tᵢ and tⱼ > tᵢ, or
/// tⱼ = tᵢ with j censored — the pair is concordant when riskᵢ > riskⱼ, discordant when
/// riskᵢ < riskⱼ, tied when equal; C = (concordant + tied/2) / (concordant + discordant + tied).
/// Pairs of events at the same time are excluded: `tiedTime` counts those with different risks (R's
/// `tied.y`; pairs tied on both are R's `tied.xy`, counted in neither). This is R
/// `concordance(..., reverse = TRUE)` as `coxph` reports it, and lifelines'
/// `concordance_index(T, -risk, E)`. Exact integer counts, O(n log n): subjects in order of risk,
/// a Fenwick tree over their (stratum, time) groups — small and cache-resident when times are days.
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

    /// Concordance of `risk` with (`time`, `event`), optionally within strata (codes ≥ 0).
    public static func compute(risk: [Double], sample: SurvivalSample, strata: [Int32]? = nil) -> Concordance {
        let ev = sample.event.map { $0 ? UInt8(1) : 0 }
        return compute(risk: risk, event: ev, groups: TimeGroups(time: sample.time, event: sample.event, strata: strata))
    }

    /// Subjects are visited in ascending risk, a block of equal risk at a time. Each subject sits in
    /// the tree under key 2g (event) or 2g + 1 (censored) of its group g, so for an event in group g
    /// the subjects that are "later" in its stratum are the keys in [2g + 1, 2·end of stratum):
    /// counted among lower risks before its block enters the tree (concordant), among lower-or-equal
    /// risks after (the difference is tied), and in total (the rest is discordant).
    static func compute(risk: [Double], event: [UInt8], groups: TimeGroups) -> Concordance {
        let n = risk.count, G = groups.count, K = 2 * G
        guard n > 0 else { return Concordance(value: .nan, concordant: 0, discordant: 0, tiedRisk: 0, tiedTime: 0) }
        var stratumEnd = [Int32](repeating: 0, count: G)
        for r in groups.strata { for g in r { stratumEnd[g] = Int32(r.upperBound) } }
        // below[k] = number of subjects with key < k
        var below = [Int64](repeating: 0, count: K + 1)
        for i in 0..<n { below[2 * Int(groups.gid[i]) + (event[i] != 0 ? 0 : 1) + 1] += 1 }
        for k in 0..<K { below[k + 1] += below[k] }
        let (order, sortedKeys) = RadixSort.orderAndKeys(risk)
        // keys in risk order: one gather instead of three
        var key = [Int32](repeating: 0, count: n)
        var endKey = [Int32](repeating: 0, count: n)
        groups.gid.withUnsafeBufferPointer { gp in
        event.withUnsafeBufferPointer { ev in
        order.withUnsafeBufferPointer { op in
        key.withUnsafeMutableBufferPointer { kp in
        endKey.withUnsafeMutableBufferPointer { ep in
            for q in 0..<n {
                let i = Int(op[q]), g = Int(gp[i])
                kp[q] = Int32(2 * g + (ev[i] != 0 ? 0 : 1))
                ep[q] = 2 * stratumEnd[g]
            }
        }}}}}
        var tree = [Int32](repeating: 0, count: K + 1)
        var conc: Int64 = 0, disc: Int64 = 0, tied: Int64 = 0, tiedT: Int64 = 0
        for d in groups.deaths { tiedT += Int64(d) * Int64(d - 1) / 2 }
        let oneStratum = groups.strata.count == 1
        var lower: [Int64] = [], eventKeys: [Int32] = []
        var tiedBoth: Int64 = 0   // events at the same time with the same risk
        tree.withUnsafeMutableBufferPointer { tr in
        sortedKeys.withUnsafeBufferPointer { sk in
        key.withUnsafeBufferPointer { kp in
        endKey.withUnsafeBufferPointer { ep in
        below.withUnsafeBufferPointer { bl in
            var inTree: Int64 = 0
            @inline(__always) func add(_ key: Int) { var i = key + 1; while i <= K { tr[i] &+= 1; i += i & -i }; inTree += 1 }
            @inline(__always) func prefix(_ key: Int) -> Int64 {   // number in the tree with key < `key`
                var i = key, s: Int64 = 0; while i > 0 { s += Int64(tr[i]); i -= i & -i }; return s
            }
            // subjects in the tree with a key in [k + 1, end): "later" than an event with key k
            @inline(__always) func later(_ k: Int, _ end: Int) -> Int64 {
                oneStratum ? inTree - prefix(k + 1) : prefix(end) - prefix(k + 1)
            }
            var a = 0
            while a < n {
                var b = a + 1
                while b < n && sk[b] == sk[a] { b += 1 }
                if b == a + 1 {
                    // a risk value of its own: nothing tied, one query
                    let k = Int(kp[a]), end = Int(ep[a])
                    if k & 1 == 0 {
                        let l = later(k, end)
                        conc += l; disc += (bl[end] - bl[k + 1]) - l
                    }
                    add(k)
                    a = b
                    continue
                }
                lower.removeAll(keepingCapacity: true); eventKeys.removeAll(keepingCapacity: true)
                for q in a..<b where kp[q] & 1 == 0 {
                    let l = later(Int(kp[q]), Int(ep[q]))
                    conc += l; lower.append(l); eventKeys.append(kp[q])
                }
                if eventKeys.count > 1 {
                    eventKeys.sort()
                    var run: Int64 = 1
                    for t in 1..<eventKeys.count {
                        if eventKeys[t] == eventKeys[t - 1] { run += 1 } else { tiedBoth += run * (run - 1) / 2; run = 1 }
                    }
                    tiedBoth += run * (run - 1) / 2
                }
                for q in a..<b { add(Int(kp[q])) }
                var m = 0
                for q in a..<b where kp[q] & 1 == 0 {
                    let k = Int(kp[q]), end = Int(ep[q])
                    let le = later(k, end)
                    tied += le - lower[m]; m += 1
                    disc += (bl[end] - bl[k + 1]) - le
                }
                a = b
            }
        }}}}}
        let c = Double(conc), dcs = Double(disc), tr = Double(tied)
        return Concordance(value: (c + tr / 2) / (c + dcs + tr), concordant: c, discordant: dcs,
                           tiedRisk: tr, tiedTime: Double(tiedT - tiedBoth))
    }
}
