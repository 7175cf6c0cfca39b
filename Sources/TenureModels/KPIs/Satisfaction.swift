import TenureData

/// CSAT (Wilson), NPS (trinomial normal interval) and CES (normal interval on the mean).
enum Satisfaction {
    /// Per group: responses (`csat_n`, `nps_n`, `ces_n`), satisfied CSAT (score ≥ 4, `csat_k`),
    /// promoters (≥ 9, `nps_p`) and detractors (≤ 6, `nps_d`), Σ CES and Σ CES² (`ces_s`, `ces_q`);
    /// responses dated in the window, with a score.
    static let sums = ["csat_n", "csat_k", "nps_n", "nps_p", "nps_d", "ces_n", "ces_s", "ces_q"]

    static func reduce(_ cx: Context, _ st: inout KPIStatistics) {
        guard let sv = cx.ds.surveys else { return }
        st.tables.insert("surveys")
        let L = cx.L
        var cN = Acc(L), cK = Acc(L), nN = Acc(L), nP = Acc(L), nD = Acc(L), eN = Acc(L), eS = Acc(L), eQ = Acc(L)
        for r in 0..<sv.count {
            let x = sv.score[r]
            guard x.isFinite else { continue }
            let p = cx.axis.index(sv.day[r])
            guard p >= 0 else { continue }
            let c = Int(sv.customer[r])
            let s: Int32 = c >= 0 ? cx.seg[c] : -1, ch: Int32 = c >= 0 ? cx.chan[c] : -1
            switch sv.kind[r] {
            case .csat:
                cN.add(p: p, s: s, c: ch, 1)
                if x >= 4 { cK.add(p: p, s: s, c: ch, 1) }
            case .nps:
                nN.add(p: p, s: s, c: ch, 1)
                if x >= 9 { nP.add(p: p, s: s, c: ch, 1) } else if x <= 6 { nD.add(p: p, s: s, c: ch, 1) }
            case .ces:
                eN.add(p: p, s: s, c: ch, 1); eS.add(p: p, s: s, c: ch, x); eQ.add(p: p, s: s, c: ch, x * x)
            }
        }
        for (name, acc) in zip(sums, [cN, cK, nN, nP, nD, eN, eS, eQ]) { st.put(name, acc) }
    }

    static func fill(_ f: KPIFrame, _ st: KPIStatistics, _ b: inout Board) {
        guard st.tables.contains("surveys") else {
            b.unavailable(["csat", "nps", "ces"], "needs surveys.csv"); return
        }
        let z = f.z, minN = f.opt.minSample
        func warn(_ n: Double) -> String? { Int(n) < minN ? "only \(Int(n)) responses (< \(minN)): too few to read" : nil }
        for g in 0..<f.L.G {
            let cN = st.sum("csat_n", g)
            b.share(g, "csat", st.sum("csat_k", g), cN, z: z, minSample: minN, why: "no csat responses in this group")
            if cN > 0 { b[g, "csat"]?.warning = warn(cN) }
            let n = st.sum("nps_n", g)
            if n > 0 {
                let pp = st.sum("nps_p", g) / n, pd = st.sum("nps_d", g) / n
                let nps = pp - pd
                let se = max(0, (pp + pd - nps * nps) / n).squareRoot()
                b[g, "nps"] = KPIValue(id: "nps", value: 100 * nps, n: Int(n), lower: max(-100, 100 * (nps - z * se)),
                                       upper: min(100, 100 * (nps + z * se)), warning: warn(n))
            } else { b[g, "nps"] = .missing("nps", "no nps responses in this group") }
            let m = st.sum("ces_n", g), sx = st.sum("ces_s", g), sq = st.sum("ces_q", g)
            if m > 0 {
                let mean = sx / m
                let v = m > 1 ? max(0, (sq - sx * sx / m) / (m - 1)) : .nan
                let se = (v / m).squareRoot()
                b[g, "ces"] = KPIValue(id: "ces", value: mean, n: Int(m), lower: se.isFinite ? mean - z * se : nil,
                                       upper: se.isFinite ? mean + z * se : nil, warning: warn(m))
            } else { b[g, "ces"] = .missing("ces", "no ces responses in this group") }
        }
    }
}

/// Leads: lead conversion, sales conversion (of opportunities), close rate.
enum Sales {
    /// Per group (the lead's creation period, its customer's segment, its source): leads
    /// (`leads`), won (`leads_won`), closed (won known, `leads_closed`), opportunities (with
    /// converted_at, `opportunities`) and those won (`opportunities_won`).
    static let sums = ["leads", "leads_won", "leads_closed", "opportunities", "opportunities_won"]

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

/// Tickets: first-response and resolution time (median, p90, mean), SLA attainment, tickets per customer.
enum Service {
    static let ids = ["first_response_median_hours", "first_response_p90_hours", "first_response_mean_hours",
                      "resolution_median_hours", "resolution_p90_hours", "resolution_mean_hours",
                      "sla_response_attainment", "sla_resolution_attainment", "tickets_per_customer"]

    /// Per group (the ticket's opening period, its customer's segment, its channel): tickets opened
    /// in the window (`tickets`); with an SLA threshold, tickets answered (resolved) within it
    /// (`sla_response_met`, `sla_resolution_met`) out of those answered, or open longer than it by
    /// the end of observation (`sla_response_n`, `sla_resolution_n`). `durations`: the hours to the
    /// first response and to resolution of tickets answered / resolved by the end of observation.
    static let sums = ["tickets", "sla_response_met", "sla_response_n", "sla_resolution_met", "sla_resolution_n"]

    static func reduce(_ cx: Context, _ st: inout KPIStatistics) {
        guard let tk = cx.ds.tickets else { return }
        st.tables.insert("tickets")
        let L = cx.L
        let chCodes = tk.channel.map { cx.channelCodes($0) }
        let end = Double(cx.ds.asOf + 1) * 86400
        var count = Acc(L)
        var slaR = Acc(L), slaRN = Acc(L), slaS = Acc(L), slaSN = Acc(L)
        let thrR = cx.opt.slaResponseHours.map { $0 * 3600 }, thrS = cx.opt.slaResolutionHours.map { $0 * 3600 }
        // durations with their group keys
        var resp: [Double] = [], respP: [Int32] = [], respS: [Int32] = [], respC: [Int32] = []
        var resl: [Double] = [], reslP: [Int32] = [], reslS: [Int32] = [], reslC: [Int32] = []
        for r in 0..<tk.count {
            let o = tk.openedAt[r]
            let p = cx.periodOf(timestamp: o)
            guard p >= 0 else { continue }
            let c = Int(tk.customer[r])
            let s: Int32 = c >= 0 ? cx.seg[c] : -1
            let ch: Int32 = chCodes?[r] ?? -1
            count.add(p: p, s: s, c: ch, 1)
            let f = tk.firstResponseAt[r], v = tk.resolvedAt[r]
            let rt = f.isFinite && f <= end ? f - o : .nan
            let st = v.isFinite && v <= end ? v - o : .nan
            if rt >= 0 { resp.append(rt / 3600); respP.append(Int32(p)); respS.append(s); respC.append(ch) }
            if st >= 0 { resl.append(st / 3600); reslP.append(Int32(p)); reslS.append(s); reslC.append(ch) }
            if let thr = thrR {
                if rt >= 0 { slaRN.add(p: p, s: s, c: ch, 1); if rt <= thr { slaR.add(p: p, s: s, c: ch, 1) } }
                else if rt.isNaN && end - o > thr { slaRN.add(p: p, s: s, c: ch, 1) }
            }
            if let thr = thrS {
                if st >= 0 { slaSN.add(p: p, s: s, c: ch, 1); if st <= thr { slaS.add(p: p, s: s, c: ch, 1) } }
                else if st.isNaN && end - o > thr { slaSN.add(p: p, s: s, c: ch, 1) }
            }
        }
        func summaries(_ x: [Double], _ P: [Int32], _ S: [Int32], _ C: [Int32]) -> [DurationSummary] {
            var out = groupedSummaries(x, keys: [Int32](repeating: 0, count: x.count), nKeys: 1)
            out += groupedSummaries(x, keys: P, nKeys: L.P)
            out += groupedSummaries(x, keys: S, nKeys: L.S)
            out += groupedSummaries(x, keys: C, nKeys: L.C)
            return out
        }
        if tk.firstResponseAt.contains(where: { $0.isFinite }) { st.flags.insert("tickets_responded") }
        if tk.resolvedAt.contains(where: { $0.isFinite }) { st.flags.insert("tickets_resolved") }
        st.durations["first_response"] = summaries(resp, respP, respS, respC)
        st.durations["resolution"] = summaries(resl, reslP, reslS, reslC)
        for (name, acc) in zip(sums, [count, slaR, slaRN, slaS, slaSN]) { st.put(name, acc) }
    }

    static func fill(_ f: KPIFrame, _ st: KPIStatistics, _ b: inout Board) {
        guard st.tables.contains("tickets") else { b.unavailable(ids, "needs tickets.csv"); return }
        let L = f.L
        let base = st.acquired
        for g in 0..<L.G {
            let isChan = g >= 1 + L.P + L.S
            for (prefix, has, col) in [("first_response", st.flags.contains("tickets_responded"), "first_response_at"),
                                       ("resolution", st.flags.contains("tickets_resolved"), "resolved_at")] {
                let sm = st.durations[prefix]?[g] ?? .empty
                let why = has ? "no \(prefix == "resolution" ? "resolved" : "answered") tickets in this group" : "no ticket has \(col)"
                b.set(g, "\(prefix)_median_hours", sm.n > 0 ? sm.median : .nan, n: sm.n, why: why)
                b.set(g, "\(prefix)_p90_hours", sm.n > 0 ? sm.p90 : .nan, n: sm.n, why: why)
                b.set(g, "\(prefix)_mean_hours", sm.n > 0 ? sm.mean : .nan, n: sm.n, why: why)
            }
            if f.opt.slaResponseHours != nil {
                b.share(g, "sla_response_attainment", st.sum("sla_response_met", g), st.sum("sla_response_n", g), z: f.z, minSample: f.opt.minSample,
                        why: "no tickets past the threshold or answered in this group")
            } else { b[g, "sla_response_attainment"] = .missing("sla_response_attainment", "needs --sla-response HOURS") }
            if f.opt.slaResolutionHours != nil {
                b.share(g, "sla_resolution_attainment", st.sum("sla_resolution_met", g), st.sum("sla_resolution_n", g), z: f.z, minSample: f.opt.minSample,
                        why: "no tickets past the threshold or resolved in this group")
            } else { b[g, "sla_resolution_attainment"] = .missing("sla_resolution_attainment", "needs --sla-resolution HOURS") }
            // ticket channel groups are divided by the whole customer base
            let denom = isChan ? base[0] : base[g]
            let count = st.sum("tickets", g)
            b.set(g, "tickets_per_customer", denom > 0 ? count / denom : .nan, n: Int(count), why: "no customers acquired yet")
        }
    }
}
