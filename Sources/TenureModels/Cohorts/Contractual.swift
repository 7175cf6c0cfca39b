import TenureData

extension Engine {
    /// Contractual retention's reduction: cohort = period of the customer's earliest subscription
    /// start; a customer is active at an age when one of their subscriptions covers at least one day
    /// of it. A subscription covers the days `start ..< end` (`end_date` is the first day no longer
    /// covered; an end on or before the start covers the start day only; an open subscription covers
    /// through the end of observation). Ages are counted in `CohortOptions.contractualWindow`
    /// (anniversaries by default). A customer's first spell is their first run of covered ages
    /// (back-to-back subscriptions from the first start): a comeback after a gap is retention again,
    /// not survival. nil when no subscription starts on or before the end of observation.
    func contractualStatistics(_ s: Subscriptions) throws -> ContractualStatistics? {
        let cw = o.contractualWindow
        let n = ds.customers.count
        let start = firstSubscriptionStart(s)
        var minAcq = Int32.max
        for c in 0..<n where start[c] != Day.missing { minAcq = min(minAcq, start[c]) }
        guard minAcq != .max else { return nil }
        let layout = try ContractualStatistics.layout(groups: group.levels.count, earliestStart: minAcq, asOf: asOf, options: o)
        var st = ContractualStatistics(groups: group.levels, firstCohort: layout.firstCohort, cohorts: layout.cohorts, ages: layout.ages)
        let slotsS = st.cohorts, agesS = st.ages
        var keyOf = [Int32](repeating: -1, count: n)
        for c in 0..<n where start[c] != Day.missing {
            let k = Int(group.code[c]) * slotsS + Int(cal.index(of: start[c]) - st.firstCohort)
            keyOf[c] = Int32(k); st.size[k] += 1
            st.firstAcquired[k] = min(st.firstAcquired[k], start[c]); st.lastAcquired[k] = max(st.lastAcquired[k], start[c])
        }
        // Covered age ranges, merged per customer.
        var spans: [(c: Int32, a0: Int32, a1: Int32)] = []
        spans.reserveCapacity(s.count)
        for r in 0..<s.count {
            let st = s.startDay[r]
            guard st != Day.missing, st <= asOf else { continue }
            let c = Int(s.customer[r])
            var lastDay = s.endDay[r] == Day.missing ? asOf : s.endDay[r] - 1
            lastDay = max(st, min(lastDay, asOf))
            spans.append((Int32(c), Int32(ageOf(acquired: start[c], day: st, window: cw)),
                          Int32(ageOf(acquired: start[c], day: lastDay, window: cw))))
        }
        spans.sort { $0.c != $1.c ? $0.c < $1.c : $0.a0 < $1.a0 }
        var diff = [Int32](repeating: 0, count: st.keys * (agesS + 1))
        var i = 0
        while i < spans.count {
            let c = spans[i].c
            let k = Int(keyOf[Int(c)])
            var curLo = spans[i].a0, curHi = spans[i].a1
            var firstSpellHi: Int32 = -1   // last age of the first spell, once it has ended
            i += 1
            func flush() {
                diff[k * (agesS + 1) + Int(curLo)] += 1; diff[k * (agesS + 1) + Int(curHi) + 1] -= 1
                if firstSpellHi < 0 { firstSpellHi = curHi }
            }
            while i < spans.count && spans[i].c == c {
                if spans[i].a0 <= curHi + 1 { curHi = max(curHi, spans[i].a1) } else { flush(); curLo = spans[i].a0; curHi = spans[i].a1 }
                i += 1
            }
            flush()
            st.firstSpellEnds[k * agesS + Int(firstSpellHi)] += 1
        }
        for k in 0..<st.keys {
            var run: Int32 = 0
            for a in 0..<agesS { run += diff[k * (agesS + 1) + a]; st.active[k * agesS + a] = run }
        }
        return st
    }

    /// Contractual retention from its statistics into `groups`, whose `levels[g]` is the `--by`
    /// value of `groups[g]`; a level the purchase part does not have is appended.
    func addContractual(_ groups: inout [CohortGroup], levels: [String], _ st: ContractualStatistics) {
        let cw = o.contractualWindow
        let slotsS = st.cohorts, agesS = st.ages
        var levels = levels
        for (g, name) in st.groups.enumerated() {
            var rows: [ContractualRow] = []
            var avgN = [Int](repeating: 0, count: agesS), avgSize = avgN, avgAct = avgN, avgSurv = avgN
            for slot in 0..<slotsS {
                let k = g * slotsS + slot
                let sz = Int(st.size[k])
                guard sz > 0 else { continue }
                var cells: [ContractualCell] = []
                var surv = [Int](repeating: 0, count: agesS)
                var acc = 0
                for a in stride(from: agesS - 1, through: 0, by: -1) { acc += Int(st.firstSpellEnds[k * agesS + a]); surv[a] = acc }
                var prev = 0
                for a in 0..<agesS {
                    guard let status = status(pMin: st.firstCohort, slot: slot, minAcq: st.firstAcquired[k], maxAcq: st.lastAcquired[k],
                                              age: a, window: cw) else { break }
                    let act = Int(st.active[k * agesS + a])
                    let (l, u) = wilson(act, sz)
                    cells.append(ContractualCell(age: a, period: periodLabel(slot: slot, age: a, pMin: st.firstCohort, window: cw), status: status,
                                                 customers: act, retention: Double(act) / Double(sz), retentionLower: l, retentionUpper: u,
                                                 survivors: surv[a], survival: Double(surv[a]) / Double(sz),
                                                 retentionVsPrevious: a > 0 && prev > 0 ? Double(act) / Double(prev) : nil))
                    prev = act
                    if status == .complete { avgN[a] += 1; avgSize[a] += sz; avgAct[a] += act; avgSurv[a] += surv[a] }
                }
                rows.append(ContractualRow(cohort: cal.label(of: st.firstCohort + Int32(slot)), start: Civil.iso(cal.start(of: st.firstCohort + Int32(slot))),
                                           size: sz, cells: cells))
            }
            var average: [AverageCell] = []
            for a in 0..<agesS where avgN[a] > 0 {
                let (l, u) = wilson(avgAct[a], avgSize[a])
                average.append(AverageCell(age: a, cohorts: avgN[a], size: avgSize[a], customers: avgAct[a],
                                           retention: Double(avgAct[a]) / Double(avgSize[a]), retentionLower: l, retentionUpper: u,
                                           unbounded: Double(avgSurv[a]) / Double(avgSize[a]), revenueRetention: nil))
            }
            var index = levels.firstIndex(of: name)
            if index == nil {
                guard !rows.isEmpty else { continue }
                index = groups.count; levels.append(name)
                groups.append(CohortGroup(name: o.by == nil ? nil : name, cohorts: [], average: []))
            }
            groups[index!].contractual = rows
            groups[index!].contractualAverage = average
        }
    }

    /// MRR movements' reduction, per calendar period of `--period`. A customer's MRR at a snapshot
    /// day is the sum of `mrr` over their subscriptions covering that day (`start ≤ day < end`, open =
    /// no end). Between consecutive snapshots each customer's change is one movement: new (0 → >0,
    /// never had MRR before), reactivation (0 → >0, had MRR before), expansion (up), contraction
    /// (down, still > 0), churn (>0 → 0). Snapshots are each period's last day, or the end of
    /// observation inside the last period (partial). nil without MRR starting by the end.
    func mrrStatistics(_ s: Subscriptions) -> MRRStatistics? {
        guard let mrr = s.mrr else { return nil }
        var minStart = Int32.max
        for r in 0..<s.count where s.startDay[r] != Day.missing && s.startDay[r] <= asOf && mrr[r].isFinite { minStart = min(minStart, s.startDay[r]) }
        guard minStart != .max else { return nil }
        let p0 = cal.index(of: minStart), p1 = cal.index(of: asOf)
        let P = Int(p1 - p0) + 1
        var st = MRRStatistics(firstPeriod: p0, periods: P)
        /// Index of the first snapshot on or after `d`: snapshot i ≥ 1 is the last day of period
        /// p0 + i − 1 (≤ 0 before the first period, P + 1 after the end of observation).
        func firstSnap(atOrAfter d: Day) -> Int { d > asOf ? P + 1 : Int(cal.index(of: d) - p0) + 1 }
        // Subscriptions by customer.
        var order = (0..<s.count).filter { s.startDay[$0] != Day.missing && s.startDay[$0] <= asOf && mrr[$0].isFinite }
        order.sort { s.customer[$0] != s.customer[$1] ? s.customer[$0] < s.customer[$1] : $0 < $1 }
        var i = 0
        while i < order.count {
            let c = s.customer[order[i]]
            var j = i
            var subs: [(from: Int, to: Int, mrr: Double)] = []  // covered snapshot indices [from, to)
            var events: [Int] = []
            while j < order.count && s.customer[order[j]] == c {
                let r = order[j]
                let from = firstSnap(atOrAfter: s.startDay[r])
                let to = s.endDay[r] == Day.missing ? P + 1 : firstSnap(atOrAfter: s.endDay[r])
                if to > from { subs.append((from, to, mrr[r])); events.append(from); events.append(to) }
                j += 1
            }
            i = j
            events = Array(Set(events)).filter { $0 <= P }.sorted()
            var prev = 0.0, had = false
            for (e, t) in events.enumerated() {
                var cur = 0.0
                for sub in subs where sub.from <= t && t < sub.to { cur += sub.mrr }
                if cur > 0 { st.addLevel(cur, from: t, to: e + 1 < events.count ? events[e + 1] : P + 1) }
                st.addMovement(from: prev, to: cur, had: had, at: t)
                if cur > 0 { had = true }
                prev = cur
            }
        }
        return st
    }

    /// The MRR movements table from its statistics.
    func mrrMovements(_ st: MRRStatistics) -> MRRMovements {
        let p0 = st.firstPeriod, P = st.periods
        let closing = st.closing, customers = st.customers
        var periods: [MRRPeriod] = []
        for t in 1...P {
            let q = p0 + Int32(t - 1)
            let opening = closing[t - 1]
            let con = st.contraction[t], churn = st.churn[t], exp = st.expansion[t]
            periods.append(MRRPeriod(period: cal.label(of: q), snapshot: Civil.iso(min(cal.end(of: q), asOf)),
                                     status: cal.end(of: q) <= asOf ? .complete : .partial,
                                     opening: opening, new: st.new[t], expansion: exp, contraction: con, churn: churn,
                                     reactivation: st.reactivation[t], closing: closing[t], customers: customers[t],
                                     grossRevenueRetention: opening > 0 ? (opening - con - churn) / opening : nil,
                                     netRevenueRetention: opening > 0 ? (opening + exp - con - churn) / opening : nil))
        }
        return MRRMovements(periods: periods, note: "MRR is a snapshot on each period's last day (end of observation for a partial period); movements compare consecutive snapshots per customer.")
    }
}

/// The survivor series an sBG fit takes from subscriptions, outside the cohort matrix (ROI baselines).
public enum SubscriptionSurvivors {
    /// First-spell lengths in whole anniversary months: for each customer with a subscription starting
    /// on or before `asOf`, the months from their first start to the end of their first spell
    /// (back-to-back subscriptions; a gap of a day or more ends it), and whether it is still open at
    /// `asOf`. The same rule as contractual retention's survivors with rolling windows (an end on the
    /// start day covers that day).
    public static func firstSpells(_ s: Subscriptions, asOf: Day) -> [(customer: Int, start: Day, months: Int, open: Bool)] {
        var rows = (0..<s.count).filter { s.startDay[$0] != Day.missing && s.startDay[$0] <= asOf }
        rows.sort { s.customer[$0] != s.customer[$1] ? s.customer[$0] < s.customer[$1] : s.startDay[$0] < s.startDay[$1] }
        var out: [(customer: Int, start: Day, months: Int, open: Bool)] = []
        var i = 0
        while i < rows.count {
            let c = s.customer[rows[i]]
            let start = s.startDay[rows[i]]
            var end: Day? = s.endDay[rows[i]] == Day.missing ? nil : s.endDay[rows[i]]   // nil = open
            var j = i + 1
            while j < rows.count && s.customer[rows[j]] == c {
                let r = rows[j]
                if let e = end, s.startDay[r] <= e {   // back to back (or overlapping): the spell goes on
                    if s.endDay[r] == Day.missing { end = nil } else { end = max(e, s.endDay[r]) }
                }
                j += 1
            }
            let open = end == nil || end! > asOf
            let last = open ? asOf : max(start, end! - 1)   // an end on the start day covers that day, as in the matrices
            out.append((Int(c), start, Civil.wholeMonths(from: start, to: last), open))
            i = j
        }
        return out
    }
}
