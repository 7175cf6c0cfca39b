import TenureData
import TenureSurvival

/// The survival reduction (SPEC §6) in SQL: the engine returns event tables (per lifetime in whole
/// days, how many customers churned and how many are censored there, per `--by` group and
/// `--strata` stratum), the sufficient statistic of Kaplan–Meier and the log-rank test, never
/// per-customer rows. The definitions are `ChurnDefinition`'s:
/// - churn from purchases (`--churn-after G`): a customer churns at the first gap of more than G
///   days between purchase days, G days after the purchase before it, or G days after the last
///   purchase when that is more than G days before the end of observation; otherwise they are
///   censored at the end of observation;
/// - contractual (subscriptions): the lifetime runs from the first start_date on or before the end
///   of observation to the last end_date once no subscription is open (an empty end_date or one
///   after the end of observation is open: censored at the end of observation). An end_date before
///   its start_date is a data error, as on CSV.
public struct SurvivalQueries: Sendable {
    public var transactions: TransactionQueries
    /// G in days (may be fractional) for churn from purchases; nil: contractual churn.
    public var gapDays: Double?

    public init(transactions: TransactionQueries, gapDays: Double?) {
        self.transactions = transactions; self.gapDays = gapDays
    }

    public var definition: ChurnDefinition { gapDays.map { .inactivity(gapDays: $0) } ?? .contractual }

    /// `e`: per customer `c`, `base` (days) and `churned` (1, 0; 2 for an end before its start).
    func lifetimes(_ obs: Day) -> String {
        let q = transactions.dialect
        guard let gapDays else {
            let t = transactions.tables
            func col(_ c: String) -> String { q.identifier(t.column(c, in: "subscriptions")) }
            let start = q.epochDay(q.date(col("start_date"))), end = q.epochDay(q.date(col("end_date")))
            return """
            sb AS (
              SELECT \(q.cast(col("customer_id"), q.text)) AS c, \(start) AS st, \(end) AS en
              FROM \(t.from("subscriptions", q))
              WHERE \(col("customer_id")) IS NOT NULL AND \(col("start_date")) IS NOT NULL AND \(q.date(col("start_date"))) <= \(transactions.dateLiteral(obs))
            ),
            cu \(q.cteAs(materialized: true)) (
              SELECT c, MIN(st) AS a, MAX(CASE WHEN en IS NULL OR en > \(obs) THEN 1 ELSE 0 END) AS open_subs,
                     MAX(CASE WHEN en IS NOT NULL AND en <= \(obs) THEN en END) AS last_end, MAX(CASE WHEN en < st THEN 1 ELSE 0 END) AS bad
              FROM sb GROUP BY c
            ),
            e AS (
              SELECT c, CASE WHEN bad = 1 THEN 0 WHEN open_subs = 1 THEN \(obs) - a ELSE last_end - a END AS base,
                     CASE WHEN bad = 1 THEN 2 WHEN open_subs = 1 THEN 0 ELSE 1 END AS churned
              FROM cu
            )
            """
        }
        let g = gapDays == gapDays.rounded() ? String(Int(gapDays)) : String(gapDays)
        return """
        \(transactions.customerDays(upTo: obs, grouped: true)),
        dd AS (SELECT c, d FROM cd),
        gp AS (SELECT c, d, LAG(d) OVER (PARTITION BY c ORDER BY d) AS prev FROM dd),
        s AS (
          SELECT c, MIN(d) AS a, MAX(d) AS l, MIN(CASE WHEN prev IS NOT NULL AND d - prev > \(g) THEN prev END) AS gap_prev
          FROM gp GROUP BY c
        ),
        e AS (
          SELECT c, CASE WHEN gap_prev IS NOT NULL THEN gap_prev - a WHEN \(obs) - l > \(g) THEN l - a ELSE \(obs) - a END AS base,
                 CASE WHEN gap_prev IS NOT NULL OR \(obs) - l > \(g) THEN 1 ELSE 0 END AS churned
          FROM s
        )
        """
    }

    /// Per (base, churned): customers. A customer's lifetime is base days, + G when churned from purchases.
    /// With `by` (and `strata`) also per value of those attributes (`by_value`, `strata_value`; NULL
    /// for customers without one), and with Cox `covariates` per value of each (`cov_0`, `cov_1`, …):
    /// then one row per covariate pattern, the Cox model's sufficient statistic (`coxPatterns`).
    public func events(observationEnd obs: Day, by: AttributeQueries? = nil, strata: AttributeQueries? = nil,
                       covariates: [AttributeQueries] = []) -> StatisticQuery {
        let q = transactions.dialect, b = q.bigint
        var ctes = "", joins = "", keys = "", selects = "", order = ""
        var columns: [(String, StatisticQuery.ColumnType)] = [("base", .int), ("churned", .int)]
        let attributes = [("gb", "by_value", by), ("gs", "strata_value", strata)]
            + covariates.enumerated().map { ("gc\($0.offset)", "cov_\($0.offset)", Optional($0.element)) }
        for (alias, name, attribute) in attributes {
            guard let attribute else { continue }
            ctes += ",\n" + attribute.cte(alias, observationEnd: obs)
            joins += " LEFT JOIN \(alias) ON e.c = \(alias).c"
            keys += ", \(alias).v"
            selects += ", \(alias).v AS \(name)"
            columns.append((name, .text))
            order += ", \(columns.count)"
        }
        return StatisticQuery(name: "survival_events", sql: """
            WITH \(lifetimes(obs))\(ctes)
            SELECT \(q.cast("base", b)) AS base, \(q.cast("churned", b)) AS churned\(selects), \(q.cast("COUNT(*)", b)) AS customers
            FROM e\(joins) GROUP BY base, churned\(keys)
            ORDER BY 1, 2\(order)
            """, columns: columns + [("customers", .int)])
    }

    /// The event tables per (stratum, group) from `survival_events` (times ascending; a churn and a
    /// censoring at the same time share one entry), grouped by `CustomerAttribute`'s rules.
    public func tables(_ t: StatisticTable, by: AttributeQueries? = nil, strata: AttributeQueries? = nil) throws -> GroupedEventTables {
        let base = try t.ints("base"), churned = try t.ints("churned"), n = try t.ints("customers")
        let (levels, group) = try by.map { try $0.groups(of: try t.texts("by_value")) } ?? (["all"], [Int32](repeating: 0, count: t.rowCount))
        let (strataLevels, stratum) = try strata.map { try $0.groups(of: try t.texts("strata_value")) } ?? ([""], [Int32](repeating: 0, count: t.rowCount))
        let k = levels.count, ns = max(strataLevels.count, 1)
        // cells 0..<ns*k: (stratum, group); then k cells without a stratum; then the customers without a group
        var cells = [[Double: (events: Int, censored: Int)]](repeating: [:], count: ns * k + k + 1)
        for i in 0..<t.rowCount {
            guard let b = base[i], let c = churned[i], let m = n[i], b >= 0, m >= 0, c <= 2 else {
                throw WarehouseError.data("statistic \(t.name): row \(i + 1) has a NULL, negative or unknown value", hint: nil)
            }
            if c == 2 { throw endBeforeStart(Int(m)) }
            let g = Int(group[i]), s = Int(stratum[i])
            let cell = g < 0 ? ns * k + k : s < 0 ? ns * k + g : s * k + g
            let time = c == 1 ? Double(b) + (gapDays ?? 0) : Double(b)
            var e = cells[cell][time] ?? (0, 0)
            if c == 1 { e.events += Int(m) } else { e.censored += Int(m) }
            cells[cell][time] = e
        }
        let tables = cells.map(EventTable.init(counts:))
        return GroupedEventTables(levels: levels, strata: (0..<ns).map { s in Array(tables[(s * k)..<(s * k + k)]) },
                                  unstratified: Array(tables[(ns * k)..<(ns * k + k)]), missingGroup: tables[ns * k + k])
    }
}

extension SurvivalQueries {
    /// The error for `customers` customers with a subscription that ends before it starts.
    func endBeforeStart(_ customers: Int) -> WarehouseError {
        .data("\(customers) customer(s) in \(transactions.tables.table("subscriptions")) have a subscription whose end_date is before its start_date",
              hint: "fix the dates, or leave such rows out with a view (mapping key subscriptions.end_date)")
    }

    /// The Cox patterns from `survival_events` reduced with `covariates`: per row its lifetime (base
    /// days, + G when churned from purchases), churned, customers, stratum and covariate values
    /// (text, typed as `CustomerAttribute` types a customers-table column: numeric when every value
    /// is a number).
    public func coxPatterns(_ t: StatisticTable, strata: AttributeQueries?, covariates: [AttributeQueries]) throws -> CoxPatterns {
        let base = try t.ints("base"), churned = try t.ints("churned"), n = try t.ints("customers")
        var time: [Double] = [], event: [Bool] = [], count: [Int] = []
        for i in 0..<t.rowCount {
            guard let b = base[i], let c = churned[i], let m = n[i], c <= 1 else {
                throw WarehouseError.data("statistic \(t.name): row \(i + 1) has a NULL or unknown value", hint: nil)
            }
            time.append(c == 1 ? Double(b) + (gapDays ?? 0) : Double(b)); event.append(c == 1); count.append(Int(m))
        }
        let strataCodes = try strata.map { try $0.groups(of: try t.texts("strata_value")).group }
        let columns = try covariates.enumerated().map { (k, a) -> (name: String, column: AttributeColumn) in
            var index: [String: Int32] = [:], levels: [String] = []
            let codes: [Int32] = try t.texts("cov_\(k)").map { v in
                guard let v else { return -1 }
                if let c = index[v] { return c }
                index[v] = Int32(levels.count); levels.append(v)
                return Int32(levels.count - 1)
            }
            return (a.name, AttributeColumn.inferred(CategoricalColumn(codes: codes, levels: levels)))
        }
        return CoxPatterns(time: time, event: event, count: count, strata: strataCodes, columns: columns)
    }
}
