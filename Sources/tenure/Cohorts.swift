import ArgumentParser
import Foundation
import TenureCohorts
import TenureData
import TenureReport

struct Cohorts: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cohorts",
        abstract: "Cohort retention matrices: cohort × age in periods, classic / unbounded / revenue / contractual / event retention, cumulative value per customer against CAC, sBG forecast.",
        discussion: """
        A customer's cohort is the period they were acquired in: their first purchase, or their \
        customers.csv signup_date when that column exists (--cohort-by auto), or their first \
        subscription start_date (--cohort-by subscription). Age = periods since acquisition: \
        calendar periods by default; --window rolling counts whole windows from the acquisition \
        day (day 1 = 24–48 h after it).

        Each cell: customers active (≥ 1 purchase), orders, revenue; retention = active / cohort \
        size with a Wilson interval (--confidence); unbounded retention = active then or in any \
        later period; revenue retention = revenue / the cohort's age-0 revenue. The average curve \
        is size-weighted over the cohorts that have completely reached each age. The period the \
        end of observation (--as-of) falls in is marked partial (* on screen, status=partial in \
        CSV/JSON): values so far, never a drop. Ages a cohort has not reached are blank, not zero.

        With subscriptions.csv: contractual retention (a subscription covers the period; ages are \
        anniversaries of the first start unless --contractual-window calendar; survivors are \
        customers whose first spell still runs) and, \
        when it has mrr, MRR movements (new, expansion, contraction, churn, reactivation) with \
        gross and net revenue retention.

        --forecast N fits the shifted-beta-geometric model (Fader & Hardie 2007) to each \
        cohort's survivors (contractual when subscriptions exist, else unbounded) by maximum \
        likelihood, reports alpha, beta and their standard errors, and projects N periods past \
        the end of observation with a projection interval per cell (simulated; --draws, --seed).

        --activity interactions counts a customer as active in a period when they have any \
        interaction then (interactions.csv), --activity transactions,interactions when they have a \
        purchase or an interaction: retention, unbounded retention, brackets, the average curve and \
        the sBG forecast then read events, with the same cohorts, periods, windows and intervals; \
        revenue and orders stay purchases.

        Cumulative value per acquired customer: each cohort's revenue from acquisition through each \
        age / its size (months without a purchase count as zero), and the size-weighted average over \
        the cohorts that completed each age — the LTV curve — in margin terms too with \
        --gross-margin. Against it the acquisition cost per customer (marketing spend booked in the \
        cohort's period / customers acquired, as the KPI cac, or else the mean customers.csv \
        acquisition_cost) and the payback age, the first age at which the curve reaches it. \
        --brackets also gives each bracket's size-weighted average over the cohorts that completed it.

        --metric / --retention / --relative-to choose what the matrix and heatmap show; the CSV \
        (long form: one row per cohort and age) and JSON always carry every measure.

        Examples:
          tenure cohorts data/
          tenure cohorts data/ --period week --retention unbounded
          tenure cohorts data/ --period quarter --cohort-by first-purchase --by channel
          tenure cohorts data/ --metric revenue --relative-to previous --format md
          tenure cohorts data/ --forecast 12 --format csv -o cohorts.csv
          tenure cohorts data/ --window rolling --brackets 0,1-3,4-7,8-14 --format json -o cohorts.json
          tenure cohorts data/ --activity transactions,interactions --brackets 0,1-3,4-6
          tenure cohorts data/ --activity interactions --window rolling --period week
          tenure cohorts data/ --gross-margin 0.35 --format md        (LTV curve, CAC line, payback age)
          tenure cohorts "postgres://analyst@db/crm?schema=crm" --period week   (reduced in the engine)
          tenure cohorts "sc://spark-host:15002/;schema=crm" --period week     (reduced on Spark)
        """)

    @OptionGroup var data: DataOptions

    @Option(help: "Cohort and age period (week: ISO weeks, Monday to Sunday).")
    var period: CalendarPeriod = .month

    @Option(help: "How ages are counted — calendar: calendar periods since the acquisition period; rolling: whole windows since the acquisition day.")
    var window: CohortWindow = .calendar

    @Option(name: .customLong("contractual-window"), help: "Windows of contractual retention and its sBG forecast (rolling: anniversaries of the start, as renewals are).")
    var contractualWindow: CohortWindow = .rolling

    @Option(name: .customLong("cohort-by"), help: "What acquisition is — auto: signup_date when customers.csv has it, else the first purchase; signup: signup_date; subscription: the first subscription start.")
    var cohortBy: CohortOptions.CohortBy = .auto

    @Option(help: "What the matrix shows — customers: retention; revenue: revenue retention; orders: orders per cohort customer.")
    var metric: CohortOptions.Metric = .customers

    @Option(help: "classic: active in exactly that period. unbounded: active in that period or any later one.")
    var retention: CohortOptions.Retention = .classic

    @Option(name: .customLong("relative-to"), help: "size: shares of the cohort (revenue: of age-0 revenue). previous: relative to the previous age.")
    var relativeTo: CohortOptions.RelativeTo = .size

    @Option(help: "Break down by a column: customers.csv (segment, channel, any attribute), transactions.csv (segment, channel, product, category of the first purchase) or plan.",
            transform: Arguments.column("--by"))
    var by: String?

    @Option(help: "Bracket retention over age buckets, e.g. 0,1-3,4-7,8-14.", transform: { text in
        guard let list = AgeBracket.parseList(text) else {
            throw ValidationError("--brackets '\(text)' is not a list of ascending, non-overlapping ages; write it like 0,1-3,4-7,8-14.")
        }
        return list
    })
    var brackets: [AgeBracket]?

    @Option(help: ArgumentHelp("What makes a customer active in a period: rows of these tables (transactions, interactions), comma-separated.",
                               valueName: "tables"),
            transform: { text in
        var out: [CohortOptions.ActivityTable] = []
        for part in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !part.isEmpty {
            guard let t = CohortOptions.ActivityTable(rawValue: part) else {
                throw ValidationError("--activity '\(part)' is not a table of activity; use transactions, interactions or transactions,interactions.")
            }
            if !out.contains(t) { out.append(t) }
        }
        guard !out.isEmpty else { throw ValidationError("--activity needs a table: transactions, interactions or transactions,interactions.") }
        return out
    })
    var activity: [CohortOptions.ActivityTable] = [.transactions]

    @OptionGroup var margin: MarginOption

    @Option(help: "Periods to project past the end of observation with the sBG model (0 = none).")
    var forecast: Int = 0

    @Option(help: "Coverage of the Wilson intervals and the forecast projection intervals.")
    var confidence: Double = 0.95

    @Option(help: "Simulated paths per cohort for the forecast projection intervals.")
    var draws: Int = 2000

    @Option(help: "Seed of the forecast simulation: the same seed gives the same bytes.")
    var seed: UInt64 = 20070101

    @OptionGroup var timing: TimingOptions

    @OptionGroup var output: OutputOptions

    @OptionGroup(title: "Warehouse mode") var warehouse: WarehouseOptions

    func validate() throws {
        guard forecast >= 0 else { throw ValidationError("--forecast must be 0 or more periods.") }
        guard forecast <= 1000 else { throw ValidationError("--forecast \(forecast) is too far; at most 1000 periods.") }
        guard confidence > 0 && confidence < 1 else { throw ValidationError("--confidence must be in (0, 1), e.g. 0.95; got \(confidence).") }
        guard draws >= 100 else { throw ValidationError("--draws must be at least 100.") }
    }

    var options: CohortOptions {
        var o = CohortOptions()
        o.period = period
        o.window = window
        o.contractualWindow = contractualWindow
        o.cohortBy = cohortBy
        o.metric = metric
        o.retention = retention
        o.relativeTo = relativeTo
        o.by = by
        o.brackets = brackets
        o.forecast = forecast
        o.confidence = confidence
        o.forecastDraws = draws
        o.seed = seed
        o.activity = activity
        o.grossMargin = margin.grossMargin
        return o
    }

    func run() throws {
        try reportingErrors {
            if try runInWarehouse() { return }
            let clock = timing.clock()
            let dataset = try data.load(rejectsNextTo: output.output)
            clock.lap("load")
            let result = try CohortAnalysis.run(dataset, options: options)
            clock.lap("cohorts")
            try output.emit(result)
            clock.lap("render")
        }
    }
}
