import TenureData

/// Everything `CohortAnalysis.run` needs besides the data. Defaults match `tenure cohorts DATA`.
public struct CohortOptions: Sendable, Codable, Equatable {
    /// What makes a customer "acquired", and so which cohort they belong to.
    public enum CohortBy: String, Sendable, Codable, CaseIterable {
        /// `signup_date` when customers.csv has it, else the first purchase.
        case auto
        /// The day of the customer's first transaction.
        case firstPurchase = "first-purchase"
        /// customers.csv `signup_date` (customers without one are left out and counted in the notes).
        case signup
        /// The customer's earliest subscription `start_date`.
        case subscription
    }
    public enum Retention: String, Sendable, Codable, CaseIterable {
        /// Share of the cohort active in exactly that period.
        case classic
        /// Share of the cohort active in that period or any later one.
        case unbounded
    }
    public enum Metric: String, Sendable, Codable, CaseIterable { case customers, revenue, orders }
    /// A table whose rows are activity: `--activity transactions,interactions`.
    public enum ActivityTable: String, Sendable, Codable, CaseIterable { case transactions, interactions }
    public enum RelativeTo: String, Sendable, Codable, CaseIterable {
        /// Rates are shares of the cohort's size (revenue: of period-0 revenue).
        case size
        /// Rates are relative to the cohort's previous period.
        case previous
    }

    public var period: CalendarPeriod = .month
    public var window: CohortWindow = .calendar
    /// Windows of contractual retention and of every sBG fit on it. Renewals fall on anniversaries of
    /// the start, so the default is `.rolling` (age k = k-th anniversary month); calendar windows count
    /// a customer who renews on the 20th as retained in a month they left on the 5th and bias the fit.
    public var contractualWindow: CohortWindow = .rolling
    public var cohortBy: CohortBy = .auto
    public var metric: Metric = .customers
    public var retention: Retention = .classic
    public var relativeTo: RelativeTo = .size
    /// Breakdown column: a customers.csv column (segment, channel, any categorical attribute), a
    /// transactions.csv column (segment, channel, product, category: the value on the customer's
    /// first transaction), or `plan` (the plan of the customer's first subscription).
    public var by: String?
    /// What makes a customer active in a period (retention, unbounded retention, brackets, the
    /// average curve and the sBG forecast on it): a row in any of these tables — purchases by default;
    /// `[.transactions, .interactions]` counts any event. Revenue and orders always come from purchases.
    public var activity: [ActivityTable] = [.transactions]
    /// Gross margin in (0, 1]: the cumulative value per acquired customer is also given in margin
    /// terms (revenue × margin), and CAC payback is read on it.
    public var grossMargin: Double?
    /// Age buckets for bracket retention, inclusive ranges of ages (`0`, `1-3`, `4-7`, …).
    public var brackets: [AgeBracket]?
    /// Periods to forecast past the end of observation with the sBG model; 0 = no forecast.
    public var forecast: Int = 0
    /// Coverage of Wilson intervals and forecast projection intervals.
    public var confidence: Double = 0.95
    /// Monte-Carlo draws per cohort for forecast projection intervals.
    public var forecastDraws: Int = 2000
    /// Seed of the forecast simulation (same seed, same intervals).
    public var seed: UInt64 = 20070101

    public init() {}
}

/// An inclusive range of ages, written `4-7` or `0`.
public struct AgeBracket: Sendable, Codable, Equatable, CustomStringConvertible {
    public var lower: Int
    public var upper: Int
    public init(lower: Int, upper: Int) { self.lower = lower; self.upper = upper }
    public var description: String { lower == upper ? "\(lower)" : "\(lower)-\(upper)" }

    /// Parses `0,1-3,4-7,8-14`. Brackets must be non-negative, ascending and non-overlapping.
    public static func parseList(_ s: String) -> [AgeBracket]? {
        var out: [AgeBracket] = []
        for part in s.split(separator: ",") {
            let bits = part.trimmingWhitespace.split(separator: "-", omittingEmptySubsequences: false)
            guard bits.count == 1 || bits.count == 2,
                  let lo = Int(bits[0].trimmingWhitespace), let hi = Int(bits[bits.count - 1].trimmingWhitespace),
                  lo >= 0, hi >= lo else { return nil }
            if let last = out.last, lo <= last.upper { return nil }
            out.append(AgeBracket(lower: lo, upper: hi))
        }
        return out.isEmpty ? nil : out
    }
}

extension Substring {
    var trimmingWhitespace: Substring {
        var s = self
        while let f = s.first, f == " " { s.removeFirst() }
        while let l = s.last, l == " " { s.removeLast() }
        return s
    }
}
