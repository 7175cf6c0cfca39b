import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
import TenureData
import TenureSynth
@testable import TenureReport

/// The report built from real analyses of a generated dataset whose segments carry hostile labels:
/// every section is there, the labels are escaped in every writer, and the same input gives the
/// same bytes.
@Suite(.serialized) struct FullReportTests {
    static let quoted = "O'Brien & \"Sons\"\nLtd | <b>"
    /// A churn reason (subscriptions.csv end_reason) with markup, a pipe, quotes and a newline.
    static let reason = "moved <b>away</b> | \"now\"\nelsewhere"

    /// 1,500 generated customers; segments renamed to `<script>alert(1)</script>` and a label with
    /// quotes, a newline, a pipe and markup. Built once for the suite. The ROI section is left out
    /// here (its baselines are slow in a debug build; its charts' escaping is covered by
    /// `Sample.document()` and end to end by scripts/e2e/80-report.sh).
    static let built: Result<ReportDocument, Error> = Result {
        var config = SynthConfig(customers: 1_500, seed: 5)
        config.segments[0].name = Sample.hostile
        config.segments[1].name = quoted
        config.endReasons.churn[2] = reason
        let ds = try Synth.generate(config: config).dataset()
        var o = ReportOptions()
        o.dataPath = "data/\"quoted\" <i>path</i>"
        o.skipROI = true
        return ReportBuilder.build(ds, options: o)
    }

    func document() throws -> ReportDocument { try Self.built.get() }

    @Test func everyAnalysisSectionIsPresent() throws {
        let doc = try document()
        #expect(doc.sections.map(\.id) == ["kpis", "cohorts", "survival", "competing", "clv"])
        for s in doc.sections {
            #expect(s.unavailable == nil, "section \(s.id) unavailable: \(s.unavailable ?? "")")
        }
        let charts = Set(doc.allCharts.map(\.id))
        for id in ["cohort_retention_heatmap", "cohort_average_curve", "cohort_forecast", "km_curves", "competing_stacked_1", "competing_top_reason", "clv_by_segment", "clv_tracking"] {
            #expect(charts.contains(id), "missing chart \(id)")
        }
        let km = doc.allCharts.first { $0.id == "km_curves" }
        if case .lines(let c)? = km {
            #expect(c.atRisk != nil)
            #expect(c.series.allSatisfy { $0.lower != nil && $0.upper != nil })
        } else { Issue.record("km_curves is not a line chart") }
        // KPI tiles, compared with the example targets when none are given
        let tiles = doc.sections.flatMap { s in s.blocks.flatMap { b -> [KPITile] in if case .tiles(let t) = b { return t } else { return [] } } }
        #expect(tiles.count >= 8)
        #expect(tiles.contains { $0.status == .met || $0.status == .missed })
        #expect(tiles.contains { $0.target != nil })
    }

    @Test func hostileLabelsAreEscapedInEveryWriter() throws {
        let doc = try document()
        // the label reaches the document (CLV by segment, KM by segment) ...
        let labels = doc.allCharts.flatMap { c -> [String] in
            switch c {
            case .lines(let l): return l.series.map(\.name)
            case .intervals(let i): return i.rows.map(\.label)
            default: return []
            }
        }
        #expect(labels.contains(Sample.hostile))
        #expect(labels.contains(Self.quoted))
        #expect(labels.contains(Self.reason))
        // ... and never leaves a writer raw
        let html = HTMLPage.render(doc.uniqued())
        #expect(!html.contains("<script"))
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(html.contains("O&#39;Brien &amp; &quot;Sons&quot;"))
        #expect(!html.contains("<i>path</i>"))
        for c in doc.allCharts {
            let svg = ChartSVG.render(c)
            #expect(xmlError(svg) == nil, "chart \(c.id) is not well-formed")
            #expect(!svg.contains("<script") && !svg.contains("<b>"), "chart \(c.id) leaks a label")
        }
        let md = MarkdownReport.render(doc)
        #expect(!md.contains("<script") && !md.contains("<b>") && !md.contains("<i>"))
        #expect(md.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        // a label's newline never breaks a Markdown table row
        for line in md.split(separator: "\n") where line.hasPrefix("|") { #expect(line.hasSuffix("|"), "broken table row: \(line)") }
        let nb = NotebookBuilder.build(doc.uniqued())
        for cell in nb.cells {
            switch cell {
            case .markdown(_, let src):
                #expect(!src.contains("<script") && !src.contains("<b>"))
            case .code(_, let src, _, _, let outputs):
                if src.contains("data_path") { #expect(src.contains("data_path = \"data/\\\"quoted\\\" <i>path</i>\"")) }
                else { #expect(!src.contains("<")) }
                for o in outputs {
                    if case .result(_, let data) = o { #expect(!(data["text/html"] ?? "").contains("<script")) }
                    if case .display(let data) = o { #expect(!(data["image/svg+xml"] ?? "").contains("<script")) }
                }
            }
        }
    }

    @Test func csvKeepsTheLabelAsData() throws {
        let doc = try document()
        let csv = doc.allTables.map { CSVWriter.render($0) }.joined()
        #expect(csv.contains(Sample.hostile))
        #expect(csv.contains("\"O'Brien & \"\"Sons\"\"\nLtd | <b>\""))   // RFC 4180 quoting
    }

    @Test func sameDataSameBytes() throws {
        var config = SynthConfig(customers: 600, seed: 8)
        config.segments[0].name = Sample.hostile
        let ds = try Synth.generate(config: config).dataset()
        var o = ReportOptions()
        o.skipROI = true
        let a = ReportBuilder.build(ds, options: o), b = ReportBuilder.build(ds, options: o)
        #expect(NotebookBuilder.build(a.uniqued()).serialized() == NotebookBuilder.build(b.uniqued()).serialized())
        #expect(try ReportWriter.resultsJSON(a) == ReportWriter.resultsJSON(b))
        #expect(HTMLPage.render(a.uniqued()) == HTMLPage.render(b.uniqued()))
    }
}
