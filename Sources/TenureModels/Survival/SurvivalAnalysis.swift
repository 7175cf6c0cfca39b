import Foundation
import TenureData
import TenureNumerics

/// Options of `tenure survival`.
public struct SurvivalOptions: Sendable {
    public enum Churn: Sendable, Equatable {
        /// Contractual when subscriptions.csv is present, else an error asking for --churn-after.
        case automatic
        case contractual
        case inactivity(TimeSpan)
    }
    public var churn: Churn = .automatic
    public var unit: TimeUnit = .day
    /// Column whose levels get separate curves and a log-rank test (`CustomerAttribute`: its lookup
    /// order and groups; customers without a value are left out of the curves and the test, with a note).
    public var by: String?
    /// Column whose levels are strata of the log-rank test and the Cox model.
    public var strata: String?
    /// Cox covariates by column name (empty: no Cox model).
    public var cox: [String] = []
    public var ties: CoxTies = .efron
    public var penalty: Double = 0
    public var confidenceType: ConfidenceType = .logLog
    public var confidenceLevel: Double = 0.95
    public var horizons: [TimeSpan] = []
    /// RMST horizon τ; default: the shortest of the groups' last observed times.
    public var tau: TimeSpan?
    /// Competing risks (`--competing end_reason`): the subscriptions.csv column whose value on the
    /// subscription that ended a customer's lifetime is the cause of the churn. Contractual churn only.
    public var competing: String?
    public init() {}
}

/// Kaplan–Meier, median, RMST and horizons of one group, times in the reporting unit.
public struct SurvivalGroup: Sendable, Codable, Equatable {
    public var name: String
    public var subjects: Int
    public var events: Int
    public var summary: SurvivalSummary
    public var horizons: [HorizonPoint]
    public var riskTable: [HorizonPoint]
    public var curve: KaplanMeierCurve
    enum CodingKeys: String, CodingKey {
        case name, subjects, events, summary, horizons, curve
        case riskTable = "risk_table"
    }
}

public struct CoxReport: Sendable, Codable, Equatable {
    public var model: CoxModel
    /// Requested columns, and the reference level of each text column.
    public var columns: [String]
    public var referenceLevels: [String: String]
    public var strataColumn: String?
    /// Subjects left out because a covariate was missing.
    public var droppedSubjects: Int
    public init(model: CoxModel, columns: [String], referenceLevels: [String: String], strataColumn: String?, droppedSubjects: Int) {
        self.model = model; self.columns = columns; self.referenceLevels = referenceLevels
        self.strataColumn = strataColumn; self.droppedSubjects = droppedSubjects
    }
    enum CodingKeys: String, CodingKey {
        case model, columns
        case referenceLevels = "reference_levels", strataColumn = "strata_column", droppedSubjects = "dropped_subjects"
    }
}

/// Everything `tenure survival` reports. Times are in `unit`; survival probabilities, hazard ratios
/// and test statistics do not depend on it.
public struct SurvivalResult: Sendable, Codable {
    public var churnDefinition: String
    public var unit: TimeUnit
    public var asOf: String
    public var subjects: Int
    public var events: Int
    public var byColumn: String?
    public var strataColumn: String?
    public var confidenceType: ConfidenceType
    public var confidenceLevel: Double
    public var groups: [SurvivalGroup]
    public var logRank: LogRankTest?
    public var cox: CoxReport?
    /// Why customers leave (`--competing`): cumulative incidence per cause, Gray's test, Fine–Gray
    /// and cause-specific Cox models.
    public var competing: CompetingRisksResult?
    /// Things a reader must know: customers left out and why.
    public var notes: [String] = []

    enum CodingKeys: String, CodingKey {
        case unit, subjects, events, groups, cox, notes, competing
        case churnDefinition = "churn_definition", asOf = "as_of", byColumn = "by", strataColumn = "strata"
        case confidenceType = "confidence_type", confidenceLevel = "confidence_level", logRank = "log_rank"
    }
}

public enum SurvivalAnalysis {
    /// `finished` is called as each stage ends ("events", "kaplan-meier", "log-rank", "cox",
    /// "concordance"), so a caller can time the stages; the result holds no timings.
    public static func run(_ d: Dataset, options o: SurvivalOptions, finished lap: (String) -> Void = { _ in }) throws -> SurvivalResult {
        let churn: ChurnData
        var causes: CompetingChurn?
        if let column = o.competing {
            causes = try competingChurn(d, column: column, churn: o.churn)
            churn = causes!.churn
        } else {
            switch o.churn {
            case .contractual: churn = try ChurnEvents.contractual(d)
            case .inactivity(let g): churn = try ChurnEvents.inactivity(d, gapDays: g.days)
            case .automatic:
                try d.require(.subscriptions, for: "survival (contractual churn)",
                              hint: d.hasTransactions ? "without subscriptions, say how long a customer may go without buying: --churn-after 90d"
                                  : "survival needs subscriptions.csv (contractual churn) or transactions.csv with --churn-after 90d")
                churn = try ChurnEvents.contractual(d)
            }
        }
        guard churn.sample.count > 0 else {
            throw FitError(model: "survival", reason: "no customer was acquired on or before the as-of date \(Civil.iso(d.asOf))")
        }
        lap("events")
        let sample = churn.sample
        // groups
        var groupCodes: [Int32]? = nil, groupLevels = ["all"]
        if let by = o.by {
            let g = try CustomerAttribute(d, column: by, customers: churn.customer)
            groupCodes = g.codes; groupLevels = g.levels
        }
        var strataCodes: [Int32]? = nil
        if let s = o.strata { strataCodes = try CustomerAttribute(d, column: s, customers: churn.customer).codes }
        var members = [[Int]](repeating: [], count: groupLevels.count)
        if let gc = groupCodes { for i in 0..<sample.count where gc[i] >= 0 { members[Int(gc[i])].append(i) } }
        var notes: [String] = []
        if let gc = groupCodes {
            notes = groupNotes(missingGroup: gc.reduce(0) { $0 + ($1 < 0 ? 1 : 0) }, subjects: sample.count,
                               missingStratum: strataCodes.map { sc in zip(gc, sc).reduce(0) { $0 + ($1.0 >= 0 && $1.1 < 0 ? 1 : 0) } } ?? 0,
                               options: o)
        }
        var curves: [KaplanMeierCurve] = []
        for (k, _) in groupLevels.enumerated() {
            curves.append(try KaplanMeier.fit(sample, indices: groupCodes == nil ? nil : members[k],
                                              confidenceType: o.confidenceType, level: o.confidenceLevel))
        }
        lap("kaplan-meier")
        let groups = summarise(curves, levels: groupLevels, options: o)
        var logRank: LogRankTest? = nil
        if let gc = groupCodes, groups.count >= 2 {
            logRank = try LogRank.test(sample, group: gc, levels: groupLevels, strata: strataCodes)
            lap("log-rank")
        }
        var cox: CoxReport? = nil
        // covariates per customer id, read into the design through each subject's customer
        var cols: [(name: String, column: AttributeColumn)] = []
        for name in o.cox { cols.append((name, try CustomerAttribute.values(d, column: name).0)) }
        if !o.cox.isEmpty {
            cox = try coxReport(cols, sample: sample, subjects: churn.customer, strata: strataCodes, options: o, finished: lap)
        }
        var r = SurvivalResult(churnDefinition: churn.definition.description, unit: o.unit, asOf: Civil.iso(d.asOf),
                               subjects: sample.count, events: sample.eventCount, byColumn: o.by, strataColumn: o.strata,
                               confidenceType: o.confidenceType, confidenceLevel: o.confidenceLevel,
                               groups: groups, logRank: logRank, cox: cox)
        if let causes, let column = o.competing {
            r.competing = try CompetingRisks.run(causes, column: column, groupCodes: groupCodes, levels: groupLevels,
                                                 strata: strataCodes, covariates: cols, options: o)
            if causes.unknownReasons > 0 {
                notes.append("\(causes.unknownReasons) churned customers have no \(column) on the subscription that ended; they count as the reason '\(CompetingChurn.unknownCause)'.")
            }
            lap("competing risks")
        }
        r.notes = notes
        return r
    }

    /// Contractual churn with its causes for `--competing column`; refuses churn from purchases and
    /// any column but `end_reason` (map yours to it with a mapping file).
    static func competingChurn(_ d: Dataset, column: String, churn: SurvivalOptions.Churn) throws -> CompetingChurn {
        if case .inactivity = churn {
            throw FitError(model: "competing risks", reason: "--competing reads why subscriptions ended (subscriptions.csv end_reason); churn from purchases (--churn-after) has no reasons: drop --churn-after")
        }
        guard column == "end_reason" else {
            throw DataError(.missingColumn, file: DatasetLoader.path(d.source, "subscriptions.csv"), column: column,
                            expected: "--competing end_reason (the subscriptions.csv column that says why a subscription ended)",
                            hint: "map your column to end_reason in a mapping file: --schema with `subscriptions: {end_reason: \(column)}`")
        }
        try d.require(.subscriptions, for: "survival --competing (why customers leave)")
        return try ChurnEvents.contractualCauses(d)
    }

    /// The Cox model of `o.cox` on `sample`: subject i's covariate values are entry `subjects[i]` of
    /// each column, its stratum `strata[i]` (−1: none, left out). Subjects missing a covariate or a
    /// stratum are left out and counted.
    static func coxReport(_ cols: [(name: String, column: AttributeColumn)], sample: SurvivalSample, subjects: [Int32], strata strataCodes: [Int32]?,
                          options o: SurvivalOptions, finished lap: (String) -> Void) throws -> CoxReport {
        var design = try CoxDesign.build(cols, count: sample.count, events: sample.event, subjects: subjects)
        var rows = design.rows
        var strata: [Int32]? = nil
        if let sc = strataCodes {
            let keep = rows.filter { sc[$0] >= 0 }
            if keep.count != rows.count {
                // leave out subjects without a stratum: rebuild on the kept rows
                design = try CoxDesign.build(cols, count: keep.count, events: keep.map { sample.event[$0] },
                                             subjects: keep.map { subjects[$0] })
                design.droppedRows = sample.count - design.rows.count
                rows = design.rows.map { keep[$0] }
            }
            strata = rows.map { sc[$0] }
        }
        let sub = design.droppedRows == 0 ? sample
            : SurvivalSample(time: rows.map { sample.time[$0] }, event: rows.map { sample.event[$0] })
        var x = Matrix(rows: 0, cols: 0)
        swap(&x, &design.x)   // the fit centres the design in place
        var (model, concordance) = try CoxPH.fitted(x: consume x, names: design.names, sample: sub, strata: strata,
                                                    options: CoxOptions(ties: o.ties, penalty: o.penalty, confidenceLevel: o.confidenceLevel))
        lap("cox")
        // Harrell's C is its own stage (lifelines computes it lazily, after the fit).
        model.concordance = concordance()
        lap("concordance")
        return CoxReport(model: model, columns: o.cox, referenceLevels: design.referenceLevels,
                         strataColumn: o.strata, droppedSubjects: design.droppedRows)
    }

    /// Per group with subjects: the curve in `o.unit`, its median and RMST (τ = `o.tau`, else the
    /// shortest group's last time), the horizons asked for and the risk table on a round grid.
    static func summarise(_ curves: [KaplanMeierCurve], levels: [String], options o: SurvivalOptions) -> [SurvivalGroup] {
        let unit = o.unit.days
        let lastTimes = curves.compactMap { $0.time.last }
        let tauDays = o.tau?.days ?? (lastTimes.min() ?? 0)
        var groups: [SurvivalGroup] = []
        for (k, name) in levels.enumerated() where curves[k].subjects > 0 {
            var c = curves[k]
            var sm = SurvivalSummary(curve: c, tau: tauDays)
            let hz = Horizons.evaluate(c, at: o.horizons.map(\.days))
            let rt = Horizons.evaluate(c, at: Horizons.niceGrid(upTo: (lastTimes.max() ?? 0) / unit).map { $0 * unit })
            if unit != 1 {
                c.time = c.time.map { $0 / unit }
                sm.median /= unit; sm.medianLower /= unit; sm.medianUpper /= unit
                sm.rmst /= unit; sm.rmstSE /= unit; sm.tau /= unit
            }
            func scaled(_ h: [HorizonPoint]) -> [HorizonPoint] { h.map { var p = $0; p.time /= unit; return p } }
            groups.append(SurvivalGroup(name: name, subjects: c.subjects, events: c.eventCount, summary: sm,
                                        horizons: scaled(hz), riskTable: scaled(rt), curve: c))
        }
        return groups
    }

    /// What the result says about subjects left out of the groups (`--by`) and of the stratified test.
    static func groupNotes(missingGroup: Int, subjects: Int, missingStratum: Int, options o: SurvivalOptions) -> [String] {
        guard let by = o.by else { return [] }
        var notes: [String] = []
        if missingGroup > 0 {
            notes.append("\(missingGroup) of \(subjects) customers have no value for --by \(by) and were left out of the curves and the log-rank test.")
        }
        if missingStratum > 0, let st = o.strata {
            notes.append("\(missingStratum) customers have no value for --strata \(st) and were left out of the stratified log-rank test.")
        }
        return notes
    }

    /// The fit alone, from event tables reduced elsewhere (a warehouse): the Kaplan–Meier curve of
    /// each group and its summaries, with two or more groups the (stratified) log-rank test, and
    /// with `o.cox` the Cox model on `patterns` (or `coxFitted`, fitted on sums elsewhere), equal to `run` on
    /// the data the tables came from.
    public static func run(grouped g: GroupedEventTables, cox patterns: CoxPatterns? = nil, coxFitted: CoxReport? = nil,
                           definition: ChurnDefinition, asOf: Day, options o: SurvivalOptions) throws -> SurvivalResult {
        if o.competing != nil {
            throw FitError(model: "competing risks", reason: "--competing is not reduced in warehouse mode yet; export subscriptions.csv (and customers.csv) and run it on the CSV files")
        }
        let all = EventTable.merged(g.strata.flatMap { $0 } + g.unstratified + [g.missingGroup])
        guard all.total > 0 else {
            throw FitError(model: "survival", reason: "no customer was acquired on or before the as-of date \(Civil.iso(asOf))")
        }
        let k = g.levels.count
        let curves = (0..<k).map { j in
            KaplanMeier.fit(table: EventTable.merged(g.strata.map { $0[j] } + [g.unstratified[j]]),
                            confidenceType: o.confidenceType, level: o.confidenceLevel)
        }
        let groups = summarise(curves, levels: g.levels, options: o)
        let logRank = o.by != nil && groups.count >= 2 ? try LogRank.test(tables: g.strata, levels: g.levels) : nil
        var r = SurvivalResult(churnDefinition: definition.description, unit: o.unit, asOf: Civil.iso(asOf),
                               subjects: all.total, events: all.events.reduce(0, +), byColumn: o.by, strataColumn: o.strata,
                               confidenceType: o.confidenceType, confidenceLevel: o.confidenceLevel,
                               groups: groups, logRank: logRank, cox: nil)
        if let coxFitted {
            r.cox = coxFitted
        } else if !o.cox.isEmpty {
            guard let p = patterns else { throw FitError(model: "Cox model", reason: "no covariate patterns were reduced") }
            // each pattern's subjects, one after the other
            var time: [Double] = [], event: [Bool] = [], subjects: [Int32] = [], strata: [Int32]? = p.strata == nil ? nil : []
            let total = p.count.reduce(0, +)
            time.reserveCapacity(total); event.reserveCapacity(total); subjects.reserveCapacity(total); strata?.reserveCapacity(total)
            for i in 0..<p.count.count {
                for _ in 0..<p.count[i] {
                    time.append(p.time[i]); event.append(p.event[i]); subjects.append(Int32(i))
                    strata?.append(p.strata![i])
                }
            }
            r.cox = try coxReport(p.columns, sample: SurvivalSample(time: time, event: event), subjects: subjects, strata: strata,
                                  options: o, finished: { _ in })
        }
        r.notes = groupNotes(missingGroup: g.missingGroup.total, subjects: all.total,
                             missingStratum: g.unstratified.reduce(0) { $0 + $1.total }, options: o)
        return r
    }
}

/// Event tables per (stratum, group), the sufficient statistic of the curves per `--by` group and of
/// the stratified log-rank test, as a warehouse returns them.
public struct GroupedEventTables: Sendable, Equatable {
    /// Group labels (`["all"]` without `--by`).
    public var levels: [String]
    /// `strata[s][g]`: subjects of group g in stratum s (one stratum without `--strata`).
    public var strata: [[EventTable]]
    /// Per group, the subjects without a stratum: in the curves, not in the log-rank test.
    public var unstratified: [EventTable]
    /// Subjects without a group: in the totals only.
    public var missingGroup: EventTable

    public init(levels: [String], strata: [[EventTable]], unstratified: [EventTable], missingGroup: EventTable) {
        self.levels = levels; self.strata = strata; self.unstratified = unstratified; self.missingGroup = missingGroup
    }

    /// One group ("all") of the subjects of `table`.
    public init(all table: EventTable) {
        self.init(levels: ["all"], strata: [[table]], unstratified: [EventTable()], missingGroup: EventTable())
    }
}

/// The Cox model's sufficient statistic as a warehouse returns it: the subjects per distinct
/// (lifetime, churned, stratum, covariate values) pattern. Expanded to its subjects, the fit is the
/// one on the data the patterns came from (Efron's ties count subjects, not patterns).
public struct CoxPatterns: Sendable {
    /// Per pattern: lifetime in days, churned, subjects, and the stratum (−1: none; nil without `--strata`).
    public var time: [Double]
    public var event: [Bool]
    public var count: [Int]
    public var strata: [Int32]?
    /// The covariates by name, entry i the value of pattern i.
    public var columns: [(name: String, column: AttributeColumn)]

    public init(time: [Double], event: [Bool], count: [Int], strata: [Int32]?, columns: [(name: String, column: AttributeColumn)]) {
        self.time = time; self.event = event; self.count = count; self.strata = strata; self.columns = columns
    }
}
