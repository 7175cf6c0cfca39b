import Foundation
import TenureData
import TenureNumerics

/// The cumulative incidence of every cause read at chosen times, as R `summary(fit, times = t)`
/// reports a competing-risks fit: the values at the last distinct time ≤ t; before the first time
/// the incidence is 0 (no interval on the log scales); after the last observed time NaN (beyond
/// follow-up). `atRisk` counts subjects whose time is ≥ t.
public struct IncidencePoint: Sendable, Codable, Equatable {
    public var time: Double
    public var atRisk: Int
    /// Per cause, in the curve's cause order.
    public var incidence: [Double]
    public var stdErr: [Double]
    public var lower: [Double]
    public var upper: [Double]
    enum CodingKeys: String, CodingKey {
        case time, incidence, lower, upper
        case atRisk = "at_risk", stdErr = "std_err"
    }
}

public enum CompetingHorizons {
    public static func evaluate(_ c: CumulativeIncidenceCurve, at times: [Double]) -> [IncidencePoint] {
        let K = c.causes.count
        let last = c.time.last ?? 0
        let z = Normal.quantile(1 - (1 - c.confidenceLevel) / 2)
        return times.map { t in
            let risk = c.atRisk(at: t)
            guard t <= last else {
                let nan = [Double](repeating: .nan, count: K)
                return IncidencePoint(time: t, atRisk: 0, incidence: nan, stdErr: nan, lower: nan, upper: nan)
            }
            guard let i = c.index(at: t) else {
                let zero = [Double](repeating: 0, count: K)
                let (lo, hi) = KaplanMeier.interval(0, 0, z, c.confidenceType)
                return IncidencePoint(time: t, atRisk: risk, incidence: zero, stdErr: zero,
                                      lower: [Double](repeating: lo, count: K), upper: [Double](repeating: hi, count: K))
            }
            return IncidencePoint(time: t, atRisk: risk, incidence: c.incidence.map { $0[i] }, stdErr: c.stdErr.map { $0[i] },
                                  lower: c.lower.map { $0[i] }, upper: c.upper.map { $0[i] })
        }
    }
}

/// The cumulative incidence of one `--by` group.
public struct CompetingGroup: Sendable, Codable, Equatable {
    public var name: String
    public var subjects: Int
    /// Churns of each cause.
    public var events: [Int]
    public var censored: Int
    /// Times in the result's unit.
    public var curve: CumulativeIncidenceCurve
    public var horizons: [IncidencePoint]
}

/// The regressions of one cause: Fine–Gray on the subdistribution hazard and the cause-specific Cox
/// model (the other causes censored), or why each could not be fitted.
public struct CauseModels: Sendable, Codable, Equatable {
    public var cause: String
    public var events: Int
    public var fineGray: FineGrayModel?
    public var fineGrayError: String?
    public var causeSpecific: CoxModel?
    public var causeSpecificError: String?
    enum CodingKeys: String, CodingKey {
        case cause, events
        case fineGray = "fine_gray", fineGrayError = "fine_gray_error"
        case causeSpecific = "cause_specific_cox", causeSpecificError = "cause_specific_cox_error"
    }
}

/// `tenure survival --competing end_reason`: why customers leave. Times are in the survival
/// result's unit.
public struct CompetingRisksResult: Sendable, Codable, Equatable {
    /// The column the causes come from (`end_reason`).
    public var column: String
    /// The causes, most frequent first.
    public var causes: [String]
    public var subjects: Int
    /// Churns of each cause, over every subject.
    public var events: [Int]
    public var censored: Int
    /// Churns whose last subscription has no end_reason: the cause `unknown`.
    public var unknownReasons: Int
    public var groups: [CompetingGroup]
    /// Gray's test of each cause across the `--by` groups (empty without two groups).
    public var grayTests: [GrayTest]
    /// Per cause, with `--covariates`.
    public var models: [CauseModels]
    /// Design of the models: covariate names (dummies named `column=level`), reference levels,
    /// subjects left out for a missing covariate.
    public var covariates: [String]
    public var referenceLevels: [String: String]
    public var droppedSubjects: Int

    enum CodingKeys: String, CodingKey {
        case column, causes, subjects, events, censored, groups, models, covariates
        case unknownReasons = "unknown_reasons", grayTests = "gray_tests", referenceLevels = "reference_levels"
        case droppedSubjects = "dropped_subjects"
    }
}

public enum CompetingRisks {
    /// The competing-risks part of `SurvivalAnalysis.run`: `cc` the churns with their causes,
    /// `groupCodes`/`levels` the `--by` groups of its subjects (nil: one group "all"), `strata`
    /// the stratum of each subject for Gray's test, `covariates` the columns of the models.
    static func run(_ cc: CompetingChurn, column: String, groupCodes: [Int32]?, levels: [String], strata: [Int32]?,
                    covariates: [(name: String, column: AttributeColumn)], options o: SurvivalOptions) throws -> CompetingRisksResult {
        let sample = cc.sample
        let unit = o.unit.days
        var curves: [(String, [Int]?)] = []
        if let gc = groupCodes {
            var members = [[Int]](repeating: [], count: levels.count)
            for i in 0..<sample.count where gc[i] >= 0 { members[Int(gc[i])].append(i) }
            for (k, name) in levels.enumerated() where !members[k].isEmpty { curves.append((name, members[k])) }
        } else {
            curves = [("all", nil)]
        }
        var fitted: [(String, CumulativeIncidenceCurve)] = []
        for (name, rows) in curves {
            fitted.append((name, try AalenJohansen.fit(sample, indices: rows, confidenceType: o.confidenceType, level: o.confidenceLevel)))
        }
        let lastDay = fitted.compactMap { $0.1.time.last }.max() ?? 0
        let at = o.horizons.isEmpty ? Horizons.niceGrid(upTo: lastDay / unit).map { $0 * unit } : o.horizons.map(\.days)
        let groups = fitted.map { name, c -> CompetingGroup in
            var curve = c
            var h = CompetingHorizons.evaluate(c, at: at)
            if unit != 1 {
                curve.time = c.time.map { $0 / unit }
                for i in h.indices { h[i].time /= unit }
            }
            return CompetingGroup(name: name, subjects: c.subjects, events: c.events.map { $0.reduce(0, +) },
                                  censored: c.censored.reduce(0, +), curve: curve, horizons: h)
        }
        var gray: [GrayTest] = []
        if let gc = groupCodes, groups.count >= 2 {
            gray = try Gray.test(sample, group: gc, levels: levels, strata: strata)
        }
        var models: [CauseModels] = []
        var names: [String] = [], refs: [String: String] = [:], dropped = 0
        if !covariates.isEmpty {
            let design = try CoxDesign.build(covariates, count: sample.count, subjects: cc.churn.customer)
            names = design.names; refs = design.referenceLevels; dropped = design.droppedRows
            let sub = design.droppedRows == 0 ? sample : sample.subset(design.rows)
            let counts = sub.eventCounts
            for (k, cause) in sub.causes.enumerated() {
                var m = CauseModels(cause: cause, events: counts[k])
                do {
                    m.fineGray = try FineGray.fit(x: design.x, names: design.names, sample: sub, cause: Int32(k + 1),
                                                  confidenceLevel: o.confidenceLevel)
                } catch let e as FitError { m.fineGrayError = e.reason }
                do {
                    m.causeSpecific = try CoxPH.fit(x: design.x, names: design.names,
                                                    sample: SurvivalSample(time: sub.time, event: sub.cause.map { $0 == Int32(k + 1) }),
                                                    options: CoxOptions(ties: o.ties, penalty: o.penalty, confidenceLevel: o.confidenceLevel,
                                                                        computeConcordance: false))
                } catch let e as FitError { m.causeSpecificError = e.reason }
                models.append(m)
            }
        }
        return CompetingRisksResult(column: column, causes: sample.causes, subjects: sample.count, events: sample.eventCounts,
                                    censored: sample.cause.reduce(0) { $0 + ($1 == 0 ? 1 : 0) }, unknownReasons: cc.unknownReasons,
                                    groups: groups, grayTests: gray, models: models, covariates: names, referenceLevels: refs,
                                    droppedSubjects: dropped)
    }
}
