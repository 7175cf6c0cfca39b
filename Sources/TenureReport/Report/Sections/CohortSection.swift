import TenureData
import TenureCohorts

/// Cohort retention: heatmap of the cohort × age matrix, the average curve with its interval, the
/// sBG forecast of recent cohorts with projection bands, and MRR movements when there are any.
enum CohortSection {
    static let title = "Cohort retention"
    /// Most cohorts shown in the heatmap (the latest ones); the CSV has every cohort.
    static let maxHeatmapRows = 36

    /// The cohort options the report runs with.
    static func options(_ o: ReportOptions) -> CohortOptions {
        var opts = CohortOptions()
        opts.period = o.cohortPeriod
        opts.forecast = o.forecastPeriods
        opts.grossMargin = o.grossMargin
        return opts
    }

    /// The options of the event-based view: any purchase or interaction makes a customer active.
    static func eventOptions(_ o: ReportOptions) -> CohortOptions {
        var opts = options(o)
        opts.forecast = 0
        opts.activity = [.transactions, .interactions]
        return opts
    }

    static func make(_ ds: Dataset, _ o: ReportOptions) -> (section: ReportSection, result: NamedResult?) {
        let events: Result<CohortResult, Error>? = ds.hasTransactions && (ds.interactions?.count ?? 0) > 0
            ? Result { try CohortAnalysis.run(ds, options: eventOptions(o)) } : nil
        return make(Result { try CohortAnalysis.run(ds, options: options(o)) }, events: events)
    }

    /// The section of a result computed elsewhere (or why there is none); `events` the event-based
    /// retention (`--activity transactions,interactions`) when the data has interactions.
    static func make(_ result: Result<CohortResult, Error>, events: Result<CohortResult, Error>? = nil) -> (section: ReportSection, result: NamedResult?) {
        let r: CohortResult
        switch result {
        case .success(let x): r = x
        case .failure(let error): return (ReportBuilder.unavailable(id: "cohorts", title: title, error), nil)
        }
        guard let g = r.groups.first, !g.cohorts.isEmpty || !(g.contractual ?? []).isEmpty else {
            return (ReportSection(id: "cohorts", title: title, unavailable: "no cohort could be formed from this data"), NamedResult(key: "cohorts", result: r))
        }
        let unit = r.settings.period
        let units = unit + "s"
        var blocks: [ReportBlock] = []
        // Without purchases (no transactions.csv) the matrix is contractual retention.
        let purchases = !g.cohorts.isEmpty
        let activeMeans = purchases ? "active (at least one purchase)" : "covered by a subscription"
        blocks.append(.text("Customers are grouped by the \(unit) they were acquired in (\(r.cohortBasis.replacingOccurrences(of: "_", with: " "))). Each cell is the share of a cohort \(activeMeans) in a later \(unit). Cells a cohort has not reached are blank, not zero, and the current, unfinished \(unit) is left out so it never looks like a drop."))

        // heatmap of classic retention, complete cells only (the sBG forecast is of unbounded or
        // contractual retention, so it completes its own triangle chart below, not this one)
        let matrix: [(cohort: String, size: Int, cells: [(age: Int, value: Double, complete: Bool)])] = purchases
            ? g.cohorts.map { ($0.cohort, $0.size, $0.cells.map { ($0.age, $0.retention, $0.status == .complete) }) }
            : (g.contractual ?? []).map { ($0.cohort, $0.size, $0.cells.map { ($0.age, $0.retention, $0.status == .complete) }) }
        let shown = Array(matrix.suffix(maxHeatmapRows))
        let maxAge = shown.flatMap { $0.cells.map(\.age) }.max() ?? 0
        var values: [[Double?]] = []
        for c in shown {
            var row = [Double?](repeating: nil, count: maxAge + 1)
            for cell in c.cells where cell.complete { row[cell.age] = cell.value }
            values.append(row)
        }
        let laterAges = values.flatMap { $0.dropFirst().compactMap { $0 } }
        let hi = laterAges.max() ?? 1
        blocks.append(.chart(.heatmap(Heatmap(
            id: "cohort_retention_heatmap", title: purchases ? "Retention by \(unit)ly cohort" : "Contractual retention by \(unit)ly cohort",
            caption: "Share of each cohort \(activeMeans) in each \(unit) since acquisition (classic retention). Age 0 is 100% by definition; the colour scale spans the later ages so their differences show." + (matrix.count > shown.count ? " The latest \(shown.count) of \(matrix.count) cohorts are shown; every cohort is in the CSV." : ""),
            rowAxis: "cohort", columnAxis: "\(units) since acquisition",
            rowLabels: shown.map(\.cohort), rowNotes: shown.map { "n = \(Format.count($0.size))" },
            columnLabels: (0...maxAge).map(String.init), values: values, forecast: nil,
            format: .percent(decimals: 0), domain: 0...max(0.05, hi), legendLabel: "retention (share of cohort)"))))

        // average curve with Wilson band, classic and unbounded
        let avg = g.average.filter { $0.cohorts > 0 }
        if avg.count >= 2 {
            let x = avg.map { Double($0.age) }
            blocks.append(.chart(.lines(LineChart(
                id: "cohort_average_curve", title: "Average retention curve",
                caption: "Size-weighted mean over the cohorts that have fully reached each age, with its \(pct(r.settings.confidence, 0)) Wilson interval. Unbounded retention counts a customer as retained while they buy again at that age or later.",
                xAxis: Axis("age", unit: units, format: .number(decimals: 0)),
                yAxis: Axis("share of cohort", unit: "%", format: .percent(decimals: 0), min: 0, max: 1),
                series: [Series(name: "classic retention", x: x, y: avg.map(\.retention), lower: avg.map(\.retentionLower),
                                upper: avg.map(\.retentionUpper), color: 0, markers: avg.count <= 40, bandLabel: "\(pct(r.settings.confidence, 0)) interval"),
                         Series(name: "unbounded retention", x: x, y: avg.map(\.unbounded), style: .dashed, color: 1)]))))
        }

        var highlights: [String] = []
        // the LTV curve: cumulative value per acquired customer by age, against the acquisition cost
        let value = g.average.filter { $0.cumulativeRevenuePerCustomer != nil }
        if purchases && value.count >= 2 {
            let x = value.map { Double($0.age) }
            var series = [Series(name: "revenue per acquired customer", x: x, y: value.map { $0.cumulativeRevenuePerCustomer ?? .nan },
                                 color: 0, markers: value.count <= 40)]
            if value.first?.cumulativeMarginPerCustomer != nil {
                series.append(Series(name: "gross margin per acquired customer", x: x, y: value.map { $0.cumulativeMarginPerCustomer ?? .nan },
                                     color: 2, markers: value.count <= 40))
            }
            var markers: [Marker] = []
            if let cac = g.acquisitionCost {
                series.append(Series(name: "acquisition cost per customer (CAC)", x: [x.first!, x.last!], y: [cac, cac], style: .dashed, color: 3))
                if let p = g.paybackAge { markers.append(Marker(x: Double(p), label: "paid back at age \(p)")) }
            }
            let basis = value.first?.cumulativeMarginPerCustomer != nil ? "gross margin" : "revenue"
            blocks.append(.chart(.lines(LineChart(
                id: "cohort_ltv_curve", title: "Cumulative value per acquired customer (LTV curve)",
                caption: "How to read it: each point is what an average acquired customer has brought in by that age (cohorts that completed the age, weighted by size, months without a purchase counted as zero); where the \(basis) line crosses the dashed CAC line the acquisition cost is paid back.",
                xAxis: Axis("age", unit: units, format: .number(decimals: 0), min: 0),
                yAxis: Axis("per acquired customer", unit: "currency", format: .number(decimals: 0), min: 0),
                series: series, markers: markers))))
            if let cac = g.acquisitionCost {
                highlights.append(g.paybackAge.map { "Acquisition cost (\(Format.grouped(cac, decimals: 2)) per customer) is paid back in \(basis) after \($0) \(units)." }
                                  ?? "Acquisition cost (\(Format.grouped(cac, decimals: 2)) per customer) is not yet paid back in \(basis) within the data.")
            }
        }

        // event-based retention: any purchase or interaction counts as activity
        var eventTables: [ReportTable] = []
        if let events {
            switch events {
            case .success(let ev):
                if let eg = ev.groups.first, !eg.cohorts.isEmpty {
                    let rows = Array(eg.cohorts.suffix(maxHeatmapRows))
                    let maxAge = rows.flatMap { $0.cells.map(\.age) }.max() ?? 0
                    let values: [[Double?]] = rows.map { row in
                        var v = [Double?](repeating: nil, count: maxAge + 1)
                        for c in row.cells where c.status == .complete { v[c.age] = c.retention }
                        return v
                    }
                    let later = values.flatMap { $0.dropFirst().compactMap { $0 } }
                    blocks.append(.chart(.heatmap(Heatmap(
                        id: "cohort_event_retention_heatmap", title: "Event retention by \(unit)ly cohort (a purchase or an interaction)",
                        caption: "How to read it: each cell is the share of a cohort that did anything at all — bought or interacted (interactions.csv) — in that \(unit) since acquisition; compare with the purchase heatmap above to see customers who stay engaged without buying.",
                        rowAxis: "cohort", columnAxis: "\(units) since acquisition",
                        rowLabels: rows.map(\.cohort), rowNotes: rows.map { "n = \(Format.count($0.size))" },
                        columnLabels: (0...maxAge).map(String.init), values: values, forecast: nil,
                        format: .percent(decimals: 0), domain: 0...max(0.05, later.max() ?? 1), legendLabel: "share active (any event)"))))
                    let pa = g.average.filter { $0.cohorts > 0 }, ea = eg.average.filter { $0.cohorts > 0 }
                    if pa.count >= 2 && ea.count >= 2 {
                        blocks.append(.chart(.lines(LineChart(
                            id: "cohort_event_vs_purchase", title: "Average retention: any event vs purchases",
                            caption: "How to read it: the gap between the two curves at an age is the share of customers who still interact with you then but did not buy.",
                            xAxis: Axis("age", unit: units, format: .number(decimals: 0)),
                            yAxis: Axis("share of cohort", unit: "%", format: .percent(decimals: 0), min: 0, max: 1),
                            series: [Series(name: "active: any event", x: ea.map { Double($0.age) }, y: ea.map(\.retention),
                                            lower: ea.map(\.retentionLower), upper: ea.map(\.retentionUpper), color: 4,
                                            markers: ea.count <= 40, bandLabel: "\(pct(r.settings.confidence, 0)) interval"),
                                     Series(name: "active: a purchase", x: pa.map { Double($0.age) }, y: pa.map(\.retention), color: 0,
                                            markers: pa.count <= 40)]))))
                    }
                    var avgT = ev.averageTable
                    avgT.id = "cohort_event_average"; avgT.title = "Average event retention curve (a purchase or an interaction)"
                    var matT = ev.matrixTable(eg)
                    matT.id = "cohort_event_matrix"; matT.title = "Event retention by \(unit) since acquisition (a purchase or an interaction)"
                    eventTables = [avgT, matT]
                    if let a1 = ea.first(where: { $0.age == 1 }) {
                        highlights.append("Counting interactions as activity, \(pct(a1.retention)) of customers are active in their second \(unit).")
                    }
                }
            case .failure(let e):
                blocks.append(.warning("No event-based retention: \(ReportBuilder.describe(e))."))
            }
        }

        // sBG forecast of a few recent cohorts: observed survivors and the projection with its band
        if let f = g.forecast {
            let fitted = f.cohorts.filter { $0.fit != nil && !$0.cells.isEmpty }
            // the three latest cohorts large enough for a readable band (tiny cohorts give bands
            // spanning most of the axis); the CSV has every cohort's forecast
            let sizes = Dictionary(matrix.map { ($0.cohort, $0.size) }, uniquingKeysWith: { a, _ in a })
            let sizable = fitted.filter { (sizes[$0.cohort] ?? 0) >= 30 }
            let pick = Array((sizable.count >= 3 ? sizable : fitted).suffix(3))
            var series: [Series] = []
            for (k, fcst) in pick.enumerated() {
                let obs = observedSurvival(g, basis: f.basis)[fcst.cohort] ?? []
                if !obs.isEmpty {
                    series.append(Series(name: "\(fcst.cohort) observed", x: obs.map { Double($0.age) }, y: obs.map(\.value), color: k, markers: obs.count <= 40))
                }
                // the dashed projection starts from the last observed point, so the two read as one curve
                var fx = fcst.cells.map { Double($0.age) }, fy = fcst.cells.map(\.retention)
                var lo = fcst.cells.map(\.lower), hi = fcst.cells.map(\.upper)
                if let last = obs.last, let first = fx.first, Double(last.age) < first {
                    fx.insert(Double(last.age), at: 0); fy.insert(last.value, at: 0); lo.insert(last.value, at: 0); hi.insert(last.value, at: 0)
                }
                series.append(Series(name: "\(fcst.cohort) sBG forecast", x: fx, y: fy, lower: lo, upper: hi, style: .dashed, color: k,
                                     bandLabel: "projection interval"))
            }
            if !series.isEmpty {
                blocks.append(.chart(.lines(LineChart(
                    id: "cohort_forecast", title: "sBG forecast of recent cohorts",
                    caption: "Observed \(f.basis) retention (solid) and the shifted-beta-geometric projection \(f.horizon) \(units) ahead (dashed) with its interval (\(f.intervalMethod)), for the latest cohorts of at least 30 customers (every cohort's forecast is in the CSV).",
                    xAxis: Axis("age", unit: units, format: .number(decimals: 0)),
                    yAxis: Axis("\(f.basis) retention", unit: "%", format: .percent(decimals: 0), min: 0, max: 1),
                    series: series))))
            }
            // the survivor triangle completed by the forecast
            let observed = observedSurvival(g, basis: f.basis)
            let rows = f.cohorts.suffix(maxHeatmapRows)
            let width = (rows.map { c in max(observed[c.cohort]?.map(\.age).max() ?? 0, c.cells.map(\.age).max() ?? 0) }.max() ?? 0) + 1
            var tv: [[Double?]] = [], tf: [[Bool]] = []
            for c in rows {
                var row = [Double?](repeating: nil, count: width), frow = [Bool](repeating: false, count: width)
                for p in observed[c.cohort] ?? [] where p.age < width { row[p.age] = p.value }
                for cell in c.cells where cell.age < width && row[cell.age] == nil { row[cell.age] = cell.retention; frow[cell.age] = true }
                tv.append(row); tf.append(frow)
            }
            if width > 1 && !tv.isEmpty {
                blocks.append(.chart(.heatmap(Heatmap(
                    id: "cohort_survival_triangle", title: "\(f.basis.capitalized) retention, completed by the sBG forecast",
                    caption: "Observed share of each cohort still retained (\(f.basis == "contractual" ? "a subscription covers the period or a later one" : "buying in that period or a later one")); dotted cells are the sBG forecast of the unobserved triangle, \(f.horizon) \(units) ahead.",
                    rowAxis: "cohort", columnAxis: "\(units) since acquisition",
                    rowLabels: rows.map(\.cohort), rowNotes: rows.map { "n = \(Format.count($0.size))" },
                    columnLabels: (0..<width).map(String.init), values: tv, forecast: tf,
                    format: .percent(decimals: 0), domain: 0...1, legendLabel: "\(f.basis) retention"))))
            }
            if let fit = f.pooled {
                highlights.append("sBG retention model over all \(f.cohorts.count) cohorts (\(f.basis), \(r.settings.contractualWindow == "rolling" && f.basis == "contractual" ? "anniversary" : r.settings.window) \(units)): \(describe(fit)).")
            }
            let failed = f.cohorts.filter { $0.fit == nil }.count
            if failed > 0 { blocks.append(.warning("\(failed) of \(f.cohorts.count) cohorts could not be forecast (too few complete ages or no loss observed yet); the CSV says why for each.")) }
        }
        if let a1 = g.average.first(where: { $0.age == 1 && $0.cohorts > 0 }) {
            highlights.insert("\(unit.capitalized)-1 retention averages \(pct(a1.retention)) over \(a1.cohorts) cohorts (\(Format.count(a1.size)) customers).", at: 0)
        }
        // A late age is a headline only when several cohorts and enough customers stand behind it.
        if let last = g.average.last(where: { $0.cohorts >= headlineMinCohorts && $0.size >= headlineMinCustomers }), last.age > 1 {
            highlights.insert("After \(last.age) \(units) (\(last.cohorts) cohorts, \(Format.count(last.size)) customers), \(pct(last.retention)) of customers are still buying in a given \(unit) (\(pct(last.unbounded)) buy then or later).", at: min(1, highlights.count))
        }

        if !purchases, let a1 = g.contractualAverage?.first(where: { $0.age == 1 && $0.cohorts > 0 }) {
            highlights.insert("\(unit.capitalized)-1 contractual retention averages \(pct(a1.retention)) over \(a1.cohorts) cohorts (\(Format.count(a1.size)) customers).", at: 0)
        }
        if let m = r.mrr, m.periods.count >= 2 {
            let p = m.periods
            blocks.append(.chart(.bars(BarChart(
                id: "mrr_movements", title: "MRR movements per \(unit)",
                caption: "Monthly recurring revenue gained (new, expansion, reactivation) and lost (contraction, churn) in each period. \(m.note)",
                categories: p.map { $0.period + ($0.status == .partial ? "*" : "") }, categoryAxis: unit,
                axis: Axis("MRR change", unit: "currency", format: .number(decimals: 0)),
                groups: [.init(name: "new", values: p.map { $0.new }, color: 0),
                         .init(name: "expansion", values: p.map { $0.expansion }, color: 2),
                         .init(name: "reactivation", values: p.map { $0.reactivation }, color: 5),
                         .init(name: "contraction", values: p.map { -$0.contraction }, color: 1),
                         .init(name: "churn", values: p.map { -$0.churn }, color: 3)],
                stacked: true))))
        }
        let tables = ReportBuilder.tables(of: r) + eventTables
        for t in tables { blocks.append(.table(t, t.id == "cohort_ltv" ? .standard : .folded(maxRows: 60))) }
        for n in r.notes { blocks.append(.text(n)) }
        return (ReportSection(id: "cohorts", title: title, highlights: highlights, blocks: blocks), NamedResult(key: "cohorts", result: r))
    }

    /// Observed survivor shares per cohort on the forecast's basis (complete ages only).
    static func observedSurvival(_ g: CohortGroup, basis: String) -> [String: [(age: Int, value: Double)]] {
        var out: [String: [(age: Int, value: Double)]] = [:]
        if basis == "contractual", let rows = g.contractual {
            for r in rows { out[r.cohort] = r.cells.filter { $0.status == .complete }.map { ($0.age, $0.survival) } }
        } else {
            for r in g.cohorts { out[r.cohort] = r.cells.filter { $0.status == .complete }.map { ($0.age, $0.unbounded) } }
        }
        return out
    }

    /// An average-curve age is headline material only with at least this many cohorts and customers behind it.
    static let headlineMinCohorts = 3
    static let headlineMinCustomers = 100

    static func describe(_ fit: SBGFit) -> String {
        if let l = fit.limit {
            return "\(l.model) model, churn probability \(pct(l.theta)) per period (SE \(pct(l.thetaSE))): \(l.note)"
        }
        let churn = fit.alpha / (fit.alpha + fit.beta)
        return "\(Format.parameters(fit.modelFit, decimals: 3)); mean churn \(pct(churn)) in the first period"
    }

}
