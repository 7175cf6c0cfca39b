import Foundation
import Testing
import TenureData
@testable import TenureCohorts

/// Every cell against an independent pandas computation (scripts/fixtures/cohorts.py), exactly:
/// customers, orders, revenue in cents, unbounded customers, cohort sizes, status; every period and window.
@Suite struct FixtureTests {
    /// Read once; a missing or broken fixture fails the tests that need it (never crashes the run).
    static let cellsFile = Result { try FixtureData.csv("expected_cells.csv") }
    static let sizesFile = Result { try FixtureData.csv("expected_sizes.csv") }

    struct Config: Sendable, CustomStringConvertible {
        var name: String
        var period: CalendarPeriod
        var window: CohortWindow = .calendar
        var cohortBy: CohortOptions.CohortBy = .firstPurchase
        var by: String? = nil
        var brackets: String? = nil
        var description: String { name }
        var options: CohortOptions {
            var o = CohortOptions()
            o.period = period; o.window = window; o.cohortBy = cohortBy; o.by = by
            o.brackets = brackets.flatMap(AgeBracket.parseList)
            return o
        }
    }

    static let configs: [Config] = {
        var c: [Config] = []
        for p in CalendarPeriod.allCases { for w in CohortWindow.allCases { c.append(Config(name: "\(p.rawValue)/\(w.rawValue)", period: p, window: w)) } }
        c.append(Config(name: "month/calendar/signup", period: .month, cohortBy: .signup))
        c.append(Config(name: "month/calendar/subscription", period: .month, cohortBy: .subscription))
        c.append(Config(name: "month/calendar/by-segment", period: .month, by: "segment"))
        c.append(Config(name: "week/calendar/by-channel", period: .week, by: "channel"))
        c.append(Config(name: "month/calendar/brackets", period: .month, brackets: "0,1-3,4-7,8-14"))
        c.append(Config(name: "month/rolling/brackets", period: .month, window: .rolling, brackets: "0,1-3,4-7,8-14"))
        return c
    }()

    /// The first pass runs in two halves on big tables: every config is run both ways (`halves`
    /// forces the split on this small data) against the same expected cells.
    @Test(arguments: configs, [(false, false), (true, false), (false, true), (true, true)])
    func cellsMatchPandas(_ cfg: Config, _ variant: (sorted: Bool, halves: Bool)) throws {
        let ds = try FixtureData.dataset(sorted: variant.sorted, withSubscriptions: cfg.cohortBy == .subscription)
        let engine = Engine(ds, cfg.options)
        if variant.halves { engine.halvesFrom = 2 }
        let r = try engine.run()
        var expected: [String: [String: String]] = [:]
        for e in try Self.cellsFile.get() where e["config"] == cfg.name {
            expected["\(try e.field("group"))|\(try e.field("cohort"))|\(try e.field("age"))"] = e
        }
        var expSize: [String: Int] = [:]
        for e in try Self.sizesFile.get() where e["config"] == cfg.name {
            expSize["\(try e.field("group"))|\(try e.field("cohort"))"] = try e.int("size")
        }
        #expect(!expected.isEmpty)
        var seen = 0, rows = 0
        for g in r.groups {
            let gname = g.name ?? "all"
            for row in g.cohorts {
                rows += 1
                #expect(expSize["\(gname)|\(row.cohort)"] == row.size, "size \(gname) \(row.cohort)")
                for c in row.cells {
                    let k = "\(gname)|\(row.cohort)|\(c.age)"
                    if let e = expected[k] {
                        seen += 1
                        #expect(c.customers == (try e.int("customers")), "customers \(k)")
                        #expect(c.orders == (try e.int("orders")), "orders \(k)")
                        #expect(Int((c.revenue * 100).rounded()) == (try e.int("revenue_cents")), "revenue \(k)")
                        #expect(c.revenue == Double(try e.int("revenue_cents")) / 100, "revenue exact \(k)")
                        #expect(c.unboundedCustomers == (try e.int("unbounded")), "unbounded \(k)")
                        #expect(c.status.rawValue == e["status"], "status \(k)")
                        #expect(c.retention == Double(c.customers) / Double(row.size))
                    } else {
                        #expect(c.customers == 0 && c.orders == 0 && c.revenue == 0, "unexpected activity \(k)")
                    }
                }
            }
        }
        #expect(seen == expected.count, "every expected cell present")
        #expect(rows == expSize.count, "every cohort present")
        if let bs = cfg.brackets {
            var eb: [String: Int] = [:]
            for e in try FixtureData.csv("expected_brackets.csv") where e["config"] == cfg.name {
                eb["\(try e.field("group"))|\(try e.field("cohort"))|\(try e.field("bracket"))"] = try e.int("customers")
            }
            var n = 0
            for g in r.groups { for row in g.brackets ?? [] { for c in row.cells {
                let want = eb["\(g.name ?? "all")|\(row.cohort)|\(c.bracket)"] ?? 0
                #expect(c.customers == want, "bracket \(row.cohort) \(c.bracket)")
                if want > 0 { n += 1 }
            } } }
            #expect(n == eb.count, "\(bs): every expected bracket present")
        }
    }

    @Test(arguments: [("month/calendar/contractual", CalendarPeriod.month, CohortWindow.calendar, nil as String?),
                      ("quarter/rolling/contractual", .quarter, .rolling, nil),
                      ("month/calendar/contractual-by-segment", .month, .calendar, "segment")])
    func contractualMatchesPandas(_ name: String, _ period: CalendarPeriod, _ window: CohortWindow, _ by: String?) throws {
        var o = CohortOptions(); o.period = period; o.window = window; o.contractualWindow = window; o.cohortBy = .firstPurchase; o.by = by
        let r = try CohortAnalysis.run(try FixtureData.dataset(), options: o)
        var expected: [String: [String: String]] = [:]
        for e in try FixtureData.csv("expected_contractual.csv") where e["config"] == name {
            expected["\(try e.field("group"))|\(try e.field("cohort"))|\(try e.field("age"))"] = e
        }
        var expSize: [String: Int] = [:]
        for e in try Self.sizesFile.get() where e["config"] == name + "/contractual" {
            expSize["\(try e.field("group"))|\(try e.field("cohort"))"] = try e.int("size")
        }
        var seen = 0, rows = 0
        for g in r.groups {
            for row in g.contractual ?? [] {
                rows += 1
                #expect(expSize["\(g.name ?? "all")|\(row.cohort)"] == row.size)
                for c in row.cells {
                    let k = "\(g.name ?? "all")|\(row.cohort)|\(c.age)"
                    if let e = expected[k] {
                        seen += 1
                        #expect(c.customers == (try e.int("customers")), "contractual \(k)")
                        #expect(c.survivors == (try e.int("survivors")), "survivors \(k)")
                        #expect(c.status.rawValue == e["status"], "status \(k)")
                    } else {
                        #expect(c.customers == 0, "unexpected coverage \(k)")
                    }
                }
            }
        }
        #expect(seen == expected.count)
        #expect(rows == expSize.count)
    }

    @Test(arguments: [("month", CalendarPeriod.month), ("quarter", .quarter)])
    func mrrMovementsMatchPandas(_ name: String, _ period: CalendarPeriod) throws {
        var o = CohortOptions(); o.period = period; o.cohortBy = .firstPurchase
        let r = try CohortAnalysis.run(try FixtureData.dataset(), options: o)
        let exp = try FixtureData.csv("expected_mrr.csv").filter { $0["config"] == name }
        let got = try #require(r.mrr).periods
        #expect(got.count == exp.count)
        for (g, e) in zip(got, exp) {
            #expect(g.period == e["period"])
            func close(_ a: Double, _ k: String) throws -> Bool { abs(a - (try e.double(k))) <= 1e-9 * max(1, abs(a)) }
            #expect(try close(g.opening, "opening"), "opening \(g.period)")
            #expect(try close(g.new, "new"), "new \(g.period)")
            #expect(try close(g.expansion, "expansion"), "expansion \(g.period)")
            #expect(try close(g.contraction, "contraction"), "contraction \(g.period)")
            #expect(try close(g.churn, "churn"), "churn \(g.period)")
            #expect(try close(g.reactivation, "reactivation"), "reactivation \(g.period)")
            #expect(try close(g.closing, "closing"), "closing \(g.period)")
            #expect(g.customers == (try e.int("customers")))
            #expect(abs(g.opening + g.new + g.expansion - g.contraction - g.churn + g.reactivation - g.closing) < 1e-6)
        }
    }
}
