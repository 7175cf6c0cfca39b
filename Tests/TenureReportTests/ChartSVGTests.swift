import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import TenureReport

/// Parses a document as XML; returns the parse error, or nil when well-formed.
func xmlError(_ text: String) -> String? {
    let p = XMLParser(data: Data(text.utf8))
    return p.parse() ? nil : (p.parserError.map { "\($0)" } ?? "unknown XML error")
}

@Suite struct ChartSVGTests {
    /// An input the NPV is linear in swings equally both ways; rounding in the last bits (one
    /// machine's BLAS kernels against another's) must not change which bar is drawn first.
    @Test func equalTornadoSwingsDrawTheSameWhateverTheLastBits() {
        func svg(_ low: Double, _ high: Double) -> String {
            ChartSVG.tornado(TornadoChart(id: "t", title: "t", caption: "", axis: Axis("NPV", unit: nil, format: .number(decimals: 0)),
                                          baseline: 2740.1289031736123, baselineLabel: "central NPV",
                                          bars: [.init(label: "new customers", low: low, high: high, lowInput: "240", highInput: "560")]))
        }
        let a = svg(-355.92265809583296, 5836.180464443063), b = svg(-355.92265809587843, 5836.180464442943)
        #expect(a.firstRange(of: "<rect") != nil)
        #expect(a.components(separatedBy: "fill=\"").dropFirst().map { $0.prefix(7) } == b.components(separatedBy: "fill=\"").dropFirst().map { $0.prefix(7) })
        // a clearly longer high swing is still drawn first
        let c = svg(2000, 9000)
        let bars = c[c.range(of: ">new customers<")!.upperBound...]
        #expect(bars.range(of: "#E69F00")!.lowerBound < bars.range(of: "#0072B2")!.lowerBound)
    }

    @Test func everyChartIsWellFormedXMLWithEscapedLabels() throws {
        let charts = Sample.document().allCharts
        #expect(charts.count == 8)
        #expect(charts.filter { ChartSVG.render($0).contains("&lt;script&gt;") }.count >= 5)
        for c in charts {
            let svg = ChartSVG.render(c)
            let wellFormed = xmlError(svg) == nil
            #expect(wellFormed, "chart \(c.id) is not well-formed XML")
            let leaks = svg.contains("<script")
            #expect(!leaks, "chart \(c.id) leaks a raw <script>")
            let mentions = svg.components(separatedBy: "alert(1)").count - 1
            let escaped = svg.components(separatedBy: "&lt;script&gt;alert(1)&lt;/script&gt;").count - 1
            #expect(mentions == escaped, "chart \(c.id) has an unescaped hostile label")
            let root = svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\"")
            #expect(root)
            let titled = svg.contains("<title id=")
            #expect(titled, "chart \(c.id) has no accessible title")
        }
    }

    @Test func chartsHaveTitlesAxesAndLegends() {
        let doc = Sample.document()
        let km = doc.allCharts.first { $0.id == "km_segment" }!
        let svg = ChartSVG.render(km)
        #expect(svg.contains("Kaplan–Meier survival by segment"))
        #expect(svg.contains("time since first purchase (days)"))
        #expect(svg.contains("survival probability (%)"))
        #expect(svg.contains("Number at risk"))
        #expect(svg.contains("shaded: 95% CI"))   // one legend entry for the bands of every group
        #expect(svg.contains(">retail<"))
        #expect(svg.contains("2,790"))
    }

    @Test func heatmapMarksUnobservedAndForecastCells() {
        let heat = Sample.document().allCharts.first { $0.id == "cohort_heatmap" }!
        let svg = ChartSVG.render(heat)
        #expect(svg.contains("not observed yet"))
        #expect(svg.contains("(forecast)"))
        #expect(svg.contains("url(#cohort_heatmap-hatch)"))
        #expect(svg.contains(">100%<"))
    }

    @Test func nonFiniteValuesBreakLinesInsteadOfCrashing() {
        let c = LineChart(id: "gaps", title: "gaps", xAxis: Axis("x"), yAxis: Axis("y"),
                          series: [Series(name: "s", x: [0, 1, 2, 3, 4], y: [1, .nan, 2, .infinity, 3])])
        let svg = ChartSVG.render(.lines(c))
        #expect(xmlError(svg) == nil)
        #expect(!svg.contains("nan") && !svg.contains("inf"))
        let empty = LineChart(id: "empty", title: "empty", xAxis: Axis("x"), yAxis: Axis("y"), series: [])
        #expect(xmlError(ChartSVG.render(.lines(empty))) == nil)
        let h = Heatmap(id: "h", title: "h", rowAxis: "r", columnAxis: "c", rowLabels: ["a"], columnLabels: ["0"], values: [[nil]], legendLabel: "v")
        #expect(xmlError(ChartSVG.render(.heatmap(h))) == nil)
    }

    @Test func niceTicksAreRound() {
        let t = Ticks.nice(0.03, 0.97, count: 5)
        #expect(t.ticks == [0, 0.2, 0.4, 0.6000000000000001, 0.8, 1] || t.step == 0.2)
        #expect(Ticks.nice(0, 1234, count: 5).step == 250)
        let d = Ticks.dates(19723, 19723 + 365)  // 2024-01-01 … 2024-12-31
        #expect(d.ticks.count >= 4 && d.ticks.count <= 8)
        #expect(d.ticks.allSatisfy { Format.value($0, .date(monthOnly: false)).hasSuffix("-01") })
    }
}
