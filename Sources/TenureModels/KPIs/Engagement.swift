import TenureData

/// Interactions per active customer, share of customers engaged, DAU/MAU stickiness.
enum Engagement {
    static func run(_ cx: Context, _ b: inout Board) {
        guard let it = cx.ds.interactions else {
            b.unavailable(["interactions_per_active_customer", "engaged_share", "stickiness"], "needs interactions.csv"); return
        }
        let L = cx.L, ax = cx.axis
        let n = cx.ds.customers.count
        let chCodes = cx.channelCodes(it.channel)
        let byC = ByCustomer(customer: it.customer, customers: n, key: it.timestamp)

        // Calendar months of the window: observed days overall and per period.
        let m0 = Int(CalendarPeriod.month.index(of: ax.start[0])), m1 = Int(CalendarPeriod.month.index(of: ax.asOf))
        let M = m1 - m0 + 1
        var monthDays = [Double](repeating: 0, count: M)
        var monthPeriods = [[(Int, Double)]](repeating: [], count: M)
        var d = ax.start[0]
        while d <= ax.asOf {
            let m = Int(CalendarPeriod.month.index(of: d)) - m0, p = ax.index(d)
            monthDays[m] += 1
            if let last = monthPeriods[m].last, last.0 == p { monthPeriods[m][monthPeriods[m].count - 1].1 += 1 }
            else { monthPeriods[m].append((p, 1)) }
            d += 1
        }

        var count = Acc(L), engaged = Acc(L), dau = Acc(L), mau = Acc(L)
        var chanStampC = [Int32](repeating: -1, count: L.C)     // customer last seen in channel
        var chanLastDay = [Day](repeating: .missing, count: L.C)
        var chanLastMonth = [Int](repeating: -1, count: L.C)
        it.timestamp.withUnsafeBufferPointer { ts in
            for c in 0..<n {
                let lo = byC.offsets[c], hi = byC.offsets[c + 1]
                if lo == hi { continue }
                let s = cx.seg[c]
                var lastP = -1, lastDay = Day.missing, lastMonth = -1, any = false
                for i in lo..<hi {
                    let r = Int(byC.rows[i])
                    let t = ts[r]
                    guard t.isFinite else { continue }
                    let day = Day((t / 86400).rounded(.down))
                    let p = ax.index(day)
                    guard p >= 0 else { continue }
                    let ch = chCodes[r]
                    count.add(p: p, s: s, c: ch, 1)
                    any = true
                    if p != lastP { lastP = p; engaged.v[L.period(p)] += 1 }
                    let month = Int(CalendarPeriod.month.index(of: day)) - m0
                    if day != lastDay {
                        lastDay = day
                        dau.add(p: p, s: s, c: -1, 1)
                    }
                    if month != lastMonth {
                        lastMonth = month
                        mau.v[0] += monthDays[month]
                        if s >= 0 { mau.v[L.segment(Int(s))] += monthDays[month] }
                        for (pp, dd) in monthPeriods[month] { mau.v[L.period(pp)] += dd }
                    }
                    if ch >= 0 {
                        let k = Int(ch)
                        if chanStampC[k] != Int32(c) {
                            chanStampC[k] = Int32(c); chanLastDay[k] = .missing; chanLastMonth[k] = -1
                            engaged.v[L.channel(k)] += 1
                        }
                        if chanLastDay[k] != day { chanLastDay[k] = day; dau.v[L.channel(k)] += 1 }
                        if chanLastMonth[k] != month { chanLastMonth[k] = month; mau.v[L.channel(k)] += monthDays[month] }
                    }
                }
                if any {
                    engaged.v[0] += 1
                    if s >= 0 { engaged.v[L.segment(Int(s))] += 1 }
                }
            }
        }
        let base = cx.base()
        for g in 0..<L.G {
            let isChan = g >= 1 + L.P + L.S
            b.set(g, "interactions_per_active_customer", engaged[g] > 0 ? count[g] / engaged[g] : .nan, n: Int(engaged[g]),
                  why: "no interactions in this group")
            let denom = isChan ? base[0] : base[g]
            b.share(g, "engaged_share", engaged[g], denom, z: cx.z, minSample: cx.opt.minSample, why: "no customers acquired yet")
            b.set(g, "stickiness", mau[g] > 0 ? dau[g] / mau[g] : .nan, n: Int(engaged[g]), why: "no interactions in this group")
        }
    }
}
