import TenureData
import TenureROI

/// ROI scenarios: NPV and ROI intervals per scenario (Monte Carlo), P(ROI > 0), the ranking, and a
/// tornado of what moves the best scenario's NPV most.
enum ROISection {
    static let title = "ROI scenarios"

    /// A tornado input value as a person reads it: effects as percentages, counts whole, model
    /// parameters as a signed change from the estimate.
    static func inputLabel(_ name: String, _ v: Double) -> String {
        if name.hasPrefix("model: ") { return (v < 0 ? "−" : "+") + Format.grouped(abs(v), decimals: abs(v) >= 10 ? 1 : 3) }
        if name.hasSuffix("_lift") || name.hasSuffix("_reduction") { return Format.value(v, .percent(decimals: 1)) }
        if name == "new_customers" { return Format.grouped(v, decimals: 0) }
        return Format.grouped(v, decimals: abs(v) >= 100 ? 0 : 2)
    }

    static func make(_ ds: Dataset, _ o: ReportOptions) -> (section: ReportSection, result: NamedResult?) {
        make(inputs: { try ROIInputs(dataset: ds) }, o)
    }

    /// The section from the reduced data `inputs` gives (the CSV tables', or a warehouse's).
    static func make(inputs: () throws -> ROIInputs, _ o: ReportOptions) -> (section: ReportSection, result: NamedResult?) {
        var file: ScenarioFile
        let source: String
        if let given = o.scenarios {
            file = given; source = "the scenario file given"
        } else {
            do { file = try ScenarioFile.parse(ScenarioFile.example, file: "example scenarios") } catch {
                return (ReportBuilder.unavailable(id: "roi", title: title, error), nil)
            }
            source = "tenure's example scenario file (datasets/scenarios.yaml; pass --scenarios FILE.yaml for your own)"
        }
        // Fit each targeted segment's baseline once; a segment whose baseline cannot be fitted (absent
        // from the data, too few customers, a fit that fails) drops its scenarios with a note, and the
        // others still run.
        var warnings: [String] = []
        let r: ROIResult
        do {
            let builder = BaselineBuilder(inputs: try inputs())
            var fitted: [String: (Baseline, ROIResult.BaselineSummary)] = [:]
            var failed: Set<String> = []
            for s in file.scenarios where fitted[s.segment ?? ""] == nil && !failed.contains(s.segment ?? "") {
                do {
                    fitted[s.segment ?? ""] = try builder.build(segment: s.segment, months: ROIAnalysis.reachNeeded(file, segment: s.segment))
                } catch {
                    failed.insert(s.segment ?? "")
                    let names = file.scenarios.filter { ($0.segment ?? "") == (s.segment ?? "") }.map(\.name)
                    warnings.append("Left out \(names.joined(separator: ", ")): the baseline of segment '\(s.segment ?? "all")' could not be fitted (\(ReportBuilder.describe(error))).")
                }
            }
            file.scenarios.removeAll { failed.contains($0.segment ?? "") }
            guard !file.scenarios.isEmpty else {
                return (ReportSection(id: "roi", title: title, unavailable: warnings.joined(separator: " ")), nil)
            }
            r = try ROIAnalysis.run(file, inputs: builder.inputs, options: .init(simulations: o.simulations, seed: o.seed),
                                    baselineFor: { segment, months in
                                        if let b = fitted[segment ?? ""] { return b }
                                        return try builder.build(segment: segment, months: months)
                                    })
        } catch {
            return (ReportBuilder.unavailable(id: "roi", title: title, error), nil)
        }
        var blocks: [ReportBlock] = warnings.map { .warning($0) }
        blocks.append(.text("Each initiative of \(source) is played against the baseline fitted on the data; effect ranges and model-parameter uncertainty are propagated by \(Format.count(r.simulations)) Monte Carlo draws (seed \(r.seed)). Costs are paid at the \(r.costTiming) and margins earned at the \(r.marginTiming) of each month."))
        let ranked = r.scenarios.sorted { $0.rank < $1.rank }
        var highlights: [String] = []
        if let best = ranked.first {
            let npv = best.simulation?.npv.p50 ?? best.expected.npv
            highlights.append("Best scenario: \(best.name) (median NPV \(Format.grouped(npv, decimals: 0))" +
                              (best.simulation.map { ", P(ROI > 0) = \(pct($0.probabilityPositive, 0))" } ?? "") + ").")
        }
        for s in ranked {
            if let p = s.expected.paybackMonths { highlights.append("\(s.name): pays back in month \(p) at central inputs.") }
            else { highlights.append("\(s.name): does not pay back within \(s.horizonMonths) months at central inputs.") }
        }
        let rows: [IntervalChart.Row] = ranked.map { s in
            if let m = s.simulation {
                return .init(label: s.name, estimate: m.roi.p50, lower: m.roi.p5, upper: m.roi.p95, note: "P(ROI > 0) = \(pct(m.probabilityPositive, 0))")
            }
            return .init(label: s.name, estimate: s.expected.roi)
        }
        blocks.append(.chart(.intervals(IntervalChart(
            id: "roi_intervals", title: "ROI by scenario",
            caption: "Median ROI (NPV over the present value of costs) with its 5th–95th percentile interval over the simulations; right of zero pays back. Scenarios in rank order.",
            axis: Axis("ROI", unit: "%", format: .percent(decimals: 0)), rows: rows, style: .point, reference: 0,
            estimateLabel: "median ROI", intervalLabel: "P5–P95"))))
        let npvRows: [IntervalChart.Row] = ranked.map { s in
            if let m = s.simulation { return .init(label: s.name, estimate: m.npv.p50, lower: m.npv.p5, upper: m.npv.p95) }
            return .init(label: s.name, estimate: s.expected.npv)
        }
        blocks.append(.chart(.intervals(IntervalChart(
            id: "roi_npv_intervals", title: "NPV by scenario",
            caption: "Median net present value of incremental margin minus costs, with its 5th–95th percentile interval.",
            axis: Axis("NPV", unit: "currency", format: .number(decimals: 0)), rows: npvRows, style: .point, reference: 0,
            estimateLabel: "median NPV", intervalLabel: "P5–P95"))))
        for s in ranked.prefix(3) {
            // inputs that do not move the NPV (a parameter the scenario does not use) are left out
            let scale = max(abs(s.expected.npv), 1)
            let moving = s.tornado.filter { abs($0.npvAtHigh - $0.npvAtLow) > 1e-6 * scale }
            guard !moving.isEmpty else { continue }
            blocks.append(.chart(.tornado(TornadoChart(
                id: "roi_tornado_\(s.name)", title: "What moves the NPV of \(s.name)",
                caption: "NPV with one input at its low and high value, the others at their central values; largest swing first. Effects and costs swing between the 10th and 90th percentiles of their ranges; model parameters (\"model: …\") by ±1.28 standard errors from their estimates, the change shown beside the bar.",
                axis: Axis("NPV", unit: "currency", format: .number(decimals: 0)), baseline: s.expected.npv, baselineLabel: "central NPV",
                bars: moving.prefix(10).map { .init(label: $0.input, low: $0.npvAtLow, high: $0.npvAtHigh,
                                                     lowInput: inputLabel($0.input, $0.lowValue), highInput: inputLabel($0.input, $0.highValue)) }))))
        }
        let tables = ReportBuilder.tables(of: r)
        for (i, t) in tables.enumerated() { blocks.append(.table(t, i == 0 ? .standard : .folded(maxRows: 60))) }
        blocks.append(.text(r.method))
        return (ReportSection(id: "roi", title: title, highlights: highlights, blocks: blocks), NamedResult(key: "roi", result: r))
    }
}
