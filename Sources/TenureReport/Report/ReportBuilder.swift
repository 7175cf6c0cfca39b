import Foundation
import TenureData
import TenureNumerics
import TenureCohorts
import TenureSurvival
import TenureLifetime
import TenureRegression
import TenureKPIs
import TenureROI

/// What `tenure report` runs and how. Defaults give the full report of `tenure demo`.
public struct ReportOptions: Sendable {
    public var title = "Customer analytics report"
    /// The dataset path as the user wrote it (shown, and put in the notebook's parameters cell).
    public var dataPath = ""
    /// Breakdown column for survival and CLV; nil picks `segment` when the data has one.
    public var by: String?
    public var cohortPeriod: CalendarPeriod = .month
    /// Periods the sBG forecast completes past the end of observation.
    public var forecastPeriods = 6
    /// Non-contractual churn when there are no subscriptions: days without a purchase.
    public var churnAfterDays = 90
    /// CLV calibration end; nil: the last quarter of the observed span (at least 8 weeks) is the holdout.
    public var calibrationEnd: Day?
    /// CLV horizon (days) and annual discount rate, for the CLV section and the KPI `clv` alike.
    public var horizonDays = Civil.daysPerYear
    public var annualDiscountRate = 0.10
    /// Gross margin for the KPI CLV, payback and ROI; nil = revenue terms.
    public var grossMargin: Double?
    /// KPI targets for the tiles; nil uses `ExampleTargets` (said so in the report).
    public var targets: [KPITarget]?
    /// Where `targets` came from, for the report's text ("targets.yaml"); nil with the example targets.
    public var targetsSource: String?
    /// The CRM initiatives of the ROI section; nil uses `ScenarioFile.example` (datasets/scenarios.yaml).
    public var scenarios: ScenarioFile?
    /// Covariates of the Fine–Gray and cause-specific Cox models of "Why customers leave"; nil:
    /// the breakdown column and the subscription plan.
    public var competingCovariates: [String]?
    /// Leave the ROI section out.
    public var skipROI = false
    public var simulations = 2_000
    public var seed: UInt64 = 1
    public init() {}

    /// What `tenure report DATA` does with no options: the defaults above, the data path as
    /// written, and the ROI scenarios of `DATA/scenarios.yaml` when that file exists (else
    /// `ScenarioFile.example`) and the KPI targets of `DATA/targets.yaml` (else `ExampleTargets`).
    /// The notebook export and its currency test both start here.
    /// `directory` is where the dataset is when `dataPath` is relative to somewhere else.
    public static func standard(dataPath: String, directory: String? = nil) throws -> ReportOptions {
        var o = ReportOptions()
        o.dataPath = dataPath
        let file = ((directory ?? dataPath) as NSString).appendingPathComponent("scenarios.yaml")
        if FileManager.default.fileExists(atPath: file) { o.scenarios = try ScenarioFile.load(path: file) }
        let targets = ((directory ?? dataPath) as NSString).appendingPathComponent("targets.yaml")
        if FileManager.default.fileExists(atPath: targets) {
            o.targets = try KPITargets.load(path: targets)
            o.targetsSource = (dataPath as NSString).appendingPathComponent("targets.yaml")
        }
        return o
    }
}

/// Runs every analysis the dataset supports and lays the results out as a `ReportDocument`.
/// The analyses run concurrently; one that cannot run on this data (a missing table, a failed
/// fit) becomes a section saying why, and the others go on. No statistic is computed here: the
/// sections copy numbers out of the results.
public enum ReportBuilder {
    /// How many analyses `build` runs on `ds` (each reports once through `progress`).
    public static func analysisCount(_ ds: Dataset, options: ReportOptions) -> Int {
        4 + (ds.subscriptions?.endReason != nil ? 1 : 0) + (options.skipROI ? 0 : 1)
    }

    public static func build(_ ds: Dataset, options: ReportOptions = ReportOptions(),
                             progress: (@Sendable (String) -> Void)? = nil) -> ReportDocument {
        let by = options.by ?? defaultSegmentColumn(ds)
        typealias Job = @Sendable () -> (section: ReportSection, result: NamedResult?)
        var jobs: [(name: String, run: Job)] = [
            ("KPIs", { KPISection.make(ds, options) }),
            ("cohorts", { CohortSection.make(ds, options) }),
            ("survival", { SurvivalSection.make(ds, options, by: by) }),
            ("CLV", { CLVSection.make(ds, options, by: by) }),
        ]
        if ds.subscriptions?.endReason != nil {
            // after survival: why customers leave
            jobs.insert(("why customers leave", { CompetingSection.make(ds, options, by: by) }), at: 3)
        }
        if !options.skipROI { jobs.append(("ROI", { ROISection.make(ds, options) })) }

        let jobList = jobs
        let out = Parallel.map(jobList.count) { i -> (ReportSection, NamedResult?) in
            let r = jobList[i].run()
            progress?(jobList[i].name)
            return (r.section, r.result)
        }
        return document(options, asOf: ds.asOf, facts: facts(ds), sections: out)
    }

    /// The report of analyses run elsewhere (warehouse mode: the reductions in the engine, the fits
    /// here, each with the settings `cohortOptions`, `survivalOptions` and `clvOptions` give): the
    /// same sections laid out from the results; an analysis given as a failure (`unavailable`)
    /// becomes a section saying why. `survivalForAll` is the survival run without `by`, used when
    /// the grouped one failed.
    public static func build(computed c: ComputedAnalyses, options: ReportOptions) -> ReportDocument {
        var out = [KPISection.make(c.kpis, options), CohortSection.make(c.cohorts),
                   SurvivalSection.make(grouped: { try c.survival.get() }, ungrouped: c.survivalForAll, by: c.by),
                   CLVSection.make(c.clv)]
        if !options.skipROI { out.append(ROISection.make(inputs: c.roi, options)) }
        return document(options, asOf: c.asOf, facts: c.facts, sections: out)
    }

    /// The report's settings of each analysis, for runs outside `build` (one home with the CSV path's).
    public static func cohortOptions(_ o: ReportOptions) -> CohortOptions { CohortSection.options(o) }
    public static func survivalOptions(_ o: ReportOptions, contractual: Bool, by: String?) -> SurvivalOptions {
        SurvivalSection.options(o, contractual: contractual, by: by)
    }
    /// CLV on weeks, calibrated to `o.calibrationEnd` or else to the default holdout split of the
    /// span from the first purchase to the end of observation.
    public static func clvOptions(_ o: ReportOptions, firstPurchase: Day, asOf: Day, by: String?) -> CLVOptions {
        CLVSection.options(o, calibrationEnd: o.calibrationEnd ?? CLVSection.calibrationEnd(firstPurchase: firstPurchase, asOf: asOf), asOf: asOf, by: by)
    }

    static func document(_ options: ReportOptions, asOf: Day, facts: [(String, String)], sections: [(ReportSection, NamedResult?)]) -> ReportDocument {
        var doc = ReportDocument(title: options.title, dataPath: options.dataPath)
        doc.subtitle = (options.dataPath.isEmpty ? "" : "Dataset \(options.dataPath) · ") + "observed to \(Civil.iso(asOf))"
        doc.facts = facts
        for (section, result) in sections {
            doc.sections.append(section)
            if let result { doc.results.append(result) }
        }
        return doc
    }

    /// `segment` when customers.csv or transactions.csv has one.
    static func defaultSegmentColumn(_ ds: Dataset) -> String? {
        if ds.customerTable?.segment != nil || ds.transactions.segment != nil { return "segment" }
        return nil
    }

    static func facts(_ ds: Dataset) -> [(String, String)] {
        var f: [(String, String)] = [("customers", Format.count(ds.customers.count))]
        if ds.hasTransactions { f.append(("transactions", Format.count(ds.transactions.count))) }
        if let s = ds.subscriptions { f.append(("subscriptions", Format.count(s.count))) }
        var first = Day.max
        for d in ds.transactions.day where d != Day.missing && d < first { first = d }
        if first != Day.max { f.append(("first purchase", Civil.iso(first))) }
        f.append(("observed to", Civil.iso(ds.asOf)))
        f.append(("tables", ds.presentTables.map { $0.rawValue.replacingOccurrences(of: "_", with: " ") }.joined(separator: ", ")))
        return f
    }

    /// The tables of a result, when its analysis declares them (`Reportable`).
    static func tables(of result: Any) -> [ReportTable] {
        (result as? any Reportable)?.tables ?? []
    }

    /// A section for an analysis that failed or cannot run, with the reason in words.
    static func unavailable(id: String, title: String, _ error: Error) -> ReportSection {
        ReportSection(id: id, title: title, unavailable: describe(error))
    }

    static func describe(_ error: Error) -> String {
        String(describing: error)
    }
}

/// Results computed outside `ReportBuilder.build(_:options:)` — in warehouse mode — for
/// `build(computed:options:)`: each analysis's result or the error that says why it is missing.
public struct ComputedAnalyses {
    public var asOf: Day
    public var facts: [(String, String)]
    public var by: String?
    public var kpis: Result<KPIResult, Error>
    public var cohorts: Result<CohortResult, Error>
    public var survival: Result<SurvivalResult, Error>
    public var survivalForAll: () throws -> SurvivalResult
    public var clv: Result<CLVResult, Error>
    /// The ROI section's reduced data (called only when the section is wanted).
    public var roi: () throws -> ROIInputs

    public init(asOf: Day, facts: [(String, String)], by: String?, kpis: Result<KPIResult, Error>, cohorts: Result<CohortResult, Error>,
                survival: Result<SurvivalResult, Error>, survivalForAll: @escaping () throws -> SurvivalResult,
                clv: Result<CLVResult, Error>, roi: @escaping () throws -> ROIInputs) {
        self.asOf = asOf; self.facts = facts; self.by = by; self.kpis = kpis; self.cohorts = cohorts
        self.survival = survival; self.survivalForAll = survivalForAll; self.clv = clv; self.roi = roi
    }
}

/// A percentage label with `d` decimals ("42.4%").
@inline(__always) func pct(_ x: Double, _ d: Int = 1) -> String { Format.value(x, .percent(decimals: d)) }
