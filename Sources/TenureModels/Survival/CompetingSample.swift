import TenureData
import TenureNumerics

/// Right-censored data with the cause of each event (competing risks): one duration and one cause
/// code per subject.
///
/// `cause[i]` is 0 when subject i is censored at `time[i]`, and k ≥ 1 when it churned then for the
/// k-th reason of `causes` (`causes[k − 1]`). Times are days, finite and ≥ 0.
public struct CompetingSample: Sendable {
    public var time: [Double]
    public var cause: [Int32]
    public var causes: [String]

    public init(time: [Double], cause: [Int32], causes: [String]) {
        precondition(time.count == cause.count, "CompetingSample: \(time.count) times, \(cause.count) causes")
        self.time = time; self.cause = cause; self.causes = causes
    }

    public var count: Int { time.count }

    /// Events of each cause (index k − 1 for cause k).
    public var eventCounts: [Int] {
        var n = [Int](repeating: 0, count: causes.count)
        for c in cause where c > 0 { n[Int(c) - 1] += 1 }
        return n
    }

    /// Every cause as one event: the data of the all-cause Kaplan–Meier curve.
    public var anyCause: SurvivalSample { SurvivalSample(time: time, event: cause.map { $0 > 0 }) }

    /// The subjects `rows`, in that order.
    public func subset(_ rows: [Int]) -> CompetingSample {
        CompetingSample(time: rows.map { time[$0] }, cause: rows.map { cause[$0] }, causes: causes)
    }

    /// Throws unless every time is finite and ≥ 0 and every cause code is in 0…causes.count.
    public func validate(model: String) throws {
        for t in time where !(t.isFinite && t >= 0) {
            throw FitError(model: model, reason: "a duration is \(t); durations must be finite and ≥ 0")
        }
        for c in cause where c < 0 || Int(c) > causes.count {
            throw FitError(model: model, reason: "a cause code is \(c); expected 0 (censored) to \(causes.count)")
        }
    }
}

/// Contractual churn with the reason each customer left: the subjects of `ChurnEvents.contractual`
/// and, for those who churned, the `end_reason` of the subscription that ended their lifetime.
public struct CompetingChurn: Sendable {
    public var churn: ChurnData
    public var sample: CompetingSample
    /// Churned customers whose last subscription has no end_reason (counted as the cause `unknown`).
    public var unknownReasons: Int
    /// The cause given to a churn without a reason.
    public static let unknownCause = "unknown"
}

extension ChurnEvents {
    /// Contractual churn (`ChurnEvents.contractual`) with the churn reason of each customer who
    /// churned: the `end_reason` of the subscription whose end_date is the last one (on equal
    /// end dates, the row later in the file). A churn without a reason is the cause `unknown`.
    /// Causes are ordered by their number of churns, most first (ties in byte order).
    public static func contractualCauses(_ d: Dataset) throws -> CompetingChurn {
        let churn = try contractual(d)
        guard let s = d.subscriptions, let reason = s.endReason else {
            throw DataError(.missingColumn, file: DatasetLoader.path(d.source, "subscriptions.csv"), column: "end_reason",
                            expected: "an end_reason column (why each subscription ended: cancelled, payment_failed, …) for competing risks",
                            hint: "map your column to it in a mapping file (--schema: `subscriptions: {end_reason: <your column>}`)")
        }
        let nc = d.customers.count, asOf = d.asOf
        var lastEnd = [Day](repeating: .min, count: nc)
        var lastRow = [Int32](repeating: -1, count: nc)
        for i in 0..<s.count {
            let st = s.startDay[i], en = s.endDay[i]
            guard st != Day.missing, st <= asOf, en != Day.missing, en <= asOf else { continue }
            let c = Int(s.customer[i])
            if en >= lastEnd[c] { lastEnd[c] = en; lastRow[c] = Int32(i) }
        }
        // the reason text of each churned subject, then the causes by frequency
        let n = churn.sample.count
        let unknownCode = reason.levels.count      // a level index past the real ones
        var levelOf = [Int](repeating: -1, count: n)
        var countByLevel = [Int](repeating: 0, count: unknownCode + 1)
        for i in 0..<n where churn.sample.event[i] {
            let row = Int(lastRow[Int(churn.customer[i])])
            let code = row >= 0 ? Int(reason.codes[row]) : -1
            let l = code >= 0 ? code : unknownCode
            levelOf[i] = l; countByLevel[l] += 1
        }
        var byName: [String: Int] = [:]
        for (l, k) in countByLevel.enumerated() where k > 0 {
            byName[l == unknownCode ? CompetingChurn.unknownCause : reason.levels[l], default: 0] += k
        }
        let causes = byName.keys.sorted { (byName[$0]!, $1) > (byName[$1]!, $0) }
        let index = Dictionary(uniqueKeysWithValues: causes.enumerated().map { ($1, Int32($0 + 1)) })
        let causeOfLevel = (0...unknownCode).map { l -> Int32 in
            index[l == unknownCode ? CompetingChurn.unknownCause : reason.levels[l]] ?? 0
        }
        let cause = (0..<n).map { i in levelOf[i] >= 0 ? causeOfLevel[levelOf[i]] : 0 }
        return CompetingChurn(churn: churn, sample: CompetingSample(time: churn.sample.time, cause: cause, causes: causes),
                              unknownReasons: countByLevel[unknownCode])
    }
}
