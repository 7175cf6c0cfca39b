import TenureData
import TenureKPIs

/// KPIs: tiles of the headline KPIs (against `--targets` when given), revenue and churn per period.
public enum KPISection {
    static let title = "KPIs"
    /// Headline KPIs, in tile order; those the data cannot give are left out of the tiles.
    static let headline = ["revenue", "active_customers", "new_customers", "aov", "purchase_frequency",
                           "churn_rate", "purchase_churn_rate", "retention_rate", "net_revenue_retention",
                           "csat", "nps", "ces", "clv", "clv_subscription", "cac", "clv_cac_ratio", "cac_payback_months",
                           "engaged_share", "first_response_median_hours", "lead_conversion_rate", "sales_close_rate"]

    /// The section when the KPIs could not be computed.
    static func unavailable(_ error: Error) -> (section: ReportSection, result: NamedResult?) {
        (ReportBuilder.unavailable(id: "kpis", title: title, error), nil)
    }

    /// The report's KPI settings (monthly periods, its churn-after, margin, CLV horizon and discount rate).
    public static func options(_ o: ReportOptions) -> KPIOptions {
        var opts = KPIOptions(period: .month, churnAfterDays: o.churnAfterDays, grossMargin: o.grossMargin)
        opts.clvHorizonDays = o.horizonDays
        opts.annualDiscountRate = o.annualDiscountRate
        return opts
    }

    /// The targets the tiles are compared with: `--targets`, else tenure's example targets.
    public static func targets(_ o: ReportOptions) -> [KPITarget]? { o.targets ?? (try? ExampleTargets.parsed()) }

    static func make(_ ds: Dataset, _ o: ReportOptions) -> (section: ReportSection, result: NamedResult?) {
        let opts = options(o)
        return make(targets(o).map { KPITargets.compute(ds, options: opts, targets: $0) } ?? KPIAnalysis.compute(ds, options: opts), o)
    }

    /// The section of a KPI result computed elsewhere (or its failure).
    static func make(_ r: Result<KPIResult, Error>, _ o: ReportOptions) -> (section: ReportSection, result: NamedResult?) {
        switch r {
        case .success(let r): return make(r, o)
        case .failure(let e): return unavailable(e)
        }
    }

    static func make(_ r: KPIResult, _ o: ReportOptions) -> (section: ReportSection, result: NamedResult?) {
        var blocks: [ReportBlock] = []
        blocks.append(.text("Every KPI tenure can compute from the tables in this dataset, over the whole window (\(r.windowStart) to \(r.asOf)) and per month. Shares carry a \(pct(r.options.confidence, 0)) interval; a KPI whose table is missing is listed as unavailable, never as zero."))
        if o.targets == nil {
            blocks.append(.text("Tiles are compared with tenure's example targets (rules of thumb such as CLV:CAC ≥ 3 and CSAT ≥ 80%, not facts about this business); give your own with --targets FILE.yaml or a targets.yaml beside the data."))
        } else if let src = o.targetsSource {
            blocks.append(.text("Tiles are compared with the targets in \(src)."))
        }
        let names = Dictionary(r.definitions.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
        let checks = Dictionary((r.targets ?? []).map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var tiles: [KPITile] = []
        for id in headline {
            guard let v = r[id], let value = v.value else { continue }
            var status = KPITile.Status.noTarget
            var target: String?
            if let c = checks[id] {
                status = c.status == .met ? .met : c.status == .missed ? .missed : .unavailable
                target = "\(c.kind) \(c.direction == .higher ? "≥" : "≤") \(formatKPI(c.target, unit: v.unit))"
            }
            var detail: [String] = []
            if let n = v.n { detail.append("n = \(Format.count(n))") }
            if let lo = v.lower, let hi = v.upper { detail.append("CI \(formatKPI(lo, unit: v.unit)) to \(formatKPI(hi, unit: v.unit))") }
            if let w = v.warning { detail.append(w) }
            if r.options.grossMargin == nil && ["clv", "clv_subscription", "clv_cac_ratio", "cac_payback_months"].contains(id) {
                detail.append("revenue terms (no --gross-margin)")
            }
            tiles.append(KPITile(name: names[id] ?? id, value: formatKPI(value, unit: v.unit), status: status, target: target,
                                 detail: detail.isEmpty ? nil : detail.joined(separator: " · ")))
        }
        var highlights: [String] = []
        if let checks = r.targets, !checks.isEmpty {
            let met = checks.filter { $0.status == .met }.count
            let missed = checks.filter { $0.status == .missed }.map { names[$0.id] ?? $0.id }
            highlights.append("\(met) of \(checks.count) KPIs with a target meet it" + (missed.isEmpty ? "." : "; missed: \(missed.joined(separator: ", ")).") )
        }
        let unavailable = r.overall.filter { $0.value == nil }.count
        if unavailable > 0 { highlights.append("\(unavailable) of \(r.overall.count) KPIs are unavailable for this data (the table below says why).") }
        if !tiles.isEmpty { blocks.append(.tiles(tiles)) }

        // per period: revenue and active customers as bars, churn as a line with its interval
        let periods = r.byPeriod
        if periods.count >= 2 {
            let cats = periods.map { $0.key + ($0.partial == true ? "*" : "") }
            let revenue = periods.map { $0["revenue"]?.value }
            if revenue.contains(where: { $0 != nil }) {
                blocks.append(.chart(.bars(BarChart(
                    id: "kpi_revenue_by_period", title: "Revenue per month",
                    caption: "Sum of transaction amounts (refunds included) per calendar month; * marks the month cut by the end of observation.",
                    categories: cats, categoryAxis: "month", axis: Axis("revenue", unit: "currency", format: .number(decimals: 0)),
                    groups: [.init(name: "revenue", values: revenue, color: 0)]))))
            }
            let churnId = periods.contains { $0["churn_rate"]?.value != nil } ? "churn_rate" : "purchase_churn_rate"
            let churn = periods.map { $0[churnId] }
            if churn.contains(where: { $0?.value != nil }) {
                let xs = periods.indices.map(Double.init)
                let days = periods.map { p -> Double in p.start.flatMap { DateParser.day(from: $0) }.map(Double.init) ?? .nan }
                let x = days.allSatisfy { $0.isFinite } ? days : xs
                blocks.append(.chart(.lines(LineChart(
                    id: "kpi_churn_by_period", title: "\(names[churnId] ?? churnId) per month",
                    caption: "Share of customers active at the start of each month who were no longer active at its end, with its \(pct(r.options.confidence, 0)) Wilson interval.",
                    xAxis: Axis("month", format: x == days ? .date(monthOnly: true) : .number(decimals: 0)),
                    yAxis: Axis("churn rate", unit: "%", format: .percent(decimals: 1), min: 0),
                    series: [Series(name: "churn rate", x: x, y: churn.map { $0?.value ?? .nan },
                                    lower: churn.map { $0?.lower ?? .nan }, upper: churn.map { $0?.upper ?? .nan },
                                    color: 3, markers: true, bandLabel: "\(pct(r.options.confidence, 0)) interval")]))))
            }
        }
        let tables = ReportBuilder.tables(of: r)
        for (i, t) in tables.enumerated() { blocks.append(.table(t, i == 0 ? .standard : .folded(maxRows: 60))) }
        for n in r.notes { blocks.append(.text(n.prefix(1).uppercased() + n.dropFirst() + ".")) }
        return (ReportSection(id: "kpis", title: title, highlights: highlights, blocks: blocks), NamedResult(key: "kpis", result: r))
    }

    /// A KPI value in its unit, for people.
    static func formatKPI(_ x: Double, unit: String) -> String {
        switch unit {
        case "share": return Format.value(x, .percent(decimals: 1))
        case "points": return Format.grouped(x, decimals: 1)
        case "score": return Format.grouped(x, decimals: 2)
        case "currency": return Format.grouped(x, decimals: abs(x) >= 1000 ? 0 : 2)
        case "count": return Format.grouped(x, decimals: 0)
        case "hours": return Format.grouped(x, decimals: 1) + " h"
        case "months": return Format.grouped(x, decimals: 1) + " months"
        case "ratio": return Format.grouped(x, decimals: 2) + "×"
        default: return Format.grouped(x, decimals: 2)
        }
    }
}
