import TenureData

/// Per-period stock counts of one activity definition, per customer group (overall, segment,
/// acquisition channel): S (active at the period's start), E (at its end), N (new), lost.
struct ActivityCounts: Sendable, Equatable {
    let K: Int          // periods
    let CG: Int         // customer groups: 0 overall, 1 + s, 1 + S + c
    var activeDiff: [Double]   // CG × (K + 2) difference array over time points
    var lost: [Double]         // CG × K
    var new: [Double]          // CG × K

    init(K: Int, CG: Int) {
        self.K = K; self.CG = CG
        activeDiff = [Double](repeating: 0, count: CG * (K + 2))
        lost = [Double](repeating: 0, count: CG * K)
        new = [Double](repeating: 0, count: CG * K)
    }

    /// `k` customers active on time points `[a, b)` (a merged run each), in groups `gs`.
    @inline(__always) mutating func run(_ a: Int, _ b: Int, _ gs: (Int, Int, Int), _ k: Double = 1) {
        start(a, gs, k); end(b, gs, k)
    }
    @inline(__always) mutating func start(_ a: Int, _ gs: (Int, Int, Int), _ k: Double) {
        each3(gs) { g in activeDiff[g * (K + 2) + a] += k }
    }
    @inline(__always) mutating func end(_ b: Int, _ gs: (Int, Int, Int), _ k: Double) {
        each3(gs) { g in
            activeDiff[g * (K + 2) + b] -= k
            if b <= K { lost[g * K + b - 1] += k }
        }
    }

    @inline(__always) mutating func newCustomer(_ p: Int, _ gs: (Int, Int, Int), _ k: Double = 1) {
        guard p >= 0 else { return }
        each3(gs) { g in new[g * K + p] += k }
    }

    /// Active counts at each time point for group g.
    func active(_ g: Int) -> [Double] {
        var out = [Double](repeating: 0, count: K + 1)
        var run = 0.0
        for k in 0...K { run += activeDiff[g * (K + 2) + k]; out[k] = run }
        return out
    }
}

/// MRR per customer group (0 overall, 1 + segment, 1 + S + channel) and period, from each
/// customer's piecewise-constant MRR (the sum of their active subscriptions' mrr) on the time
/// points: for the customers with MRR > 0 at a period's start, Σ MRR at its start and at its end,
/// Σ min(start, end), their count and how many ended higher. `flat`/`flatN` are difference arrays
/// over periods for the customers whose MRR does not change within a period; `integrated()` adds them.
struct MRRSums: Sendable, Equatable {
    let K: Int, CG: Int
    var flatM: [Double], flatN: [Double]           // CG × (K + 1)
    var start: [Double], end: [Double], low: [Double], paying: [Double], up: [Double]   // CG × K

    init(K: Int, CG: Int) {
        self.K = K; self.CG = CG
        flatM = [Double](repeating: 0, count: CG * (K + 1)); flatN = flatM
        start = [Double](repeating: 0, count: CG * K); end = start; low = start; paying = start; up = start
    }

    /// `k` customers holding level `m` through periods `[x, y)` without a change.
    mutating func flat(_ x: Int, _ y: Int, _ gs: (Int, Int, Int), _ m: Double, _ k: Double) {
        flatEdge(x, gs, m, k); flatEdge(y, gs, -m, -k)
    }
    mutating func flatEdge(_ x: Int, _ gs: (Int, Int, Int), _ m: Double, _ k: Double) {
        each3(gs) { g in flatM[g * (K + 1) + x] += m; flatN[g * (K + 1) + x] += k }
    }

    /// Customers whose level changes in period `p` (from Σ `start` to Σ `end`).
    mutating func change(_ p: Int, _ gs: (Int, Int, Int), start s: Double, end e: Double, min mn: Double, paying n: Double, up u: Double) {
        each3(gs) { g in
            start[g * K + p] += s; end[g * K + p] += e; low[g * K + p] += mn; paying[g * K + p] += n; up[g * K + p] += u
        }
    }

    /// The per-period sums with the flat pieces added.
    func integrated() -> MRRSums {
        var o = self
        for g in 0..<CG {
            var runM = 0.0, runN = 0.0
            for k in 0..<K {
                runM += flatM[g * (K + 1) + k]; runN += flatN[g * (K + 1) + k]
                o.start[g * K + k] += runM; o.end[g * K + k] += runM; o.low[g * K + k] += runM
                o.paying[g * K + k] += runN
            }
        }
        return o
    }
}

/// Subscription churn per board group for the subscription CLV: the pooled churn rate per period, the
/// mean length in days of those periods, and ARPA (mean MRR per paying subscriber at a period's start;
/// nil without an mrr column). Nil without subscriptions.
struct SubscriptionBase {
    var churn: [Double]
    var periodDays: [Double]
    var arpa: [Double]?
}

enum Retention {
    static func groups(_ cx: Context, _ c: Int) -> (Int, Int, Int) {
        (0, cx.seg[c] >= 0 ? 1 + Int(cx.seg[c]) : -1, cx.chan[c] >= 0 ? 1 + cx.L.S + Int(cx.chan[c]) : -1)
    }

    /// The activity statistics (`purchase`, and `subscription` with subscriptions) and MRR sums.
    static func reduce(_ cx: Context, _ st: inout KPIStatistics) {
        let L = cx.L, K = L.P, CG = 1 + L.S + L.C
        let ax = cx.axis
        let n = cx.ds.customers.count

        // Non-contractual: active = purchased within churn-after days up to the time point.
        let tx = cx.ds.transactions
        let byC = cx.txByCustomer
        var purch = ActivityCounts(K: K, CG: CG)
        let w = Day(max(1, cx.opt.churnAfterDays))
        tx.day.withUnsafeBufferPointer { day in tx.amount.withUnsafeBufferPointer { amt in
            for c in 0..<n {
                let gs = groups(cx, c)
                var runA = -1, runB = -1
                var firstPurchase = true
                for i in byC.offsets[c]..<byC.offsets[c + 1] {
                    let r = Int(byC.rows[i])
                    let d = day[r]
                    guard d != Day.missing, d <= ax.asOf, !(amt[r] < 0), !amt[r].isNaN else { continue }
                    if firstPurchase { purch.newCustomer(ax.index(d), gs); firstPurchase = false }
                    let a = ax.firstTimePoint(atOrAfter: d), e = ax.firstTimePoint(atOrAfter: d + w)
                    if a >= e { continue }
                    if runB >= a { runB = max(runB, e) } else {
                        if runA >= 0 { purch.run(runA, runB, gs) }
                        runA = a; runB = e
                    }
                }
                if runA >= 0 { purch.run(runA, runB, gs) }
            }
        } }
        if cx.ds.hasTransactions { st.tables.insert("transactions"); st.activity["purchase"] = purch }

        guard let sub = cx.ds.subscriptions else { return }
        st.tables.insert("subscriptions")

        // Contractual: active = some subscription with start <= t < end.
        let byS = ByCustomer(customer: sub.customer, customers: n, key: sub.startDay)
        var subs = ActivityCounts(K: K, CG: CG)
        let hasMRR = sub.mrr != nil
        let mrr = sub.mrr ?? []
        var sums = MRRSums(K: K, CG: CG)
        var ranges: [(Int, Int, Double)] = []
        var bps: [Int] = []
        var u: [Int] = []
        for c in 0..<n {
            let lo = byS.offsets[c], hi = byS.offsets[c + 1]
            if lo == hi { continue }
            let gs = groups(cx, c)
            ranges.removeAll(keepingCapacity: true)
            var firstStart = Day.max
            for i in lo..<hi {
                let r = Int(byS.rows[i])
                let s = sub.startDay[r], e = sub.endDay[r]
                guard s != Day.missing, s <= ax.asOf else { continue }
                if s < firstStart { firstStart = s }
                let a = ax.firstTimePoint(atOrAfter: s)
                let bb = e == Day.missing ? K + 1 : ax.firstTimePoint(atOrAfter: e)
                if a < bb { ranges.append((a, bb, hasMRR && mrr[r].isFinite ? mrr[r] : 0)) }
            }
            if firstStart != Day.max { subs.newCustomer(ax.index(firstStart), gs) }
            if ranges.isEmpty { continue }
            // union of runs (ranges are in start order)
            var ra = ranges[0].0, rb = ranges[0].1
            for j in 1..<ranges.count {
                let (a, e, _) = ranges[j]
                if a <= rb { rb = max(rb, e) } else { subs.run(ra, rb, gs); ra = a; rb = e }
            }
            subs.run(ra, rb, gs)
            guard hasMRR else { continue }
            // piecewise-constant MRR over time points
            bps.removeAll(keepingCapacity: true)
            for (a, e, _) in ranges { bps.append(a); bps.append(e) }
            bps.sort()
            u.removeAll(keepingCapacity: true)
            for x in bps where u.last != x { u.append(x) }
            func level(_ k: Int) -> Double {
                var m = 0.0
                for (a, e, v) in ranges where a <= k && k < e { m += v }
                return m
            }
            for j in 0..<(u.count - 1) {
                let x = u[j], y = u[j + 1]
                let m = level(x)
                guard m > 0 else { continue }
                // flat pairs k in [x, y-2] within periods 0..K-1
                let fhi = min(y - 1, K)
                if x < fhi { sums.flat(x, fhi, gs, m, 1) }
                let k = y - 1
                if k <= K - 1 {
                    let m2 = j + 1 < u.count - 1 ? level(y) : 0
                    sums.change(k, gs, start: m, end: m2, min: min(m, m2), paying: 1, up: m2 > m * (1 + 1e-12) ? 1 : 0)
                }
            }
        }
        st.activity["subscription"] = subs
        if hasMRR { st.mrr = sums }
    }

    /// Retention, churn, revenue retention and the MRR upsell rate from the statistics; returns the
    /// subscription base of the subscription CLV.
    static func fill(_ f: KPIFrame, _ st: KPIStatistics, _ b: inout Board) -> SubscriptionBase? {
        let L = f.L, K = L.P
        if let purch = st.activity["purchase"] {
            _ = fill(f, &b, purch, retention: "purchase_retention_rate", churn: "purchase_churn_rate")
        } else {
            b.unavailable(["purchase_retention_rate", "purchase_churn_rate"], "needs transactions.csv")
        }
        guard st.tables.contains("subscriptions"), let subs = st.activity["subscription"] else {
            b.unavailable(["retention_rate", "churn_rate", "gross_revenue_retention", "net_revenue_retention", "upsell_rate"],
                          "needs subscriptions.csv")
            return nil
        }
        let subChurn = fill(f, &b, subs, retention: "retention_rate", churn: "churn_rate")
        var arpa: [Double]? = nil
        if let raw = st.mrr {
            let m = raw.integrated()
            arpa = [Double](repeating: .nan, count: L.G)
            func emit(_ bg: Int, _ g: Int, _ range: Range<Int>) {
                var s0 = 0.0, en = 0.0, mn = 0.0, pn = 0.0, up = 0.0
                for k in range { s0 += m.start[g * K + k]; en += m.end[g * K + k]; mn += m.low[g * K + k]; pn += m.paying[g * K + k]; up += m.up[g * K + k] }
                let why = "no customer with MRR > 0 at the start of a period"
                b.set(bg, "gross_revenue_retention", s0 > 0 ? mn / s0 : .nan, n: Int(pn), why: why)
                b.set(bg, "net_revenue_retention", s0 > 0 ? en / s0 : .nan, n: Int(pn), why: why)
                b.share(bg, "upsell_rate", up, pn, z: f.z, minSample: f.opt.minSample, why: why)
                arpa?[bg] = pn > 0 ? s0 / pn : .nan
            }
            emit(0, 0, 0..<K)
            for p in 0..<K { emit(L.period(p), 0, p..<(p + 1)) }
            for s in 0..<L.S { emit(L.segment(s), 1 + s, 0..<K) }
            for ch in 0..<L.C { emit(L.channel(ch), 1 + L.S + ch, 0..<K) }
        } else {
            b.unavailable(["gross_revenue_retention", "net_revenue_retention", "upsell_rate"], "needs an mrr column in subscriptions.csv")
        }
        return SubscriptionBase(churn: subChurn, periodDays: periodDays(f), arpa: arpa)
    }

    /// Mean period length in days per group (period groups: their own length).
    static func periodDays(_ f: KPIFrame) -> [Double] {
        let L = f.L
        let total = (0..<L.P).reduce(0.0) { $0 + Double(f.axis.days($1)) }
        var out = [Double](repeating: total / Double(max(L.P, 1)), count: L.G)
        for p in 0..<L.P { out[L.period(p)] = Double(f.axis.days(p)) }
        return out
    }

    /// Writes retention and churn KPIs from activity counts; returns churn per board group.
    static func fill(_ f: KPIFrame, _ b: inout Board, _ a: ActivityCounts, retention: String, churn: String) -> [Double] {
        let L = f.L, K = L.P
        var out = [Double](repeating: .nan, count: L.G)
        func emit(_ bg: Int, _ g: Int, _ range: Range<Int>, _ act: [Double]) {
            var S = 0.0, E = 0.0, N = 0.0, lost = 0.0
            for p in range { S += act[p]; E += act[p + 1]; N += a.new[g * K + p]; lost += a.lost[g * K + p] }
            let why = "no active customers at the start of the period"
            b.set(bg, retention, S > 0 ? (E - N) / S : .nan, n: Int(S), why: why)
            b.share(bg, churn, lost, S, z: f.z, minSample: f.opt.minSample, why: why)
            out[bg] = S > 0 ? lost / S : .nan
        }
        let act0 = a.active(0)
        emit(0, 0, 0..<K, act0)
        for p in 0..<K { emit(L.period(p), 0, p..<(p + 1), act0) }
        for s in 0..<L.S { emit(L.segment(s), 1 + s, 0..<K, a.active(1 + s)) }
        for c in 0..<L.C { emit(L.channel(c), 1 + L.S + c, 0..<K, a.active(1 + L.S + c)) }
        return out
    }
}

/// Runs `body` for the overall group and, when present, the segment and channel groups.
@inline(__always) func each3(_ gs: (Int, Int, Int), _ body: (Int) -> Void) {
    body(gs.0)
    if gs.1 >= 0 { body(gs.1) }
    if gs.2 >= 0 { body(gs.2) }
}
