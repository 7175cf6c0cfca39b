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
    public func events(observationEnd obs: Day) -> StatisticQuery {
        let q = transactions.dialect, b = q.bigint
        let g = gapDays == gapDays.rounded() ? String(Int(gapDays)) : String(gapDays)
        return StatisticQuery(name: "survival_events", sql: """
            WITH \(transactions.rows(upTo: obs)),
            dd AS (SELECT c, d FROM t GROUP BY c, d),
            gp AS (SELECT c, d, LAG(d) OVER (PARTITION BY c ORDER BY d) AS prev FROM dd),
            s AS (
              SELECT c, MIN(d) AS a, MAX(d) AS l, MIN(CASE WHEN prev IS NOT NULL AND d - prev > \(g) THEN prev END) AS gap_prev
              FROM gp GROUP BY c
            ),
            e AS (
              SELECT CASE WHEN gap_prev IS NOT NULL THEN gap_prev - a WHEN \(obs) - l > \(g) THEN l - a ELSE \(obs) - a END AS base,
                     CASE WHEN gap_prev IS NOT NULL OR \(obs) - l > \(g) THEN 1 ELSE 0 END AS churned
              FROM s
            )
            SELECT \(q.cast("base", b)) AS base, \(q.cast("churned", b)) AS churned, \(q.cast("COUNT(*)", b)) AS customers
            FROM e GROUP BY base, churned
            ORDER BY 1, 2
            """, columns: [("base", .int), ("churned", .int), ("customers", .int)])
    }

    /// The event table from `survival_events` (times ascending; a churn and a censoring at the same
    /// time share one entry).
    public func table(_ t: StatisticTable) throws -> EventTable {
        let base = try t.ints("base"), churned = try t.ints("churned"), n = try t.ints("customers")
        var byTime: [Double: (events: Int, censored: Int)] = [:]
        for i in 0..<t.rowCount {
            guard let b = base[i], let c = churned[i], let k = n[i], b >= 0, k >= 0 else {
                throw WarehouseError.data("statistic \(t.name): row \(i + 1) has a NULL or negative value", hint: nil)
            }
            let time = c == 1 ? Double(b) + gapDays : Double(b)
            var e = byTime[time] ?? (0, 0)
            if c == 1 { e.events += Int(k) } else { e.censored += Int(k) }
            byTime[time] = e
        }
        let times = byTime.keys.sorted()
        return EventTable(times: times, events: times.map { byTime[$0]!.events }, censored: times.map { byTime[$0]!.censored })
    }
}
