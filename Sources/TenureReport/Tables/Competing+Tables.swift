import Foundation
import TenureData
import TenureNumerics
import TenureSurvival

/// `tenure survival --competing end_reason` as tables: the cumulative incidence of each reason per
/// group at round times (primary), Gray's test per reason, the Fine–Gray and cause-specific Cox
/// models side by side, and — on request (`--curve`) and in the report's CSVs — the full curve.
extension CompetingRisksResult {
    /// Tables in reading order; `unit` names times (the survival result's unit), `level` the interval.
    func tables(unit: TimeUnit, level: Double, confidenceType: ConfidenceType, byColumn: String?, strataColumn: String?) -> [ReportTable] {
        let u = unit.plural
        let pct = formatFixed(100 * level, decimals: level * 100 == (level * 100).rounded() ? 0 : 1)
        var out: [ReportTable] = []
        // round times after 0 (at 0 every incidence is 0)
        let times = (groups.first?.horizons.map(\.time) ?? []).filter { $0 > 0 }
        var cols: [ReportTable.Column] = [.init("group"), .init("reason"), .init("customers"), .init("churned"), .init("share of churns", unit: "%")]
        for t in times { cols.append(.init("by \(SurvivalResult.num(t)) \(u)", unit: "%")) }
        var rows: [[Cell]] = []
        for g in groups {
            let churns = g.events.reduce(0, +)
            for (k, cause) in causes.enumerated() {
                var r: [Cell] = [.text(g.name), .text(cause), .int(g.subjects), .int(g.events[k]),
                                 churns > 0 ? .percent(Double(g.events[k]) / Double(churns), decimals: 1) : .missing("no churns")]
                for h in g.horizons where h.time > 0 {
                    r.append(h.incidence[k].isFinite ? .percent(h.incidence[k], decimals: 1) : .missing("beyond follow-up"))
                }
                rows.append(r)
            }
        }
        var note = "Cumulative incidence (Aalen–Johansen): the share of customers who have left for each reason by each time since they started, the other reasons competing; the reasons of a group add up to 1 − S(t). A churn's reason is the \(column) of the subscription that ended it."
        if unknownReasons > 0 { note += " \(unknownReasons) churns without a reason count as '\(CompetingChurn.unknownCause)'." }
        out.append(ReportTable(id: "competing_summary", title: "Why customers leave: cumulative incidence by reason" + (byColumn.map { " and \($0)" } ?? ""),
                               columns: cols, rows: rows, note: note))

        out.append(ReportTable(
            id: "competing_horizons", title: "Cumulative incidence by reason with \(pct)% intervals",
            columns: [.init("group"), .init("time", unit: u), .init("reason"), .init("cumulative incidence", unit: "%"),
                      .init("std. error"), .init("\(pct)% low", unit: "%"), .init("\(pct)% high", unit: "%"), .init("at risk")],
            rows: groups.flatMap { g in g.horizons.filter { $0.time > 0 }.flatMap { h in causes.indices.map { k -> [Cell] in
                guard h.incidence[k].isFinite else {
                    return [.text(g.name), .number(h.time, decimals: 1), .text(causes[k]), .missing("beyond follow-up"),
                            .missing(""), .missing(""), .missing(""), .int(h.atRisk)]
                }
                return [.text(g.name), .number(h.time, decimals: 1), .text(causes[k]), .percent(h.incidence[k], decimals: 2),
                        .number(h.stdErr[k], decimals: 5), SurvivalResult.share(h.lower[k]), SurvivalResult.share(h.upper[k]), .int(h.atRisk)]
            } } },
            note: "Standard errors by the infinitesimal jackknife (R survfit); \(confidenceType.rawValue) intervals on the incidence; none exists at 0\(confidenceType == .plain ? "" : " (shown blank)")."))

        if !grayTests.isEmpty {
            let stratified = grayTests.first?.stratified == true
            out.append(ReportTable(
                id: "competing_gray", title: "Gray's test: does the incidence of each reason differ between groups?" + (stratified ? " (stratified by \(strataColumn ?? "strata"))" : ""),
                columns: [.init("reason"), .init("chi-square"), .init("df"), .init("p-value"), .init("groups")],
                rows: grayTests.map { t in
                    [.text(t.cause), t.statistic.isFinite ? .number(t.statistic, decimals: 3) : .missing("not computable"), .int(t.df),
                     SurvivalResult.p(t.pValue), .int(t.groups.count)]
                },
                note: "H0: the cumulative incidence of the reason is the same in every group of \(byColumn ?? "the groups") (Gray 1988, as R cmprsk::cuminc)."))
        }

        if !models.isEmpty {
            var mrows: [[Cell]] = []
            for m in models {
                let fg = m.fineGray?.modelFit.parameters, cs = m.causeSpecific?.modelFit.parameters
                let z = Normal.quantile(1 - (1 - level) / 2)
                for (j, name) in covariates.enumerated() {
                    var r: [Cell] = [.text(m.cause), .text(name)]
                    if let p = fg?[j] {
                        r += [.number(exp(p.estimate), decimals: 4), .number(exp(p.estimate - z * p.standardError), decimals: 4),
                              .number(exp(p.estimate + z * p.standardError), decimals: 4), SurvivalResult.p(p.pValue ?? .nan)]
                    } else { r += [.missing(m.fineGrayError ?? ""), .missing(""), .missing(""), .missing("")] }
                    if let p = cs?[j] {
                        r += [.number(exp(p.estimate), decimals: 4), .number(exp(p.estimate - z * p.standardError), decimals: 4),
                              .number(exp(p.estimate + z * p.standardError), decimals: 4), SurvivalResult.p(p.pValue ?? .nan)]
                    } else { r += [.missing(m.causeSpecificError ?? ""), .missing(""), .missing(""), .missing("")] }
                    mrows.append(r)
                }
            }
            var mnote = "Subdistribution HR (Fine–Gray, R cmprsk::crr; sandwich errors): > 1 means more customers end up leaving for this reason. Cause-specific HR (Cox, the other reasons censored): > 1 means those still here leave for this reason sooner."
            let refs = referenceLevels.keys.sorted().map { "\($0) = \(referenceLevels[$0] ?? "")" }
            if !refs.isEmpty { mnote += " Reference levels: \(refs.joined(separator: "; "))." }
            if droppedSubjects > 0 { mnote += " \(droppedSubjects) customers left out for a missing covariate." }
            let failures = models.flatMap { m in
                [m.fineGrayError.map { "Fine–Gray for \(m.cause): \($0)" }, m.causeSpecificError.map { "cause-specific Cox for \(m.cause): \($0)" }].compactMap { $0 }
            }
            if !failures.isEmpty { mnote += " Not fitted: " + failures.joined(separator: "; ") + "." }
            out.append(ReportTable(
                id: "competing_models", title: "Why customers leave, by covariate: Fine–Gray and cause-specific Cox side by side",
                columns: [.init("reason"), .init("covariate"), .init("subdistribution HR"), .init("sHR \(pct)% low"), .init("sHR \(pct)% high"),
                          .init("sHR p-value"), .init("cause-specific HR"), .init("csHR \(pct)% low"), .init("csHR \(pct)% high"), .init("csHR p-value")],
                rows: mrows, note: mnote))
        }
        return out
    }

    /// Every row of every group's curve, one row per (time, reason): not in `tables`; `--curve`
    /// shows it first and the report writes it (tables/competing_incidence_curve.csv).
    func curveTable(unit: TimeUnit, level: Double, confidenceType: ConfidenceType) -> ReportTable {
        let pct = formatFixed(100 * level, decimals: level * 100 == (level * 100).rounded() ? 0 : 1)
        return ReportTable(
            id: "competing_incidence_curve", title: "Cumulative incidence curves by reason (Aalen–Johansen)",
            columns: [.init("group"), .init("time", unit: unit.plural), .init("reason"), .init("at risk"), .init("churned"),
                      .init("censored"), .init("cumulative incidence", unit: "%"), .init("std. error"),
                      .init("\(pct)% low", unit: "%"), .init("\(pct)% high", unit: "%")],
            rows: groups.flatMap { g in
                let c = g.curve
                return c.time.indices.flatMap { i in c.causes.indices.map { k -> [Cell] in
                    [.text(g.name), .number(c.time[i], decimals: unit == .day ? 0 : 3), .text(c.causes[k]), .int(c.atRisk[i]),
                     .int(c.events[k][i]), .int(c.censored[i]), .percent(c.incidence[k][i], decimals: 3),
                     .number(c.stdErr[k][i], decimals: 6), SurvivalResult.share(c.lower[k][i]), SurvivalResult.share(c.upper[k][i])]
                } }
            },
            note: "One row per distinct time and reason; \(confidenceType.rawValue) intervals from the infinitesimal-jackknife standard error (R survfit).")
    }
}
