import ArgumentParser
import Foundation
import TenureCohorts
import TenureData
import TenureKPIs
import TenureROI
import TenureReport
import TenureWarehouse

/// `tenure report`: every analysis the data supports, written as HTML, Markdown, JSON, CSV and a notebook.
struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Run every analysis the data supports and write a report directory (HTML, Markdown, JSON, CSV, notebook).",
        discussion: """
        Writes into --out:
          report.html      one self-contained page: inline SVG charts (cohort heatmap, retention
                           curves with the sBG forecast, the cumulative value per acquired customer
                           against CAC, event retention when there are interactions, Kaplan–Meier
                           curves with confidence bands and numbers at risk, why customers leave —
                           stacked cumulative incidence per churn reason when subscriptions have an
                           end_reason —, CLV by segment, holdout tracking, KPI tiles, ROI intervals
                           and tornado); no network access, prints cleanly
          report.md        the same in Markdown (charts linked from charts/)
          results.json     every analysis result, {"schema_version": 1, "results": {...}}
          tables/*.csv     every table, full precision, every row
          charts/*.svg     every chart (with md or ipynb)
          report.ipynb     a Jupyter notebook (nbformat 4.5) that explains each result and reloads
                           tables/ with pandas; its `parameters` cell (papermill) holds the paths
        Each file is written atomically. An analysis that cannot run on the data (a missing table,
        a failed fit) is listed with the reason; the rest of the report is still written.

        Over postgres://… or sc://… (warehouse mode) KPIs, cohorts (with contractual retention and MRR movements
        when there is a subscriptions table), survival (contractual from the subscriptions table, else
        churn after --churn-after without a purchase), CLV and ROI are reduced in the engine and
        fitted here.

        Examples:
          tenure report data/ --out out/report
          tenure report "postgres://analyst@db/crm?schema=crm" --out out/report
          tenure report "sc://spark-host:15002/;schema=crm" --out out/report   (Spark Connect)
          tenure report data/ --out out/report --formats html,ipynb --targets targets.yaml
          tenure report data/ --out out/report --scenarios scenarios.yaml --simulations 5000
          tenure report data/ --out out/report --gross-margin 0.35   (value curve and payback in margin terms)

        The ROI section compares the initiatives of --scenarios, else DATA/scenarios.yaml, else
        the example file datasets/scenarios.yaml (its segments are those of `tenure generate`).
        """)

    @OptionGroup var data: DataOptions

    @Option(help: "Directory to write the report into (created if missing).")
    var out: String

    @Option(help: ArgumentHelp("Comma-separated subset of html, md, json, csv, ipynb (default: all).", valueName: "list"),
            transform: { text in
                do { return try ReportFormat.parseList(text) } catch let e as ReportWriter.Error { throw ValidationError(e.description) }
            })
    var formats = Set(ReportFormat.allCases)

    @Option(help: "Column for the survival and CLV breakdowns (default: segment, when present).")
    var by: String?

    @Option(help: "Cohort period.")
    var period: CalendarPeriod = .month

    @Option(help: "Periods the sBG forecast completes past the end of observation (0 = none).")
    var forecast: Int = 6

    @OptionGroup var activity: ActivityWindowOption

    @OptionGroup var margin: MarginOption

    @OptionGroup var value: ValueOptions

    @Option(name: .customLong("calibration-end"),
            help: ArgumentHelp("CLV calibration end, an ISO date (default: the last quarter of the data is the holdout).", valueName: "date"),
            transform: Arguments.date("--calibration-end"))
    var calibrationEnd: Day?

    @Option(help: "KPI targets or benchmarks (YAML, see `tenure help kpis`); default: DATA/targets.yaml when present, else tenure's example targets (rules of thumb, said so in the report).")
    var targets: String?

    @Option(help: "CRM initiatives to compare (YAML, see `tenure help roi`); default: DATA/scenarios.yaml when present, else tenure's example file (datasets/scenarios.yaml).")
    var scenarios: String?

    @Flag(name: .customLong("no-roi"), help: "Leave the ROI section out.")
    var noROI = false

    @Option(help: "Monte Carlo simulations per ROI scenario.")
    var simulations: Int = 2_000

    @Option(help: "Random seed of the simulations: the same seed gives the same bytes.")
    var seed: UInt64 = 1

    @OptionGroup var timing: TimingOptions

    @Option(help: "Report title.")
    var title: String = "Customer analytics report"

    func validate() throws {
        guard forecast >= 0 && forecast <= 120 else { throw ValidationError("--forecast must be between 0 and 120 periods.") }
        guard simulations >= 0 && simulations <= MonteCarlo.maxSimulations else {
            throw ValidationError("--simulations must be from 0 to \(MonteCarlo.maxSimulations), got \(simulations).")
        }
    }

    func options() throws -> ReportOptions {
        // flags default to ReportOptions' defaults; DATA/scenarios.yaml is picked up by `standard`
        var o = try ReportOptions.standard(dataPath: data.data)
        o.title = title
        o.by = by
        o.cohortPeriod = period
        o.forecastPeriods = forecast
        o.churnAfterDays = activity.days
        o.grossMargin = margin.grossMargin
        o.horizonDays = value.horizonDays
        o.annualDiscountRate = value.discountRate
        o.calibrationEnd = calibrationEnd
        o.simulations = simulations
        o.seed = seed
        if let targets { o.targets = try KPITargets.load(path: targets); o.targetsSource = targets }
        o.skipROI = noROI
        if let scenarios { o.scenarios = try ScenarioFile.load(path: scenarios) }
        return o
    }

    func run() throws {
        try reportingErrors {
            let progress = ProgressBar(total: 2 + (noROI ? 4 : 5), mode: ProgressBar.mode(whenNotTerminal: .silent))
            let clock = timing.clock()
            let opts = try options()
            let doc: ReportDocument
            if WarehouseOptions.isLive(data.data) {
                progress.note("reducing in \(data.data)")
                doc = try warehouseDocument(opts, progress: { progress.step("finished \($0)") })
                clock.lap("analyses (in the engine)")
            } else {
                progress.note("loading \(data.data)")
                let dataset = try data.load(rejectsNextTo: out + "/report.html")
                clock.lap("load")
                progress.expect(total: 2 + ReportBuilder.analysisCount(dataset, options: opts))
                progress.step("loaded \(Format.count(dataset.transactions.count)) transactions")
                progress.note("analysing")
                let started = Date()
                doc = ReportBuilder.build(dataset, options: opts, progress: { name in
                    progress.step("finished \(name)")
                    if timing.timings { FileHandle.standardError.write(Data("timing: \(name) done at \(String(format: "%.3f", Date().timeIntervalSince(started))) s\n".utf8)) }
                })
                clock.lap("analyses (concurrent)")
            }
            let written = try ReportWriter.write(doc, to: out, formats: formats, progress: { progress.note("writing \($0)") })
            clock.lap("write \(written.count) files")
            progress.step("wrote the report")
            progress.finish()
            try Report.printWhere(out: out, written: written)
        }
    }

    /// Prints where the report is and how to open it.
    static func printWhere(out: String, written: [String]) throws {
        let abs = URL(fileURLWithPath: out).standardizedFileURL.path
        var text = "wrote \(written.count) files to \(abs)\n"
        if written.contains(where: { $0.hasSuffix("report.html") }) { text += "  open:     file://\(abs)/report.html\n" }
        if written.contains(where: { $0.hasSuffix("report.ipynb") }) { text += "  notebook: jupyter lab \(abs)/report.ipynb\n" }
        if written.contains(where: { $0.hasSuffix("report.md") }) { text += "  markdown: \(abs)/report.md\n" }
        try StandardOutput.write(text)
    }
}

