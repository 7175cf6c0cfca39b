import TenureData
import TenureSurvival

/// Why customers leave (competing risks, when subscriptions carry an end_reason): a stacked chart
/// of the cumulative incidence of each reason per group, the most frequent reason by group with
/// its bands, Gray's test, and the Fine–Gray and cause-specific Cox models side by side.
enum CompetingSection {
    static let title = "Why customers leave"
    /// Most groups drawn as stacked charts (the tables have every group).
    static let maxStackedCharts = 4

    /// The survival options the section runs with: contractual churn, causes from end_reason,
    /// groups by `by`, the models on `covariates`, times in months.
    static func options(_ o: ReportOptions, by: String?, covariates: [String]) -> SurvivalOptions {
        var opts = SurvivalOptions()
        opts.churn = .contractual
        opts.unit = .month
        opts.by = by
        opts.cox = covariates
        opts.competing = "end_reason"
        return opts
    }

    /// The models' covariates: `o.competingCovariates`, else the breakdown column and the plan
    /// (when there is one).
    static func covariates(_ ds: Dataset, _ o: ReportOptions, by: String?) -> [String] {
        if let c = o.competingCovariates { return c }
        var c: [String] = []
        if let by { c.append(by) }
        if ds.subscriptions?.plan != nil && by != "plan" { c.append("plan") }
        return c
    }

    static func make(_ ds: Dataset, _ o: ReportOptions, by: String?) -> (section: ReportSection, result: NamedResult?) {
        let covs = covariates(ds, o, by: by)
        let run = { (by: String?, covs: [String]) in try SurvivalAnalysis.run(ds, options: options(o, by: by, covariates: covs)) }
        var warning: String?
        let r: SurvivalResult
        do { r = try run(by, covs) } catch {
            // a model or a grouping that fails should not hide the curves: without the models, then without groups
            if let again = try? run(by, []) {
                r = again; warning = "No Fine–Gray or cause-specific Cox models: \(ReportBuilder.describe(error))."
            } else if by != nil, let again = try? run(nil, []) {
                r = again; warning = "Not grouped by \(by!): \(ReportBuilder.describe(error)). The curves below are for all customers."
            } else {
                return (ReportBuilder.unavailable(id: "competing", title: title, error), nil)
            }
        }
        guard let c = r.competing else { return (ReportSection(id: "competing", title: title, unavailable: "no competing-risks result"), nil) }
        return (section(c, survival: r, warning: warning), NamedResult(key: "competing_risks", result: c))
    }

    static func section(_ c: CompetingRisksResult, survival r: SurvivalResult, warning: String?) -> ReportSection {
        let units = r.unit.plural
        var blocks: [ReportBlock] = []
        if let warning { blocks.append(.warning(warning)) }
        let counts = zip(c.causes, c.events).map { "\($0) \(Format.count($1))" }.joined(separator: ", ")
        blocks.append(.text("A customer's churn reason is the \(c.column) of the subscription that ended their last spell (\(counts); \(Format.count(c.censored)) customers are still subscribed and censored). The cumulative incidence of a reason is the share of customers who have left for that reason by a given time since they started, with the other reasons competing: the reasons add up to the share who have left for any reason (1 − the Kaplan–Meier survival above)."))

        // stacked cumulative incidence per group
        for (k, g) in c.groups.prefix(maxStackedCharts).enumerated() {
            let cv = g.curve
            let series = cv.causes.indices.map { j -> Series in
                // from time 0 at 0, as a step function
                var x = cv.time, y = cv.incidence[j]
                if x.first != 0 { x.insert(0, at: 0); y.insert(0, at: 0) }
                return Series(name: cv.causes[j], x: x, y: y, interpolation: .step, color: j)
            }
            let groupName = c.groups.count > 1 ? " — \(r.byColumn ?? "group") \(g.name)" : ""
            blocks.append(.chart(.lines(LineChart(
                id: "competing_stacked\(c.groups.count > 1 ? "_\(k + 1)" : "")",
                title: "Why customers leave: cumulative incidence by reason\(groupName)",
                caption: "How to read it: at each time since acquisition, the height of each coloured band is the share of customers who have left for that reason by then; the top edge is the share who have left for any reason.",
                xAxis: Axis("time since acquisition", unit: units, format: .number(decimals: 0), min: 0),
                yAxis: Axis("share of customers who left", unit: "%", format: .percent(decimals: 0), min: 0),
                series: series, stacked: true))))
        }
        if c.groups.count > maxStackedCharts {
            blocks.append(.text("Stacked charts for the first \(maxStackedCharts) of \(c.groups.count) groups; every group is in the tables."))
        }

        // the most frequent reason across groups, with bands
        if c.groups.count >= 2, let top = c.causes.first {
            let series = c.groups.enumerated().map { k, g -> Series in
                let cv = g.curve
                var x = cv.time, y = cv.incidence[0], lo = cv.lower[0], hi = cv.upper[0]
                if x.first != 0 { x.insert(0, at: 0); y.insert(0, at: 0); lo.insert(0, at: 0); hi.insert(0, at: 0) }
                return Series(name: g.name, x: x, y: y, lower: lo, upper: hi, interpolation: .step, color: k,
                              bandLabel: "\(pct(r.confidenceLevel, 0)) CI")
            }
            let gray = c.grayTests.first { $0.cause == top }
            blocks.append(.chart(.lines(LineChart(
                id: "competing_top_reason", title: "Customers who left because: \(top), by \(r.byColumn ?? "group")",
                caption: "How to read it: each line is the share of a group's customers who have left for this reason by each time, with its \(pct(r.confidenceLevel, 0)) band; lines that stay apart beyond their bands are what Gray's test detects" + (gray.map { " (here p = \(pValue($0.pValue)))." } ?? "."),
                xAxis: Axis("time since acquisition", unit: units, format: .number(decimals: 0), min: 0),
                yAxis: Axis("cumulative incidence", unit: "%", format: .percent(decimals: 0), min: 0),
                series: series))))
        }

        var highlights: [String] = []
        if let total = Optional(c.events.reduce(0, +)), total > 0 {
            let shares = zip(c.causes, c.events).map { "\($0) \(pct(Double($1) / Double(total), 0))" }.joined(separator: ", ")
            highlights.append("Churns by reason: \(shares).")
        }
        for t in c.grayTests where t.pValue < 0.05 {
            highlights.append("'\(t.cause)' differs between \(r.byColumn ?? "groups") (Gray's test χ² = \(Format.grouped(t.statistic, decimals: 1)) on \(t.df) df, p = \(pValue(t.pValue))).")
        }
        if !c.grayTests.isEmpty {
            blocks.append(.text("Gray's test asks, reason by reason, whether the cumulative incidence differs between the groups; a small p-value means the reason weighs differently across them."))
        }
        if !c.models.isEmpty {
            blocks.append(.text("How to read the models: the subdistribution hazard ratio (Fine–Gray) above 1 means a covariate raises the share of customers who end up leaving for that reason; the cause-specific hazard ratio above 1 means customers still subscribed leave for that reason sooner — the first answers \"how many\", the second \"how fast\"."))
        }
        let tables = r.competingTables + (r.competingCurveTable.map { [$0] } ?? [])
        for (i, t) in tables.enumerated() {
            blocks.append(.table(t, i == 0 || t.id == "competing_models" || t.id == "competing_gray" ? .standard : .folded(maxRows: 60)))
        }
        for n in r.notes where n.contains(c.column) { blocks.append(.warning(n)) }
        return ReportSection(id: "competing", title: title, highlights: highlights, blocks: blocks)
    }

    static func pValue(_ p: Double) -> String { p < 0.0001 ? "< 0.0001" : Format.grouped(p, decimals: 4) }
}
