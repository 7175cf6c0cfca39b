import TenureCohorts
import TenureData

/// The subscription reductions of a cohort analysis (SPEC §6) in SQL: contractual retention
/// (`ContractualStatistics`) and MRR movements (`MRRStatistics`), per `--by` value. Every rule is
/// the CSV path's (`TenureCohorts/Contractual.swift`):
/// - a subscription counts when its customer id and start date are set and it starts on or before
///   the end of observation; it covers the ages from its start to its last day (the day before
///   `end_date`, at least the start day, at most the end of observation), in the contractual window;
/// - a customer's covered ages are merged into runs (adjacent ages join) by window functions over
///   the customer's subscriptions, the first run being the first spell;
/// - MRR: a subscription with `mrr` set covers the snapshots from its start's period to its end's
///   (`end_date` after the end of observation or empty: to the end); a customer's MRR at each
///   snapshot where it changes is the sum over the subscriptions covering it, and consecutive levels
///   give one movement each.
public struct SubscriptionQueries: Sendable {
    public var transactions: TransactionQueries
    public var options: CohortOptions
    public var by: AttributeQueries?

    public init(transactions: TransactionQueries, options: CohortOptions, by: AttributeQueries? = nil) {
        self.transactions = transactions; self.options = options; self.by = by
    }

    var q: Dialect { transactions.dialect }
    var tables: WarehouseTables { transactions.tables }
    func col(_ c: String) -> String { q.identifier(tables.column(c, in: "subscriptions")) }
    var v: String { by == nil ? "" : ", v" }
    var byColumn: [(String, StatisticQuery.ColumnType)] { by == nil ? [] : [("by_value", .text)] }

    /// `sb`: the subscriptions that count, as (c, sdt, sd, edt, ed[, m]): customer id as text, start and
    /// end date with their epoch days (end NULL when open); with `mrr` the MRR `m` as a double, else
    /// `fs`: per customer the first start (`adt`, `a`), whether a subscription ends before it starts
    /// (`bad`) and, with `--by`, the value `v` (grouped by the
    /// customer, so a table partitioned by customer runs it on its shards).
    func subscriptions(_ obs: Day, mrr: Bool = false) -> String {
        let sdt = q.date(col("start_date")), edt = q.date(col("end_date"))
        let m = mrr ? ", \(q.cast(col("mrr"), q.double)) AS m" : ""
        var out = """
        sb AS (
          SELECT \(q.cast(col("customer_id"), q.text)) AS c, \(sdt) AS sdt, \(q.epochDay(sdt)) AS sd, \(edt) AS edt, \(q.epochDay(edt)) AS ed\(m)
          FROM \(tables.from("subscriptions", q))
          WHERE \(col("customer_id")) IS NOT NULL AND \(col("start_date")) IS NOT NULL AND \(sdt) <= \(transactions.dateLiteral(obs))
        )
        """
        guard !mrr else { return out }
        out += ",\nfs0 \(q.cteAs(materialized: true)) (SELECT c, MIN(sdt) AS adt, MIN(sd) AS a, MAX(CASE WHEN ed < sd THEN 1 ELSE 0 END) AS bad FROM sb GROUP BY c)"
        guard let by else { return out + ",\nfs AS (SELECT * FROM fs0)" }
        out += ",\n\(by.cte("gb", observationEnd: obs)),\nfs AS (SELECT fs0.c, fs0.adt, fs0.a, fs0.bad, gb.v AS v FROM fs0 LEFT JOIN gb ON gb.c = fs0.c)"
        return out
    }

    /// The age of a day for the customer's first start, in the contractual window.
    func age(date: String, day: String) -> String {
        CohortQueries.age(transactions, period: options.period, window: options.contractualWindow, date: date, day: day, acquired: ("fs.adt", "fs.a"))
    }

    var cohort: String { transactions.period(options.period, date: "fs.adt", day: "fs.a") }

    /// `il`: per customer `c` and run `isl` (1 = the first spell) of covered ages, `lo` … `hi`, with
    /// the customer's cohort and value.
    func runs(_ obs: Day) -> String {
        let o = transactions.dateLiteral(obs)
        // the last covered day: the day before the end, within [start, end of observation]
        let lastDate = "CASE WHEN sb.ed IS NULL OR sb.ed - 1 > \(obs) THEN \(o) WHEN sb.ed - 1 < sb.sd THEN sb.sdt ELSE \(q.addDays("sb.edt", -1)) END"
        let lastDay = "CASE WHEN sb.ed IS NULL OR sb.ed - 1 > \(obs) THEN \(obs) WHEN sb.ed - 1 < sb.sd THEN sb.sd ELSE sb.ed - 1 END"
        return """
        \(subscriptions(obs)),
        sp AS (
          SELECT sb.c, \(cohort) AS cohort\(by == nil ? "" : ", fs.v AS v"), \(age(date: "sb.sdt", day: "sb.sd")) AS a0, \(age(date: lastDate, day: lastDay)) AS a1
          FROM sb JOIN fs ON fs.c = sb.c
        ),
        so AS (SELECT c, cohort\(v), a0, a1, MAX(a1) OVER (PARTITION BY c ORDER BY a0, a1 ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS hi0 FROM sp),
        sn AS (
          SELECT c, cohort\(v), a0, a1,
                 SUM(CASE WHEN hi0 IS NULL OR a0 > hi0 + 1 THEN 1 ELSE 0 END) OVER (PARTITION BY c ORDER BY a0, a1 ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS isl
          FROM so
        ),
        il AS (SELECT c, cohort\(v), isl, MIN(a0) AS lo, MAX(a1) AS hi FROM sn GROUP BY c, cohort\(v), isl)
        """
    }

    /// Per (cohort, `by_value`): customers, their earliest and latest first start, and those with a
    /// subscription ending before it starts (a data error, as the CSV loader says).
    public func cohorts(observationEnd obs: Day) -> StatisticQuery {
        let b = q.bigint
        return StatisticQuery(name: "contractual_cohorts", sql: """
            WITH \(subscriptions(obs)),
            fc AS (SELECT \(cohort) AS cohort, fs.a, fs.bad\(by == nil ? "" : ", fs.v AS v") FROM fs)
            SELECT \(q.cast("cohort", b)) AS cohort, \(q.cast("COUNT(*)", b)) AS customers,
                   \(q.cast("MIN(a)", b)) AS first_acquired, \(q.cast("MAX(a)", b)) AS last_acquired,
                   \(q.cast("SUM(bad)", b)) AS ending_before_start\(by == nil ? "" : ", v AS by_value")
            FROM fc GROUP BY cohort\(v)
            ORDER BY 1\(by == nil ? "" : ", 6")
            """, columns: [("cohort", .int), ("customers", .int), ("first_acquired", .int), ("last_acquired", .int),
                           ("ending_before_start", .int)] + byColumn)
    }

    /// Per (cohort, age, `by_value`): the change in customers covered at this age from the previous
    /// age (runs starting here − runs that ended at the age before), and first spells ending here.
    public func cells(observationEnd obs: Day) -> StatisticQuery {
        let b = q.bigint
        return StatisticQuery(name: "contractual_cells", sql: """
            WITH \(runs(obs)),
            ch AS (
              SELECT cohort\(v), lo AS age, 1 AS d, 0 AS f FROM il
              UNION ALL SELECT cohort\(v), hi + 1 AS age, -1 AS d, 0 AS f FROM il
              UNION ALL SELECT cohort\(v), hi AS age, 0 AS d, 1 AS f FROM il WHERE isl = 1
            )
            SELECT \(q.cast("cohort", b)) AS cohort, \(q.cast("age", b)) AS age, \(q.cast("SUM(d)", b)) AS active_change,
                   \(q.cast("SUM(f)", b)) AS first_spell_ends\(by == nil ? "" : ", v AS by_value")
            FROM ch GROUP BY cohort, age\(v)
            ORDER BY 1, 2\(by == nil ? "" : ", 5")
            """, columns: [("cohort", .int), ("age", .int), ("active_change", .int), ("first_spell_ends", .int)] + byColumn)
    }

    /// `lv`: per customer and snapshot `e` where their MRR may change (a period index; `pe` + 1 is
    /// after the end of observation), the MRR `level`, the previous level `prev` (0 before the
    /// first), whether an earlier level was positive (`had`) and the next such snapshot `nx`; `fp`:
    /// the period of the first start with MRR set (NULL when none).
    func levels(_ obs: Day) -> String {
        let pe = options.period.index(of: obs)
        let f = transactions.period(options.period, date: "sdt", day: "sd")
        let t = "CASE WHEN ed IS NULL OR ed > \(obs) THEN \(pe) + 1 ELSE \(transactions.period(options.period, date: "edt", day: "ed")) END"
        return """
        \(subscriptions(obs, mrr: true)),
        ms \(q.cteAs(materialized: true)) (SELECT c, \(f) AS f, \(t) AS t, m FROM sb WHERE m IS NOT NULL),
        fp AS (SELECT MIN(f) AS first_period FROM ms),
        mv AS (SELECT c, f, t, m FROM ms WHERE t > f),
        ev AS (SELECT c, e FROM (SELECT c, f AS e FROM mv UNION ALL SELECT c, t AS e FROM mv WHERE t <= \(pe)) u GROUP BY c, e),
        lv0 AS (
          SELECT ev.c, ev.e, SUM(CASE WHEN mv.f <= ev.e AND ev.e < mv.t THEN mv.m ELSE 0 END) AS level
          FROM ev JOIN mv ON mv.c = ev.c GROUP BY ev.c, ev.e
        ),
        lv AS (
          SELECT c, e, level, COALESCE(LAG(level) OVER (PARTITION BY c ORDER BY e), 0) AS prev,
                 COALESCE(MAX(CASE WHEN level > 0 THEN 1 ELSE 0 END) OVER (PARTITION BY c ORDER BY e ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS had,
                 COALESCE(LEAD(e) OVER (PARTITION BY c ORDER BY e), \(pe) + 1) AS nx
          FROM lv0
        )
        """
    }

    /// Per snapshot period: MRR moved, by kind, with the first period on every row (one row with
    /// NULL movements when no customer's MRR ever changes; none without MRR).
    public func mrrMovements(observationEnd obs: Day) -> StatisticQuery {
        let b = q.bigint, d = q.double
        func kind(_ when: String, _ amount: String) -> String { q.cast("SUM(CASE WHEN \(when) THEN \(amount) ELSE 0 END)", d) }
        return StatisticQuery(name: "mrr_movements", sql: """
            WITH \(levels(obs)),
            mm AS (
              SELECT e, \(kind("prev <= 0 AND level > 0 AND had = 0", "level")) AS new_mrr,
                     \(kind("prev <= 0 AND level > 0 AND had = 1", "level")) AS reactivation,
                     \(kind("prev > 0 AND level <= 0", "prev")) AS churn,
                     \(kind("(prev > 0) = (level > 0) AND level > prev", "level - prev")) AS expansion,
                     \(kind("(prev > 0) = (level > 0) AND level < prev", "prev - level")) AS contraction
              FROM lv GROUP BY e
            )
            SELECT \(q.cast("fp.first_period", b)) AS first_period, \(q.cast("mm.e", b)) AS period, mm.new_mrr, mm.expansion,
                   mm.contraction, mm.churn, mm.reactivation
            FROM fp LEFT JOIN mm ON 1 = 1
            WHERE fp.first_period IS NOT NULL
            ORDER BY 2
            """, columns: [("first_period", .int), ("period", .int), ("new_mrr", .double), ("expansion", .double),
                           ("contraction", .double), ("churn", .double), ("reactivation", .double)])
    }

    /// Per (from, to) snapshot periods: Σ MRR and customers of the levels > 0 held from `from` up to
    /// (not including) `to`.
    public func mrrLevels(observationEnd obs: Day) -> StatisticQuery {
        let b = q.bigint
        return StatisticQuery(name: "mrr_levels", sql: """
            WITH \(levels(obs))
            SELECT \(q.cast("e", b)) AS from_period, \(q.cast("nx", b)) AS to_period, \(q.cast("SUM(level)", q.double)) AS mrr,
                   \(q.cast("COUNT(*)", b)) AS customers
            FROM lv WHERE level > 0 GROUP BY e, nx
            ORDER BY 1, 2
            """, columns: [("from_period", .int), ("to_period", .int), ("mrr", .double), ("customers", .int)])
    }

    /// Every query `statistics` runs, in order (for `--emit-sql`); `mrr`: the subscriptions have an MRR column.
    public func all(observationEnd obs: Day, mrr: Bool) -> [StatisticQuery] {
        [Self.sourceSummary(transactions), cohorts(observationEnd: obs), cells(observationEnd: obs)]
            + (mrr ? [mrrMovements(observationEnd: obs), mrrLevels(observationEnd: obs)] : [])
    }

    /// The subscriptions table's rows and those without a customer id or start date, which every
    /// subscription statistic leaves out (the CSV loader refuses them; here they are counted).
    public static func sourceSummary(_ tq: TransactionQueries) -> StatisticQuery {
        let q = tq.dialect, t = tq.tables
        func nulls(_ c: String) -> String { q.cast("SUM(CASE WHEN \(q.identifier(t.column(c, in: "subscriptions"))) IS NULL THEN 1 ELSE 0 END)", q.bigint) }
        return StatisticQuery(name: "subscriptions_source", sql: """
            SELECT \(q.cast("COUNT(*)", q.bigint)) AS row_count, \(nulls("customer_id")) AS null_ids, \(nulls("start_date")) AS null_starts
            FROM \(t.from("subscriptions", q))
            """, columns: [("row_count", .int), ("null_ids", .int), ("null_starts", .int)])
    }

    /// Notes on the rows `sourceSummary` found left out (none when every row has an id and a start).
    public static func sourceNotes(_ t: StatisticTable, _ tq: TransactionQueries) throws -> [String] {
        func one(_ c: String) throws -> Int64 { try t.ints(c).first.flatMap { $0 } ?? 0 }
        let rows = try one("row_count"), table = tq.tables.table("subscriptions")
        return try [("null_ids", "customer_id"), ("null_starts", "start_date")].compactMap { c, key in
            let n = try one(c)
            return n > 0 ? "\(n) of \(rows) rows of \(table) have no \(tq.tables.column(key, in: "subscriptions")) (mapping key subscriptions.\(key)) and were left out." : nil
        }
    }

    /// The `by_value`s of `contractual_cohorts` (the subscribers' values, for the shared `--by` groups).
    public static func values(_ cohorts: StatisticTable, by: AttributeQueries?) throws -> [String?] {
        by == nil ? [] : try cohorts.texts("by_value")
    }

    /// The contractual statistics from `contractual_cohorts` and `contractual_cells` (nil when no
    /// subscription starts by the end of observation), in `groups`.
    public func contractual(cohorts: StatisticTable, cells: StatisticTable, groups: ValueGroups, observationEnd obs: Day) throws -> ContractualStatistics? {
        let cc = try cohorts.ints("cohort"), cn = try cohorts.ints("customers")
        let cf = try cohorts.ints("first_acquired"), cl = try cohorts.ints("last_acquired")
        var earliest = Int64.max
        for i in 0..<cohorts.rowCount { earliest = min(earliest, try need(cf[i], cohorts, "first_acquired", i)) }
        guard earliest != .max else { return nil }
        let layout = try ContractualStatistics.layout(groups: groups.levels.count, earliestStart: Day(earliest), asOf: obs, options: options)
        var st = ContractualStatistics(groups: groups.levels, firstCohort: layout.firstCohort, cohorts: layout.cohorts, ages: layout.ages)
        func key(_ t: StatisticTable, _ cohort: Int64?, _ row: Int) throws -> Int {
            let k = Int(try need(cohort, t, "cohort", row)) - Int(st.firstCohort)
            guard k >= 0 && k < st.cohorts else {
                throw WarehouseError.data("statistic \(t.name): cohort \(cohort!) in row \(row + 1) is outside \(st.firstCohort)…\(Int(st.firstCohort) + st.cohorts - 1)", hint: nil)
            }
            return try groups.group(t, row: row) * st.cohorts + k
        }
        let bad = try cohorts.ints("ending_before_start").reduce(0) { $0 + ($1 ?? 0) }
        if bad > 0 {
            throw WarehouseError.data("\(bad) customer(s) in \(tables.table("subscriptions")) have a subscription whose end_date is before its start_date",
                                      hint: "fix the dates, or leave such rows out with a view (mapping key subscriptions.end_date)")
        }
        for i in 0..<cohorts.rowCount {
            let k = try key(cohorts, cc[i], i)
            st.size[k] = Int32(try need(cn[i], cohorts, "customers", i))
            st.firstAcquired[k] = Day(try need(cf[i], cohorts, "first_acquired", i))
            st.lastAcquired[k] = Day(try need(cl[i], cohorts, "last_acquired", i))
        }
        let A = st.ages
        var change = [Int32](repeating: 0, count: st.keys * (A + 1))
        let xc = try cells.ints("cohort"), xa = try cells.ints("age"), xd = try cells.ints("active_change"), xf = try cells.ints("first_spell_ends")
        for i in 0..<cells.rowCount {
            let k = try key(cells, xc[i], i), a = Int(try need(xa[i], cells, "age", i))
            guard a >= 0 && a <= A else { throw WarehouseError.data("statistic \(cells.name): age \(a) in row \(i + 1) is outside 0…\(A)", hint: nil) }
            change[k * (A + 1) + a] += Int32(try need(xd[i], cells, "active_change", i))
            let f = Int32(try need(xf[i], cells, "first_spell_ends", i))
            if f != 0 {
                guard a < A else { throw WarehouseError.data("statistic \(cells.name): a first spell ends at age \(a) in row \(i + 1), outside 0…\(A - 1)", hint: nil) }
                st.firstSpellEnds[k * A + a] += f
            }
        }
        for k in 0..<st.keys {
            var run: Int32 = 0
            for a in 0..<A { run += change[k * (A + 1) + a]; st.active[k * A + a] = run }
        }
        return st
    }

    /// The MRR statistics from `mrr_movements` and `mrr_levels` (nil when no subscription with MRR
    /// starts by the end of observation).
    public func mrr(movements: StatisticTable, levels: StatisticTable, observationEnd obs: Day) throws -> MRRStatistics? {
        guard movements.rowCount > 0, let first = try movements.ints("first_period")[0] else { return nil }
        let p0 = Int32(first), P = Int(options.period.index(of: obs) - p0) + 1
        var st = MRRStatistics(firstPeriod: p0, periods: P)
        func snapshot(_ t: StatisticTable, _ v: Int64?, _ col: String, _ row: Int, upTo: Int) throws -> Int? {
            guard let v else { return nil }
            let s = Int(v) - Int(p0) + 1
            guard s >= 1 && s <= upTo else {
                throw WarehouseError.data("statistic \(t.name): \(col) \(v) in row \(row + 1) is outside \(p0)…\(Int(p0) + upTo - 1)", hint: nil)
            }
            return s
        }
        let period = try movements.ints("period")
        let kinds = try ["new_mrr", "expansion", "contraction", "churn", "reactivation"].map { try movements.doubles($0) }
        for i in 0..<movements.rowCount {
            guard let s = try snapshot(movements, period[i], "period", i, upTo: P) else { continue }   // no movement at all
            st.new[s] = kinds[0][i] ?? 0; st.expansion[s] = kinds[1][i] ?? 0; st.contraction[s] = kinds[2][i] ?? 0
            st.churn[s] = kinds[3][i] ?? 0; st.reactivation[s] = kinds[4][i] ?? 0
        }
        let from = try levels.ints("from_period"), to = try levels.ints("to_period")
        let sum = try levels.doubles("mrr"), n = try levels.ints("customers")
        for i in 0..<levels.rowCount {
            guard let f = try snapshot(levels, from[i], "from_period", i, upTo: P), let t = try snapshot(levels, to[i], "to_period", i, upTo: P + 1),
                  let level = sum[i], let c = n[i] else {
                throw WarehouseError.data("statistic \(levels.name): NULL in row \(i + 1)", hint: nil)
            }
            st.addLevel(level, customers: Int(c), from: f, to: t)
        }
        return st
    }
}
