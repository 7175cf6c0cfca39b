import TenureData
import TenureKPIs

/// The KPI reductions (SPEC §6) of the families `KPIStatistics` holds: surveys, leads, tickets and
/// interactions, and the customers acquired by each group's end. Each query returns one row per
/// (period, segment value, channel value) cell with counts and sums, or per group kind for the
/// distinct counts and the ticket durations' percentiles; `statistics` folds them into the frame's
/// groups (overall, periods, segments, channels) exactly as the CSV path's `Acc` does.
///
/// Rows are those the CSV loader keeps (an id and a date; a score, a kind), dated in the window
/// `[start of the first period, as-of]`; timestamps are taken as epoch seconds, their day is
/// ⌊seconds / 86400⌋ (UTC), as `tickets.csv`/`interactions.csv` are read. The customer's segment and
/// acquisition channel are `CustomerAttribute`'s (`AttributeQueries`); a row's own channel (ticket,
/// interaction, lead source) is its text.
public struct KPIQueries: Sendable {
    public var transactions: TransactionQueries
    public var segment: AttributeQueries?
    public var channel: AttributeQueries?
    /// The tables the engine has (surveys, leads, tickets, interactions, customers, subscriptions,
    /// marketing_spend) with tenure's names of the columns each has.
    public var columns: [String: Set<String>]

    public init(transactions: TransactionQueries, segment: AttributeQueries?, channel: AttributeQueries?, columns: [String: Set<String>]) {
        self.transactions = transactions; self.segment = segment; self.channel = channel; self.columns = columns
    }

    var tables: Set<String> { Set(columns.keys) }
    func has(_ c: String, _ t: String) -> Bool { columns[t]?.contains(c) ?? false }

    var q: Dialect { transactions.dialect }
    func table(_ t: String) -> String { transactions.tables.from(t, q) }
    func col(_ c: String, _ t: String) -> String { q.identifier(transactions.tables.column(c, in: t)) }
    /// Column `c` of table `t` as text, empty as NULL; NULL when the table has no such column.
    func text(_ c: String, _ t: String) -> String { has(c, t) ? "NULLIF(\(q.cast(col(c, t), q.text)), '')" : q.cast("NULL", q.text) }
    /// `col IS NOT NULL`, false when the table has no such column.
    func present(_ c: String, _ t: String) -> String { has(c, t) ? "\(col(c, t)) IS NOT NULL" : "1 = 0" }
    func day(_ d: Day) -> String { transactions.dateLiteral(d) }

    /// Epoch seconds of a timestamp column (naive values are UTC, as in the CSV files).
    func seconds(_ c: String, _ t: String) -> String { has(c, t) ? q.epochSeconds(col(c, t)) : q.cast("NULL", q.double) }
    /// The epoch day of epoch seconds `s`.
    func dayOf(seconds s: String) -> String { q.floorDiv(s, 86400) }
    /// The period index of epoch day `d` (a BIGINT expression) in the frame's period.
    func periodOf(_ p: CalendarPeriod, day d: String) -> String {
        let date = q.dateFromEpochDay(d)
        return transactions.period(p, date: date, day: d)
    }

    func attributes(observationEnd obs: Day) -> [String] {
        [segment.map { $0.cte("sg", observationEnd: obs) }, channel.map { $0.cte("ch", observationEnd: obs) }].compactMap { $0 }
    }
    /// `LEFT JOIN`s of the attribute CTEs on customer id expression `c`.
    func joins(_ c: String) -> String {
        (segment == nil ? "" : " LEFT JOIN sg ON sg.c = \(c)") + (channel == nil ? "" : " LEFT JOIN ch ON ch.c = \(c)")
    }
    var segValue: String { segment == nil ? q.cast("NULL", q.text) : "sg.v" }
    var chanValue: String { channel == nil ? q.cast("NULL", q.text) : "ch.v" }
    func with(_ ctes: [String]) -> String { ctes.isEmpty ? "" : "WITH " + ctes.joined(separator: ",\n") + "\n" }

    // MARK: levels and acquisition

    /// The segment and acquisition-channel values of the customers, the channel names of the
    /// tables' own channel columns, and the first purchase day (`kind` = `first_purchase`, in `n`).
    public func levels(observationEnd obs: Day) -> StatisticQuery {
        var parts: [String] = []
        if segment != nil { parts.append("SELECT 'segment' AS kind, v, CAST(NULL AS \(q.bigint)) AS n FROM sg WHERE v IS NOT NULL GROUP BY v") }
        if channel != nil { parts.append("SELECT 'channel' AS kind, v, CAST(NULL AS \(q.bigint)) AS n FROM ch WHERE v IS NOT NULL GROUP BY v") }
        for (t, c) in [("marketing_spend", "channel"), ("interactions", "channel"), ("tickets", "channel"), ("leads", "source")] where tables.contains(t) {
            parts.append("SELECT 'table_channel' AS kind, \(text(c, t)) AS v, CAST(NULL AS \(q.bigint)) AS n FROM \(table(t)) WHERE \(text(c, t)) IS NOT NULL GROUP BY \(text(c, t))")
        }
        parts.append("SELECT 'first_purchase' AS kind, \(q.cast("NULL", q.text)) AS v, \(q.cast("MIN(d)", q.bigint)) AS n FROM cd")
        return StatisticQuery(name: "kpi_levels", sql: with([transactions.customerDays(upTo: obs)] + attributes(observationEnd: obs))
                              + parts.joined(separator: "\nUNION ALL\n"),
                              columns: [("kind", .text), ("v", .text), ("n", .int)])
    }

    /// `acq`: per customer acquired by `obs`, the acquisition day `d`: the signup date (customers
    /// table), else the first day in any table.
    func acquisitionCTEs(observationEnd obs: Day) -> [String] {
        var seen = ["SELECT c, d FROM cd"]
        func add(_ t: String, _ id: String, _ d: String, _ cond: String = "") {
            guard tables.contains(t) else { return }
            seen.append("SELECT \(q.cast(col(id, t), q.text)) AS c, \(d) AS d FROM \(table(t)) WHERE \(col(id, t)) IS NOT NULL\(cond)")
        }
        func dateDay(_ c: String, _ t: String) -> String { q.epochDay(q.date(col(c, t))) }
        add("subscriptions", "customer_id", dateDay("start_date", "subscriptions"), " AND \(col("start_date", "subscriptions")) IS NOT NULL")
        add("surveys", "customer_id", dateDay("date", "surveys"), " AND \(col("date", "surveys")) IS NOT NULL")
        add("tickets", "customer_id", dayOf(seconds: seconds("opened_at", "tickets")), " AND \(col("opened_at", "tickets")) IS NOT NULL")
        add("interactions", "customer_id", dayOf(seconds: seconds("timestamp", "interactions")), " AND \(col("timestamp", "interactions")) IS NOT NULL")
        if has("customer_id", "leads") { add("leads", "customer_id", dateDay("created_at", "leads"), " AND \(col("created_at", "leads")) IS NOT NULL") }
        var ctes = [transactions.customerDays(upTo: obs), "seen AS (\n" + seen.joined(separator: "\nUNION ALL\n") + "\n)",
                    "fs AS (SELECT c, MIN(d) AS d FROM seen WHERE d <= \(obs) GROUP BY c)"]
        var acq = "SELECT c, d FROM fs"
        if has("signup_date", "customers") {
            let sd = dateDay("signup_date", "customers")
            ctes.append("""
                su AS (SELECT \(q.cast(col("customer_id", "customers"), q.text)) AS c, MIN(\(sd)) AS d FROM \(table("customers"))
                       WHERE \(col("customer_id", "customers")) IS NOT NULL AND \(col("signup_date", "customers")) IS NOT NULL AND \(sd) <= \(obs)
                       GROUP BY \(q.cast(col("customer_id", "customers"), q.text)))
                """)
            acq = "SELECT COALESCE(su.c, fs.c) AS c, COALESCE(su.d, fs.d) AS d FROM fs FULL OUTER JOIN su ON su.c = fs.c"
        }
        ctes.append("acq AS (\(acq))")
        return ctes
    }

    /// Customers by acquisition period (`CalendarPeriod` index of the acquisition day), segment and
    /// channel, with the Σ and count of their acquisition costs (customers table).
    public func acquired(period: CalendarPeriod, observationEnd obs: Day) -> StatisticQuery {
        var ctes = acquisitionCTEs(observationEnd: obs)
        let hasCost = has("acquisition_cost", "customers")
        if hasCost {
            ctes.append("""
                co AS (SELECT \(q.cast(col("customer_id", "customers"), q.text)) AS c, MIN(\(q.cast(col("acquisition_cost", "customers"), q.double))) AS cost
                       FROM \(table("customers")) WHERE \(col("customer_id", "customers")) IS NOT NULL
                       GROUP BY \(q.cast(col("customer_id", "customers"), q.text)))
                """)
        }
        ctes += attributes(observationEnd: obs)
        let p = periodOf(period, day: "acq.d")
        return StatisticQuery(name: "kpi_acquired", sql: with(ctes) + """
            SELECT \(q.cast(p, q.bigint)) AS period, \(segValue) AS seg, \(chanValue) AS chan, \(q.cast("COUNT(*)", q.bigint)) AS n,
                   \(hasCost ? q.cast("SUM(co.cost)", q.double) : q.cast("NULL", q.double)) AS cost,
                   \(hasCost ? q.cast("COUNT(co.cost)", q.bigint) : "CAST(0 AS \(q.bigint))") AS cost_n
            FROM acq\(joins("acq.c"))\(hasCost ? " LEFT JOIN co ON co.c = acq.c" : "")
            GROUP BY \(p), \(segValue), \(chanValue)
            """, columns: [("period", .int), ("seg", .text), ("chan", .text), ("n", .int), ("cost", .double), ("cost_n", .int)])
    }

    // MARK: the families

    /// Survey responses per (period, segment, channel): `KPIStatistics.surveySums`.
    public func surveys(period: CalendarPeriod, window: ClosedRange<Day>) -> StatisticQuery {
        let d = q.epochDay(q.date(col("date", "surveys")))
        let kind = "LOWER(TRIM(\(q.cast(col("kind", "surveys"), q.text))))"
        let x = q.cast(col("score", "surveys"), q.double)
        let rows = """
            r AS (
              SELECT \(q.cast(col("customer_id", "surveys"), q.text)) AS c, \(d) AS d, \(kind) AS k, \(x) AS x
              FROM \(table("surveys"))
              WHERE \(col("date", "surveys")) IS NOT NULL AND \(col("score", "surveys")) IS NOT NULL
                AND \(d) BETWEEN \(window.lowerBound) AND \(window.upperBound)
            )
            """
        func n(_ cond: String) -> String { q.cast("SUM(CASE WHEN \(cond) THEN 1 ELSE 0 END)", q.bigint) }
        let p = periodOf(period, day: "r.d")
        return StatisticQuery(name: "kpi_surveys", sql: with([rows] + attributes(observationEnd: window.upperBound)) + """
            SELECT \(q.cast(p, q.bigint)) AS period, \(segValue) AS seg, \(chanValue) AS chan,
                   \(n("r.k = 'csat'")) AS csat_n, \(n("r.k = 'csat' AND r.x >= 4")) AS csat_k,
                   \(n("r.k = 'nps'")) AS nps_n, \(n("r.k = 'nps' AND r.x >= 9")) AS nps_p, \(n("r.k = 'nps' AND r.x <= 6")) AS nps_d,
                   \(n("r.k = 'ces'")) AS ces_n, \(q.cast("SUM(CASE WHEN r.k = 'ces' THEN r.x ELSE 0 END)", q.double)) AS ces_s,
                   \(q.cast("SUM(CASE WHEN r.k = 'ces' THEN r.x * r.x ELSE 0 END)", q.double)) AS ces_q
            FROM r\(joins("r.c"))
            GROUP BY \(p), \(segValue), \(chanValue)
            """, columns: [("period", .int), ("seg", .text), ("chan", .text)] + KPIStatistics.surveySums.map { ($0, $0.hasPrefix("ces_") && $0 != "ces_n" ? .double : .int) })
    }

    /// Leads per (creation period, customer's segment, source): `KPIStatistics.leadSums`, and whether any lead
    /// converted or closed (in `leads_flags`, over the whole table).
    public func leads(period: CalendarPeriod, window: ClosedRange<Day>) -> StatisticQuery {
        let d = q.epochDay(q.date(col("created_at", "leads")))
        let wonText = "LOWER(TRIM(\(text("won", "leads"))))"
        let won = "CASE WHEN \(wonText) IN ('true', 'yes', '1', 't', 'y') THEN 1 WHEN \(wonText) IN ('false', 'no', '0', 'f', 'n') THEN 0 END"
        let rows = """
            r AS (
              SELECT \(text("customer_id", "leads")) AS c, \(d) AS d, \(text("source", "leads")) AS src,
                     \(won) AS w, CASE WHEN \(present("converted_at", "leads")) THEN 1 ELSE 0 END AS o
              FROM \(table("leads"))
              WHERE \(col("created_at", "leads")) IS NOT NULL AND \(d) BETWEEN \(window.lowerBound) AND \(window.upperBound)
            )
            """
        func n(_ cond: String) -> String { q.cast("SUM(CASE WHEN \(cond) THEN 1 ELSE 0 END)", q.bigint) }
        let p = periodOf(period, day: "r.d")
        return StatisticQuery(name: "kpi_leads", sql: with([rows] + attributes(observationEnd: window.upperBound)) + """
            SELECT \(q.cast(p, q.bigint)) AS period, \(segValue) AS seg, r.src AS chan,
                   \(q.cast("COUNT(*)", q.bigint)) AS leads, \(n("r.w = 1")) AS leads_won, \(n("r.w IS NOT NULL")) AS leads_closed,
                   \(n("r.o = 1")) AS opportunities, \(n("r.o = 1 AND r.w = 1")) AS opportunities_won
            FROM r\(joins("r.c"))
            GROUP BY \(p), \(segValue), r.src
            UNION ALL
            SELECT CAST(NULL AS \(q.bigint)), \(q.cast("NULL", q.text)), 'flags', \(q.cast("COUNT(*)", q.bigint)),
                   \(q.cast("SUM(CASE WHEN \(present("converted_at", "leads")) THEN 1 ELSE 0 END)", q.bigint)),
                   \(q.cast("SUM(CASE WHEN (\(won)) IS NOT NULL THEN 1 ELSE 0 END)", q.bigint)), CAST(0 AS \(q.bigint)), CAST(0 AS \(q.bigint))
            FROM \(table("leads"))
            """, columns: [("period", .int), ("seg", .text), ("chan", .text)] + KPIStatistics.leadSums.map { ($0, .int) })
    }

    /// The tickets opened in the window as (c, o, rt, st, p, ch): opening seconds, hours to the first
    /// response and to resolution when they happened by the end of observation (else NULL), period.
    func ticketRows(period: CalendarPeriod, window: ClosedRange<Day>) -> String {
        let o = seconds("opened_at", "tickets"), f = seconds("first_response_at", "tickets"), v = seconds("resolved_at", "tickets")
        let end = Double(window.upperBound + 1) * 86400
        return """
            r0 AS (
              SELECT \(text("customer_id", "tickets")) AS c, \(o) AS o, \(f) AS f, \(v) AS v, \(text("channel", "tickets")) AS chan
              FROM \(table("tickets"))
              WHERE \(col("opened_at", "tickets")) IS NOT NULL
            ),
            r AS (
              SELECT c, o, chan, \(periodOf(period, day: dayOf(seconds: "o"))) AS p,
                     CASE WHEN f <= \(end) THEN f - o END AS rt, CASE WHEN v <= \(end) THEN v - o END AS st,
                     \(end) - o AS open_for
              FROM r0 WHERE \(dayOf(seconds: "o")) BETWEEN \(window.lowerBound) AND \(window.upperBound)
            )
            """
    }

    /// Tickets per (period, segment, channel): `KPIStatistics.ticketSums` (the SLA counts with the thresholds in
    /// hours when given, else zero).
    public func tickets(period: CalendarPeriod, window: ClosedRange<Day>, slaResponseHours: Double?, slaResolutionHours: Double?) -> StatisticQuery {
        func sla(_ x: String, _ hours: Double?) -> (met: String, n: String) {
            guard let h = hours else { return ("0", "0") }
            let thr = h * 3600
            return ("SUM(CASE WHEN \(x) >= 0 AND \(x) <= \(thr) THEN 1 ELSE 0 END)",
                    "SUM(CASE WHEN \(x) >= 0 OR (\(x) IS NULL AND open_for > \(thr)) THEN 1 ELSE 0 END)")
        }
        let (rm, rn) = sla("rt", slaResponseHours), (sm, sn) = sla("st", slaResolutionHours)
        let b = q.bigint
        return StatisticQuery(name: "kpi_tickets", sql: with([ticketRows(period: period, window: window)] + attributes(observationEnd: window.upperBound)) + """
            SELECT \(q.cast("r.p", b)) AS period, \(segValue) AS seg, r.chan AS chan, \(q.cast("COUNT(*)", b)) AS tickets,
                   \(q.cast(rm, b)) AS sla_response_met, \(q.cast(rn, b)) AS sla_response_n,
                   \(q.cast(sm, b)) AS sla_resolution_met, \(q.cast(sn, b)) AS sla_resolution_n
            FROM r\(joins("r.c"))
            GROUP BY r.p, \(segValue), r.chan
            UNION ALL
            SELECT CAST(NULL AS \(b)), \(q.cast("NULL", q.text)), 'flags',
                   \(q.cast("SUM(CASE WHEN \(present("first_response_at", "tickets")) THEN 1 ELSE 0 END)", b)),
                   \(q.cast("SUM(CASE WHEN \(present("resolved_at", "tickets")) THEN 1 ELSE 0 END)", b)), CAST(0 AS \(b)), CAST(0 AS \(b)), CAST(0 AS \(b))
            FROM \(table("tickets"))
            """, columns: [("period", .int), ("seg", .text), ("chan", .text)] + KPIStatistics.ticketSums.map { ($0, .int) })
    }

    /// Hours to the first response and to resolution per group kind (`overall`, `period`, `segment`,
    /// `channel`) and key: count, Σ, median and 90th percentile (R type 7).
    public func ticketDurations(period: CalendarPeriod, window: ClosedRange<Day>) -> StatisticQuery {
        var parts: [String] = []
        for (measure, x) in [("first_response", "rt"), ("resolution", "st")] {
            let h = "(\(x) / 3600.0)"
            for (kind, key) in [("overall", "NULL"), ("period", q.cast("r.p", q.text)), ("segment", segValue), ("channel", "r.chan")] {
                parts.append("""
                    SELECT '\(measure)' AS measure, '\(kind)' AS kind, \(key == "NULL" ? q.cast("NULL", q.text) : key) AS k,
                           \(q.cast("COUNT(*)", q.bigint)) AS n, \(q.cast("SUM(\(h))", q.double)) AS total,
                           \(q.cast(q.percentile(h, 0.5), q.double)) AS median, \(q.cast(q.percentile(h, 0.9), q.double)) AS p90
                    FROM r\(joins("r.c")) WHERE \(x) >= 0\(kind == "overall" ? "" : " AND \(key) IS NOT NULL")\(kind == "overall" ? "" : " GROUP BY \(key)")
                    """)
            }
        }
        return StatisticQuery(name: "kpi_ticket_durations", sql: with([ticketRows(period: period, window: window)] + attributes(observationEnd: window.upperBound))
                              + parts.joined(separator: "\nUNION ALL\n"),
                              columns: [("measure", .text), ("kind", .text), ("k", .text), ("n", .int), ("total", .double), ("median", .double), ("p90", .double)])
    }

    /// Interactions: `kind` `count` per (period, segment, channel); `dau` customer-days per (period,
    /// segment) and `dau_channel` per channel; `engaged_period` customers per period,
    /// `engaged_segment` per segment (NULL: none), `engaged_channel` per channel; `mau` customer-months
    /// per (month index, segment) and `mau_channel` per (month index, channel). The first grouping is
    /// per (customer, day, channel), materialized.
    public func interactions(period: CalendarPeriod, window: ClosedRange<Day>) -> StatisticQuery {
        let s = seconds("timestamp", "interactions")
        let ctes = ["""
            r AS (
              SELECT \(q.cast(col("customer_id", "interactions"), q.text)) AS c, \(dayOf(seconds: s)) AS d, \(text("channel", "interactions")) AS chan
              FROM \(table("interactions"))
              WHERE \(col("customer_id", "interactions")) IS NOT NULL AND \(col("timestamp", "interactions")) IS NOT NULL
            )
            """, """
            cdc \(q.cteAs(materialized: true)) (
              SELECT c, d, chan, COUNT(*) AS n FROM r WHERE d BETWEEN \(window.lowerBound) AND \(window.upperBound) GROUP BY c, d, chan
            )
            """] + attributes(observationEnd: window.upperBound) + ["""
            x AS (
              SELECT cdc.c, cdc.d, cdc.chan, cdc.n, \(periodOf(period, day: "cdc.d")) AS p, \(periodOf(.month, day: "cdc.d")) AS m, \(segValue) AS seg
              FROM cdc\(joins("cdc.c"))
            )
            """]
        let b = q.bigint, nullText = q.cast("NULL", q.text), nullInt = "CAST(NULL AS \(b))"
        func part(_ kind: String, _ p: String, _ seg: String, _ chan: String, _ value: String, from: String, group: [String]) -> String {
            "SELECT '\(kind)' AS kind, \(q.cast(p, b)) AS period, \(seg) AS seg, \(chan) AS chan, \(q.cast(value, b)) AS n FROM \(from)"
                + (group.isEmpty ? "" : " GROUP BY " + group.joined(separator: ", "))
        }
        let parts = [
            part("count", "p", "seg", "chan", "SUM(n)", from: "x", group: ["p", "seg", "chan"]),
            part("dau", "p", "seg", nullText, "COUNT(*)", from: "(SELECT c, d, p, seg FROM x GROUP BY c, d, p, seg) u", group: ["p", "seg"]),
            part("dau_channel", nullInt, nullText, "chan", "COUNT(*)", from: "x WHERE chan IS NOT NULL", group: ["chan"]),
            part("engaged_period", "p", nullText, nullText, "COUNT(*)", from: "(SELECT c, p FROM x GROUP BY c, p) u", group: ["p"]),
            part("engaged_segment", nullInt, "seg", nullText, "COUNT(*)", from: "(SELECT c, seg FROM x GROUP BY c, seg) u", group: ["seg"]),
            part("engaged_channel", nullInt, nullText, "chan", "COUNT(*)", from: "(SELECT c, chan FROM x WHERE chan IS NOT NULL GROUP BY c, chan) u", group: ["chan"]),
            part("mau", "m", "seg", nullText, "COUNT(*)", from: "(SELECT c, m, seg FROM x GROUP BY c, m, seg) u", group: ["m", "seg"]),
            part("mau_channel", "m", nullText, "chan", "COUNT(*)", from: "(SELECT c, chan, m FROM x WHERE chan IS NOT NULL GROUP BY c, chan, m) u", group: ["m", "chan"]),
        ]
        return StatisticQuery(name: "kpi_interactions", sql: with(ctes) + parts.joined(separator: "\nUNION ALL\n"),
                              columns: [("kind", .text), ("period", .int), ("seg", .text), ("chan", .text), ("n", .int)])
    }
}

extension KPIQueries {
    /// Runs the KPI reductions on `executor` and folds them into the frame's groups: the frame (window
    /// from `options.from`, else the first purchase, to `obs`; segment and channel names) and the
    /// statistics `KPIAnalysis.compute(frame:statistics:unreduced:)` reads.
    public func reduce(_ source: WarehouseSource, options: KPIOptions, observationEnd obs: Day, notes: [String])
        throws -> (frame: KPIFrame, statistics: KPIStatistics) {
        var shared = self
        shared.transactions = try source.sharing(transactions, observationEnd: obs)
        return try shared.reduceShared(source, options: options, observationEnd: obs, notes: notes)
    }

    /// `reduce`, with the customer-days where the engine keeps them.
    func reduceShared(_ source: WarehouseSource, options: KPIOptions, observationEnd obs: Day, notes: [String])
        throws -> (frame: KPIFrame, statistics: KPIStatistics) {
        let executor = source.executor
        let lv = try executor.run(levels(observationEnd: obs))
        let kinds = try lv.texts("kind"), values = try lv.texts("v"), ns = try lv.ints("n")
        var segValues: [String?] = [], chanValues: [String?] = [], tableChannels: [String] = []
        var firstPurchase: Day? = nil
        for i in 0..<lv.rowCount {
            switch kinds[i] {
            case "segment": segValues.append(values[i])
            case "channel": chanValues.append(values[i])
            case "table_channel": if let v = values[i] { tableChannels.append(v) }
            case "first_purchase": firstPurchase = ns[i].map { Day($0) }
            default: throw WarehouseError.data("statistic \(lv.name): unknown kind \(kinds[i] ?? "NULL") in row \(i + 1)", hint: nil)
            }
        }
        // Levels and each value's code, by `CustomerAttribute`'s rules.
        func codes(_ a: AttributeQueries?, _ vs: [String?]) throws -> (levels: [String], code: [String: Int32]) {
            guard let a, !vs.isEmpty else { return ([], [:]) }
            let (levels, group) = try a.groups(of: vs)
            var code: [String: Int32] = [:]
            for (v, g) in zip(vs, group) { if let v { code[v] = g } }
            return (levels, code)
        }
        let (segLevels, segCode) = try codes(segment, segValues)
        let (custChan, chanCode) = try codes(channel, chanValues)
        let chanLevels = KPIFrame.channelLevels(customer: custChan, tables: tableChannels)
        var chanIndex: [String: Int32] = [:]
        for (i, s) in chanLevels.enumerated() where chanIndex[s] == nil { chanIndex[s] = Int32(i) }
        let first = options.from ?? firstPurchase ?? obs
        let frame = KPIFrame(options: options, firstDay: min(first, obs), asOf: obs, segLevels: segLevels, chanLevels: chanLevels,
                             notes: [KPIFrame.segmentNote(from: segLevels.isEmpty ? nil : segment?.description),
                                     KPIFrame.channelNote(from: custChan.isEmpty ? nil : channel?.description)] + notes)
        let ax = frame.axis
        let window = ax.start[0]...obs
        let period = options.period

        var st = KPIStatistics()
        func seg(_ v: String?) -> Int32 { v.flatMap { segCode[$0] } ?? -1 }
        func custChannel(_ v: String?) -> Int32 { v.flatMap { chanCode[$0] }.map { chanIndex[custChan[Int($0)]] ?? -1 } ?? -1 }
        func rowChannel(_ v: String?) -> Int32 { v.flatMap { chanIndex[$0] } ?? -1 }
        func periodIndex(_ t: StatisticTable, _ row: Int) throws -> Int {
            let o = try need(try t.ints("period")[row], t, "period", row)
            return Int(o) - ax.firstOrdinal
        }
        /// Folds a (period, seg, chan) cell table's `names` columns into `st`; `chan` is the customer's
        /// channel value (`customerChannel`) or the row's own channel.
        func cells(_ t: StatisticTable, _ names: [String], customerChannel: Bool, flags: ([Int64?]) -> Void = { _ in }) throws {
            let segs = try t.texts("seg"), chans = try t.texts("chan"), periods = try t.ints("period")
            let cols = try names.map { try t.doubles($0) }
            for r in 0..<t.rowCount {
                if periods[r] == nil && chans[r] == "flags" { flags(try names.map { try t.ints($0)[r] }); continue }
                let p = try periodIndex(t, r)
                guard p >= 0 && p < ax.count else { continue }
                let s = seg(segs[r]), c = customerChannel ? custChannel(chans[r]) : rowChannel(chans[r])
                for (k, name) in names.enumerated() { st.add(name, frame, period: p, segment: s, channel: c, cols[k][r] ?? 0) }
            }
            for name in names where st.sums[name] == nil { st.sums[name] = [Double](repeating: 0, count: frame.groupCount) }
        }

        if tables.contains("surveys") {
            st.tables.insert("surveys")
            try cells(try executor.run(surveys(period: period, window: window)), KPIStatistics.surveySums, customerChannel: true)
        }
        if tables.contains("leads") {
            st.tables.insert("leads")
            try cells(try executor.run(leads(period: period, window: window)), KPIStatistics.leadSums, customerChannel: false) { f in
                if (f[1] ?? 0) > 0 { st.flags.insert("leads_converted") }
                if (f[2] ?? 0) > 0 { st.flags.insert("leads_closed") }
            }
        }
        if tables.contains("tickets") {
            st.tables.insert("tickets")
            try cells(try executor.run(tickets(period: period, window: window, slaResponseHours: options.slaResponseHours,
                                               slaResolutionHours: options.slaResolutionHours)), KPIStatistics.ticketSums, customerChannel: false) { f in
                if (f[0] ?? 0) > 0 { st.flags.insert("tickets_responded") }
                if (f[1] ?? 0) > 0 { st.flags.insert("tickets_resolved") }
            }
            let d = try executor.run(ticketDurations(period: period, window: window))
            let measure = try d.texts("measure"), kind = try d.texts("kind"), key = try d.texts("k")
            let n = try d.ints("n"), total = try d.doubles("total"), median = try d.doubles("median"), p90 = try d.doubles("p90")
            for m in ["first_response", "resolution"] { st.durations[m] = [DurationSummary](repeating: .empty, count: frame.groupCount) }
            for r in 0..<d.rowCount {
                let count = Int(n[r] ?? 0)
                guard count > 0, let m = measure[r] else { continue }
                var g = -1
                switch kind[r] {
                case "overall": g = 0
                case "period": if let k = key[r].flatMap({ Int($0) }) { let p = k - ax.firstOrdinal; if p >= 0 && p < ax.count { g = frame.periodGroup(p) } }
                case "segment": let s = seg(key[r]); if s >= 0 { g = frame.segmentGroup(Int(s)) }
                default: let c = rowChannel(key[r]); if c >= 0 { g = frame.channelGroup(Int(c)) }
                }
                guard g >= 0 else { continue }
                st.durations[m]![g] = DurationSummary(n: count, median: median[r] ?? .nan, p90: p90[r] ?? .nan, mean: (total[r] ?? .nan) / Double(count))
            }
        }
        if tables.contains("interactions") {
            st.tables.insert("interactions")
            let t = try executor.run(interactions(period: period, window: window))
            let kind = try t.texts("kind"), periods = try t.ints("period"), segs = try t.texts("seg"), chans = try t.texts("chan"), ns = try t.ints("n")
            let months = KPIFrame.Months(ax)
            for name in ["interactions", "engaged", "dau", "mau"] { st.sums[name] = [Double](repeating: 0, count: frame.groupCount) }
            for r in 0..<t.rowCount {
                let x = Double(ns[r] ?? 0)
                let p = periods[r].map { Int($0) - ax.firstOrdinal } ?? -1
                let s = seg(segs[r]), c = rowChannel(chans[r])
                switch kind[r] {
                case "count": if p >= 0 && p < ax.count { st.add("interactions", frame, period: p, segment: s, channel: c, x) }
                case "dau": if p >= 0 && p < ax.count { st.add("dau", frame, period: p, segment: s, channel: -1, x) }
                case "dau_channel": if c >= 0 { st.add("dau", frame, group: frame.channelGroup(Int(c)), x) }
                case "engaged_period": if p >= 0 && p < ax.count { st.add("engaged", frame, group: frame.periodGroup(p), x) }
                case "engaged_segment": st.add("engaged", frame, period: -1, segment: s, channel: -1, x)
                case "engaged_channel": if c >= 0 { st.add("engaged", frame, group: frame.channelGroup(Int(c)), x) }
                case "mau": if let m = periods[r] { st.addCustomerMonths("mau", frame, months, month: Int(m), segment: s, x) }
                case "mau_channel":
                    if let m = periods[r], c >= 0 {
                        let k = Int(m) - months.first
                        if k >= 0 && k < months.days.count { st.add("mau", frame, group: frame.channelGroup(Int(c)), x * months.days[k]) }
                    }
                default: throw WarehouseError.data("statistic \(t.name): unknown kind \(kind[r] ?? "NULL") in row \(r + 1)", hint: nil)
                }
            }
        }
        // Customers acquired by the end of each group's window; new customers and their costs.
        let a = try executor.run(acquired(period: period, observationEnd: obs))
        let aSeg = try a.texts("seg"), aChan = try a.texts("chan"), aN = try a.ints("n")
        let aCost = try a.doubles("cost"), aCostN = try a.ints("cost_n")
        var base = [Double](repeating: 0, count: frame.groupCount)
        var newIn = [Double](repeating: 0, count: ax.count), before = 0.0
        for name in ["new", "acq_cost", "acq_cost_n"] { st.sums[name] = [Double](repeating: 0, count: frame.groupCount) }
        for r in 0..<a.rowCount {
            let x = Double(aN[r] ?? 0), p = try periodIndex(a, r)
            base[0] += x
            let s = seg(aSeg[r]), c = custChannel(aChan[r])
            if s >= 0 { base[frame.segmentGroup(Int(s))] += x }
            if c >= 0 { base[frame.channelGroup(Int(c))] += x }
            if p >= 0 && p < ax.count {
                newIn[p] += x
                st.add("new", frame, period: p, segment: s, channel: c, x)
                st.add("acq_cost", frame, period: p, segment: s, channel: c, aCost[r] ?? 0)
                st.add("acq_cost_n", frame, period: p, segment: s, channel: c, Double(aCostN[r] ?? 0))
            } else if p < 0 { before += x }
        }
        if has("acquisition_cost", "customers") { st.flags.insert("acquisition_cost") }
        var run = before
        for p in 0..<ax.count { run += newIn[p]; base[frame.periodGroup(p)] = run }
        st.acquired = base
        try reduceValue(source, frame, &st, segment: seg, customerChannel: custChannel, rowChannel: rowChannel)
        return (frame, st)
    }
}

extension KPIQueries {
    /// For emitted SQL, where tenure cannot look at the tables: the tables the mapping file names
    /// (transactions always), each with its required columns and the optional ones the mapping names
    /// (`leads: {table: crm.leads, won: is_won, customer_id: contact}`).
    public static func emittedColumns(_ tables: WarehouseTables) -> [String: Set<String>] {
        var out: [String: Set<String>] = [:]
        for spec in Tables.all {
            let mapped = tables.schema.tables[spec.table]
            guard spec.table == "transactions" || mapped != nil else { continue }
            out[spec.table] = Set(spec.columns.filter { $0.required || mapped?[$0.name] != nil }.map(\.name))
        }
        return out
    }

    /// The KPI queries of emitted SQL (`emittedColumns`); segments and acquisition channels come
    /// from the customers table when the mapping names those columns there.
    public static func emitted(_ q: TransactionQueries) -> KPIQueries {
        let columns = emittedColumns(q.tables)
        func attribute(_ name: String) -> AttributeQueries? {
            columns["customers"]?.contains(name) == true ? AttributeQueries(name: name, table: .customers, queries: q) : nil
        }
        return KPIQueries(transactions: q, segment: attribute("segment"), channel: attribute("channel"), columns: columns)
    }

    /// Every query `reduce` runs over a window known in advance (`--from`), in order, for `--emit-sql`
    /// (the CLV's RFM statistics are `WarehouseSource.rfmQueries`).
    public func all(_ f: KPIFrame) -> [StatisticQuery] {
        let ax = f.axis, o = f.opt, window = ax.start[0]...ax.asOf
        var list = [levels(observationEnd: ax.asOf)]
        if tables.contains("surveys") { list.append(surveys(period: o.period, window: window)) }
        if tables.contains("leads") { list.append(leads(period: o.period, window: window)) }
        if tables.contains("tickets") {
            list += [tickets(period: o.period, window: window, slaResponseHours: o.slaResponseHours, slaResolutionHours: o.slaResolutionHours),
                     ticketDurations(period: o.period, window: window)]
        }
        if tables.contains("interactions") { list.append(interactions(period: o.period, window: window)) }
        list += [acquired(period: o.period, observationEnd: ax.asOf), transactions(f), activity(f)]
        if has("mrr", "subscriptions") { list.append(mrr(f)) }
        list.append(cohorts(f))
        if tables.contains("marketing_spend") { list.append(spend(f)) }
        let clv = KPIAnalysis.clvOptions(o, asOf: ax.asOf)
        return list + Array(WarehouseSource.rfmQueries(transactions, options: clv.rfm, observationEnd: ax.asOf).dropFirst())
            + [customerValues(observationEnd: ax.asOf)]
    }
}
