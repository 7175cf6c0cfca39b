import Foundation
@testable import TenureReport
import TenureData

/// A hand-made report with every chart kind and hostile labels, for testing the renderers
/// without running any analysis. The numbers are made up (smooth curves), not statistics.
enum Sample {
    static let hostile = "<script>alert(1)</script>"

    static func table(rows: Int = 5, label: String = hostile, id: String = "segment_summary") -> ReportTable {
        ReportTable(
            id: id, title: "Customers by segment",
            columns: [.init("segment"), .init("customers"), .init("retention", unit: "%"), .init("mean CLV", unit: "USD")],
            rows: (0..<rows).map { (i: Int) -> [Cell] in
                let name: Cell = .text(i == 0 ? label : "segment \(i)")
                let count: Cell = .int(1000 + 37 * i)
                let share: Cell = .percent(0.5 - 0.003 * Double(i), decimals: 1)
                let clv: Cell = i == 3 ? .missing("not observed") : .number(120.5 + Double(i) * 10.25, decimals: 2)
                return [name, count, share, clv]
            },
            note: "A note with \(hostile) and a | pipe.")
    }

    static func document() -> ReportDocument {
        let months = ["2024-01", "2024-02", "2024-03", "2024-04", "2024-05", "2024-06", "2024-07", "2024-08", "2024-09", "2024-10", "2024-11", "2024-12"]
        let n = months.count
        var values: [[Double?]] = [], forecast: [[Bool]] = []
        for i in 0..<n {
            var row: [Double?] = [], frow: [Bool] = []
            for j in 0..<n {
                let observed = j < n - i
                let v = j == 0 ? 1.0 : 0.42 * pow(0.86, Double(j - 1)) * (1 + 0.03 * Double(i % 3))
                if observed { row.append(v); frow.append(false) }
                else if j < n - i + 3 { row.append(v); frow.append(true) }
                else { row.append(nil); frow.append(false) }
            }
            values.append(row); forecast.append(frow)
        }
        let heat = Heatmap(id: "cohort_heatmap", title: "Customer retention by monthly cohort",
                           caption: "Share of each cohort active in each month since its first purchase; dotted cells are sBG forecasts.",
                           rowAxis: "cohort (first purchase)", columnAxis: "months since first purchase",
                           rowLabels: months.enumerated().map { $0 == 2 ? hostile : $1 },
                           rowNotes: (0..<n).map { "n = \(Format.count(1200 + 97 * $0))" },
                           columnLabels: (0..<n).map(String.init), values: values, forecast: forecast,
                           format: .percent(decimals: 0), domain: 0...0.6, legendLabel: "retention (share of cohort)")

        let ages = (0..<12).map(Double.init)
        let avg = ages.map { $0 == 0 ? 1.0 : 0.42 * pow(0.86, $0 - 1) }
        let fx = (11..<24).map(Double.init)
        let fy = fx.map { 0.42 * pow(0.86, $0 - 1) }
        let retention = LineChart(
            id: "retention_curve", title: "Average retention curve with sBG forecast",
            caption: "Size-weighted mean over cohorts observed at each age; the dashed line and band are the forecast and its 90% interval.",
            xAxis: Axis("months since first purchase", unit: "months"),
            yAxis: Axis("retention", unit: "%", format: .percent(decimals: 0), min: 0, max: 1),
            series: [Series(name: "observed", x: ages, y: avg, color: 0, markers: true),
                     Series(name: "sBG forecast", x: fx, y: fy, lower: fy.map { $0 * 0.8 }, upper: fy.map { $0 * 1.2 },
                            style: .dashed, color: 0, bandLabel: "90% interval")],
            markers: [Marker(x: 11, label: "last observed age")])

        var km: [Series] = []
        let segs = ["retail", "wholesale", hostile]
        let times = stride(from: 0.0, through: 720, by: 30).map { $0 }
        for (g, name) in segs.enumerated() {
            let lam = 0.0012 * Double(g + 1)
            let s = times.map { exp(-lam * $0) }
            km.append(Series(name: name, x: times, y: s, lower: s.map { pow($0, 1.15) }, upper: s.map { pow($0, 0.87) },
                             interpolation: .step, color: g, bandLabel: "95% CI"))
        }
        let atTimes = [0.0, 180, 360, 540, 720]
        let kmChart = LineChart(
            id: "km_segment", title: "Kaplan–Meier survival by segment",
            caption: "Share of customers not yet churned (no purchase for 90 days), with 95% log(−log) confidence bands.",
            xAxis: Axis("time since first purchase", unit: "days"),
            yAxis: Axis("survival probability", unit: "%", format: .percent(decimals: 0), min: 0, max: 1),
            series: km,
            atRisk: AtRiskTable(times: atTimes, names: segs,
                                counts: segs.indices.map { g in atTimes.map { Int(4000 * exp(-0.002 * Double(g + 1) * $0)) } }))

        let clv = IntervalChart(
            id: "clv_segment", title: "Expected 12-month CLV by segment",
            caption: "Mean discounted CLV per customer with a 95% interval.",
            axis: Axis("CLV per customer", unit: "USD", format: .currency("USD", decimals: 0)),
            rows: [.init(label: "retail", estimate: 182.4, lower: 170.1, upper: 195.0, note: "n = 12,034"),
                   .init(label: "wholesale", estimate: 612.9, lower: 570.2, upper: 660.3, note: "n = 2,101"),
                   .init(label: hostile, estimate: 95.5, lower: 80, upper: 111, note: "n = 410")],
            style: .bar, estimateLabel: "mean CLV", intervalLabel: "95% interval")

        let week = Double(Civil.day(year: 2024, month: 1, day: 1))
        let tx = (0..<52).map { week + 7 * Double($0) }
        let actual = (0..<52).map { 100.0 * Double($0) + 30 * sin(Double($0) / 3) }
        let model = (0..<52).map { 100.0 * Double($0) }
        let tracking = LineChart(
            id: "tracking", title: "Cumulative repeat purchases: actual vs BG/NBD",
            caption: "Weekly cumulative repeat transactions; the model is fitted on the calibration period only.",
            xAxis: Axis("week", format: .date(monthOnly: true)),
            yAxis: Axis("cumulative repeat purchases", unit: "orders", format: .number(decimals: 0)),
            series: [Series(name: "actual", x: tx, y: actual, color: 6), Series(name: "BG/NBD", x: tx, y: model, style: .dashed, color: 1)],
            markers: [Marker(x: week + 7 * 39, label: "calibration end")])

        let roi = IntervalChart(
            id: "roi_intervals", title: "ROI by scenario (Monte Carlo)",
            caption: "Median ROI with its 5th–95th percentile interval; right of zero pays back.",
            axis: Axis("ROI", unit: "%", format: .percent(decimals: 0)),
            rows: [.init(label: "Loyalty program", estimate: 0.42, lower: -0.1, upper: 0.95, note: "P(ROI > 0) = 83%"),
                   .init(label: "Win-back email", estimate: 1.8, lower: 0.9, upper: 2.9, note: "P(ROI > 0) = 99%"),
                   .init(label: hostile, estimate: -0.35, lower: -0.6, upper: -0.05, note: "P(ROI > 0) = 2%")],
            style: .point, reference: 0, estimateLabel: "median ROI", intervalLabel: "P5–P95")

        let tornado = TornadoChart(
            id: "tornado_loyalty", title: "What moves the Loyalty program's NPV",
            caption: "NPV with each input at the ends of its range, the others at their central values.",
            axis: Axis("NPV", unit: "USD", format: .currency("USD", decimals: 0)), baseline: 42_000, baselineLabel: "central NPV",
            bars: [.init(label: "churn reduction", low: -12_000, high: 98_000, lowInput: "5%", highInput: "15%"),
                   .init(label: "gross margin", low: 20_000, high: 61_000, lowInput: "30%", highInput: "40%"),
                   .init(label: hostile, low: 35_000, high: 48_000, lowInput: "−10%", highInput: "+10%")])

        let mrr = BarChart(
            id: "mrr_movements", title: "MRR movements per month", caption: "New, expansion, contraction and churned MRR.",
            categories: months, categoryAxis: "month",
            axis: Axis("MRR change", unit: "USD", format: .currency("USD", decimals: 0)),
            groups: [.init(name: "new", values: months.indices.map { 4000 + 100 * Double($0) }, color: 0),
                     .init(name: "expansion", values: months.indices.map { 900 + 40 * Double($0) }, color: 2),
                     .init(name: "contraction", values: months.indices.map { -400 - 20 * Double($0) }, color: 1),
                     .init(name: "churn", values: months.indices.map { -1500 - 60 * Double($0) }, color: 3)],
            stacked: true)

        let tiles: [KPITile] = [
            .init(name: "CSAT", value: "82.4%", status: .met, target: "target ≥ 80%", detail: "n = 4,210 · 95% CI 81.2–83.5%"),
            .init(name: "NPS", value: "31", status: .missed, target: "target ≥ 40", detail: "n = 3,977 · 95% CI 28–34"),
            .init(name: "Monthly churn", value: "3.1%", status: .met, target: "target ≤ 4%", detail: "last 12 months"),
            .init(name: hostile, value: "12.0", status: .noTarget, detail: "no target set"),
            .init(name: "Lead conversion", value: "–", status: .unavailable, detail: "leads.csv not in the dataset"),
        ]

        return ReportDocument(
            title: "Customer analytics report", subtitle: "Dataset \(hostile) · observed to 2024-12-31",
            facts: [("customers", "15,482"), ("transactions", "212,904"), ("observed to", "2024-12-31"), ("segment", hostile)],
            sections: [
                ReportSection(id: "kpis", title: "KPIs against targets", highlights: ["2 of 3 KPIs with a target meet it."],
                              blocks: [.tiles(tiles), .table(table(), .standard)]),
                ReportSection(id: "cohorts", title: "Cohort retention",
                              highlights: ["Month-1 retention averages 42%.", "Label: \(hostile)"],
                              blocks: [.text("Each row is a cohort. \(hostile)"), .chart(.heatmap(heat)), .chart(.lines(retention)),
                                       .chart(.bars(mrr)), .table(table(rows: 80, id: "long_table"), .folded(maxRows: 20))]),
                ReportSection(id: "survival", title: "Churn survival",
                              blocks: [.chart(.lines(kmChart)), .warning("Cox model omitted: \(hostile)")]),
                ReportSection(id: "clv", title: "Customer lifetime value",
                              blocks: [.chart(.intervals(clv)), .heading("Holdout check"), .chart(.lines(tracking))]),
                ReportSection(id: "roi", title: "ROI scenarios", blocks: [.chart(.intervals(roi)), .chart(.tornado(tornado))]),
                ReportSection(id: "leads", title: "Sales funnel", unavailable: "leads.csv is not in the dataset."),
            ],
            results: [NamedResult(key: "sample", result: SampleResult(label: hostile))],
            dataPath: "data/\"quoted\"\\path\n\(hostile)")
    }
}

struct SampleResult: Reportable {
    var analysis: String { "sample" }
    var label: String
    var tables: [ReportTable] { [Sample.table()] }
}
