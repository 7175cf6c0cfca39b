import TenureData
import TenureSurvival

/// The survival reduction (SPEC §6) in SQL for churn read from purchases (`--churn-after G`):
/// the engine returns the event table (per lifetime in whole days since the first purchase, how
/// many customers churned and how many are censored there), the sufficient statistic of
/// Kaplan–Meier, never per-customer rows. The definition is `ChurnDefinition.inactivity`'s: a customer
/// churns at the first gap of more than G days between purchase days, G days after the purchase
/// before it, or G days after the last purchase when that is more than G days before the end of
/// observation; otherwise they are censored at the end of observation.
public struct SurvivalQueries: Sendable {
    public var transactions: TransactionQueries
    /// G, in days (may be fractional).
    public var gapDays: Double

    public init(transactions: TransactionQueries, gapDays: Double) {
        self.transactions = transactions; self.gapDays = gapDays
    }

    /// Per (base, churned): customers. A churned customer's lifetime is base + G days, a censored one's base.
    /// With `by` (and `strata`) also per value of those attributes (`by_value`, `strata_value`; NULL
    /// for customers without one).
    public func events(observationEnd obs: Day, by: AttributeQueries? = nil, strata: AttributeQueries? = nil) -> StatisticQuery {
        let q = transactions.dialect, b = q.bigint
        let g = gapDays == gapDays.rounded() ? String(Int(gapDays)) : String(gapDays)
        var ctes = "", joins = "", keys = "", selects = "", order = ""
        var columns: [(String, StatisticQuery.ColumnType)] = [("base", .int), ("churned", .int)]
        for (alias, name, attribute) in [("gb", "by_value", by), ("gs", "strata_value", strata)] {
            guard let attribute else { continue }
            ctes += ",\n" + attribute.cte(alias, observationEnd: obs)
            joins += " LEFT JOIN \(alias) ON e.c = \(alias).c"
            keys += ", \(alias).v"
            selects += ", \(alias).v AS \(name)"
            columns.append((name, .text))
            order += ", \(columns.count)"
        }
        return StatisticQuery(name: "survival_events", sql: """
            WITH \(transactions.rows(upTo: obs)),
            dd \(q.cteAs(materialized: true)) (SELECT c, d FROM t GROUP BY c, d),
            gp AS (SELECT c, d, LAG(d) OVER (PARTITION BY c ORDER BY d) AS prev FROM dd),
            s AS (
              SELECT c, MIN(d) AS a, MAX(d) AS l, MIN(CASE WHEN prev IS NOT NULL AND d - prev > \(g) THEN prev END) AS gap_prev
              FROM gp GROUP BY c
            ),
            e AS (
              SELECT c, CASE WHEN gap_prev IS NOT NULL THEN gap_prev - a WHEN \(obs) - l > \(g) THEN l - a ELSE \(obs) - a END AS base,
                     CASE WHEN gap_prev IS NOT NULL OR \(obs) - l > \(g) THEN 1 ELSE 0 END AS churned
              FROM s
            )\(ctes)
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
            guard let b = base[i], let c = churned[i], let m = n[i], b >= 0, m >= 0 else {
                throw WarehouseError.data("statistic \(t.name): row \(i + 1) has a NULL or negative value", hint: nil)
            }
            let g = Int(group[i]), s = Int(stratum[i])
            let cell = g < 0 ? ns * k + k : s < 0 ? ns * k + g : s * k + g
            let time = c == 1 ? Double(b) + gapDays : Double(b)
            var e = cells[cell][time] ?? (0, 0)
            if c == 1 { e.events += Int(m) } else { e.censored += Int(m) }
            cells[cell][time] = e
        }
        let tables = cells.map { byTime in
            let times = byTime.keys.sorted()
            return EventTable(times: times, events: times.map { byTime[$0]!.events }, censored: times.map { byTime[$0]!.censored })
        }
        return GroupedEventTables(levels: levels, strata: (0..<ns).map { s in Array(tables[(s * k)..<(s * k + k)]) },
                                  unstratified: Array(tables[(ns * k)..<(ns * k + k)]), missingGroup: tables[ns * k + k])
    }
}
