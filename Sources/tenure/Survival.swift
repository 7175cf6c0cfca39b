import ArgumentParser
import Foundation
import TenureData
import TenureReport
import TenureSurvival

struct Survival: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "survival",
        abstract: "Churn survival: Kaplan–Meier curves, median lifetime, log-rank test, Cox proportional hazards and competing risks (why customers leave).",
        discussion: """
        Churn is read from the data in one of two ways:
          contractual      (default when subscriptions.csv exists) a customer's lifetime runs from \
        their first subscription start_date to the last end_date once no subscription is open; an \
        open subscription (empty end_date, or one after --as-of) is censored at --as-of.
          non-contractual  (--churn-after 90d) a customer churns at the first gap of more than 90 days \
        without a purchase, at the moment the gap reaches 90 days; customers who bought within the \
        last 90 days are censored at --as-of.
        Durations are counted in days and reported in --unit (a month is 30.4375 days, a year 365.25).

        Kaplan–Meier with Greenwood variance and log(−log) intervals (R's conf.type; --ci plain|log \
        for the others), Nelson–Aalen cumulative hazard, the median lifetime with its interval and the \
        restricted mean survival time (up to --tau, default the shortest group's follow-up), as R's \
        survfit/print.survfit compute them. Where no interval exists (S = 0; S = 1 under log-log) the \
        limits are blank (JSON "nan"), as R's NA.

        --by COLUMN draws one curve per level of a column (customers.csv, else the plan of the first \
        subscription or the segment/channel of the first purchase) and runs the log-rank test; \
        --strata COLUMN stratifies the log-rank test and the Cox model.

        --covariates a,b,c fits a Cox model (Newton–Raphson with LAPACK, Efron ties by default) on \
        those customers.csv columns: numbers as they are, text columns dummy-coded against their most \
        frequent level (named in the output). Customers missing a covariate are left out and counted. \
        A constant or collinear covariate, a level without churn, a diverging coefficient or a fit \
        that does not converge stop with an error that says which.

        --competing end_reason asks why customers leave: each churn's cause is the end_reason of the \
        subscription that ended the customer's lifetime (cancelled, payment_failed, … ; a churn \
        without one is "unknown"). Reported per --by group: the cumulative incidence of every reason \
        (Aalen–Johansen, the probability of having left for that reason by time t, with R's \
        infinitesimal-jackknife standard errors and --ci bands), Gray's test per reason across the \
        groups (stratified by --strata), and with --covariates a Fine–Gray model (subdistribution \
        hazard ratios, crr's sandwich errors) beside the cause-specific Cox model of each reason. As R \
        survival's survfit/finegray and cmprsk's cuminc/crr compute them. Contractual churn only.

        JSON (--format json) holds everything, Cox coefficients keyed by covariate; --format csv \
        writes the per-group summary, or the full curve with --curve (the cumulative incidence curve \
        with --competing --curve).

        Examples:
          tenure survival data/
          tenure survival data/ --churn-after 90d --by segment --unit month
          tenure survival data/ --by plan --horizons 3m,6m,12m --ci plain
          tenure survival data/ --covariates segment,channel --ties breslow
          tenure survival data/ --covariates age,plan --strata region --penalty 0.5
          tenure survival data/ --covariates age,plan --format json -o cox.json
          tenure survival data/ --curve --format csv -o km.csv
          tenure survival data/ --competing end_reason --by segment --unit month
          tenure survival data/ --competing end_reason --covariates plan,age --format json -o reasons.json
          tenure survival data/ --competing end_reason --curve --format csv -o incidence.csv
          tenure survival exports/ --schema crm.yaml --competing end_reason   (crm.yaml: subscriptions: {end_reason: Cancel Reason})
          tenure survival "postgres://analyst@db/crm?schema=crm" --churn-after 90d   (reduced in the engine)
          tenure survival "postgres://analyst@db/crm?schema=crm" --covariates segment,age   (Cox on covariate patterns)
        """)

    @OptionGroup var data: DataOptions

    @Option(name: .customLong("churn-after"), help: ArgumentHelp("Non-contractual churn: no purchase for this long (90d, 12w, 3m, 1y) = churned.", valueName: "duration"),
            transform: Arguments.duration("--churn-after"))
    var churnAfter: TimeSpan?

    @Flag(help: "Contractual churn from subscriptions.csv (the default when that file exists).")
    var contractual = false

    @Option(help: "Unit of reported times (a month is 30.4375 days, a year 365.25).")
    var unit: TimeUnit = .day

    @Option(help: "Column whose levels get separate curves and a log-rank test.")
    var by: String?

    @Option(help: "Column whose levels stratify the log-rank test and the Cox model.")
    var strata: String?

    @Option(name: [.customLong("covariates"), .customLong("cox")], help: "Comma-separated customers.csv columns for a Cox model.",
            transform: Arguments.columns("--covariates", example: "segment,age"))
    var covariates: [String]?

    @Option(help: "Cox tied event times.")
    var ties: CoxTies = .efron

    @Option(help: "Cox L2 (ridge) penalty λ ≥ 0 on the coefficients: maximises ℓ(β) − λ/2·Σβ².")
    var penalty: Double = 0

    @Option(help: "Confidence interval of S(t) (R's conf.type).")
    var ci: ConfidenceType = .logLog

    @Option(help: "Confidence level of every interval, in (0, 1).")
    var confidence: Double = 0.95

    @Option(help: ArgumentHelp("Comma-separated times at which to read the curves (30d,90d,1y).", valueName: "durations"),
            transform: Arguments.durations("--horizons"))
    var horizons: [TimeSpan]?

    @Option(help: ArgumentHelp("Restricted-mean horizon τ (default: the shortest group's last observed time).", valueName: "duration"),
            transform: Arguments.duration("--tau"))
    var tau: TimeSpan?

    @Option(help: ArgumentHelp("Competing risks: why customers leave, from subscriptions.csv end_reason (cumulative incidence per reason, Gray's test; Fine–Gray and cause-specific Cox with --covariates).",
                               valueName: "end_reason"),
            transform: Arguments.column("--competing"))
    var competing: String?

    @Flag(help: "Show the full Kaplan–Meier curve table first (what --format csv writes); with --competing, the cumulative incidence curve.")
    var curve = false

    @OptionGroup var timing: TimingOptions

    @OptionGroup var output: OutputOptions

    @OptionGroup(title: "Warehouse mode") var warehouse: WarehouseOptions

    func validate() throws {
        if contractual && churnAfter != nil {
            throw ValidationError("--contractual and --churn-after are two different churn definitions; give one.")
        }
        guard penalty >= 0, penalty.isFinite else { throw ValidationError("--penalty must be a number ≥ 0; got \(penalty).") }
        guard confidence > 0, confidence < 1 else {
            throw ValidationError("--confidence must be in (0, 1), e.g. 0.95; got \(confidence).")
        }
        if strata != nil && by == nil && covariates == nil {
            throw ValidationError("--strata stratifies the log-rank test (--by) or the Cox model (--covariates); give one of them.")
        }
        if penalty > 0 && covariates == nil { throw ValidationError("--penalty applies to the Cox model; give --covariates too.") }
        if let competing {
            if churnAfter != nil {
                throw ValidationError("--competing reads why subscriptions ended (contractual churn); churn from purchases (--churn-after) has no reasons. Drop --churn-after.")
            }
            if competing != "end_reason" {
                throw ValidationError("--competing takes end_reason, the subscriptions.csv column saying why a subscription ended; map yours to it with --schema (`subscriptions: {end_reason: \(competing)}`).")
            }
        }
    }

    var options: SurvivalOptions {
        var o = SurvivalOptions()
        if let churnAfter { o.churn = .inactivity(churnAfter) } else if contractual { o.churn = .contractual }
        o.unit = unit
        o.by = by
        o.strata = strata
        o.cox = covariates ?? []
        o.ties = ties
        o.penalty = penalty
        o.confidenceType = ci
        o.confidenceLevel = confidence
        o.horizons = horizons ?? []
        o.tau = tau
        o.competing = competing
        return o
    }

    func run() throws {
        try reportingErrors {
            if try runInWarehouse() { return }
            let clock = timing.clock()
            let dataset = try data.load(rejectsNextTo: output.output)
            clock.lap("load")
            // each stage's time on stderr with --timings ("kaplan-meier", "cox", "concordance", …)
            let result = try SurvivalAnalysis.run(dataset, options: options, finished: clock.lap)
            clock.lap("survival (result)")
            try output.emit(result, lead: curve ? (competing != nil ? "competing_incidence_curve" : "survival_curve") : nil)
            clock.lap("render")
        }
    }
}
