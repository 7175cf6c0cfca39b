import ArgumentParser
import Foundation
import TenureData
import TenureKPIs
import TenureReport

struct KPIs: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kpis",
        abstract: "CRM KPIs from every table you have: satisfaction, retention, value, CAC, engagement, service, sales, growth.",
        discussion: """
        Every KPI is reported overall (the whole window, first date in the data to --as-of), per \
        calendar period (--period), per customer segment and per channel. A KPI whose table or \
        option is missing is listed as unavailable with the reason, never as zero. Shares carry a \
        95% Wilson interval, NPS a trinomial-variance interval, CES a normal interval on the mean; \
        samples under --min-sample get a warning.

        Breakdowns: a customer's segment and acquisition channel come from customers.csv (else \
        from their first transaction). Engagement and service break down by the interaction's or \
        ticket's own channel, sales by the lead's source, spend by its channel.

        Time points: "the start of a period" is the end of the day before it; "its end" is its \
        last day (or --as-of). A purchase on day d makes a customer active from d through \
        d + churn-after − 1. A subscription is active from start_date up to, not including, end_date.

        Targets file (YAML), each KPI by id; shares as fractions or percentages:
          csat: 85%
          nps: { benchmark: 30, source: "retail 2024" }
          churn_rate: { target: 0.03 }            # lower is better: known per KPI
          ces: { target: 3, direction: lower }    # override for an effort scale

        KPI definitions (id [unit, direction]: formula):
        \(KPICatalog.helpText)
        Examples:
          tenure kpis data/
          tenure kpis data/ --period quarter --churn-after 60d --gross-margin 0.35
          tenure kpis data/ --sla-response 4h --sla-resolution 2d --targets targets.yaml --format md
          tenure kpis data/ --all --format md -o kpis.md        # every breakdown
          tenure kpis data/ --format json -o kpis.json
          tenure kpis postgres://analyst@db:5432/crm?schema=crm --sla-response 4h

        Over postgres://… (warehouse mode) every table's counts and sums are computed in the engine \
        and only they come back. With --emit-sql DIALECT --out DIR the queries are written instead \
        (they need --as-of and --from, which they embed; the mapping file names the tables and the \
        optional columns to read), and --aggregates DIR reads their results back.
        """)

    @OptionGroup var data: DataOptions

    @Option(help: "Period of the per-period breakdown.")
    var period: CalendarPeriod = .month

    @OptionGroup var activity: ActivityWindowOption

    @Option(help: ArgumentHelp("First day of the KPI window, an ISO date (default: the first purchase).", valueName: "date"),
            transform: Arguments.date("--from"))
    var from: Day?

    @OptionGroup var margin: MarginOption

    @OptionGroup var value: ValueOptions

    @Option(name: .customLong("sla-response"), help: "First-response SLA threshold (hours, or with a unit: 30min, 4h, 1d).",
            transform: KPIDuration.option("--sla-response"))
    var slaResponseHours: Double?

    @Option(name: .customLong("sla-resolution"), help: "Resolution SLA threshold (hours, or with a unit: 4h, 2d).",
            transform: KPIDuration.option("--sla-resolution"))
    var slaResolutionHours: Double?

    @Option(help: "YAML file of targets / benchmarks per KPI id (see above).")
    var targets: String?

    @Option(name: .customLong("min-sample"), help: "Warn when a survey or rate rests on fewer observations than this.")
    var minSample: Int = 30

    @Flag(help: "Show every breakdown (per period, segment and channel) and the definitions, not only the overall KPIs (table and md output; JSON always has everything).")
    var all = false

    @OptionGroup var timing: TimingOptions

    @OptionGroup var warehouse: WarehouseOptions

    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard minSample >= 1 else { throw ValidationError("--min-sample must be at least 1.") }
    }

    func run() throws {
        try reportingErrors {
            let clock = timing.clock()
            let goals = try targets.map { try KPITargets.load(path: $0) }
            var opts = KPIOptions(period: period, churnAfterDays: activity.days, grossMargin: margin.grossMargin,
                                  slaResponseHours: slaResponseHours, slaResolutionHours: slaResolutionHours, minSample: minSample)
            opts.from = from
            opts.clvHorizonDays = value.horizonDays
            opts.annualDiscountRate = value.discountRate
            if let result = try warehouseResult(opts, targets: goals) {
                clock.lap("kpis")
                if let result { try output.emit(result, only: all ? nil : ["kpis", "kpi_targets"]) }
                return
            }
            let dataset = try data.load(rejectsNextTo: output.output)
            clock.lap("load")
            let result = goals.map { KPIAnalysis.compute(dataset, options: opts, targets: $0) }
                ?? KPIAnalysis.compute(dataset, options: opts)
            clock.lap("kpis")
            try output.emit(result, only: all ? nil : ["kpis", "kpi_targets"])
            clock.lap("render")
        }
    }
}

/// SLA thresholds on the `kpis` command line: positive hours (`4`, `4h`, `30min`, `2d`), parsed by
/// `KPIOptions.slaHours`.
enum KPIDuration {
    static func option(_ name: String) -> @Sendable (String) throws -> Double {
        { text in
            guard let h = KPIOptions.slaHours(text), h > 0 else {
                throw ValidationError("\(name) '\(text)' is not a positive duration; write it like 4 (hours), 4h, 30min or 2d.")
            }
            return h
        }
    }
}
