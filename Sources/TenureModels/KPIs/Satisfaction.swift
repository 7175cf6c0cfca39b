import TenureData

/// CSAT (Wilson), NPS (trinomial normal interval) and CES (normal interval on the mean).
enum Satisfaction {
    /// Per group: responses (`csat_n`, `nps_n`, `ces_n`), satisfied CSAT (score ≥ 4, `csat_k`),
    /// promoters (≥ 9, `nps_p`) and detractors (≤ 6, `nps_d`), Σ CES and Σ CES² (`ces_s`, `ces_q`);
    /// responses dated in the window, with a score.
    static let sums = KPIStatistics.surveySums

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
