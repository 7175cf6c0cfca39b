import TenureData
import TenureKPIs
import TenureLifetime

/// The KPI reductions over transactions and subscriptions (`Value` and `Retention` of TenureKPIs):
/// per (period, segment, channel) cell revenue, rows and orders; per customer group the purchase
/// and subscription activity runs over the frame's time points (window functions over each
/// customer's days), the MRR levels at their change points, cohort revenue by month of age, the
/// customers with a repeat, cross-sell or upsell purchase, and marketing spend. Each first grouping
/// is per customer (and day, order, category or product), so it runs where a table partitioned by
/// customer lives. Decoded by `KPIQueries.reduce`.
extension KPIQueries {
    var hasOrder: Bool { has("order_id", "transactions") }

    /// `tr`: the transactions as (c, d, cents[, o, prod, cat]) up to as-of, as the loader keeps them.
    func transactionRows(observationEnd obs: Day) -> String {
        let t = "transactions"
        var extra = ""
        if hasOrder { extra += ", \(text("order_id", t)) AS o" }
        if has("product", t) { extra += ", \(text("product", t)) AS prod" }
        if has("category", t) { extra += ", \(text("category", t)) AS cat" }
        let dt = q.date(col("date", t))
        return """
            tr \(q.cteAs(materialized: false)) (
              SELECT \(q.cast(col("customer_id", t), q.text)) AS c, \(q.epochDay(dt)) AS d, \(q.cents(col("amount", t))) AS cents\(extra)
              FROM \(table(t))
              WHERE \(col("customer_id", t)) IS NOT NULL AND \(col("date", t)) IS NOT NULL AND \(col("amount", t)) IS NOT NULL
                AND \(dt) <= \(day(obs))
            )
            """
    }

    /// The first time point `k` in `0…K` with `t[k] ≥ d` (`PeriodAxis.firstTimePoint`), K + 1 after the last.
    func timePoint(_ d: String, _ f: KPIFrame) -> String {
        let ax = f.axis
        return "CASE WHEN \(d) <= \(ax.t[0]) THEN 0 WHEN \(d) > \(ax.asOf) THEN \(ax.count + 1) ELSE \(periodOf(f.opt.period, day: d)) - \(ax.firstOrdinal) + 1 END"
    }

    /// `cg`: per customer with a transaction, the first purchase day (`fd`, NULL without one), the
    /// purchase days (`pdays`) and the segment and channel values.
    var customerGroups: String {
        """
        cg AS (
          SELECT cu.c, cu.fd, cu.pdays, \(segValue) AS seg, \(chanValue) AS chan
          FROM (SELECT c, MIN(CASE WHEN np > 0 THEN d END) AS fd, SUM(CASE WHEN np > 0 THEN 1 ELSE 0 END) AS pdays FROM cd GROUP BY c) cu\(joins("cu.c"))
        )
        """
    }

    /// Revenue, rows, orders, purchasing customers and the repeat, cross-sell and upsell customers:
    /// `kind`, `period` (`CalendarPeriod` index; NULL for whole-window counts), `seg`, `chan`, `n`
    /// (count) and `x` (Σ cents).
    public func transactions(_ f: KPIFrame) -> StatisticQuery {
        let obs = f.axis.asOf, b = q.bigint
        let p = { (d: String) in periodOf(f.opt.period, day: d) }
        // the rows themselves only for order ids, categories and products
        let rowLevel = hasOrder || has("category", "transactions") || has("product", "transactions")
        var ctes = (rowLevel ? [transactionRows(observationEnd: obs)] : []) + [transactions.customerDays(upTo: obs, grouped: true)]
            + attributes(observationEnd: obs)
        ctes.append(customerGroups)
        // per customer and period, one grouping: rows, cents, purchase rows, and whether a purchase
        // day after the first is in it
        ctes.append("""
            xp AS (
              SELECT y.c, y.p, cg.seg, cg.chan, SUM(y.n) AS n, SUM(y.cents) AS cents, SUM(y.np) AS np,
                     MAX(CASE WHEN y.np > 0 AND y.d > cg.fd THEN 1 ELSE 0 END) AS r
              FROM (SELECT c, d, n, cents, np, \(p("d")) AS p FROM cd) y JOIN cg ON cg.c = y.c
              GROUP BY y.c, y.p, cg.seg, cg.chan
            )
            """)
        let nullInt = "CAST(NULL AS \(b))"
        func part(_ kind: String, _ period: String, _ n: String, _ x: String = "0", from: String, group: [String]) -> String {
            "SELECT '\(kind)' AS kind, \(q.cast(period, b)) AS period, seg, chan, \(q.cast(n, b)) AS n, \(q.cast(x, b)) AS x FROM \(from) GROUP BY "
                + group.joined(separator: ", ")
        }
        var parts: [String?] = [
            part("revenue", "p", "SUM(n)", "SUM(cents)", from: "xp", group: ["p", "seg", "chan"]),
            // rows without an order id are an order each; with order ids, below, each id where first seen
            hasOrder ? nil : part("orders", "p", "SUM(np)", from: "xp", group: ["p", "seg", "chan"]),
            part("active_period", "p", "SUM(CASE WHEN np > 0 THEN 1 ELSE 0 END)", from: "xp", group: ["p", "seg", "chan"]),
            part("active", nullInt, "COUNT(*)", from: "cg WHERE fd IS NOT NULL", group: ["seg", "chan"]),
            part("repeat_period", "p", "SUM(r)", from: "xp", group: ["p", "seg", "chan"]),
            // a purchase day after the first: two or more purchase days
            part("repeat", nullInt, "COUNT(*)", from: "cg WHERE pdays >= 2", group: ["seg", "chan"]),
        ]
        if hasOrder {
            // one grouping per customer: each order id on its first day (k = 1), the rows without one per day
            ctes.append("""
                oi \(q.cteAs(materialized: true)) (
                  SELECT c, MIN(d) AS d, CASE WHEN o IS NULL THEN COUNT(*) ELSE 1 END AS k
                  FROM tr WHERE cents >= 0 GROUP BY c, o, CASE WHEN o IS NULL THEN d END
                )
                """)
            parts.append(part("orders", p("oi.d"), "SUM(oi.k)", from: "oi JOIN cg ON cg.c = oi.c", group: [p("oi.d"), "seg", "chan"]))
        }
        if has("category", "transactions") {
            // a category first bought on a repeat day after some other category's first day
            ctes.append("kc AS (SELECT c, cat, MIN(d) AS d FROM tr WHERE cents >= 0 AND cat IS NOT NULL GROUP BY c, cat)")
            ctes.append("""
                xd AS (
                  SELECT kc.c, kc.d, \(p("kc.d")) AS p, cg.seg, cg.chan
                  FROM kc JOIN (SELECT c, MIN(d) AS m FROM kc GROUP BY c) km ON km.c = kc.c JOIN cg ON cg.c = kc.c
                  WHERE kc.d > km.m AND kc.d > cg.fd
                )
                """)
            parts.append(part("cross_period", "p", "COUNT(*)", from: "(SELECT c, p, seg, chan FROM xd GROUP BY c, p, seg, chan) u", group: ["p", "seg", "chan"]))
            parts.append(part("cross", nullInt, "COUNT(*)", from: "(SELECT c, seg, chan FROM xd GROUP BY c, seg, chan) u", group: ["seg", "chan"]))
        }
        if has("product", "transactions") {
            // price tier of a product: Σ cents / rows over its positive rows; an upsell day's highest
            // tier exceeds every tier bought on earlier days
            ctes.append("tier AS (SELECT prod, \(q.cast("SUM(cents)", q.double)) / COUNT(*) AS t FROM tr WHERE cents > 0 AND prod IS NOT NULL GROUP BY prod)")
            ctes.append("dm AS (SELECT tr.c, tr.d, MAX(tier.t) AS t FROM tr JOIN tier ON tier.prod = tr.prod WHERE tr.cents >= 0 GROUP BY tr.c, tr.d)")
            ctes.append("""
                ud AS (
                  SELECT dm.c, dm.d, \(p("dm.d")) AS p, cg.seg, cg.chan
                  FROM (SELECT c, d, t, MAX(t) OVER (PARTITION BY c ORDER BY d ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS before FROM dm) dm
                  JOIN cg ON cg.c = dm.c
                  WHERE dm.before IS NOT NULL AND dm.t > dm.before AND dm.d > cg.fd
                )
                """)
            parts.append(part("up_period", "p", "COUNT(*)", from: "(SELECT c, p, seg, chan FROM ud GROUP BY c, p, seg, chan) u", group: ["p", "seg", "chan"]))
            parts.append(part("up", nullInt, "COUNT(*)", from: "(SELECT c, seg, chan FROM ud GROUP BY c, seg, chan) u", group: ["seg", "chan"]))
        }
        return StatisticQuery(name: "kpi_transactions", sql: with(ctes) + parts.compactMap { $0 }.joined(separator: "\nUNION ALL\n"),
                              columns: [("kind", .text), ("period", .int), ("seg", .text), ("chan", .text), ("n", .int), ("x", .int)])
    }

    /// `sr`: the subscriptions started by as-of as (c, s, a, b, mrr cents): their time points
    /// `[a, b)` (b = K + 1 while open).
    func subscriptionRows(_ f: KPIFrame) -> String {
        let t = "subscriptions", obs = f.axis.asOf
        let s = q.epochDay(q.date(col("start_date", t))), e = q.epochDay(q.date(col("end_date", t)))
        let mrr = has("mrr", t) ? q.cents(col("mrr", t)) : "CAST(0 AS \(q.bigint))"
        return """
            sb AS (
              SELECT \(q.cast(col("customer_id", t), q.text)) AS c, \(s) AS s, CASE WHEN \(present("end_date", t)) THEN \(e) END AS e, \(mrr) AS mrr
              FROM \(table(t))
              WHERE \(col("customer_id", t)) IS NOT NULL AND \(col("start_date", t)) IS NOT NULL AND \(s) <= \(obs)
            ),
            sr AS (
              SELECT c, s, \(timePoint("s", f)) AS a, CASE WHEN e IS NULL THEN \(f.axis.count + 1) ELSE \(timePoint("e", f)) END AS b, COALESCE(mrr, 0) AS mrr FROM sb
            )
            """
    }

    /// Activity runs: `kind` `purchase_start`/`purchase_end` (merged runs of "purchased within
    /// churn-after days" per customer, by their first and one-past-last time point `k`),
    /// `purchase_new` (the first purchase's `CalendarPeriod` index in `k`), and the same for
    /// `subscription_*` (active subscriptions); per segment and channel, `n` customers.
    public func activity(_ f: KPIFrame) -> StatisticQuery {
        let obs = f.axis.asOf, b = q.bigint
        let w = max(1, f.opt.churnAfterDays)
        let p = { (d: String) in periodOf(f.opt.period, day: d) }
        var ctes = [transactions.customerDays(upTo: obs, grouped: true)] + attributes(observationEnd: obs)
        ctes.append("pd AS (SELECT c, d FROM cd WHERE np > 0)")
        ctes.append("pe AS (SELECT c, d, \(timePoint("d", f)) AS a, \(timePoint("(d + \(w))", f)) AS e FROM pd)")
        ctes.append("""
            pr AS (SELECT c, d, a, e, MAX(e) OVER (PARTITION BY c ORDER BY d ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prev FROM pe WHERE a < e)
            """)
        ctes.append("""
            pruns AS (
              SELECT c, MIN(a) AS a, MAX(e) AS b FROM (
                SELECT c, a, e, SUM(CASE WHEN prev IS NULL OR prev < a THEN 1 ELSE 0 END) OVER (PARTITION BY c ORDER BY d ROWS UNBOUNDED PRECEDING) AS run FROM pr
              ) u GROUP BY c, run
            )
            """)
        ctes.append("pf AS (SELECT c, MIN(d) AS d FROM pd GROUP BY c)")
        func grouped(_ alias: String, _ src: String) -> String {
            "(SELECT \(alias).*, \(segValue) AS seg, \(chanValue) AS chan FROM \(src) \(alias)\(joins("\(alias).c"))) g"
        }
        func part(_ kind: String, _ k: String, from: String) -> String {
            "SELECT '\(kind)' AS kind, \(q.cast(k, b)) AS k, seg, chan, \(q.cast("COUNT(*)", b)) AS n FROM \(from) GROUP BY \(k), seg, chan"
        }
        var parts = [part("purchase_start", "g.a", from: grouped("r", "pruns")), part("purchase_end", "g.b", from: grouped("r", "pruns")),
                     part("purchase_new", p("g.d"), from: grouped("r", "pf"))]
        if tables.contains("subscriptions") {
            ctes.append(subscriptionRows(f))
            ctes.append("""
                rr AS (SELECT c, s, a, b, MAX(b) OVER (PARTITION BY c ORDER BY s, b ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prev FROM sr WHERE a < b)
                """)
            ctes.append("""
                sruns AS (
                  SELECT c, MIN(a) AS a, MAX(b) AS b FROM (
                    SELECT c, a, b, SUM(CASE WHEN prev IS NULL OR prev < a THEN 1 ELSE 0 END) OVER (PARTITION BY c ORDER BY s, b ROWS UNBOUNDED PRECEDING) AS run FROM rr
                  ) u GROUP BY c, run
                )
                """)
            ctes.append("sf AS (SELECT c, MIN(s) AS d FROM sr GROUP BY c)")
            parts += [part("subscription_start", "g.a", from: grouped("r", "sruns")), part("subscription_end", "g.b", from: grouped("r", "sruns")),
                      part("subscription_new", p("g.d"), from: grouped("r", "sf"))]
        }
        return StatisticQuery(name: "kpi_activity", sql: with(ctes) + parts.joined(separator: "\nUNION ALL\n"),
                              columns: [("kind", .text), ("k", .int), ("seg", .text), ("chan", .text), ("n", .int)])
    }

    /// MRR at its change points: per customer the time points where the sum of active subscriptions'
    /// MRR may change, the level from there (`m`, cents) and at the next one (`m2`). `kind`
    /// `flat_start`/`flat_end`: levels > 0 held through periods `[x, min(y − 1, K))` without a change,
    /// at their first and one-past-last period `k`; `change`: levels > 0 that end in period
    /// `k = y − 1`, with Σ m, Σ m2, Σ min(m, m2) and how many rose (`up`); per segment and channel.
    public func mrr(_ f: KPIFrame) -> StatisticQuery {
        let K = f.axis.count, b = q.bigint
        var ctes = [subscriptionRows(f)] + attributes(observationEnd: f.axis.asOf)
        ctes.append("rg AS (SELECT c, a, b, mrr FROM sr WHERE a < b)")
        ctes.append("pts AS (SELECT c, x FROM (SELECT c, a AS x FROM rg UNION ALL SELECT c, b AS x FROM rg) u GROUP BY c, x)")
        ctes.append("lv AS (SELECT p.c, p.x, SUM(CASE WHEN r.a <= p.x AND p.x < r.b THEN r.mrr ELSE 0 END) AS m FROM pts p JOIN rg r ON r.c = p.c GROUP BY p.c, p.x)")
        ctes.append("""
            pc AS (
              SELECT u.c, u.x, u.y, u.m, u.m2, \(segValue) AS seg, \(chanValue) AS chan,
                     CASE WHEN u.y - 1 < \(K) THEN u.y - 1 ELSE \(K) END AS fhi
              FROM (SELECT c, x, m, LEAD(x) OVER (PARTITION BY c ORDER BY x) AS y, LEAD(m) OVER (PARTITION BY c ORDER BY x) AS m2 FROM lv) u\(joins("u.c"))
              WHERE u.y IS NOT NULL AND u.m > 0
            )
            """)
        func part(_ kind: String, _ k: String, where cond: String, _ sums: (String, String, String, String)) -> String {
            "SELECT '\(kind)' AS kind, \(q.cast(k, b)) AS k, seg, chan, \(q.cast("COUNT(*)", b)) AS n, \(q.cast(sums.0, b)) AS m, "
                + "\(q.cast(sums.1, b)) AS m2, \(q.cast(sums.2, b)) AS mn, \(q.cast(sums.3, b)) AS up FROM pc WHERE \(cond) GROUP BY \(k), seg, chan"
        }
        let parts = [
            part("flat_start", "x", where: "x < fhi", ("SUM(m)", "0", "0", "0")),
            part("flat_end", "fhi", where: "x < fhi", ("SUM(m)", "0", "0", "0")),
            part("change", "y - 1", where: "y - 1 <= \(K - 1)",
                 ("SUM(m)", "SUM(m2)", "SUM(CASE WHEN m2 < m THEN m2 ELSE m END)", "SUM(CASE WHEN m2 > m THEN 1 ELSE 0 END)")),
        ]
        return StatisticQuery(name: "kpi_mrr", sql: with(ctes) + parts.joined(separator: "\nUNION ALL\n"),
                              columns: [("kind", .text), ("k", .int), ("seg", .text), ("chan", .text), ("n", .int), ("m", .int),
                                        ("m2", .int), ("mn", .int), ("up", .int)])
    }

    /// CAC payback's cohorts: customers acquired in the window per acquisition month (`kind`
    /// `size`, `n`) and their revenue (rows from the acquisition day) per month of age (`revenue`,
    /// Σ cents in `x`); months are `CalendarPeriod.month` indexes.
    public func cohorts(_ f: KPIFrame) -> StatisticQuery {
        let obs = f.axis.asOf, b = q.bigint
        let m = { (d: String) in periodOf(.month, day: d) }
        var ctes = acquisitionCTEs(observationEnd: obs) + attributes(observationEnd: obs)
        ctes.append("""
            ac AS (
              SELECT acq.c, acq.d, \(m("acq.d")) AS m0, \(segValue) AS seg, \(chanValue) AS chan
              FROM acq\(joins("acq.c")) WHERE acq.d >= \(f.axis.start[0])
            )
            """)
        let parts = [
            "SELECT 'size' AS kind, \(q.cast("m0", b)) AS m0, CAST(NULL AS \(b)) AS age, seg, chan, \(q.cast("COUNT(*)", b)) AS n, CAST(0 AS \(b)) AS x FROM ac GROUP BY m0, seg, chan",
            "SELECT 'revenue' AS kind, \(q.cast("ac.m0", b)), \(q.cast("\(m("cd.d")) - ac.m0", b)), ac.seg, ac.chan, \(q.cast("SUM(cd.n)", b)), \(q.cast("SUM(cd.cents)", b)) "
                + "FROM cd JOIN ac ON ac.c = cd.c WHERE cd.d >= ac.d GROUP BY ac.m0, \(m("cd.d")) - ac.m0, ac.seg, ac.chan",
        ]
        return StatisticQuery(name: "kpi_cohorts", sql: with(ctes) + parts.joined(separator: "\nUNION ALL\n"),
                              columns: [("kind", .text), ("m0", .int), ("age", .int), ("seg", .text), ("chan", .text), ("n", .int), ("x", .int)])
    }

    /// Marketing spend per (period, channel): Σ amount on the day of its `date` column (a date, or a
    /// `YYYY-MM` month booked on its first day, as the CSV reader reads it; `period` by alias).
    public func spend(_ f: KPIFrame) -> StatisticQuery {
        let t = "marketing_spend"
        let dateColumn = col("date", t)
        let raw = "TRIM(\(q.cast(dateColumn, q.text)))"
        let date = "CASE WHEN LENGTH(\(raw)) = 7 THEN \(q.date("\(raw) || '-01'")) ELSE \(q.date(raw)) END"
        let d = q.epochDay(date)
        return StatisticQuery(name: "kpi_spend", sql: """
            SELECT \(q.cast(periodOf(f.opt.period, day: "s.d"), q.bigint)) AS period, s.chan, \(q.cast("SUM(s.amount)", q.double)) AS amount
            FROM (SELECT \(d) AS d, \(text("channel", t)) AS chan, \(q.cast(col("amount", t), q.double)) AS amount FROM \(table(t))
                  WHERE \(dateColumn) IS NOT NULL AND \(col("amount", t)) IS NOT NULL) s
            WHERE s.d BETWEEN \(f.axis.start[0]) AND \(f.axis.asOf)
            GROUP BY \(periodOf(f.opt.period, day: "s.d")), s.chan
            """, columns: [("period", .int), ("chan", .text), ("amount", .double)])
    }

    /// Per customer with a transaction: the segment and channel values (to average the model CLV).
    public func customerValues(observationEnd obs: Day) -> StatisticQuery {
        StatisticQuery(name: "kpi_customer_values", sql: with([transactions.customerDays(upTo: obs)] + attributes(observationEnd: obs)) + """
            SELECT cu.c AS customer_id, \(segValue) AS seg, \(chanValue) AS chan
            FROM (SELECT c FROM cd GROUP BY c) cu\(joins("cu.c"))
            """, columns: [("customer_id", .text), ("seg", .text), ("chan", .text)])
    }
}

extension KPIQueries {
    /// Runs the value and retention reductions and folds them into `st` (`seg`, `customerChannel`,
    /// `rowChannel`: a value's code in the frame, −1 for none).
    func reduceValue(_ source: WarehouseSource, _ f: KPIFrame, _ st: inout KPIStatistics, segment seg: (String?) -> Int32,
                     customerChannel: (String?) -> Int32, rowChannel: (String?) -> Int32) throws {
        let executor = source.executor, ax = f.axis, obs = ax.asOf
        st.tables.insert("transactions")
        if has("product", "transactions") { st.flags.insert("product") }
        if has("category", "transactions") { st.flags.insert("category") }
        func index(_ ordinal: Int64?) -> Int? { ordinal.map { Int($0) - ax.firstOrdinal } }
        func inWindow(_ p: Int?) -> Bool { p.map { $0 >= 0 && $0 < ax.count } ?? false }

        // revenue, rows, orders, purchasing, repeat, cross-sell and upsell customers
        let t = try executor.run(transactions(f))
        let kind = try t.texts("kind"), per = try t.ints("period"), segs = try t.texts("seg"), chans = try t.texts("chan")
        let ns = try t.ints("n"), xs = try t.ints("x")
        for name in ["revenue", "rows", "orders", "active", "customer_months", "repeat", "cross", "up"] {
            st.sums[name] = [Double](repeating: 0, count: f.groupCount)
        }
        for r in 0..<t.rowCount {
            let n = Double(ns[r] ?? 0), s = seg(segs[r]), c = customerChannel(chans[r])
            let p = index(per[r]), pp = inWindow(p) ? p! : -1
            switch kind[r] {
            case "revenue":
                st.add("rows", f, period: pp, segment: s, channel: c, n)
                st.add("revenue", f, period: pp, segment: s, channel: c, Double(xs[r] ?? 0) / 100)
            case "orders": st.add("orders", f, period: pp, segment: s, channel: c, n)
            case "active_period":
                if pp >= 0 {
                    st.add("active", f, group: f.periodGroup(pp), n)
                    st.add("customer_months", f, period: pp, segment: s, channel: c, n * f.monthsOfPeriod[pp])
                }
            case "active": st.add("active", f, period: -1, segment: s, channel: c, n)
            case "repeat_period": if pp >= 0 { st.add("repeat", f, group: f.periodGroup(pp), n) }
            case "repeat": st.add("repeat", f, period: -1, segment: s, channel: c, n)
            case "cross_period": if pp >= 0 { st.add("cross", f, group: f.periodGroup(pp), n) }
            case "cross": st.add("cross", f, period: -1, segment: s, channel: c, n)
            case "up_period": if pp >= 0 { st.add("up", f, group: f.periodGroup(pp), n) }
            case "up": st.add("up", f, period: -1, segment: s, channel: c, n)
            default: throw WarehouseError.data("statistic \(t.name): unknown kind \(kind[r] ?? "NULL") in row \(r + 1)", hint: nil)
            }
        }

        // activity runs over the time points
        let act = try executor.run(activity(f))
        let aKind = try act.texts("kind"), aK = try act.ints("k"), aSeg = try act.texts("seg"), aChan = try act.texts("chan"), aN = try act.ints("n")
        st.touchActivity("purchase", f)
        if tables.contains("subscriptions") { st.tables.insert("subscriptions"); st.touchActivity("subscription", f) }
        for r in 0..<act.rowCount {
            guard let k = aK[r], let full = aKind[r], let cut = full.lastIndex(of: "_") else { continue }
            let what = String(full[..<cut]), edge = full[full.index(after: cut)...]
            let n = Double(aN[r] ?? 0), s = seg(aSeg[r]), c = customerChannel(aChan[r])
            switch edge {
            case "start": st.addActivityStart(what, f, at: Int(k), segment: s, channel: c, n)
            case "end": st.addActivityEnd(what, f, at: Int(k), segment: s, channel: c, n)
            case "new": let p = Int(k) - ax.firstOrdinal; st.addActivityNew(what, f, period: inWindow(p) ? p : -1, segment: s, channel: c, n)
            default: throw WarehouseError.data("statistic \(act.name): unknown kind \(full) in row \(r + 1)", hint: nil)
            }
        }

        // MRR at its change points
        if has("mrr", "subscriptions") {
            let m = try executor.run(mrr(f))
            let mKind = try m.texts("kind"), mK = try m.ints("k"), mSeg = try m.texts("seg"), mChan = try m.ints("n")
            let chansM = try m.texts("chan"), m1 = try m.ints("m"), m2 = try m.ints("m2"), mn = try m.ints("mn"), up = try m.ints("up")
            st.touchMRR(f)
            for r in 0..<m.rowCount {
                guard let k = mK[r] else { continue }
                let s = seg(mSeg[r]), c = customerChannel(chansM[r]), n = Double(mChan[r] ?? 0)
                let level = Double(m1[r] ?? 0) / 100
                switch mKind[r] {
                case "flat_start": st.addMRRFlat(f, at: Int(k), end: false, segment: s, channel: c, mrr: level, customers: n)
                case "flat_end": st.addMRRFlat(f, at: Int(k), end: true, segment: s, channel: c, mrr: level, customers: n)
                case "change":
                    st.addMRRChange(f, period: Int(k), segment: s, channel: c, start: level, end: Double(m2[r] ?? 0) / 100,
                                    min: Double(mn[r] ?? 0) / 100, paying: n, up: Double(up[r] ?? 0))
                default: throw WarehouseError.data("statistic \(m.name): unknown kind \(mKind[r] ?? "NULL") in row \(r + 1)", hint: nil)
                }
            }
        }

        // CAC payback's cohorts
        let co = try executor.run(cohorts(f))
        let cKind = try co.texts("kind"), cM0 = try co.ints("m0"), cAge = try co.ints("age"), cSeg = try co.texts("seg"), cChan = try co.texts("chan")
        let cN = try co.ints("n"), cX = try co.ints("x")
        for r in 0..<co.rowCount {
            guard let m0 = cM0[r] else { continue }
            let s = seg(cSeg[r]), c = customerChannel(cChan[r])
            if cKind[r] == "size" {
                st.addCohortSize(f, cohortMonth: Int(m0), segment: s, channel: c, Double(cN[r] ?? 0))
            } else if let age = cAge[r] {
                st.addCohortRevenue(f, cohortMonth: Int(m0), age: Int(age), segment: s, channel: c, Double(cX[r] ?? 0) / 100)
            }
        }

        // marketing spend by its own channel
        st.sums["spend"] = [Double](repeating: 0, count: f.groupCount)
        if tables.contains("marketing_spend") {
            st.tables.insert("marketing_spend")
            let sp = try executor.run(spend(f))
            let sPer = try sp.ints("period"), sChan = try sp.texts("chan"), amount = try sp.doubles("amount")
            for r in 0..<sp.rowCount {
                guard let p = index(sPer[r]), inWindow(p) else { continue }
                st.add("spend", f, period: p, segment: -1, channel: rowChannel(sChan[r]), amount[r] ?? 0)
            }
        }

        // the model CLV per customer, averaged per segment and channel
        st.sums["clv_sum"] = [Double](repeating: 0, count: f.groupCount)
        st.sums["clv_n"] = st.sums["clv_sum"]
        do {
            let o = KPIAnalysis.clvOptions(f.opt, asOf: obs)
            // the KPI queries' own tables (aliases resolved), so the customer-days are the ones shared above
            let (summary, ids, _) = try WarehouseSource(executor: executor, queries: transactions).rfmSummary(options: o.rfm, observationEnd: obs)
            let out = try LifetimeAnalysis.run(summary: summary, ids: ids, segments: nil, options: o)
            if let v = out.scores.clv {
                let cv = try executor.run(customerValues(observationEnd: obs))
                let vIds = try cv.texts("customer_id"), vSeg = try cv.texts("seg"), vChan = try cv.texts("chan")
                var groupOf: [String: (Int32, Int32)] = [:]
                for r in 0..<cv.rowCount { if let id = vIds[r] { groupOf[id] = (seg(vSeg[r]), customerChannel(vChan[r])) } }
                let margin = f.opt.grossMargin ?? 1
                for (k, c) in out.summary.customer.enumerated() where (v[k] * margin).isFinite {
                    let (s, ch) = groupOf[ids[Int(c)]] ?? (-1, -1)
                    st.add("clv_sum", f, period: -1, segment: s, channel: ch, v[k] * margin)
                    st.add("clv_n", f, period: -1, segment: s, channel: ch, 1)
                }
            } else {
                st.clvUnavailable = KPIAnalysis.noSpendModel
            }
        } catch let e as WarehouseError {
            throw e
        } catch {
            st.clvUnavailable = KPIAnalysis.clvNotFitted(error)
        }
    }
}
