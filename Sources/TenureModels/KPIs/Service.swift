import TenureData

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
    static let sums = KPIStatistics.ticketSums

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
