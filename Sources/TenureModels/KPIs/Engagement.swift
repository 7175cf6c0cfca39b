import TenureData

/// Interactions per active customer, share of customers engaged, DAU/MAU stickiness.
enum Engagement {
    /// Per group: interactions in the window (`interactions`; the interaction's own channel),
    /// customers with one (`engaged`: per period those active in it, per channel those active in it),
    /// customer-days with one (`dau`), and customer-months with one weighted by the month's observed
    /// days (`mau`, so that `dau / mau` is the mean daily share of the month's active customers).
    static let sums = ["interactions", "engaged", "dau", "mau"]

    static func reduce(_ cx: Context, _ st: inout KPIStatistics) {
        guard let it = cx.ds.interactions else { return }
        st.tables.insert("interactions")
        let L = cx.L, ax = cx.axis
        let n = cx.ds.customers.count
        let chCodes = cx.channelCodes(it.channel)
        let byC = ByCustomer(customer: it.customer, customers: n, key: it.timestamp)
        let months = KPIFrame.Months(ax)
        let m0 = months.first, monthDays = months.days

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
                        months.credit(&mau.v, cx.L, month: month, segment: s, 1)
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
        for (name, acc) in zip(sums, [count, engaged, dau, mau]) { st.put(name, acc) }
    }

    static func fill(_ f: KPIFrame, _ st: KPIStatistics, _ b: inout Board) {
        guard st.tables.contains("interactions") else {
            b.unavailable(["interactions_per_active_customer", "engaged_share", "stickiness"], "needs interactions.csv"); return
        }
        let L = f.L, base = st.acquired
        for g in 0..<L.G {
            let isChan = g >= 1 + L.P + L.S
            let engaged = st.sum("engaged", g), mau = st.sum("mau", g)
            b.set(g, "interactions_per_active_customer", engaged > 0 ? st.sum("interactions", g) / engaged : .nan, n: Int(engaged),
                  why: "no interactions in this group")
            let denom = isChan ? base[0] : base[g]
            b.share(g, "engaged_share", engaged, denom, z: f.z, minSample: f.opt.minSample, why: "no customers acquired yet")
            b.set(g, "stickiness", mau > 0 ? st.sum("dau", g) / mau : .nan, n: Int(engaged), why: "no interactions in this group")
        }
    }
}
