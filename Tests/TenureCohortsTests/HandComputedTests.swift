import Foundation
import Testing
import TenureData
import TenureNumerics
@testable import TenureCohorts

/// Small datasets whose every value is worked out by hand in the test.
@Suite struct HandComputedTests {
    static func d(_ s: String) -> Day { DateParser.day(from: s)! }

    /// Four customers, monthly cohorts, as of 2024-03-15 (March is partial).
    ///  a: Jan 5 (10.00), Jan 20 (5.00), Feb 2 (7.50)        cohort 2024-01, active ages 0, 1
    ///  b: Jan 31 (20.00), Mar 1 (1.25)                     cohort 2024-01, active ages 0, 2
    ///  c: Feb 10 (3.00), Feb 11 (-1.00 refund)             cohort 2024-02, active age 0
    ///  d: Feb 28 (4.00), Mar 15 (6.00)                     cohort 2024-02, active ages 0, 1 (partial)
    static func dataset(shuffled: Bool) -> Dataset {
        var rows: [(String, String, Double)] = [
            ("a", "2024-01-05", 10), ("a", "2024-01-20", 5), ("a", "2024-02-02", 7.5),
            ("b", "2024-01-31", 20), ("b", "2024-03-01", 1.25),
            ("c", "2024-02-10", 3), ("c", "2024-02-11", -1),
            ("d", "2024-02-28", 4), ("d", "2024-03-15", 6),
        ]
        if shuffled { rows.reverse() }
        var ids = CustomerIndex(); var tx = Transactions()
        for (c, day, amt) in rows { tx.customer.append(ids.intern(c)); tx.day.append(d(day)); tx.amount.append(amt) }
        return Dataset(source: "hand", customers: ids, transactions: tx, asOf: d("2024-03-15"))
    }

    @Test(arguments: [false, true])
    func monthlyMatrix(shuffled: Bool) throws {
        var o = CohortOptions(); o.period = .month
        let r = try CohortAnalysis.run(Self.dataset(shuffled: shuffled), options: o)
        #expect(r.cohortBasis == "first_purchase")
        let g = try #require(r.groups.first)
        #expect(g.cohorts.map(\.cohort) == ["2024-01", "2024-02"])
        let jan = g.cohorts[0], feb = g.cohorts[1]
        #expect(jan.size == 2 && feb.size == 2)
        // January cohort: ages 0 (Jan), 1 (Feb), 2 (Mar, partial).
        #expect(jan.cells.map(\.customers) == [2, 1, 1])
        #expect(jan.cells.map(\.orders) == [3, 1, 1])
        #expect(jan.cells.map(\.revenue) == [35, 7.5, 1.25])
        #expect(jan.cells.map(\.status) == [.complete, .complete, .partial])
        #expect(jan.cells.map(\.retention) == [1, 0.5, 0.5])
        // Unbounded: a last active at age 1, b at age 2 → [2, 2, 1].
        #expect(jan.cells.map(\.unboundedCustomers) == [2, 2, 1])
        #expect(jan.cells[1].revenueRetention == 7.5 / 35)
        #expect(jan.cells[2].retentionVsPrevious == 1.0)
        #expect(jan.cells[0].retentionVsPrevious == nil)
        // February cohort: ages 0 (Feb), 1 (Mar, partial); refund nets revenue.
        #expect(feb.cells.map(\.customers) == [2, 1])
        #expect(feb.cells.map(\.revenue) == [6, 6])
        #expect(feb.cells.map(\.status) == [.complete, .partial])
        // Average over complete cells only: age 0 → both cohorts (4/4), age 1 → January only (1/2);
        // age 2 is partial for January, so no average there (not observed ≠ zero).
        #expect(g.average.map(\.age) == [0, 1])
        #expect(g.average.map(\.retention) == [1, 0.5])
        #expect(g.average.map(\.cohorts) == [2, 1])
        #expect(g.average[0].revenueRetention == 1)
        #expect(g.average[1].revenueRetention == 7.5 / 35)
        // Wilson interval around 1/2 with n = 2 (z = 1.959964): centre (0.5 + z²/4)/(1 + z²/2), half-width
        // z·sqrt(0.25/2 + z²/16)/(1 + z²/2).
        let z = 1.959963984540054
        let centre = (0.5 + z * z / 4) / (1 + z * z / 2)
        let half = z * (0.25 / 2 + z * z / 16).squareRoot() / (1 + z * z / 2)
        #expect(abs(jan.cells[1].retentionLower - (centre - half)) < 1e-6)
        #expect(abs(jan.cells[1].retentionUpper - (centre + half)) < 1e-6)
    }

    @Test func rollingDaysAndWeeks() throws {
        // Rolling weeks: a acquired Jan 5 → Jan 20 is day 15 = week 2, Feb 2 is day 28 = week 4.
        var o = CohortOptions(); o.period = .week; o.window = .rolling
        let r = try CohortAnalysis.run(Self.dataset(shuffled: false), options: o)
        let g = try #require(r.groups.first)
        let a = try #require(g.cohorts.first { $0.cohort == "2024-W01" })  // Jan 5 2024 is in ISO week 1
        #expect(a.size == 1)
        #expect(a.cells.filter { $0.customers > 0 }.map(\.age) == [0, 2, 4])
        #expect(a.cells.allSatisfy { $0.period == nil })
    }

    @Test func rollingMonthsCountWholeMonths() throws {
        // b acquired Jan 31: Mar 1 is 1 whole month later (Feb has no 31st, so month 1 starts Mar 1).
        var o = CohortOptions(); o.period = .month; o.window = .rolling
        let r = try CohortAnalysis.run(Self.dataset(shuffled: false), options: o)
        let jan = try #require(r.groups.first?.cohorts.first)
        // a: Jan 5 → Jan 20 (age 0), Feb 2 (age 0: Feb 5 not reached); b: Jan 31 → Mar 1 (age 1).
        #expect(jan.cells.map(\.customers) == [2, 1, 0].prefix(jan.cells.count).map { $0 })
        #expect(CalendarPeriod.month.rollingStart(acquired: Self.d("2024-01-31"), window: 1) == Self.d("2024-03-01"))
        #expect(CalendarPeriod.month.rollingStart(acquired: Self.d("2024-01-05"), window: 1) == Self.d("2024-02-05"))
        #expect(CalendarPeriod.quarter.rollingStart(acquired: Self.d("2023-11-30"), window: 1) == Self.d("2024-03-01"))
    }

    @Test func brackets() throws {
        var o = CohortOptions(); o.period = .month; o.brackets = AgeBracket.parseList("0,1-2")
        let r = try CohortAnalysis.run(Self.dataset(shuffled: true), options: o)
        let jan = try #require(r.groups.first?.brackets?.first)
        // January: age 0 → a, b; ages 1–2 → a (Feb) and b (Mar) = 2 distinct, partial (Mar not complete).
        #expect(jan.cells.map(\.customers) == [2, 2])
        #expect(jan.cells.map(\.status) == [.complete, .partial])
        #expect(AgeBracket.parseList("0,1-3,4-7,8-14")?.map(\.description) == ["0", "1-3", "4-7", "8-14"])
        #expect(AgeBracket.parseList("1-3,2-4") == nil)
        #expect(AgeBracket.parseList("3-1") == nil)
    }

    @Test func byTransactionColumnUsesFirstTransaction() throws {
        var ds = Self.dataset(shuffled: false)
        // channel per row, in the row order of `dataset(shuffled: false)`
        let ch = ["web", "app", "app", "store", "web", "app", "web", "web", "app"]
        var levels: [String] = []
        ds.transactions.channel = CategoricalColumn(codes: ch.map { v in
            if let i = levels.firstIndex(of: v) { return Int32(i) }
            levels.append(v); return Int32(levels.count - 1)
        }, levels: levels)
        var o = CohortOptions(); o.period = .month; o.by = "channel"
        let r = try CohortAnalysis.run(ds, options: o)
        // a → web, b → store, c → app, d → web.
        let sizes = Dictionary(uniqueKeysWithValues: r.groups.map { ($0.name ?? "", $0.cohorts.map(\.size).reduce(0, +)) })
        #expect(sizes == ["web": 2, "app": 1, "store": 1])
        #expect(throws: DataError.self) { var o2 = o; o2.by = "nope"; _ = try CohortAnalysis.run(ds, options: o2) }
    }

    /// A `--by` value only customers outside the cohorts have (here e, with no purchase) makes no
    /// group, nor does `(missing)` when only such customers lack a value: the groups are those of
    /// the customers counted, as a warehouse's reduction sees them.
    @Test func byGroupsAreThoseOfTheCustomersCounted() throws {
        var ds = Self.dataset(shuffled: false)
        _ = ds.customers.intern("e"); _ = ds.customers.intern("f")
        var t = CustomerTable()
        t.customer = [0, 1, 2, 3, 4]   // a, b, c, d, e (f has no row: missing)
        t.segment = CategoricalColumn(codes: [0, 1, 0, 1, 2], levels: ["retail", "smb", "enterprise"])
        ds.customerTable = t
        var o = CohortOptions(); o.period = .month; o.by = "segment"
        let r = try CohortAnalysis.run(ds, options: o)
        #expect(r.groups.map(\.name) == ["retail", "smb"])
        #expect(r.groups.map { $0.cohorts.map(\.size).reduce(0, +) } == [2, 2])
    }

    @Test func contractualAndMRR() throws {
        // x: 2024-01-10 .. 2024-03-05 at 10/month, then from 2024-04-20 (open) at 30.  y: 2024-01-15 open at 20,
        // plus a second 5.0 subscription 2024-02-01 .. 2024-02-20.  As of 2024-04-30.
        var ids = CustomerIndex(); var tx = Transactions()
        for (c, day) in [("x", "2024-01-10"), ("y", "2024-01-15")] { tx.customer.append(ids.intern(c)); tx.day.append(Self.d(day)); tx.amount.append(1) }
        var s = Subscriptions()
        for (c, st, en, m) in [("x", "2024-01-10", "2024-03-05", 10.0), ("x", "2024-04-20", "", 30), ("y", "2024-01-15", "", 20), ("y", "2024-02-01", "2024-02-20", 5)] {
            s.customer.append(ids.intern(c)); s.startDay.append(Self.d(st)); s.endDay.append(en.isEmpty ? Day.missing : Self.d(en)); s.mrr = (s.mrr ?? []) + [m]
        }
        let ds = Dataset(source: "hand", customers: ids, transactions: tx, subscriptions: s, asOf: Self.d("2024-04-30"))
        var o = CohortOptions(); o.period = .month; o.contractualWindow = .calendar
        let r = try CohortAnalysis.run(ds, options: o)
        let row = try #require(r.groups.first?.contractual?.first)
        // Jan: x, y; Feb: x, y; Mar: x (to Mar 4), y; Apr: x (from Apr 20), y.
        #expect(row.size == 2)
        #expect(row.cells.map(\.customers) == [2, 2, 2, 2])
        // calendar months cannot see x's gap (March and April are both covered), so x survives throughout
        #expect(row.cells.map(\.survivors) == [2, 2, 2, 2])
        // Anniversary windows (the default): x is covered at ages 0 (Jan 10 – Feb 9) and 1 (Feb 10 – Mar 4), not 2
        // (Mar 10 – Apr 9), again at 3 (Apr 10 –); y at every age.
        o.contractualWindow = .rolling
        let rolling = try #require(try CohortAnalysis.run(ds, options: o).groups.first?.contractual?.first)
        #expect(rolling.cells.map(\.customers) == [2, 2, 1, 2])
        #expect(rolling.cells.map(\.survivors) == [2, 2, 1, 1])
        // MRR snapshots at Jan 31, Feb 29, Mar 31, Apr 30: x 10,10,0,30; y 20,20,20,20 (the 5.0 add-on ended Feb 20).
        let m = try #require(r.mrr).periods
        #expect(m.map(\.period) == ["2024-01", "2024-02", "2024-03", "2024-04"])
        #expect(m.map(\.new) == [30, 0, 0, 0])
        #expect(m.map(\.churn) == [0, 0, 10, 0])
        #expect(m.map(\.reactivation) == [0, 0, 0, 30])
        #expect(m.map(\.closing) == [30, 30, 20, 50])
        #expect(m[2].grossRevenueRetention == 20.0 / 30)
        #expect(m[2].netRevenueRetention == 20.0 / 30)
        #expect(m[3].netRevenueRetention == 1)
        #expect(m.map(\.status) == [.complete, .complete, .complete, .complete])
    }

    @Test func periodLabelsAndBounds() {
        let w = CalendarPeriod.week
        #expect(w.label(of: w.index(of: Self.d("2021-01-03"))) == "2020-W53")   // Sunday of ISO 2020-W53
        #expect(w.label(of: w.index(of: Self.d("2021-01-04"))) == "2021-W01")
        #expect(w.label(of: w.index(of: Self.d("2024-12-30"))) == "2025-W01")
        #expect(w.start(of: w.index(of: Self.d("2024-03-01"))) == Self.d("2024-02-26"))
        #expect(Civil.weekday(w.start(of: w.index(of: Self.d("1969-12-31")))) == 1)
        let q = CalendarPeriod.quarter
        #expect(q.label(of: q.index(of: Self.d("2024-05-17"))) == "2024-Q2")
        #expect(q.end(of: q.index(of: Self.d("2024-05-17"))) == Self.d("2024-06-30"))
        let m = CalendarPeriod.month
        #expect(m.end(of: m.index(of: Self.d("2024-02-10"))) == Self.d("2024-02-29"))
        #expect(CalendarPeriod.year.label(of: 2024) == "2024")
    }

    /// The engine's Wilson interval (quantile hoisted out of the per-cell loop) is `Stats.wilson`, bit for bit.
    @Test func wilsonIntervalsAreStatsWilson() throws {
        var o = CohortOptions(); o.period = .week; o.confidence = 0.9
        let r = try CohortAnalysis.run(Self.dataset(shuffled: false), options: o)
        var n = 0
        for g in r.groups { for row in g.cohorts { for c in row.cells {
            let w = Stats.wilson(successes: Double(c.customers), trials: Double(row.size), confidence: 0.9)
            #expect(c.retentionLower == w.lower && c.retentionUpper == w.upper)
            let u = Stats.wilson(successes: Double(c.unboundedCustomers), trials: Double(row.size), confidence: 0.9)
            #expect(c.unboundedLower == u.lower && c.unboundedUpper == u.upper)
            n += 1
        } } }
        #expect(n > 5)
    }
}
