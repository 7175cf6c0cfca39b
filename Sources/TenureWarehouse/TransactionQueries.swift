import TenureData
import TenureLifetime

/// The reductions over `transactions` (SPEC §6): one query per statistic, written once against
/// `Dialect`'s primitives. Rows with a NULL id, date or amount are left out of every statistic and
/// counted by `sourceSummary` (reported like CSV rejects).
public struct TransactionQueries: Sendable {
    public var dialect: Dialect
    public var tables: WarehouseTables

    /// Shared reductions the engine holds for this run: a reduction's SELECT → the session relation
    /// holding its result (`StatisticExecutor.materialize`, made by `WarehouseSource.sharing`).
    /// A reduction not here is computed inside each query that reads it.
    public var materialized: [String: String] = [:]

    public init(dialect: Dialect, tables: WarehouseTables) { self.dialect = dialect; self.tables = tables }

    var q: Dialect { dialect }
    func col(_ c: String) -> String { q.identifier(tables.column(c, in: "transactions")) }
    var from: String { tables.from("transactions", q) }

    /// `t`: the transactions as (c, dt, d, cents): customer id as text, the date, its epoch day, cents;
    /// with `order:` also `o`, that column as text.
    func rows(upTo obsEnd: Day, order: String? = nil) -> String {
        "t \(q.cteAs(materialized: false)) (\n  " + rowsSelect(upTo: obsEnd, order: order) + "\n)"
    }

    /// The SELECT of `rows(upTo:order:)`.
    func rowsSelect(upTo obsEnd: Day, order: String? = nil) -> String {
        let dt = q.date(col("date"))
        let o = order.map { ", \(q.cast(q.identifier($0), q.text)) AS o" } ?? ""
        return """
          SELECT \(q.cast(col("customer_id"), q.text)) AS c, \(dt) AS dt, \(q.epochDay(dt)) AS d, \(q.cents(col("amount"))) AS cents\(o)
          FROM \(from)
          WHERE \(col("customer_id")) IS NOT NULL AND \(col("date")) IS NOT NULL AND \(col("amount")) IS NOT NULL
            AND \(dt) <= \(dateLiteral(obsEnd))
        """
    }

    /// The customer-days reduction, the one most statistics start from: per customer and day up to
    /// `obs`, the rows `n`, Σ cents `cents` and the rows with cents ≥ 0 `np` (BIGINTs).
    public func customerDaysSelect(upTo obs: Day) -> String {
        let b = q.bigint
        return """
            SELECT c, d, \(q.cast("COUNT(*)", b)) AS n, \(q.cast("SUM(cents)", b)) AS cents, \(q.cast("SUM(CASE WHEN cents >= 0 THEN 1 ELSE 0 END)", b)) AS np
            FROM (\(rowsSelect(upTo: obs))) r GROUP BY c, d
            """
    }

    /// `cd`: the transactions up to `obs` as customer-day rows (c, d, n, cents, np as in
    /// `customerDaysSelect`). Where the engine holds the customer-days for the session
    /// (`materialized`) it reads them: one row per customer and day. Else, with `grouped`, the query
    /// groups them itself (materialized on PostgreSQL, so a table partitioned by customer groups on
    /// its shards); without, one row per transaction (n = 1), for statistics that group further anyway.
    func customerDays(upTo obs: Day, grouped: Bool = false) -> String {
        let select = customerDaysSelect(upTo: obs)
        if let relation = materialized[select] {
            return "cd \(q.cteAs(materialized: false)) (SELECT c, d, n, cents, np FROM \(relation))"
        }
        if grouped { return "cd \(q.cteAs(materialized: true)) (\n" + select + "\n)" }
        return """
            cd \(q.cteAs(materialized: false)) (
              SELECT c, d, 1 AS n, cents, CASE WHEN cents >= 0 THEN 1 ELSE 0 END AS np FROM (\(rowsSelect(upTo: obs))) r
            )
            """
    }

    func dateLiteral(_ d: Day) -> String {
        switch q {
        case .spark: return "DATE'\(Civil.iso(d))'"
        default: return "DATE '\(Civil.iso(d))'"
        }
    }

    /// The period index in `unit` of a row with an epoch day `d` and no date column (`cd`).
    func dayPeriod(_ unit: TimeUnit) -> String { period(unit.calendarPeriod, date: q.dateFromEpochDay("d"), day: "d") }

    /// The period index of a date (`date`, with its epoch day `day`) as `CalendarPeriod.index(of:)` numbers it.
    func period(_ p: CalendarPeriod, date: String, day: String) -> String {
        switch p {
        case .day: return day
        case .week: return q.floorDiv("\(day) + 3", 7)   // Monday 1969-12-29, day −3, starts week 0
        case .month: return q.monthIndex(date: date, epochDay: day)
        case .quarter: return q.quarterIndex(date: date, epochDay: day)
        case .year: return q.yearIndex(date: date, epochDay: day)
        }
    }

    /// Rows, NULL ids, dates and amounts, and the first and last date (epoch days) of the table.
    public func sourceSummary() -> StatisticQuery {
        let dt = q.date(col("date"))
        func nulls(_ c: String) -> String { q.cast("SUM(CASE WHEN \(col(c)) IS NULL THEN 1 ELSE 0 END)", q.bigint) }
        return StatisticQuery(name: "transactions_source", sql: """
            SELECT \(q.cast("COUNT(*)", q.bigint)) AS row_count,
                   \(nulls("customer_id")) AS null_ids, \(nulls("date")) AS null_dates, \(nulls("amount")) AS null_amounts,
                   \(q.cast("MIN(\(q.epochDay(dt)))", q.bigint)) AS first_day, \(q.cast("MAX(\(q.epochDay(dt)))", q.bigint)) AS last_day
            FROM \(from)
            """, columns: [("row_count", .int), ("null_ids", .int), ("null_dates", .int), ("null_amounts", .int),
                           ("first_day", .int), ("last_day", .int)])
    }

    /// Per customer: the calibration and holdout sums of `RFMStatistics`, and with `by` the
    /// customer's value of that attribute (`by_value`, NULL for none), in no particular order
    /// (`WarehouseSource.rfmSummary` orders them by id). The customer × period grouping (rows to customer-periods) is
    /// the big one; it groups by the customer id, so a table partitioned by customer runs it on its
    /// shards. The first period's spend is a `minBy` over the customer's periods, in the same
    /// per-customer GROUP BY, where the engine has one; PostgreSQL joins the customer-periods back.
    public func rfmCustomers(unit: TimeUnit, calibrationEnd cal: Day, observationEnd obs: Day, by: AttributeQueries? = nil) -> StatisticQuery {
        let p = dayPeriod(unit)
        let h = "CASE WHEN d > \(cal) THEN 1 ELSE 0 END"
        func inCal(_ e: String) -> String { "CASE WHEN h = 0 THEN \(e) END" }
        func hold(_ e: String) -> String { "CASE WHEN h = 1 THEN \(e) END" }
        let b = q.bigint
        // the key orders calibration periods before holdout ones and is never NULL, whatever an
        // engine's MIN_BY does with NULL keys
        let firstCents = q.minBy(inCal("cents"), "h * 4294967296 + p")
        return StatisticQuery(name: "rfm_customers", sql: """
            WITH \(customerDays(upTo: obs)),
            cp \(q.cteAs(materialized: true)) (
              SELECT c, \(h) AS h, \(p) AS p, MIN(d) AS d0, SUM(cents) AS cents, SUM(n) AS n
              FROM cd GROUP BY c, \(h), \(p)
            ),
            cu AS (
              SELECT c, MIN(\(inCal("p"))) AS fp, MAX(\(inCal("p"))) AS lp, SUM(1 - h) AS periods, SUM(\(inCal("cents"))) AS total,
                     MIN(\(inCal("d0"))) AS first_day, SUM(h) AS h_periods, SUM(\(hold("cents"))) AS h_cents, SUM(\(hold("n"))) AS h_rows\(
                       firstCents.map { ",\n                     \($0) AS first_cents" } ?? "")
              FROM cp GROUP BY c
            )\(by.map { ",\n" + $0.cte("gb", observationEnd: obs) } ?? "")
            SELECT cu.c AS customer_id, \(q.cast("cu.fp", b)) AS first_period, \(q.cast("cu.lp", b)) AS last_period,
                   \(q.cast("cu.periods", b)) AS periods, \(q.cast("COALESCE(cu.total, 0)", b)) AS total_cents,
                   \(q.cast(firstCents == nil ? "COALESCE(f.cents, 0)" : "COALESCE(cu.first_cents, 0)", b)) AS first_period_cents,
                   \(q.cast("cu.first_day", b)) AS first_day,
                   \(q.cast("cu.h_periods", b)) AS holdout_periods, \(q.cast("COALESCE(cu.h_cents, 0)", b)) AS holdout_cents,
                   \(q.cast("COALESCE(cu.h_rows, 0)", b)) AS holdout_rows\(by == nil ? "" : ", gb.v AS by_value")
            FROM cu\(firstCents == nil ? " LEFT JOIN cp f ON f.c = cu.c AND f.h = 0 AND f.p = cu.fp" : "")\(by == nil ? "" : " LEFT JOIN gb ON gb.c = cu.c")
            """, columns: [("customer_id", .text), ("first_period", .int), ("last_period", .int), ("periods", .int),
                           ("total_cents", .int), ("first_period_cents", .int), ("first_day", .int),
                           ("holdout_periods", .int), ("holdout_cents", .int), ("holdout_rows", .int)]
                + (by == nil ? [] : [("by_value", .text)]))
    }

    /// Per period: customers with a calibration purchase who bought in it (holdout included), and
    /// those whose first calibration period it is. Where the engine has arrays (`Dialect.arrays`),
    /// one GROUP BY customer collects the customer's periods and first calibration period, and the
    /// periods are exploded and counted; elsewhere the customer-periods are joined to the customers.
    public func rfmActivity(unit: TimeUnit, calibrationEnd cal: Day, observationEnd obs: Day) -> StatisticQuery {
        let p = dayPeriod(unit)
        let b = q.bigint
        let sql: String
        if let arrays = q.arrays {
            sql = """
            WITH \(customerDays(upTo: obs)),
            u AS (SELECT c, MIN(CASE WHEN d <= \(cal) THEN \(p) END) AS fp, \(arrays.collect(p)) AS ps FROM cd GROUP BY c),
            a AS (SELECT fp, \(arrays.explode("ps")) AS p FROM u WHERE fp IS NOT NULL)
            SELECT \(q.cast("p", b)) AS period, \(q.cast("COUNT(*)", b)) AS active_customers,
                   \(q.cast("SUM(CASE WHEN p = fp THEN 1 ELSE 0 END)", b)) AS new_customers
            FROM a
            GROUP BY p
            ORDER BY p
            """
        } else {
            sql = """
            WITH \(customerDays(upTo: obs)),
            a AS (SELECT c, \(p) AS p FROM cd GROUP BY c, \(p)),
            f AS (SELECT c, MIN(\(p)) AS fp FROM cd WHERE d <= \(cal) GROUP BY c)
            SELECT \(q.cast("a.p", b)) AS period, \(q.cast("COUNT(*)", b)) AS active_customers,
                   \(q.cast("SUM(CASE WHEN a.p = f.fp THEN 1 ELSE 0 END)", b)) AS new_customers
            FROM a JOIN f ON a.c = f.c
            GROUP BY a.p
            ORDER BY a.p
            """
        }
        return StatisticQuery(name: "rfm_activity", sql: sql, columns: [("period", .int), ("active_customers", .int), ("new_customers", .int)])
    }

    /// Decodes the two RFM statistics.
    public static func rfmStatistics(customers t: StatisticTable, activity a: StatisticTable) throws -> RFMStatistics {
        var s = RFMStatistics()
        func req(_ v: Int64?, _ what: String, _ row: Int) throws -> Int64 {
            guard let v else { throw WarehouseError.data("statistic \(t.name): \(what) is NULL in row \(row + 1)", hint: nil) }
            return v
        }
        let ids = try t.texts("customer_id"), fp = try t.ints("first_period"), lp = try t.ints("last_period")
        let periods = try t.ints("periods"), total = try t.ints("total_cents"), first = try t.ints("first_period_cents")
        let fd = try t.ints("first_day"), hp = try t.ints("holdout_periods"), hc = try t.ints("holdout_cents"), hr = try t.ints("holdout_rows")
        for i in 0..<t.rowCount {
            s.ids.append(ids[i] ?? "")
            s.firstPeriod.append(fp[i].map { Int32($0) })
            s.lastPeriod.append(Int32(lp[i] ?? 0))
            s.periods.append(Int32(try req(periods[i], "periods", i)))
            s.totalCents.append(total[i] ?? 0)
            s.firstPeriodCents.append(first[i] ?? 0)
            s.firstDay.append(Day(fd[i] ?? 0))
            s.holdoutPeriods.append(Int32(hp[i] ?? 0))
            s.holdoutCents.append(hc[i] ?? 0)
            s.holdoutRows.append(hr[i] ?? 0)
        }
        let per = try a.ints("period"), act = try a.ints("active_customers"), new = try a.ints("new_customers")
        for k in 0..<a.rowCount {
            s.activityPeriod.append(Int32(try req(per[k], "period", k)))
            s.activeCustomers.append(act[k] ?? 0)
            s.newCustomers.append(new[k] ?? 0)
        }
        return s
    }
}
