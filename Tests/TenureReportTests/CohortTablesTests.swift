import Foundation
import Testing
import TenureCohorts
import TenureData
@testable import TenureReport

/// Layout of `CohortResult` (Tables/Cohorts+Tables.swift) and its terminal heatmap: the long form first,
/// partial periods marked, forecast rows with intervals, colour only when asked, hostile labels neutralised.
@Suite struct CohortTablesTests {
    /// 120 customers acquired monthly from 2024-01 over six months, buying for 1–4 months (so cohorts lose
    /// customers and the sBG can be fitted), as of 2024-06-15 (June partial).
    static func dataset(label: String = "web") throws -> Dataset {
        var ids = CustomerIndex(), tx = Transactions()
        var channel: [String] = []
        func day(_ y: Int, _ m: Int, _ d: Int) -> Day { Civil.day(year: y, month: m, day: d) }
        for c in 0..<120 {
            let m0 = 1 + c % 6
            let id = ids.intern("C\(c)")
            for k in 0..<min(6 - m0 + 1, 1 + (c / 6) % 4 + (c % 5 == 0 ? 2 : 0)) {
                tx.customer.append(id); tx.day.append(day(2024, m0 + k, 1 + (c % 14))); tx.amount.append(10 + Double(c % 7))
                channel.append(c % 2 == 0 ? label : "store")
            }
        }
        var levels: [String] = [], codes: [Int32] = []
        for v in channel {
            if let i = levels.firstIndex(of: v) { codes.append(Int32(i)) } else { levels.append(v); codes.append(Int32(levels.count - 1)) }
        }
        tx.channel = CategoricalColumn(codes: codes, levels: levels)
        return Dataset(source: "test", customers: ids, transactions: tx, asOf: day(2024, 6, 15))
    }

    static func run(_ f: (inout CohortOptions) -> Void = { _ in }) throws -> CohortResult {
        var o = CohortOptions(); o.period = .month; o.cohortBy = .firstPurchase
        f(&o)
        return try CohortAnalysis.run(try dataset(), options: o)
    }

    @Test func longFormIsThePrimaryTable() throws {
        let r = try Self.run()
        #expect(r.analysis == "cohorts")
        let t = try #require(r.tables.first)
        #expect(t.id == "cohorts")
        #expect(Array(t.columns.map(\.name).prefix(8)) == ["cohort", "cohort_start", "size", "age", "period", "status", "customers", "retention"])
        let cells = r.groups.flatMap { $0.cohorts.flatMap(\.cells) }
        #expect(t.rows.count == cells.count)
        // June is partial for every cohort, and marked so.
        let status = t.columns.firstIndex { $0.name == "status" }!
        let period = t.columns.firstIndex { $0.name == "period" }!
        for row in t.rows where row[period].raw == "2024-06" { #expect(row[status].raw == "partial") }
        #expect(t.rows.contains { $0[status].raw == "complete" })
        let csv = CSVWriter.render(t)
        #expect(csv.hasPrefix("cohort,cohort_start,size,age,period,status,customers,retention,"))
        #expect(csv.split(separator: "\n").count == cells.count + 1)
    }

    @Test func forecastRowsCarryIntervals() throws {
        let r = try Self.run { $0.forecast = 3; $0.forecastDraws = 200 }
        let t = try #require(r.tables.first)
        let col = { (n: String) in t.columns.firstIndex { $0.name == n }! }
        let rows = t.rows.filter { $0[col("status")].raw == "forecast" }
        let n = r.groups.flatMap { $0.forecast?.cohorts.flatMap(\.cells) ?? [] }.count
        #expect(n > 0 && rows.count == n)
        for row in rows {
            #expect(row[col("customers")].raw == "")
            let (lo, x, hi) = (Double(row[col("forecast_low")].raw)!, Double(row[col("forecast_retention")].raw)!, Double(row[col("forecast_high")].raw)!)
            #expect(lo <= x + 1e-12 && x <= hi + 1e-12)
        }
        #expect(r.tables.contains { $0.id == "cohort_sbg" })
    }

    @Test func terminalHeatmapColourOnlyWhenAsked() throws {
        let r = try Self.run { $0.forecast = 2; $0.forecastDraws = 200 }
        let plain = CohortTerminal.render(r, color: .none)
        #expect(!plain.contains("\u{1B}["))
        #expect(plain.contains("Retention (share of cohort) by monthly cohort"))
        #expect(plain.contains("*"))          // partial June
        #expect(plain.contains("%~"))         // forecast cells
        #expect(plain.contains("Average retention curve"))
        let coloured = CohortTerminal.render(r, color: .ansi256)
        #expect(coloured.contains("\u{1B}[48;5;"))
        let tc = CohortTerminal.render(r, color: .truecolor)
        #expect(tc.contains("\u{1B}[48;2;"))
        #expect(TerminalHeatmap.ColorMode.detect(isTTY: true, environment: ["NO_COLOR": "1"]) == .none)
        #expect(TerminalHeatmap.ColorMode.detect(isTTY: false, environment: [:]) == .none)
    }

    @Test func everyMetricHasAMatrix() throws {
        for (metric, rel, title) in [(CohortOptions.Metric.customers, CohortOptions.RelativeTo.size, "Retention (share of cohort)"),
                                     (.revenue, .size, "Revenue retention"), (.revenue, .previous, "Revenue vs previous month"),
                                     (.orders, .size, "Orders per cohort customer")] {
            let r = try Self.run { $0.metric = metric; $0.relativeTo = rel }
            let m = try #require(r.tables.first { $0.id == "cohort_matrix" })
            #expect(m.title.hasPrefix(title))
            #expect(CohortTerminal.render(r, color: .none).contains(title))
            #expect(MarkdownWriter.render(m).contains("| cohort | size | 0 |"))
        }
    }

    @Test func byGroupsAndHostileLabels() throws {
        var o = CohortOptions(); o.period = .month; o.cohortBy = .firstPurchase; o.by = "channel"
        let r = try CohortAnalysis.run(try Self.dataset(label: "web\u{1B}[31m|<b>"), options: o)
        #expect(r.groups.count == 2)
        #expect(r.tables.filter { $0.id.hasPrefix("cohort_matrix") }.count == 2)
        #expect(r.tables[0].columns.first?.name == "channel")
        let text = CohortTerminal.render(r, color: .none)
        #expect(!text.contains("\u{1B}"))
        let md = r.tables.map(MarkdownWriter.render).joined()
        #expect(!md.contains("<b>"))
    }
}
