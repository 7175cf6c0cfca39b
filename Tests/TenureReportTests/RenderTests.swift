import Foundation
import Testing
import TenureData
import TenureReport
import TenureSurvival

/// `Render.render`: the one path every analysis command prints through. Presentation choices (which
/// table first, which tables, colour) come from the caller, never from the result.
@Suite struct RenderTests {
    struct Sample: Reportable {
        var analysis: String { "sample" }
        static func table(_ id: String) -> ReportTable {
            ReportTable(id: id, title: "Table \(id)", columns: [.init("name"), .init("value")], rows: [[.text(id), .int(1)]])
        }
        var tables: [ReportTable] { [Self.table("a"), Self.table("b")] }
        /// A table shown only on request, as survival's full curve.
        func table(id: String) -> ReportTable? { id == "extra" ? Self.table("extra") : tables.first { $0.id == id } }
        func encode(to encoder: Encoder) throws { var c = encoder.singleValueContainer(); try c.encode("sample") }
    }

    @Test func csvIsThePrimaryTableUnlessALeadIsAsked() throws {
        #expect(try Render.render(Sample(), as: .csv) == "name,value\na,1\n")
        #expect(try Render.render(Sample(), as: .csv, presentation: .init(lead: "extra")) == "name,value\nextra,1\n")
        #expect(try Render.render(Sample(), as: .csv, presentation: .init(lead: "b")) == "name,value\nb,1\n")
    }

    @Test func theLeadComesFirstAndOnlyFilters() throws {
        let md = try Render.render(Sample(), as: .md, presentation: .init(lead: "extra"))
        let titles = md.split(separator: "\n").filter { $0.hasPrefix("### ") }
        #expect(titles == ["### Table extra", "### Table a", "### Table b"])
        let b = try Render.render(Sample(), as: .md, presentation: .init(lead: "b"))
        #expect(b.split(separator: "\n").filter { $0.hasPrefix("### ") } == ["### Table b", "### Table a"])
        let only = try Render.render(Sample(), as: .md, presentation: .init(only: ["b"]))
        #expect(only.split(separator: "\n").filter { $0.hasPrefix("### ") } == ["### Table b"])
    }

    /// Every command's terminal tables follow the one colour rule (`ColorMode.detect`: a terminal,
    /// no NO_COLOR, TERM not dumb); before, only `cohorts` honoured NO_COLOR.
    @Test func colourOnlyWhenThePresentationSaysSo() throws {
        #expect(!(try Render.render(Sample(), as: .table)).contains("\u{1B}"))
        #expect(try Render.render(Sample(), as: .table, presentation: .init(color: .ansi256)).contains("\u{1B}"))
        #expect(TerminalHeatmap.ColorMode.detect(isTTY: true, environment: ["NO_COLOR": "1"]) == .none)
    }

    @Test func survivalCurveIsNotAmongTheTablesButShownOnRequest() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tenure-render-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try """
        customer_id,plan,start_date,end_date
        a,basic,2024-01-01,2024-03-01
        b,basic,2024-01-01,
        c,pro,2024-02-01,2024-05-01
        d,pro,2024-02-01,
        """.write(toFile: dir + "/subscriptions.csv", atomically: true, encoding: .utf8)
        let ds = try DatasetLoader.load(directory: dir, options: LoadOptions()).dataset
        var stages: [String] = []
        let r = try SurvivalAnalysis.run(ds, options: SurvivalOptions(), finished: { stages.append($0) })
        #expect(stages == ["events", "kaplan-meier"])
        #expect(!r.tables.contains { $0.id == "survival_curve" })
        #expect(r.table(id: "survival_curve")?.id == "survival_curve")
        let csv = try Render.render(r, as: .csv, presentation: .init(lead: "survival_curve"))
        #expect(csv == CSVWriter.render(r.curveTable))
        #expect(try Render.render(r, as: .csv) == CSVWriter.render(r.tables[0]))
    }
}
