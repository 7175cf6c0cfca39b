import TenureData
import TenureLifetime
import TenureROI

/// The ROI reductions (SPEC §6) in SQL, beside the RFM summary in weeks that `WarehouseSource`
/// reduces: the subscription books per segment (`SubscriptionBooks`) and the past initiatives'
/// counts (`UpliftCounts`). Every rule is the CSV path's (`TenureROI/ROIInputs.swift`):
/// - a subscription counts when its customer id and start date are set and it starts on or before
///   the end of observation; its age is ⌊days since its start / 30.436875⌋; it is active with no
///   end or an end after the end of observation; a NULL MRR adds 0;
/// - a customer's first spell is their subscriptions from the first start while each starts on or
///   before the latest end so far (window functions; an open one never ends), its months from the
///   first start to the end of observation (open) or the day before its end;
/// - initiatives: the customers table's `initiative` and `group` columns, each customer's revenue
///   (integer cents up to the end of observation) and whether they bought in the retention window.
public struct ROIQueries: Sendable {
    public var transactions: TransactionQueries
    /// The customers' segment (`CustomerAttribute` "segment"), or nil without a segment column.
    public var segment: AttributeQueries?

    public init(transactions: TransactionQueries, segment: AttributeQueries?) {
        self.transactions = transactions; self.segment = segment
    }

    var q: Dialect { transactions.dialect }
    var tables: WarehouseTables { transactions.tables }
    func col(_ c: String, in table: String) -> String { q.identifier(tables.column(c, in: table)) }

    /// `sb` (c, sdt, sd, edt, ed, m) as in `SubscriptionQueries`, and `gb` (c, v), the segments.
    func subscriptions(_ obs: Day) -> String {
        let sdt = q.date(col("start_date", in: "subscriptions")), edt = q.date(col("end_date", in: "subscriptions"))
        var out = """
        sb AS (
          SELECT \(q.cast(col("customer_id", in: "subscriptions"), q.text)) AS c, \(sdt) AS sdt, \(q.epochDay(sdt)) AS sd,
                 \(edt) AS edt, \(q.epochDay(edt)) AS ed, \(q.cast(col("mrr", in: "subscriptions"), q.double)) AS m
          FROM \(tables.from("subscriptions", q))
          WHERE \(col("customer_id", in: "subscriptions")) IS NOT NULL AND \(col("start_date", in: "subscriptions")) IS NOT NULL
            AND \(sdt) <= \(transactions.dateLiteral(obs))
        )
        """
        if let segment { out += ",\n" + segment.cte("gb", observationEnd: obs) }
        return out
    }

    var segmentValue: (join: String, select: String, group: String, column: [(String, StatisticQuery.ColumnType)]) {
        guard segment != nil else { return ("", "", "", []) }
        return (" LEFT JOIN gb ON gb.c = x.c", ", gb.v AS by_value", ", gb.v", [("by_value", .text)])
    }

    /// Per (segment, age, active): subscriptions and Σ MRR (NULL as 0).
    public func tenures(observationEnd obs: Day) -> StatisticQuery {
        let b = q.bigint, s = segmentValue
        let age = q.cast("FLOOR(\(q.cast("\(obs) - sd", q.double)) / \(Civil.daysPerMonth))", b)
        return StatisticQuery(name: "roi_subscription_tenures", sql: """
            WITH \(subscriptions(obs)),
            x AS (SELECT c, \(age) AS age, CASE WHEN ed IS NULL OR ed > \(obs) THEN 1 ELSE 0 END AS active, COALESCE(m, 0) AS m FROM sb)
            SELECT \(q.cast("x.age", b)) AS age, \(q.cast("x.active", b)) AS active, \(q.cast("COUNT(*)", b)) AS subscriptions,
                   \(q.cast("SUM(x.m)", q.double)) AS mrr\(s.select)
            FROM x\(s.join) GROUP BY x.age, x.active\(s.group)
            ORDER BY 1, 2
            """, columns: [("age", .int), ("active", .int), ("subscriptions", .int), ("mrr", .double)] + s.column)
    }

    /// Per (segment, months observed, months covered), both capped at `SubscriptionBooks.maxMonths`:
    /// customers' first spells.
    public func spells(observationEnd obs: Day) -> StatisticQuery {
        let b = q.bigint, s = segmentValue, cap = SubscriptionBooks.maxMonths
        let o = transactions.dateLiteral(obs)
        func wholeMonths(_ from: String, _ to: String) -> String {
            "(\(q.monthIndex(to)) - \(q.monthIndex(from)) - CASE WHEN \(q.dayOfMonth(to)) < \(q.dayOfMonth(from)) THEN 1 ELSE 0 END)"
        }
        // the last day of the spell: the end of observation when open, else the day before its end (at least its start)
        let last = "CASE WHEN open_spell = 1 THEN \(o) WHEN ed - 1 < sd THEN sdt ELSE \(q.addDays("edt", -1)) END"
        return StatisticQuery(name: "roi_first_spells", sql: """
            WITH \(subscriptions(obs)),
            rs AS (
              SELECT c, sdt, sd, edt, ed,
                     MAX(COALESCE(ed, \(Int32.max))) OVER (PARTITION BY c ORDER BY sd ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prev_end
              FROM sb
            ),
            ri AS (
              SELECT c, sdt, sd, edt, ed,
                     SUM(CASE WHEN prev_end IS NOT NULL AND sd > prev_end THEN 1 ELSE 0 END)
                       OVER (PARTITION BY c ORDER BY sd ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS spell
              FROM rs
            ),
            fs AS (
              SELECT c, MIN(sdt) AS sdt, MIN(sd) AS sd,
                     CASE WHEN MAX(CASE WHEN ed IS NULL OR ed > \(obs) THEN 1 ELSE 0 END) = 1 THEN 1 ELSE 0 END AS open_spell,
                     MAX(ed) AS ed, MAX(edt) AS edt
              FROM ri WHERE spell = 0 GROUP BY c
            ),
            x AS (
              SELECT c, LEAST(\(wholeMonths("sdt", o)), \(cap)) AS observed, LEAST(\(wholeMonths("sdt", last)), \(cap)) AS covered FROM fs
            )
            SELECT \(q.cast("x.observed", b)) AS observed, \(q.cast("x.covered", b)) AS covered, \(q.cast("COUNT(*)", b)) AS customers\(s.select)
            FROM x\(s.join) GROUP BY x.observed, x.covered\(s.group)
            ORDER BY 1, 2
            """, columns: [("observed", .int), ("covered", .int), ("customers", .int)] + s.column)
    }

    /// Per (initiative, group label) of the customers table: customers, those who bought in the
    /// last `windowDays` days, Σ revenue cents and Σ revenue² (in currency units).
    public func initiatives(observationEnd obs: Day, windowDays: Int, hasGroup: Bool) -> StatisticQuery {
        let b = q.bigint
        func ccol(_ c: String) -> String { col(c, in: "customers") }
        let group = hasGroup ? "NULLIF(\(q.cast(ccol("group"), q.text)), '')" : "CAST(NULL AS \(q.text))"
        return StatisticQuery(name: "roi_initiatives", sql: """
            WITH \(transactions.customerDays(upTo: obs)),
            cr \(q.cteAs(materialized: true)) (SELECT c, SUM(cents) AS cents, MAX(d) AS l FROM cd GROUP BY c),
            ci AS (
              SELECT \(q.cast(ccol("customer_id"), q.text)) AS c, NULLIF(\(q.cast(ccol("initiative"), q.text)), '') AS i, \(group) AS g
              FROM \(tables.from("customers", q)) WHERE \(ccol("customer_id")) IS NOT NULL
            ),
            x AS (
              SELECT ci.i, ci.g, COALESCE(cr.cents, 0) AS cents, CASE WHEN cr.l IS NOT NULL AND \(obs) - cr.l < \(windowDays) THEN 1 ELSE 0 END AS kept
              FROM ci LEFT JOIN cr ON cr.c = ci.c WHERE ci.i IS NOT NULL
            )
            SELECT i AS initiative, g AS group_label, \(q.cast("COUNT(*)", b)) AS customers, \(q.cast("SUM(kept)", b)) AS retained,
                   \(q.cast("SUM(cents)", b)) AS revenue_cents, \(q.cast("SUM((\(q.cast("cents", q.double)) / 100) * (\(q.cast("cents", q.double)) / 100))", q.double)) AS revenue_squares
            FROM x GROUP BY i, g
            ORDER BY \(q.byteOrder("i")), \(q.byteOrder("g"))
            """, columns: [("initiative", .text), ("group_label", .text), ("customers", .int), ("retained", .int),
                           ("revenue_cents", .int), ("revenue_squares", .double)])
    }

    /// The books from `roi_subscription_tenures` and `roi_first_spells`, in the segment groups of
    /// `segments` (codes by value through `groupOf`; the last group is no segment).
    public static func books(tenures: StatisticTable, spells: StatisticTable, levels: Int, groupOf: (String?) -> Int) throws -> SubscriptionBooks? {
        guard tenures.rowCount > 0 else { return nil }
        var books = SubscriptionBooks(groups: levels + 1)
        let hasSegment = tenures.columnNames.contains("by_value")
        let tv = hasSegment ? try tenures.texts("by_value") : [], sv = hasSegment ? try spells.texts("by_value") : []
        let age = try tenures.ints("age"), active = try tenures.ints("active"), n = try tenures.ints("subscriptions"), mrr = try tenures.doubles("mrr")
        try books.addSubscriptions((0..<tenures.rowCount).map { i in
            (group: hasSegment ? groupOf(tv[i]) : levels, age: Int(try need(age[i], tenures, "age", i)),
             active: try need(active[i], tenures, "active", i) == 1, count: Double(try need(n[i], tenures, "subscriptions", i)), mrr: mrr[i] ?? 0)
        })
        let observed = try spells.ints("observed"), covered = try spells.ints("covered"), customers = try spells.ints("customers")
        for i in 0..<spells.rowCount {
            books.addSpell(group: hasSegment ? groupOf(sv[i]) : levels, observed: Int(try need(observed[i], spells, "observed", i)),
                           covered: Int(try need(covered[i], spells, "covered", i)), count: Int(try need(customers[i], spells, "customers", i)))
        }
        return books
    }

    /// The counts from `roi_initiatives`.
    public static func uplift(_ t: StatisticTable) throws -> [UpliftCounts] {
        let i = try t.texts("initiative"), g = try t.texts("group_label"), n = try t.ints("customers"), r = try t.ints("retained")
        let cents = try t.ints("revenue_cents"), sq = try t.doubles("revenue_squares")
        return try (0..<t.rowCount).map { row in
            guard let name = i[row], let customers = n[row], let retained = r[row], let c = cents[row], let s = sq[row] else {
                throw WarehouseError.data("statistic \(t.name): NULL in row \(row + 1)", hint: nil)
            }
            return UpliftCounts(initiative: name, group: g[row], customers: Int(customers), retained: Int(retained),
                                revenue: Double(c) / 100, revenueSquares: s)
        }
    }
}
