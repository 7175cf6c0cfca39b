import TenureData
import TenureLifetime

/// A dataset that stays in its engine: the statistics each analysis needs are computed there
/// (`TransactionQueries`) and only they come back. The fits downstream are the CSV path's own.
public struct WarehouseSource {
    public let executor: any StatisticExecutor
    public let queries: TransactionQueries
    /// Notes for the user, e.g. rows left out for NULL ids (the warehouse's rejects).
    public private(set) var notes: [String] = []
    /// Rows of the transactions table and the first purchase day, once `endOfObservation` has run.
    public private(set) var rows = 0
    public private(set) var firstDay: Day?

    public init(executor: any StatisticExecutor, queries: TransactionQueries) {
        self.executor = executor; self.queries = queries
    }

    /// The end of observation: `asOf` when given, else the latest transaction date. Also counts the
    /// rows left out for a NULL id, date or amount into `notes`, and refuses a table without rows.
    public mutating func endOfObservation(asOf: Day?) throws -> Day {
        let t = try executor.run(queries.sourceSummary())
        func one(_ c: String) throws -> Int64? { try t.ints(c).first ?? nil }
        let table = queries.tables.table("transactions")
        let rows = try one("row_count") ?? 0
        for (c, what) in [("null_ids", "customer_id"), ("null_dates", "date"), ("null_amounts", "amount")] {
            if let n = try one(c), n > 0 {
                notes.append("\(n) of \(rows) rows of \(table) have no \(queries.tables.column(what, in: "transactions")) (mapping key transactions.\(what)) and were left out")
            }
        }
        guard let last = try one("last_day"), let first = try one("first_day") else {
            throw WarehouseError.data("\(table) on \(executor.sourceDescription) has no transactions with a customer, date and amount", hint: nil)
        }
        self.rows = Int(rows); self.firstDay = Day(first)
        if let asOf {
            guard asOf >= Day(first) else {
                throw WarehouseError.data("every transaction in \(table) is after --as-of \(Civil.iso(asOf)) (the first is \(Civil.iso(Day(first))))", hint: nil)
            }
            return asOf
        }
        return Day(last)
    }

    /// `q` reading the customer-days up to `obs` (`TransactionQueries.customerDaysSelect`) from a
    /// relation the engine keeps for the session, made on first use, where the executor keeps one;
    /// else `q` as it is (each query reduces the rows itself).
    public func sharing(_ q: TransactionQueries, observationEnd obs: Day) throws -> TransactionQueries {
        var q = q
        let select = q.customerDaysSelect(upTo: obs)
        if q.materialized[select] == nil, let relation = try executor.materialize(select, name: "customer_days") {
            q.materialized[select] = relation
        }
        return q
    }

    /// The RFM summary of the transactions (the `tenure clv` reduction), equal to the CSV path's
    /// `RFMSummary(dataset:options:)` but for the order of customers (here: by id), with the ids that
    /// `summary.customer` indexes and, with `by`, each of those customers' group.
    public func rfmSummary(options: RFMOptions, observationEnd obs: Day, by: AttributeQueries? = nil)
        throws -> (summary: RFMSummary, ids: [String], segments: CustomerSegments?) {
        let r = try rfmSummary(options: options, observationEnd: obs, by: by, moreValues: [])
        return (r.summary, r.ids, r.segments)
    }

    /// `rfmSummary`, with the `by` groups made from the customers' values and `moreValues` (other
    /// statistics' values), whose groups come back as `moreCodes` (−1: no value).
    public func rfmSummary(options: RFMOptions, observationEnd obs: Day, by: AttributeQueries?, moreValues: [String?])
        throws -> (summary: RFMSummary, ids: [String], segments: CustomerSegments?, moreCodes: [Int32]) {
        let cal = options.calibrationEnd ?? obs
        let queries = try sharing(self.queries, observationEnd: obs)
        var customers = try executor.run(queries.rfmCustomers(unit: options.periodUnit, calibrationEnd: cal, observationEnd: obs, by: by))
        try customers.sort(byText: "customer_id")
        let activity = try executor.run(queries.rfmActivity(unit: options.periodUnit, calibrationEnd: cal, observationEnd: obs))
        let st = try TransactionQueries.rfmStatistics(customers: customers, activity: activity)
        var o = options; o.observationEnd = obs
        let summary = try RFMSummary(statistics: st, options: o, calibrationEnd: cal, observationEnd: obs,
                                     source: queries.tables.table("transactions"))
        var moreCodes: [Int32] = []
        let segments = try by.map { by in
            let values = try customers.texts("by_value")
            let (levels, group) = try by.groups(of: values + moreValues)
            moreCodes = Array(group[values.count...])
            return CustomerSegments(column: by.name, codes: Array(group[..<values.count]), levels: levels)
        }
        return (summary, st.ids, segments, moreCodes)
    }

    /// Every query `rfmSummary` runs, for `--emit-sql`.
    public static func rfmQueries(_ q: TransactionQueries, options: RFMOptions, observationEnd obs: Day, by: AttributeQueries? = nil) -> [StatisticQuery] {
        let cal = options.calibrationEnd ?? obs
        return [q.sourceSummary(), q.rfmCustomers(unit: options.periodUnit, calibrationEnd: cal, observationEnd: obs, by: by),
                q.rfmActivity(unit: options.periodUnit, calibrationEnd: cal, observationEnd: obs)]
    }
}
