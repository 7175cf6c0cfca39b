import TenureData
import TenureSurvival

/// Churn survival: Kaplan–Meier curves with confidence bands and the numbers at risk, medians and
/// RMST, and the log-rank test between groups.
enum SurvivalSection {
    static let title = "Churn survival"

    /// The survival options the report runs with: contractual churn when there are subscriptions,
    /// else churn after `churnAfterDays` without a purchase; curves by `by`.
    static func options(_ o: ReportOptions, contractual: Bool, by: String?) -> SurvivalOptions {
        var opts = SurvivalOptions()
        opts.churn = contractual ? .contractual : .inactivity(TimeSpan(value: Double(o.churnAfterDays), unit: .day))
        opts.unit = .day
        opts.by = by
        return opts
    }

    static func make(_ ds: Dataset, _ o: ReportOptions, by: String?) -> (section: ReportSection, result: NamedResult?) {
        let opts = options(o, contractual: ds.subscriptions != nil, by: by)
        return make(grouped: { try SurvivalAnalysis.run(ds, options: opts) }, ungrouped: { try SurvivalAnalysis.run(ds, options: { var x = opts; x.by = nil; return x }()) }, by: by)
    }

    /// The section from a run by `by` and, should that fail, a run for all customers: the curves
    /// are then shown for all customers with the reason first, rather than leaving survival out.
    static func make(grouped: () throws -> SurvivalResult, ungrouped all: () throws -> SurvivalResult,
                     by: String?) -> (section: ReportSection, result: NamedResult?) {
        let r: SurvivalResult
        var ungrouped: String?
        do { r = try grouped() } catch {
            if let by, let again = try? all() {
                r = again
                ungrouped = "Not grouped by \(by): \(ReportBuilder.describe(error)). The curves below are for all customers."
            } else {
                return (ReportBuilder.unavailable(id: "survival", title: title, error), nil)
            }
        }
        let unit = r.unit.rawValue
        var blocks: [ReportBlock] = []
        if let ungrouped { blocks.append(.warning(ungrouped)) }
        blocks.append(.text("Churn: \(r.churnDefinition). \(Format.count(r.subjects)) customers, \(Format.count(r.events)) churned; the others are censored at the end of observation (\(r.asOf)). Kaplan–Meier curves with Greenwood variance and \(pct(r.confidenceLevel, 0)) \(r.confidenceType.rawValue) confidence intervals."))
        var series: [Series] = []
        for (k, g) in r.groups.enumerated() {
            let c = g.curve
            // the curve starts at time 0 with survival 1
            var x = [0.0] + c.time, y = [1.0] + c.survival, lo = [1.0] + c.lower, hi = [1.0] + c.upper
            if c.time.first == 0 { x.removeFirst(); y.removeFirst(); lo.removeFirst(); hi.removeFirst() }
            series.append(Series(name: g.name, x: x, y: y, lower: lo, upper: hi, interpolation: .step, color: k,
                                 bandLabel: "\(pct(r.confidenceLevel, 0)) CI"))
        }
        var atRisk: AtRiskTable?
        if let first = r.groups.first, !first.riskTable.isEmpty {
            let times = first.riskTable.map(\.time)
            atRisk = AtRiskTable(times: times, names: r.groups.map(\.name),
                                 counts: r.groups.map { g in times.map { t in g.riskTable.first { $0.time == t }?.atRisk ?? 0 } })
        }
        blocks.append(.chart(.lines(LineChart(
            id: "km_curves", title: "Kaplan–Meier survival" + (r.byColumn.map { " by \($0)" } ?? ""),
            caption: "Share of customers not yet churned against time since they became customers, with \(pct(r.confidenceLevel, 0)) confidence bands; the table under the plot gives the customers still at risk.",
            xAxis: Axis("time since acquisition", unit: unit + "s", format: .number(decimals: 0), min: 0),
            yAxis: Axis("survival probability", unit: "%", format: .percent(decimals: 0), min: 0, max: 1),
            series: series, atRisk: atRisk))))

        var highlights: [String] = []
        for g in r.groups {
            let m = g.summary
            let median = m.median.isFinite
                ? "median lifetime \(Format.grouped(m.median, decimals: 0)) \(unit)s (CI \(Format.grouped(m.medianLower, decimals: 0)) to \(m.medianUpper.isFinite ? Format.grouped(m.medianUpper, decimals: 0) : "not reached"))"
                : "median lifetime not reached (more than half are still customers)"
            highlights.append("\(g.name): \(median); restricted mean \(Format.grouped(m.rmst, decimals: 0)) \(unit)s up to \(Format.grouped(m.tau, decimals: 0)).")
        }
        if let lr = r.logRank {
            highlights.append("Log-rank test across \(lr.groups.count) groups: χ² = \(Format.grouped(lr.chiSquare, decimals: 2)) on \(lr.df) df, p = \(lr.pValue < 0.0001 ? "< 0.0001" : Format.grouped(lr.pValue, decimals: 4)).")
        }
        // every table, and the full curve
        let tables = ReportBuilder.tables(of: r) + [r.curveTable]
        for (i, t) in tables.enumerated() { blocks.append(.table(t, i == 0 ? .standard : .folded(maxRows: 60))) }
        for n in r.notes { blocks.append(.warning(n)) }
        return (ReportSection(id: "survival", title: title, highlights: highlights, blocks: blocks), NamedResult(key: "survival", result: r))
    }
}
