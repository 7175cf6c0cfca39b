import TenureData

/// How churn is read from the data.
public enum ChurnDefinition: Sendable, Codable, Equatable, CustomStringConvertible {
    /// From subscriptions.csv.
    case contractual
    /// No purchase for more than `gapDays` days (transactions.csv).
    case inactivity(gapDays: Double)

    public var description: String {
        switch self {
        case .contractual:
            return "contractual: lifetime runs from a customer's first subscription start_date to the last end_date once no subscription is open; a customer with an open subscription (empty end_date or one after the as-of date) is censored at the as-of date"
        case .inactivity(let g):
            return "non-contractual: lifetime runs from the first purchase; a customer churns at the first gap of more than \(formatDays(g)) days without a purchase, at the moment the gap reaches \(formatDays(g)) days (last purchase before the gap + \(formatDays(g)) days); customers whose last purchase is at most \(formatDays(g)) days before the as-of date are censored at the as-of date; purchases after the as-of date are ignored"
        }
    }
}

func formatDays(_ d: Double) -> String { d == d.rounded() ? String(Int(d)) : String(d) }

/// One survival subject per customer: duration in days from acquisition, churned or censored.
public struct ChurnData: Sendable {
    public var sample: SurvivalSample
    /// Customer index (into `Dataset.customers`) of each subject.
    public var customer: [Int32]
    public var definition: ChurnDefinition
}

public enum ChurnEvents {
    /// Contractual churn from subscriptions.csv (see `ChurnDefinition.contractual`). Subscriptions
    /// starting after the as-of date are ignored; an end date before the start date is a data error.
    public static func contractual(_ d: Dataset) throws -> ChurnData {
        guard let s = d.subscriptions else {
            throw DataError(.missingFile, file: "subscriptions.csv", expected: "subscriptions.csv for contractual churn",
                            hint: "or give --churn-after DURATION to read churn from purchases")
        }
        let nc = d.customers.count
        var start = [Day](repeating: .max, count: nc)
        var end = [Day](repeating: .min, count: nc)
        var open = [Bool](repeating: false, count: nc)
        let asOf = d.asOf
        for i in 0..<s.count {
            let c = Int(s.customer[i]), st = s.startDay[i], en = s.endDay[i]
            guard st != Day.missing, st <= asOf else { continue }
            if en != Day.missing && en < st {
                throw DataError(.badValue, file: "subscriptions.csv", line: i + 2, column: "end_date", value: Civil.iso(en),
                                expected: "an end_date on or after start_date \(Civil.iso(st))")
            }
            if st < start[c] { start[c] = st }
            if en == Day.missing || en > asOf { open[c] = true } else if en > end[c] { end[c] = en }
        }
        var time: [Double] = [], event: [Bool] = [], who: [Int32] = []
        time.reserveCapacity(nc); event.reserveCapacity(nc); who.reserveCapacity(nc)
        for c in 0..<nc where start[c] != .max {
            who.append(Int32(c))
            if open[c] { time.append(Double(asOf - start[c])); event.append(false) } else {
                time.append(Double(end[c] - start[c])); event.append(true)
            }
        }
        return ChurnData(sample: SurvivalSample(time: time, event: event), customer: who, definition: .contractual)
    }

    /// Non-contractual churn from transactions.csv (see `ChurnDefinition.inactivity`). O(n) plus a
    /// sort of each customer's purchase days.
    public static func inactivity(_ d: Dataset, gapDays g: Double) throws -> ChurnData {
        try d.require(.transactions, for: "survival --churn-after (churn from purchases)",
                      hint: d.has(.subscriptions) ? "drop --churn-after: churn is then read from subscriptions.csv" : nil)
        let tx = d.transactions
        let nc = d.customers.count, asOf = d.asOf
        // bucket purchase days by customer (counting sort)
        var offset = [Int](repeating: 0, count: nc + 1)
        for i in 0..<tx.count where tx.day[i] != Day.missing && tx.day[i] <= asOf { offset[Int(tx.customer[i]) + 1] += 1 }
        for c in 0..<nc { offset[c + 1] += offset[c] }
        var days = [Day](repeating: 0, count: offset[nc])
        var fill = offset
        for i in 0..<tx.count where tx.day[i] != Day.missing && tx.day[i] <= asOf {
            let c = Int(tx.customer[i]); days[fill[c]] = tx.day[i]; fill[c] += 1
        }
        var time: [Double] = [], event: [Bool] = [], who: [Int32] = []
        time.reserveCapacity(nc); event.reserveCapacity(nc); who.reserveCapacity(nc)
        days.withUnsafeMutableBufferPointer { dp in
            for c in 0..<nc {
                let lo = offset[c], hi = offset[c + 1]
                guard hi > lo else { continue }
                var sorted = true
                for k in (lo + 1)..<max(lo + 1, hi) where dp[k] < dp[k - 1] { sorted = false; break }
                if !sorted { var slice = UnsafeMutableBufferPointer(rebasing: dp[lo..<hi]); slice.sort() }
                let acq = dp[lo]
                var prev = acq, churnAt: Double? = nil
                for k in (lo + 1)..<max(lo + 1, hi) {
                    if Double(dp[k] - prev) > g { churnAt = Double(prev - acq) + g; break }
                    prev = dp[k]
                }
                if churnAt == nil && Double(asOf - prev) > g { churnAt = Double(prev - acq) + g }
                who.append(Int32(c))
                if let t = churnAt { time.append(t); event.append(true) } else { time.append(Double(asOf - acq)); event.append(false) }
            }
        }
        return ChurnData(sample: SurvivalSample(time: time, event: event), customer: who, definition: .inactivity(gapDays: g))
    }
}
