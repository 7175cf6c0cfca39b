import TenureData

/// Leads: lead conversion, sales conversion (of opportunities), close rate.
enum Sales {
    /// Per group (the lead's creation period, its customer's segment, its source): leads
    /// (`leads`), won (`leads_won`), closed (won known, `leads_closed`), opportunities (with
    /// converted_at, `opportunities`) and those won (`opportunities_won`).
    static let sums = KPIStatistics.leadSums

    static func reduce(_ cx: Context, _ st: inout KPIStatistics) {
        guard let ld = cx.ds.leads else { return }
        st.tables.insert("leads")
        let L = cx.L
        var leads = Acc(L), won = Acc(L), opp = Acc(L), oppWon = Acc(L), closed = Acc(L)
        let src = ld.source.map { cx.channelCodes($0) }
        if ld.convertedDay.contains(where: { $0 != Day.missing }) { st.flags.insert("leads_converted") }
        if ld.won.contains(where: { $0 != nil }) { st.flags.insert("leads_closed") }
        for r in 0..<ld.count {
            let p = cx.axis.index(ld.createdDay[r])
            guard p >= 0 else { continue }
            let c = Int(ld.customer[r])
            let s: Int32 = c >= 0 ? cx.seg[c] : -1
            let ch: Int32 = src?[r] ?? -1
            leads.add(p: p, s: s, c: ch, 1)
            let w = ld.won[r] == true
            if w { won.add(p: p, s: s, c: ch, 1) }
            if ld.won[r] != nil { closed.add(p: p, s: s, c: ch, 1) }
            if ld.convertedDay[r] != Day.missing {
                opp.add(p: p, s: s, c: ch, 1)
                if w { oppWon.add(p: p, s: s, c: ch, 1) }
            }
        }
        for (name, acc) in zip(sums, [leads, won, closed, opp, oppWon]) { st.put(name, acc) }
    }

    static func fill(_ f: KPIFrame, _ st: KPIStatistics, _ b: inout Board) {
        guard st.tables.contains("leads") else {
            b.unavailable(["lead_conversion_rate", "sales_conversion_rate", "sales_close_rate"], "needs leads.csv"); return
        }
        let anyConverted = st.flags.contains("leads_converted"), anyClosed = st.flags.contains("leads_closed")
        for g in 0..<f.L.G {
            let won = st.sum("leads_won", g)
            b.share(g, "lead_conversion_rate", won, st.sum("leads", g), z: f.z, minSample: f.opt.minSample, why: "no leads created in this group")
            b.share(g, "sales_conversion_rate", st.sum("opportunities_won", g), st.sum("opportunities", g), z: f.z, minSample: f.opt.minSample,
                    why: anyConverted ? "no opportunities in this group" : "no lead has converted_at")
            b.share(g, "sales_close_rate", won, st.sum("leads_closed", g), z: f.z, minSample: f.opt.minSample,
                    why: anyClosed ? "no closed leads in this group" : "no lead has won true/false")
        }
    }
}
