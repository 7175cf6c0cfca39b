import TenureROI

extension ROIResult: Reportable {
    public var analysis: String { "roi" }

    public var tables: [ReportTable] {
        let ranked = scenarios.sorted { $0.rank < $1.rank }
        let sims = simulations > 0
        var cols: [ReportTable.Column] = [.init("rank"), .init("scenario"), .init("segment"), .init("horizon", unit: "months"),
                                          .init("incremental revenue"), .init("incremental margin"), .init("cost"),
                                          .init("NPV"), .init("ROI", unit: "%"), .init("payback", unit: "months"),
                                          .init("retained customers"), .init("break-even effect scale")]
        if sims { cols += [.init("NPV P5"), .init("NPV P50"), .init("NPV P95"), .init("P(ROI > 0)", unit: "%")] }
        let rows: [[Cell]] = ranked.map { s in
            var r: [Cell] = [.int(s.rank), .text(s.name), .text(s.segment), .int(s.horizonMonths),
                             .number(s.expected.incrementalRevenue, decimals: 0), .number(s.expected.incrementalMargin, decimals: 0),
                             .number(s.expected.cost, decimals: 0), .number(s.expected.npv, decimals: 0),
                             .percent(s.expected.roi, decimals: 1),
                             s.expected.paybackMonths.map { .int($0) } ?? .missing("not within horizon"),
                             .number(s.expected.incrementalRetained, decimals: 1),
                             s.breakEvenScale.map { .number($0, decimals: 3) } ?? .missing("not reached")]
            if let m = s.simulation {
                r += [.number(m.npv.p5, decimals: 0), .number(m.npv.p50, decimals: 0), .number(m.npv.p95, decimals: 0),
                      .percent(m.probabilityPositive, decimals: 1)]
            } else if sims { r += [.missing(""), .missing(""), .missing(""), .missing("")] }
            return r
        }
        var out = [ReportTable(id: "roi_scenarios", title: "CRM initiative scenarios, ranked", columns: cols, rows: rows,
                               note: "Expected values at the center of every range; P5/P50/P95 over \(simulations) simulations "
                                   + "(seed \(seed)). Costs at the \(costTiming) and margins at the \(marginTiming) of each month. "
                                   + "Break-even scale: the multiple of the planned effects at which NPV = 0.")]
        out.append(ReportTable(
            id: "roi_tornado", title: "What moves each scenario's NPV most (10th → 90th percentile of one input)",
            columns: [.init("scenario"), .init("input"), .init("low value"), .init("high value"), .init("NPV at low"),
                      .init("NPV at high"), .init("swing")],
            rows: ranked.flatMap { s in s.tornado.map { t in
                [.text(s.name), .text(t.input), .number(t.lowValue, decimals: 4), .number(t.highValue, decimals: 4),
                 .number(t.npvAtLow, decimals: 0), .number(t.npvAtHigh, decimals: 0), .number(t.swing, decimals: 0)]
            } }))
        out.append(ReportTable(
            id: "roi_baselines", title: "Baselines fitted on the data",
            columns: [.init("segment"), .init("customers"), .init("alive now"), .init("new per month"),
                      .init("mean spend per order"), .init("active subscriptions"), .init("parameter"), .init("estimate"), .init("std. error")],
            rows: baselines.flatMap { b in b.parameters.keys.sorted().map { k in
                [.text(b.segment), .int(b.customers), .number(b.aliveNow, decimals: 1), .number(b.newPerMonth, decimals: 1),
                 .number(b.meanSpend, decimals: 2), .number(b.activeSubscriptions, decimals: 0), .text(k),
                 .number(b.parameters[k]!, decimals: 4), .number(b.standardErrors[k] ?? .nan, decimals: 4)]
            } }))
        if !pastInitiatives.isEmpty {
            out.append(ReportTable(
                id: "roi_past_initiatives", title: "Realised uplift of past initiatives (treatment vs control, 95 % intervals)",
                columns: [.init("initiative"), .init("treated"), .init("control"), .init("retention treated", unit: "%"),
                          .init("retention control", unit: "%"), .init("retention uplift", unit: "pp"), .init("low", unit: "pp"),
                          .init("high", unit: "pp"), .init("revenue uplift per customer"), .init("low"), .init("high"),
                          .init("realised ROI", unit: "%"), .init("ROI low", unit: "%"), .init("ROI high", unit: "%")],
                rows: pastInitiatives.map { u in
                    [.text(u.initiative), .int(u.treated), .int(u.control), .percent(u.retentionTreated, decimals: 1),
                     .percent(u.retentionControl, decimals: 1), .number(100 * u.retentionUplift, decimals: 2),
                     .number(100 * u.retentionUpliftLow, decimals: 2), .number(100 * u.retentionUpliftHigh, decimals: 2),
                     .number(u.revenueUplift, decimals: 2), .number(u.revenueUpliftLow, decimals: 2),
                     .number(u.revenueUpliftHigh, decimals: 2),
                     u.realisedROI.map { .percent($0, decimals: 1) } ?? .missing("no cost given"),
                     u.realisedROILow.map { .percent($0, decimals: 1) } ?? .missing(""),
                     u.realisedROIHigh.map { .percent($0, decimals: 1) } ?? .missing("")]
                },
                note: "Retained = purchased in the last \(retentionWindowDays) days of observation. Add `past_initiatives: [{name, cost}]` to the scenario file for realised ROI."))
        }
        return out
    }
}
