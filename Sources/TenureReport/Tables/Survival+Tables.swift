import Foundation
import TenureNumerics
import TenureSurvival

/// `tenure survival` as tables: per-group summary (primary), survival at the horizons, the log-rank
/// test, the Cox coefficients and fit statistics, the at-risk table, and — first, with `--curve` —
/// the full Kaplan–Meier / Nelson–Aalen curve. Times are in the result's unit; blank cells ("–")
/// are values that do not exist (a median never reached, an interval at S = 0, a time beyond follow-up).
extension SurvivalResult: Reportable {
    public var analysis: String { "survival" }

    /// The full Kaplan–Meier / Nelson–Aalen curve, one row per group and distinct time: not in
    /// `tables`; shown first on request (`--curve`: `Presentation.lead`), and the report always
    /// writes it (tables/survival_curve.csv).
    public var curveTable: ReportTable {
        let u = unit.plural
        let level = formatFixed(100 * confidenceLevel, decimals: confidenceLevel * 100 == (confidenceLevel * 100).rounded() ? 0 : 1)
        return ReportTable(
            id: "survival_curve", title: "Kaplan–Meier curve and Nelson–Aalen cumulative hazard",
            columns: [.init("group"), .init("time", unit: u), .init("at risk"), .init("churned"), .init("censored"),
                      .init("survival", unit: "%"), .init("std. error of log S"), .init("\(level)% low", unit: "%"),
                      .init("\(level)% high", unit: "%"), .init("cumulative hazard"), .init("cumulative hazard SE")],
            rows: groups.flatMap { g in
                let c = g.curve
                return c.time.indices.map { i -> [Cell] in
                    [.text(g.name), .number(c.time[i], decimals: unit == .day ? 0 : 3), .int(c.atRisk[i]), .int(c.events[i]),
                     .int(c.censored[i]), .percent(c.survival[i], decimals: 2), Self.value(c.stdErr[i], 5),
                     Self.share(c.lower[i]), Self.share(c.upper[i]),
                     .number(c.cumulativeHazard[i], decimals: 5), .number(c.cumulativeHazardSE[i], decimals: 5)]
                }
            },
            note: "One row per distinct time. \(confidenceType.rawValue) intervals from the Greenwood variance; "
                + "no interval exists at S = 0\(confidenceType == .logLog ? " or S = 1" : "") (shown blank, as R's NA).")
    }

    public func table(id: String) -> ReportTable? {
        if id == "survival_curve" { return curveTable }
        if id == "competing_incidence_curve" { return competingCurveTable }
        return tables.first { $0.id == id }
    }

    /// The full cumulative incidence curves of `--competing` (nil without it).
    public var competingCurveTable: ReportTable? {
        competing?.curveTable(unit: unit, level: confidenceLevel, confidenceType: confidenceType)
    }

    /// The tables of `--competing` (empty without it): first in `tables` when present.
    public var competingTables: [ReportTable] {
        competing?.tables(unit: unit, level: confidenceLevel, confidenceType: confidenceType, byColumn: byColumn, strataColumn: strataColumn) ?? []
    }

    public var tables: [ReportTable] {
        let u = unit.plural
        let level = formatFixed(100 * confidenceLevel, decimals: confidenceLevel * 100 == (confidenceLevel * 100).rounded() ? 0 : 1)
        var out: [ReportTable] = []

        // primary: one row per group
        var cols: [ReportTable.Column] = [.init("group"), .init("customers"), .init("churned"), .init("censored"),
                                          .init("median lifetime", unit: u), .init("median \(level)% low", unit: u),
                                          .init("median \(level)% high", unit: u), .init("restricted mean", unit: u),
                                          .init("restricted mean SE", unit: u), .init("restricted to", unit: u)]
        let horizonTimes = groups.first?.horizons.map(\.time) ?? []
        for t in horizonTimes { cols.append(.init("S(\(Self.num(t)) \(u))", unit: "%")) }
        let rows: [[Cell]] = groups.map { g in
            let m = g.summary
            var r: [Cell] = [.text(g.name), .int(g.subjects), .int(g.events), .int(g.subjects - g.events),
                             m.median.isFinite ? .number(m.median, decimals: 1) : .missing("not reached"),
                             m.medianLower.isFinite ? .number(m.medianLower, decimals: 1) : .missing("not reached"),
                             m.medianUpper.isFinite ? .number(m.medianUpper, decimals: 1) : .missing("not reached"),
                             .number(m.rmst, decimals: 1), .number(m.rmstSE, decimals: 2), .number(m.tau, decimals: 1)]
            for h in g.horizons {
                r.append(h.survival.isFinite ? .percent(h.survival, decimals: 1) : .missing("beyond follow-up"))
            }
            return r
        }
        let summary = ReportTable(
            id: "survival_summary", title: "Churn survival (Kaplan–Meier)" + (byColumn.map { " by \($0)" } ?? ""),
            columns: cols, rows: rows,
            note: "Churn: \(churnDefinition). Median with its \(level)% \(confidenceType.rawValue) interval (R's rule); "
                + "restricted mean = area under the curve up to 'restricted to'. As of \(asOf)."
                + notes.map { " " + $0 }.joined())

        // with --competing, why customers leave comes first (the primary table, what CSV writes)
        out += competingTables
        out.append(summary)

        if !horizonTimes.isEmpty {
            out.append(ReportTable(
                id: "survival_horizons", title: "Survival at the horizons",
                columns: [.init("group"), .init("time", unit: u), .init("survival", unit: "%"), .init("\(level)% low", unit: "%"),
                          .init("\(level)% high", unit: "%"), .init("at risk"), .init("churned by then"), .init("censored by then")],
                rows: groups.flatMap { g in g.horizons.map { h -> [Cell] in
                    guard h.survival.isFinite else {
                        return [.text(g.name), .number(h.time, decimals: 1), .missing("beyond follow-up"), .missing(""),
                                .missing(""), .int(h.atRisk), .int(h.events), .int(h.censored)]
                    }
                    return [.text(g.name), .number(h.time, decimals: 1), .percent(h.survival, decimals: 2),
                            Self.share(h.lower), Self.share(h.upper), .int(h.atRisk), .int(h.events), .int(h.censored)]
                } }))
        }

        if let lr = logRank {
            out.append(ReportTable(
                id: "survival_log_rank", title: "Log-rank test\(lr.stratified ? " (stratified by \(strataColumn ?? "strata"))" : "")",
                columns: [.init("chi-square"), .init("df"), .init("p-value"), .init("groups")],
                rows: [[.number(lr.chiSquare, decimals: 3), .int(lr.df), Self.p(lr.pValue), .int(lr.groups.count)]],
                note: "H0: the same survival in every group of \(byColumn ?? "the groups"). Groups with no expected events do not count towards df."))
            out.append(ReportTable(
                id: "survival_log_rank_groups", title: "Observed and expected churn per group",
                columns: [.init("group"), .init("customers"), .init("observed"), .init("expected"), .init("O/E")],
                rows: lr.groups.indices.map { k in
                    [.text(lr.groups[k]), .int(lr.n[k]), .number(lr.observed[k], decimals: 0), .number(lr.expected[k], decimals: 2),
                     lr.expected[k] > 0 ? .number(lr.observed[k] / lr.expected[k], decimals: 3) : .missing("no expected events")]
                }))
        }

        if let cr = cox {
            let m = cr.model
            let refs = cr.referenceLevels.keys.sorted().map { "\($0) = \(cr.referenceLevels[$0] ?? "")" }
            var note = "Cox proportional hazards, \(m.ties.rawValue) ties"
            if let s = cr.strataColumn { note += ", stratified by \(s) (\(m.strata) strata)" }
            if m.penalty > 0 { note += ", L2 penalty λ = \(Self.num(m.penalty)) (ℓ(β) − λ/2·Σβ²)" }
            note += "; \(m.n) customers, \(m.events) churned"
            if cr.droppedSubjects > 0 { note += ", \(cr.droppedSubjects) left out for a missing covariate" }
            note += ". HR > 1: churns sooner."
            if !refs.isEmpty { note += " Reference levels: \(refs.joined(separator: "; "))." }
            // Hazard ratios are the exponentials of the coefficient and of its interval.
            out.append(.parameters(
                id: "survival_cox", title: "Cox model: hazard ratios", fits: [m.modelFit],
                columns: [.name("covariate"), .estimate("coef", decimals: 5), .standardError("std. error", decimals: 5),
                          .number("hazard ratio", decimals: 4) { exp($0.estimate) },
                          .number("HR \(level)% low", decimals: 4) { $0.lower.map(exp) },
                          .number("HR \(level)% high", decimals: 4) { $0.upper.map(exp) },
                          .statistic("z", decimals: 3), ParameterColumn(column: .init("p-value")) { _, p in Self.p(p.pValue ?? .nan) }],
                note: note))
            var fit: [[Cell]] = [
                [.text("partial log-likelihood"), .number(m.logLikelihood, decimals: 4), .missing(""), .missing("")],
                [.text("null log-likelihood"), .number(m.nullLogLikelihood, decimals: 4), .missing(""), .missing("")],
                [.text("likelihood-ratio test"), .number(m.likelihoodRatioTest.statistic, decimals: 3),
                 .int(m.likelihoodRatioTest.df), Self.p(m.likelihoodRatioTest.pValue)],
                [.text("Wald test"), .number(m.waldTest.statistic, decimals: 3), .int(m.waldTest.df), Self.p(m.waldTest.pValue)],
                [.text("score (log-rank) test"), .number(m.scoreTest.statistic, decimals: 3), .int(m.scoreTest.df), Self.p(m.scoreTest.pValue)],
            ]
            if let c = m.concordance {
                fit.append([.text("concordance (Harrell's C)"), .number(c.value, decimals: 4), .missing(""), .missing("")])
            }
            fit.append([.text("Newton–Raphson iterations"), .int(m.iterations), .missing(""), .missing("")])
            out.append(ReportTable(id: "survival_cox_fit", title: "Cox model: fit",
                                   columns: [.init("statistic"), .init("value"), .init("df"), .init("p-value")], rows: fit,
                                   note: m.penalty > 0 ? "With a penalty the tests are on the penalised fit (df = number of coefficients)." : nil))
        }

        if let first = groups.first, !first.riskTable.isEmpty {
            let times = first.riskTable.map(\.time)
            out.append(ReportTable(
                id: "survival_at_risk", title: "Customers at risk",
                columns: [.init("group")] + times.map { .init("\(Self.num($0)) \(u)") },
                rows: groups.map { g in [.text(g.name)] + g.riskTable.map { .int($0.atRisk) } },
                note: "Customers still observed and not churned just before each time."))
        }
        return out
    }

    static func num(_ x: Double) -> String {
        x == x.rounded() && abs(x) < 1e15 ? String(Int64(x)) : formatFixed(x, decimals: 2)
    }
    static func share(_ x: Double) -> Cell { x.isFinite ? .percent(x, decimals: 2) : .missing("no interval") }
    static func value(_ x: Double, _ d: Int) -> Cell { x.isFinite ? .number(x, decimals: d) : .missing("infinite") }
    static func p(_ x: Double) -> Cell { x.isFinite ? .number(x, decimals: x < 1e-4 ? 8 : 4) : .missing("") }
}
