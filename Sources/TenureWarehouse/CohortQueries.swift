import TenureCohorts
import TenureData

/// The cohort reduction (SPEC §6) in SQL: the engine returns `CohortStatistics`' counts, never rows.
/// Cohorts are by first purchase, per `--by` value when asked (the acquisition day is the customer's first transaction on or
/// before the end of observation); ages follow `CohortOptions.period` and `window` exactly as
/// `CohortAge` counts them, by arithmetic on dates (month and quarter indexes, epoch days), so every
/// engine numbers periods alike.
///
/// Customer × cell rows are de-duplicated by a GROUP BY on the customer first (so a table
/// partitioned by customer reduces on its shards) and then counted with COUNT(*): no COUNT DISTINCT.
public struct CohortQueries: Sendable {
    public var transactions: TransactionQueries
    public var options: CohortOptions
    /// The column of order ids (orders = distinct ids + rows without one), or nil: orders = rows.
    public var orderColumn: String?
    /// The `--by` attribute: every statistic is then also per its value (`by_value`, NULL = none).
    public var by: AttributeQueries?
    /// What acquisition is: the first purchase, `signup_date` in the customers table, or the first
    /// subscription `start_date` (`auto` is resolved by the caller; it counts as the first purchase).
    public var acquisition: CohortOptions.CohortBy

    public init(transactions: TransactionQueries, options: CohortOptions, orderColumn: String?, by: AttributeQueries? = nil,
                acquisition: CohortOptions.CohortBy = .firstPurchase) {
        self.transactions = transactions; self.options = options; self.orderColumn = orderColumn; self.by = by
        self.acquisition = acquisition == .auto ? .firstPurchase : acquisition
    }

    /// The result's `cohort_basis`.
    public var basis: String {
        switch acquisition { case .signup: return "signup_date"; case .subscription: return "subscription_start"; default: return "first_purchase" }
    }

    var q: Dialect { transactions.dialect }

    /// The first reduction, where the rows are: `cd`, per customer and calendar period (calendar
    /// windows by first purchase) or day (rolling windows, whose ages count days, and acquisition on
    /// another table's day, before which rows are left out): key `k`, first and last date and
    /// epoch day (`dt0`, `d0`, `dt1`, `d1`), cents, rows `n` and rows without an order id `loose`.
    /// It groups by the customer, so a table partitioned by customer runs it on its shards, and it
    /// is materialized (`Dialect.cteAs`) so PostgreSQL plans it on its own and pushes it down.
    /// With order ids also `od`: the distinct (customer, key, order id). Then `f`: per customer
    /// the acquisition date `adt` (epoch day `a`), the last date `ldt` (`l`) and, with `--by`, `v`.
    /// With `rows: false` (per-customer statistics only) and first-purchase acquisition, `f` is
    /// one GROUP BY customer over the rows and there is no `cd`.
    func customers(_ obs: Day, order: String?, rows: Bool = true) -> String {
        let m = q.cteAs(materialized: true)
        if !rows && acquisition == .firstPurchase {
            return """
            \(transactions.rows(upTo: obs)),
            f0 \(m) (SELECT c, MIN(dt) AS adt, MIN(d) AS a, MAX(dt) AS ldt, MAX(d) AS l FROM t GROUP BY c)
            """ + withValue(obs)
        }
        var out = keyed(obs, order: order) + ","
        switch acquisition {
        case .signup, .subscription:
            // acquired at the signup date or the first subscription start (on or before the end of
            // observation); the last purchase is NULL for a customer without one
            let t = transactions.tables
            let table = acquisition == .signup ? "customers" : "subscriptions", day = acquisition == .signup ? "signup_date" : "start_date"
            func col(_ c: String) -> String { q.identifier(t.column(c, in: table)) }
            let sd = q.date(col(day))
            out += """

            fa AS (
              SELECT \(q.cast(col("customer_id"), q.text)) AS c, MIN(\(sd)) AS adt, MIN(\(q.epochDay(sd))) AS a
              FROM \(t.from(table, q))
              WHERE \(col("customer_id")) IS NOT NULL AND \(col(day)) IS NOT NULL AND \(sd) <= \(transactions.dateLiteral(obs))
              GROUP BY \(q.cast(col("customer_id"), q.text))
            ),
            fl AS (SELECT c, MAX(dt1) AS ldt, MAX(d1) AS l FROM cd GROUP BY c),
            f0 AS (SELECT fa.c, fa.adt, fa.a, fl.ldt, fl.l FROM fa LEFT JOIN fl ON fl.c = fa.c)
            """
        default:
            out += "\nf0 AS (SELECT c, MIN(dt0) AS adt, MIN(d0) AS a, MAX(dt1) AS ldt, MAX(d1) AS l FROM cd GROUP BY c)"
        }
        return out + withValue(obs)
    }

    /// `t` and `cd` (and `od` with order ids), the rows grouped per customer and key (see `customers`).
    func keyed(_ obs: Day, order: String?) -> String {
        let m = q.cteAs(materialized: true)
        let unit: (select: String, group: String)
        switch (options.window, acquisition) {
        case (.calendar, .firstPurchase):
            let p = transactions.period(options.period, date: "dt", day: "d")
            unit = ("\(p) AS k, MIN(dt) AS dt0, MIN(d) AS d0, MAX(dt) AS dt1, MAX(d) AS d1", "c, \(p)")
        case (.calendar, _):
            // acquired on another table's day: rows of the acquisition period dated before it are
            // left out, so the rows are kept per day
            unit = ("\(transactions.period(options.period, date: "dt", day: "d")) AS k, dt AS dt0, d AS d0, dt AS dt1, d AS d1", "c, dt, d")
        case (.rolling, _):
            unit = ("d AS k, dt AS dt0, d AS d0, dt AS dt1, d AS d1", "c, dt, d")
        }
        let loose = order == nil ? "COUNT(*)" : "SUM(CASE WHEN o IS NULL OR o = '' THEN 1 ELSE 0 END)"
        var out = """
        \(transactions.rows(upTo: obs, order: order)),
        cd \(m) (SELECT c, \(unit.select), SUM(cents) AS cents, COUNT(*) AS n, \(loose) AS loose FROM t GROUP BY \(unit.group))
        """
        if order != nil {
            out += ",\nod \(m) (SELECT c, \(unit.select), o, COUNT(*) AS n FROM t WHERE o IS NOT NULL AND o <> '' GROUP BY \(unit.group), o)"
        }
        return out
    }

    /// `f`: `f0` and, with `--by`, the customer's value `v` (`gb`).
    func withValue(_ obs: Day) -> String {
        guard let by else { return ",\nf AS (SELECT * FROM f0)" }
        return """
        ,
        \(by.cte("gb", observationEnd: obs)),
        f AS (SELECT f0.c, f0.adt, f0.a, f0.ldt, f0.l, gb.v AS v FROM f0 LEFT JOIN gb ON gb.c = f0.c)
        """
    }

    /// `, v` with `--by` (a grouping key after the others), else nothing.
    var v: String { by == nil ? "" : ", v" }
    /// The result column of the value with `--by`.
    var byColumn: [(String, StatisticQuery.ColumnType)] { by == nil ? [] : [("by_value", .text)] }

    /// `cd`, `od` and `f` as in `customers`; `r`: each `cd` row with its customer's cohort period
    /// and its age; with order ids `ro`: each `od` row so. Acquired at the first purchase and
    /// without order ids, the acquisition day is a window over the customer's `cd` rows (`cw`)
    /// instead of a per-customer table joined back: one shuffle fewer on Spark.
    func customerRows(_ obs: Day) -> String {
        if acquisition == .firstPurchase && orderColumn == nil {
            let value = by.map { ",\n" + $0.cte("gb", observationEnd: obs) } ?? ""
            return """
            \(keyed(obs, order: nil)),
            cw AS (SELECT cd.*, MIN(dt0) OVER (PARTITION BY c) AS adt, MIN(d0) OVER (PARTITION BY c) AS a FROM cd)\(value),
            r AS (SELECT x.c AS c, \(transactions.period(options.period, date: "x.adt", day: "x.a")) AS cohort, \(age(of: "x", acquired: "x")) AS age, x.cents AS cents, x.loose AS loose, x.n AS n\(
              by == nil ? "" : ", gb.v AS v") FROM cw x\(by == nil ? "" : " LEFT JOIN gb ON gb.c = x.c"))
            """
        }
        let cohort = transactions.period(options.period, date: "f.adt", day: "f.a")
        func rows(_ from: String, _ columns: String) -> String {
            "SELECT x.c AS c, \(cohort) AS cohort, \(age(of: "x")) AS age, \(columns)\(by == nil ? "" : ", f.v AS v") FROM \(from) x JOIN f ON x.c = f.c"
        }
        return """
        \(customers(obs, order: orderColumn)),
        r AS (\(rows("cd", "x.cents AS cents, x.loose AS loose, x.n AS n")))\(orderColumn == nil ? "" : ",\nro AS (\(rows("od", "x.o AS o")))")
        """
    }

    /// The age of a `cd`/`od` row `x` for its customer acquired on `f.adt` / `f.a` (`f`: `acquired`).
    func age(of x: String, acquired f: String = "f") -> String {
        let cohort = transactions.period(options.period, date: "\(f).adt", day: "\(f).a")
        switch (options.window, acquisition) {
        case (.calendar, .firstPurchase): return "(\(x).k - \(cohort))"
        case (.calendar, _): return "CASE WHEN \(x).d0 < \(f).a THEN -1 ELSE \(x).k - \(cohort) END"
        case (.rolling, _): return age(date: "\(x).dt0", day: "\(x).d0", acquired: f)
        }
    }

    /// The age of the day (`date`, epoch day `day`) for the customer acquired on `f.adt` / `f.a`.
    func age(date: String, day: String, acquired f: String = "f") -> String {
        let age = Self.age(transactions, period: options.period, window: options.window, date: date, day: day, acquired: ("\(f).adt", "\(f).a"))
        return acquisition == .firstPurchase ? age : "CASE WHEN \(day) < \(f).a THEN -1 ELSE \(age) END"
    }

    /// The age of the day (`date`, epoch day `day`) for a customer acquired on `acquired` (a date
    /// and its epoch day), as `CohortAge.of` counts it in `period` and `window`.
    static func age(_ tq: TransactionQueries, period cal: CalendarPeriod, window: CohortWindow, date: String, day: String,
                    acquired: (date: String, day: String)) -> String {
        let q = tq.dialect
        switch (window, cal.months) {
        case (.calendar, _):
            return "(\(tq.period(cal, date: date, day: day)) - \(tq.period(cal, date: acquired.date, day: acquired.day)))"
        case (.rolling, 0):
            return q.floorDiv("\(day) - \(acquired.day)", cal.fixedDays)
        case (.rolling, let m):
            let whole = "(\(q.monthIndex(date)) - \(q.monthIndex(acquired.date)) - CASE WHEN \(q.dayOfMonth(date)) < \(q.dayOfMonth(acquired.date)) THEN 1 ELSE 0 END)"
            return q.floorDiv(whole, m)
        }
    }

    /// Per (cohort, age): customers active, orders and revenue cents.
    public func cells(observationEnd obs: Day) -> StatisticQuery {
        let b = q.bigint
        let distinctOrders = orderColumn == nil ? "" : """
            ,
            oa AS (SELECT cohort, age\(v), o FROM ro WHERE age >= 0 GROUP BY cohort, age\(v), o),
            oc AS (SELECT cohort, age\(v), COUNT(*) AS n FROM oa GROUP BY cohort, age\(v))
            """
        let orders = orderColumn == nil ? "cl.loose" : "cl.loose + COALESCE(oc.n, 0)"
        // NULL values (customers without one) must meet too: IS NOT DISTINCT FROM, spelled portably
        let sameValue = by == nil ? "" : " AND (oc.v = cl.v OR (oc.v IS NULL AND cl.v IS NULL))"
        let join = orderColumn == nil ? "" : " LEFT JOIN oc ON oc.cohort = cl.cohort AND oc.age = cl.age\(sameValue)"
        // `cc`: one row per customer and cell. Calendar periods by first purchase give each `cd`
        // row (customer × period) its own age, so there is nothing to merge; days of one
        // rolling-window age or periods on another table's acquisition day are merged.
        let perCell = options.window == .calendar && acquisition == .firstPurchase
            ? "cc AS (SELECT c, cohort, age\(v), cents, loose FROM r WHERE age >= 0)"
            : "cc AS (SELECT c, cohort, age\(v), SUM(cents) AS cents, SUM(loose) AS loose FROM r WHERE age >= 0 GROUP BY c, cohort, age\(v))"
        return StatisticQuery(name: "cohort_cells", sql: """
            WITH \(customerRows(obs)),
            \(perCell),
            cl AS (SELECT cohort, age\(v), COUNT(*) AS customers, SUM(cents) AS cents, SUM(loose) AS loose FROM cc GROUP BY cohort, age\(v))\(distinctOrders)
            SELECT \(q.cast("cl.cohort", b)) AS cohort, \(q.cast("cl.age", b)) AS age, \(q.cast("cl.customers", b)) AS customers,
                   \(q.cast(orders, b)) AS orders, \(q.cast("cl.cents", b)) AS revenue_cents\(by == nil ? "" : ", cl.v AS by_value")
            FROM cl\(join)
            ORDER BY 1, 2\(by == nil ? "" : ", 6")
            """, columns: [("cohort", .int), ("age", .int), ("customers", .int), ("orders", .int), ("revenue_cents", .int)] + byColumn)
    }

    /// Per (cohort, age of the last transaction): customers, and their earliest and latest acquisition
    /// day. Sizes, unbounded counts and the rolling windows' cell status come from it.
    public func lastAges(observationEnd obs: Day) -> StatisticQuery {
        let b = q.bigint
        return StatisticQuery(name: "cohort_last_ages", sql: """
            WITH \(customers(obs, order: nil, rows: false)),
            la AS (SELECT \(transactions.period(options.period, date: "f.adt", day: "f.a")) AS cohort, \(age(date: "f.ldt", day: "f.l")) AS last_age, a\(v) FROM f)
            SELECT \(q.cast("cohort", b)) AS cohort, \(q.cast("last_age", b)) AS last_age, \(q.cast("COUNT(*)", b)) AS customers,
                   \(q.cast("MIN(a)", b)) AS first_acquired, \(q.cast("MAX(a)", b)) AS last_acquired\(by == nil ? "" : ", v AS by_value")
            FROM la GROUP BY cohort, last_age\(v)
            ORDER BY 1, 2\(by == nil ? "" : ", 6")
            """, columns: [("cohort", .int), ("last_age", .int), ("customers", .int), ("first_acquired", .int), ("last_acquired", .int)] + byColumn)
    }

    /// Per (cohort, bracket): customers active at some age of the bracket (`--brackets`).
    public func brackets(observationEnd obs: Day) -> StatisticQuery? {
        guard let bs = options.brackets, !bs.isEmpty else { return nil }
        let b = q.bigint
        let which = "CASE " + bs.enumerated().map { "WHEN age BETWEEN \($1.lower) AND \($1.upper) THEN \($0)" }.joined(separator: " ") + " ELSE -1 END"
        return StatisticQuery(name: "cohort_brackets", sql: """
            WITH \(customerRows(obs)),
            cb AS (SELECT c, cohort\(v), \(which) AS bracket FROM r GROUP BY c, cohort\(v), \(which))
            SELECT \(q.cast("cohort", b)) AS cohort, \(q.cast("bracket", b)) AS bracket, \(q.cast("COUNT(*)", b)) AS customers\(by == nil ? "" : ", v AS by_value")
            FROM cb WHERE bracket >= 0 GROUP BY cohort, bracket\(v)
            ORDER BY 1, 2\(by == nil ? "" : ", 4")
            """, columns: [("cohort", .int), ("bracket", .int), ("customers", .int)] + byColumn)
    }

    /// Rows dated after the end of observation (left out, as the CSV path counts them).
    public func rowsAfter(observationEnd obs: Day) -> StatisticQuery {
        let dt = q.date(transactions.col("date"))
        return StatisticQuery(name: "transactions_after_end", sql: """
            SELECT \(q.cast("COUNT(*)", q.bigint)) AS row_count FROM \(transactions.from)
            WHERE \(transactions.col("customer_id")) IS NOT NULL AND \(transactions.col("amount")) IS NOT NULL AND \(dt) > \(transactions.dateLiteral(obs))
            """, columns: [("row_count", .int)])
    }

    /// With signup or subscription cohorts: transactions dated before their customer's acquisition
    /// (left out and counted, as the CSV path counts them); with signup cohorts also the
    /// customers-table rows without a signup date or signed up after the end of observation (left
    /// out, said in notes).
    public func signups(observationEnd obs: Day) -> StatisticQuery? {
        guard acquisition != .firstPurchase else { return nil }
        if acquisition == .subscription {
            return StatisticQuery(name: "cohort_rows_before", sql: """
                WITH \(customerRows(obs))
                SELECT \(q.cast("COALESCE(SUM(n), 0)", q.bigint)) AS rows_before FROM r WHERE age < 0
                """, columns: [("rows_before", .int)])
        }
        let b = q.bigint, t = transactions.tables
        let sd = q.identifier(t.column("signup_date", in: "customers"))
        return StatisticQuery(name: "cohort_signups", sql: """
            WITH \(customerRows(obs))
            SELECT \(q.cast("rb.n", b)) AS rows_before, \(q.cast("cs.missing", b)) AS without_signup, \(q.cast("cs.late", b)) AS signed_up_later
            FROM (SELECT COALESCE(SUM(n), 0) AS n FROM r WHERE age < 0) rb
            CROSS JOIN (
              SELECT COALESCE(SUM(CASE WHEN \(sd) IS NULL THEN 1 ELSE 0 END), 0) AS missing,
                     COALESCE(SUM(CASE WHEN \(sd) IS NOT NULL AND \(q.date(sd)) > \(transactions.dateLiteral(obs)) THEN 1 ELSE 0 END), 0) AS late
              FROM \(t.from("customers", q))
            ) cs
            """, columns: [("rows_before", .int), ("without_signup", .int), ("signed_up_later", .int)])
    }

    /// Every query `statistics` runs, in order (for `--emit-sql`).
    public func all(observationEnd obs: Day) -> [StatisticQuery] {
        [rowsAfter(observationEnd: obs), cells(observationEnd: obs), lastAges(observationEnd: obs)]
            + [brackets(observationEnd: obs), signups(observationEnd: obs)].compactMap { $0 }
    }

    /// Runs the reduction and decodes it into the CSV path's `CohortStatistics`.
    public func statistics(_ executor: any StatisticExecutor, observationEnd obs: Day) throws -> CohortStatistics {
        try reduce(executor, observationEnd: obs).statistics
    }

    /// `statistics`, and the `--by` groups it used: those of the acquired customers' values and
    /// `moreValues` (other statistics' values, e.g. the subscribers').
    public func reduce(_ executor: any StatisticExecutor, observationEnd obs: Day, moreValues: [String?] = []) throws
        -> (statistics: CohortStatistics, groups: ValueGroups) {
        let after = try executor.run(rowsAfter(observationEnd: obs))
        let cells = try executor.run(self.cells(observationEnd: obs))
        let last = try executor.run(lastAges(observationEnd: obs))
        let br = try brackets(observationEnd: obs).map { try executor.run($0) }
        let groups = try ValueGroups(by: by, values: by == nil ? [] : try last.texts("by_value") + moreValues)
        var st = try Self.decode(after: after, cells: cells, lastAges: last, brackets: br, options: options, observationEnd: obs, by: by,
                                 groups: groups, basis: basis)
        if let q = signups(observationEnd: obs) {
            let t = try executor.run(q)
            func one(_ c: String) throws -> Int { Int(try t.ints(c).first.flatMap { $0 } ?? 0) }
            st.rowsBeforeAcquisition = try one("rows_before")
            // the CSV path's notes, in its order
            guard acquisition == .signup else { return (st, groups) }
            let missing = try one("without_signup"), late = try one("signed_up_later")
            if missing > 0 { st.notes.append("\(missing) customer(s) without a signup_date were left out.") }
            if late > 0 { st.notes.append("\(late) customer(s) signed up after the end of observation were left out.") }
        }
        return (st, groups)
    }

    /// The statistics from the query results (`cohort_last_ages` fixes the layout and, with `by`, the
    /// groups unless `groups` gives them: `CustomerAttribute`'s levels of the acquired customers'
    /// values, `(missing)` last when some have none; the cells and brackets fill it). Values outside the layout are a data error
    /// naming the statistic.
    public static func decode(after: StatisticTable, cells: StatisticTable, lastAges: StatisticTable, brackets: StatisticTable?,
                              options o: CohortOptions, observationEnd obs: Day, by: AttributeQueries? = nil,
                              groups: ValueGroups? = nil, basis: String = "first_purchase") throws -> CohortStatistics {
        let groups = try groups ?? ValueGroups(by: by, values: by == nil ? [] : try lastAges.texts("by_value"))
        let levels = groups.levels
        func group(_ t: StatisticTable, _ row: Int) throws -> Int { try groups.group(t, row: row) }
        let lc = try lastAges.ints("cohort"), la = try lastAges.ints("last_age"), ln = try lastAges.ints("customers")
        let lf = try lastAges.ints("first_acquired"), ll = try lastAges.ints("last_acquired")
        var earliest = Int64.max
        for i in 0..<lastAges.rowCount { earliest = min(earliest, try need(lf[i], lastAges, "first_acquired", i)) }
        guard earliest != .max else {
            throw WarehouseError.data("no customer was acquired on or before \(Civil.iso(obs))",
                                      hint: CohortStatistics.noAcquisitionHint(basis: basis, asOf: obs))
        }
        let layout = try CohortStatistics.layout(groups: levels.count, earliestAcquisition: Day(earliest), asOf: obs, options: o)
        var st = CohortStatistics(groups: levels, firstCohort: layout.firstCohort, cohorts: layout.cohorts, ages: layout.ages,
                                  brackets: o.brackets?.count ?? 0)
        let A = st.ages
        func key(_ t: StatisticTable, _ cohort: Int64?, _ row: Int) throws -> Int {
            let k = Int(try need(cohort, t, "cohort", row)) - Int(st.firstCohort)
            guard k >= 0 && k < st.cohorts else {
                throw WarehouseError.data("statistic \(t.name): cohort \(cohort!) in row \(row + 1) is outside \(st.firstCohort)…\(Int(st.firstCohort) + st.cohorts - 1)", hint: nil)
            }
            return try group(t, row) * st.cohorts + k
        }
        func cell(_ t: StatisticTable, _ k: Int, _ age: Int64?, _ row: Int) throws -> Int {
            let a = Int(try need(age, t, "age", row))
            guard a >= 0 && a < A else { throw WarehouseError.data("statistic \(t.name): age \(a) in row \(row + 1) is outside 0…\(A - 1)", hint: nil) }
            return k * A + a
        }
        for i in 0..<lastAges.rowCount {
            let k = try key(lastAges, lc[i], i)
            let n = Int32(try need(ln[i], lastAges, "customers", i))
            st.size[k] += n
            // no purchase, or only before the signup: counted in the size, never active
            if let a = la[i], a >= 0 { st.unbounded[try cell(lastAges, k, a, i)] += n }
            st.firstAcquired[k] = min(st.firstAcquired[k], Day(try need(lf[i], lastAges, "first_acquired", i)))
            st.lastAcquired[k] = max(st.lastAcquired[k], Day(try need(ll[i], lastAges, "last_acquired", i)))
        }
        for k in 0..<st.keys {   // customers whose last age is ≥ age
            var s: Int32 = 0
            for a in stride(from: A - 1, through: 0, by: -1) { s += st.unbounded[k * A + a]; st.unbounded[k * A + a] = s }
        }
        let cc = try cells.ints("cohort"), ca = try cells.ints("age"), cn = try cells.ints("customers")
        let co = try cells.ints("orders"), cr = try cells.ints("revenue_cents")
        for i in 0..<cells.rowCount {
            let c = try cell(cells, try key(cells, cc[i], i), ca[i], i)
            st.customers[c] = Int32(try need(cn[i], cells, "customers", i))
            st.orders[c] = Int32(try need(co[i], cells, "orders", i))
            st.revenue[c] = Double(try need(cr[i], cells, "revenue_cents", i)) / 100
        }
        if let t = brackets {
            let bc = try t.ints("cohort"), bb = try t.ints("bracket"), bn = try t.ints("customers")
            let B = o.brackets?.count ?? 0
            for i in 0..<t.rowCount {
                let k = try key(t, bc[i], i), b = Int(try need(bb[i], t, "bracket", i))
                guard b >= 0 && b < B else { throw WarehouseError.data("statistic \(t.name): bracket \(b) in row \(i + 1) is outside 0…\(B - 1)", hint: nil) }
                st.brackets[k * B + b] = Int32(try need(bn[i], t, "customers", i))
            }
        }
        st.rowsAfterEnd = Int(try after.ints("row_count").first.flatMap { $0 } ?? 0)
        return st
    }
}
