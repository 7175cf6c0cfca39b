import Foundation

/// Renders a `Chart` as one standalone SVG document (also valid inline in HTML): title, axes with
/// units, legend, colour-blind-safe colours, dash patterns that survive greyscale printing, and a
/// `<title>`/`<desc>` for screen readers. Every label is escaped. Layout only; no statistics.
public enum ChartSVG {
    public static let defaultWidth = 900.0

    public static func render(_ chart: Chart, width: Double = defaultWidth) -> String {
        switch chart {
        case .lines(let c): return lines(c, width: width)
        case .heatmap(let c): return heatmap(c, width: width)
        case .intervals(let c): return intervals(c, width: width)
        case .tornado(let c): return tornado(c, width: width)
        case .bars(let c): return bars(c, width: width)
        }
    }

    // MARK: - shared pieces

    static let font = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, 'DejaVu Sans', sans-serif"

    static func style() -> String {
        """
        <style>\
        .tc-chart{font-family:\(font)}\
        .tc-t{font-size:15px;font-weight:600;fill:#111827}\
        .tc-s{font-size:12px;fill:#4b5563}\
        .tc-k{font-size:11px;fill:#4b5563;font-variant-numeric:tabular-nums}\
        .tc-a{font-size:12px;font-weight:500;fill:#374151}\
        .tc-l{font-size:12px;fill:#1f2937}\
        .tc-v{font-size:10.5px;font-variant-numeric:tabular-nums}\
        .tc-g{stroke:#e5e7eb;stroke-width:1}\
        .tc-x{stroke:#6b7280;stroke-width:1}\
        .tc-m{stroke:#374151;stroke-width:1;stroke-dasharray:4 3}\
        </style>
        """
    }

    static func header(_ w: inout SVGWriter, id: String, width: Double, height: Double, title: String, caption: String?) {
        let sid = Escape.identifier(id)
        w.open("svg", [("xmlns", "http://www.w3.org/2000/svg"), ("viewBox", "0 0 \(SVGWriter.n(width)) \(SVGWriter.n(height))"),
                       ("width", SVGWriter.n(width)), ("height", SVGWriter.n(height)),
                       ("role", "img"), ("aria-labelledby", "\(sid)-title \(sid)-desc"), ("class", "tc-chart"), ("id", "chart-\(sid)")])
        w.open("title", [("id", "\(sid)-title")]); w.raw(Escape.svg(title)); w.close("title")
        w.open("desc", [("id", "\(sid)-desc")]); w.raw(Escape.svg(caption ?? title)); w.close("desc")
        w.raw(style())
        w.rect(0, 0, width, height, fill: "#ffffff")
        w.text(fitLabel(title, size: 15, maxWidth: width - 24), 12, 22, cls: "tc-t")
    }

    /// Legend entries flowed left to right, wrapping; returns the height used.
    struct LegendItem {
        enum Swatch { case line(color: String, dash: String), band(color: String), box(color: String), dot(color: String), whisker }
        var swatch: Swatch
        var label: String
    }

    static func legendHeight(_ items: [LegendItem], width: Double) -> Double {
        items.isEmpty ? 0 : Double(legendRows(items, width: width).count) * 18
    }

    static func legendRows(_ items: [LegendItem], width: Double) -> [[(LegendItem, Double)]] {
        var rows: [[(LegendItem, Double)]] = [[]]
        var x = 0.0
        for it in items {
            let label = fitLabel(it.label, size: 12, maxWidth: 260)
            let w = 28 + textWidth(label, size: 12) + 16
            if x + w > width - 24 && !rows[rows.count - 1].isEmpty { rows.append([]); x = 0 }
            rows[rows.count - 1].append((LegendItem(swatch: it.swatch, label: label), x))
            x += w
        }
        return rows
    }

    static func drawLegend(_ w: inout SVGWriter, _ items: [LegendItem], x0: Double, y0: Double, width: Double) {
        guard !items.isEmpty else { return }
        w.open("g", [("class", "tc-legend")])
        for (r, row) in legendRows(items, width: width).enumerated() {
            let y = y0 + Double(r) * 18
            for (it, dx) in row {
                let x = x0 + dx
                switch it.swatch {
                case .line(let c, let dash):
                    var st: [(String, String)] = [("stroke", c), ("stroke-width", "2.5")]
                    if !dash.isEmpty { st.append(("stroke-dasharray", dash)) }
                    w.line(x, y, x + 22, y, style: st)
                case .band(let c):
                    w.rect(x, y - 6, 22, 12, fill: c, extra: [("fill-opacity", "0.2")])
                case .box(let c):
                    w.rect(x + 4, y - 6, 14, 12, fill: c, extra: [("rx", "2")])
                case .dot(let c):
                    w.empty("circle", [("cx", SVGWriter.n(x + 11)), ("cy", SVGWriter.n(y)), ("r", "4.5"), ("fill", c)])
                case .whisker:
                    w.line(x + 1, y, x + 21, y, style: [("stroke", "#111827"), ("stroke-width", "1.5")])
                    w.line(x + 1, y - 4, x + 1, y + 4, style: [("stroke", "#111827"), ("stroke-width", "1.5")])
                    w.line(x + 21, y - 4, x + 21, y + 4, style: [("stroke", "#111827"), ("stroke-width", "1.5")])
                }
                w.text(it.label, x + 28, y + 4, cls: "tc-l")
            }
        }
        w.close("g")
    }

    static func extent(_ values: [Double]) -> (Double, Double)? {
        var lo = Double.infinity, hi = -Double.infinity
        for v in values where v.isFinite { lo = min(lo, v); hi = max(hi, v) }
        return lo <= hi ? (lo, hi) : nil
    }

    // MARK: - line chart

    public static func lines(_ c: LineChart, width W: Double = defaultWidth) -> String {
        if c.stacked, let first = c.series.first, c.series.allSatisfy({ $0.x == first.x && $0.y.count == first.x.count }) {
            return stackedAreas(c, width: W)
        }
        let sid = Escape.identifier(c.id)
        // domains
        let xs = c.series.flatMap(\.x) + c.markers.map(\.x)
        var ys = c.series.flatMap(\.y)
        for s in c.series { ys += (s.lower ?? []) + (s.upper ?? []) }
        let xe = extent(xs) ?? (0, 1)
        let ye = extent(ys) ?? (0, 1)
        let xLo = c.xAxis.min ?? xe.0, xHi = c.xAxis.max ?? xe.1
        var yLo = c.yAxis.min ?? ye.0, yHi = c.yAxis.max ?? ye.1
        var yTicks: [Double], yStep: Double
        if c.yAxis.log {
            yLo = max(yLo, 1e-12); yHi = max(yHi, yLo * 10)
            yTicks = Ticks.log(yLo, yHi); yStep = 0
        } else if c.yAxis.min != nil && c.yAxis.max != nil {
            (yTicks, yStep) = Ticks.within(yLo, yHi, count: 5)
        } else {
            let n = Ticks.nice(yLo, yHi, count: 5)
            yTicks = n.ticks; yStep = n.step
            if c.yAxis.min == nil { yLo = n.lo } else { yTicks = yTicks.filter { $0 >= yLo } }
            if c.yAxis.max == nil { yHi = n.hi } else { yTicks = yTicks.filter { $0 <= yHi } }
        }
        var xt: (ticks: [Double], step: Double) = c.xAxis.log ? (Ticks.log(max(xLo, 1e-12), xHi), 0) : Ticks.within(xLo, xHi, count: 8)
        var xFormat = c.xAxis.format
        if case .date = c.xAxis.format {
            let d = Ticks.dates(xLo, xHi)
            xt = (d.ticks, 1)
            xFormat = .date(monthOnly: d.monthOnly)
        }
        let yLabels = yTicks.map { Format.tick($0, c.yAxis.format, step: yStep == 0 ? $0 : yStep) }

        // legend: one entry per series; one per band label (grey when bands of several colours share it)
        var legend: [LegendItem] = []
        var seen = Set<String>()
        var bandColors: [String: Set<String>] = [:]
        for (i, s) in c.series.enumerated() where s.lower != nil {
            if let b = s.bandLabel { bandColors[b, default: []].insert(Palette.color(s.color ?? i)) }
        }
        for (i, s) in c.series.enumerated() {
            let color = Palette.color(s.color ?? i)
            if !seen.contains("s:" + s.name) {
                seen.insert("s:" + s.name)
                legend.append(LegendItem(swatch: .line(color: color, dash: dash(s, i)), label: s.name))
            }
        }
        for (i, s) in c.series.enumerated() {
            guard let b = s.bandLabel, s.lower != nil, !seen.contains("b:" + b) else { continue }
            seen.insert("b:" + b)
            let colors = bandColors[b] ?? []
            legend.append(LegendItem(swatch: .band(color: colors.count > 1 ? "#6b7280" : Palette.color(s.color ?? i)),
                                     label: colors.count > 1 ? "shaded: \(b)" : b))
        }
        if legend.count == 1 && c.series.first?.lower == nil { legend = [] }   // a lone series needs no legend
        let lh = legendHeight(legend, width: W)

        let atRiskNameW = min(160, (c.atRisk?.names.map { textWidth($0, size: 12) }.max() ?? 0))
        let left = max(30 + max(24, yLabels.map { textWidth($0, size: 11) }.max() ?? 24) + 10,
                       c.atRisk == nil ? 0 : atRiskNameW + 12 + 34)
        let right = 24.0
        let top = 36 + lh + (lh > 0 ? 8 : 0) + (c.markers.isEmpty ? 4 : 16)
        let plotH = 300.0
        let atRiskRows = c.atRisk?.names.count ?? 0
        let atRiskH = atRiskRows > 0 ? 22 + Double(atRiskRows) * 17 + 6 : 0
        let bottom = 50 + atRiskH
        let H = top + plotH + bottom
        let px0 = left, px1 = W - right, py0 = top, py1 = top + plotH
        let sx = Scale(domain: (xLo, xHi), range: (px0, px1), log: c.xAxis.log)
        let sy = Scale(domain: (yLo, yHi), range: (py1, py0), log: c.yAxis.log)

        var w = SVGWriter()
        header(&w, id: c.id, width: W, height: H, title: c.title, caption: c.caption)
        drawLegend(&w, legend, x0: 12, y0: 44, width: W)
        drawFrame(&w, sid: sid, x: (px0, px1), y: (py0, py1), sx: sx, sy: sy, yTicks: yTicks, yLabels: yLabels,
                  xTicks: xt, xFormat: xFormat, xTitle: c.xAxis.title, yTitle: c.yAxis.title)

        // bands first, then lines on top
        w.open("g", [("clip-path", "url(#\(sid)-clip)")])
        for (i, s) in c.series.enumerated() {
            guard let lo = s.lower, let hi = s.upper else { continue }
            let color = Palette.color(s.color ?? i)
            for run in runs(s.x, lo, hi) {
                var d = ""
                let upperPts = pts(run.map { (s.x[$0], hi[$0]) }, step: s.interpolation == .step, sx: sx, sy: sy)
                let lowerPts = pts(run.map { (s.x[$0], lo[$0]) }, step: s.interpolation == .step, sx: sx, sy: sy)
                for (k, p) in upperPts.enumerated() { d += (k == 0 ? "M" : "L") + SVGWriter.n(p.0) + " " + SVGWriter.n(p.1) }
                for p in lowerPts.reversed() { d += "L" + SVGWriter.n(p.0) + " " + SVGWriter.n(p.1) }
                d += "Z"
                w.open("path", [("d", d), ("fill", color), ("fill-opacity", s.style == .solid ? "0.16" : "0.12"), ("stroke", "none")])
                w.title("\(s.name): \(s.bandLabel ?? "interval")"); w.close("path")
            }
        }
        for (i, s) in c.series.enumerated() {
            let color = Palette.color(s.color ?? i)
            for run in runs(s.x, s.y, s.y) {
                let p = pts(run.map { (s.x[$0], s.y[$0]) }, step: s.interpolation == .step, sx: sx, sy: sy)
                var d = ""
                for (k, q) in p.enumerated() { d += (k == 0 ? "M" : "L") + SVGWriter.n(q.0) + " " + SVGWriter.n(q.1) }
                var a: [(String, String)] = [("d", d), ("fill", "none"), ("stroke", color), ("stroke-width", "2.25"),
                                             ("stroke-linejoin", "round"), ("stroke-linecap", "round")]
                let dsh = dash(s, i)
                if !dsh.isEmpty { a.append(("stroke-dasharray", dsh)) }
                w.open("path", a); w.title(s.name); w.close("path")
                if p.count == 1 || s.markers {
                    for k in run {
                        w.open("circle", [("cx", SVGWriter.n(sx(s.x[k]))), ("cy", SVGWriter.n(sy(s.y[k]))), ("r", "3"),
                                          ("fill", s.style == .solid ? color : "#ffffff"), ("stroke", color), ("stroke-width", "1.5")])
                        w.title("\(s.name): \(Format.value(s.x[k], c.xAxis.format)) → \(Format.value(s.y[k], c.yAxis.format))")
                        w.close("circle")
                    }
                }
            }
        }
        w.close("g")

        for m in c.markers where m.x >= min(xLo, xHi) && m.x <= max(xLo, xHi) {
            let x = sx(m.x)
            w.line(x, py0 - 6, x, py1, cls: "tc-m")
            let anchor = x > (px0 + px1) / 2 ? "end" : "start"
            w.text(m.label, x + (anchor == "end" ? -4 : 4), py0 - 8, anchor: anchor, cls: "tc-s")
        }

        if let ar = c.atRisk, !ar.names.isEmpty {
            var y = py1 + 60
            w.text("Number at risk", 12, y, cls: "tc-a")
            y += 18
            for (g, name) in ar.names.enumerated() {
                let color = Palette.color(c.series.firstIndex { $0.name == name }.map { c.series[$0].color ?? $0 } ?? g)
                w.text(fitLabel(name, size: 12, maxWidth: left - 46), px0 - 34, y, anchor: "end", cls: "tc-k",
                       extra: [("style", "fill:\(color);font-weight:600")])
                for (k, t) in ar.times.enumerated() where k < ar.counts[g].count && t >= min(xLo, xHi) && t <= max(xLo, xHi) {
                    w.text(Format.count(ar.counts[g][k]), sx(t), y, anchor: "middle", cls: "tc-k")
                }
                y += 17
            }
        }
        w.close("svg")
        return w.out
    }

    /// The frame of a chart on x and y axes (line charts, stacked areas): the plot's clip path, the y
    /// grid with its labels, the x ticks with theirs, both axis lines and both axis titles.
    static func drawFrame(_ w: inout SVGWriter, sid: String, x: (Double, Double), y: (Double, Double), sx: Scale, sy: Scale,
                          yTicks: [Double], yLabels: [String], xTicks: (ticks: [Double], step: Double), xFormat: ValueFormat,
                          xTitle: String, yTitle: String) {
        let (px0, px1) = x, (py0, py1) = y
        w.raw("<defs><clipPath id=\"\(sid)-clip\"><rect x=\"\(SVGWriter.n(px0))\" y=\"\(SVGWriter.n(py0 - 2))\" width=\"\(SVGWriter.n(px1 - px0 + 2))\" height=\"\(SVGWriter.n(py1 - py0 + 4))\"/></clipPath></defs>")
        for (t, label) in zip(yTicks, yLabels) {
            let yt = sy(t)
            w.line(px0, yt, px1, yt, cls: "tc-g")
            w.text(label, px0 - 8, yt + 4, anchor: "end", cls: "tc-k")
        }
        for t in xTicks.ticks {
            let xt = sx(t)
            w.line(xt, py1, xt, py1 + 5, cls: "tc-x")
            w.text(Format.tick(t, xFormat, step: xTicks.step == 0 ? t : xTicks.step), xt, py1 + 18, anchor: "middle", cls: "tc-k")
        }
        w.line(px0, py1, px1, py1, cls: "tc-x")
        w.line(px0, py0, px0, py1, cls: "tc-x")
        w.text(xTitle, (px0 + px1) / 2, py1 + 38, anchor: "middle", cls: "tc-a")
        w.text(yTitle, 0, 0, anchor: "middle", cls: "tc-a",
               extra: [("transform", "translate(16 \(SVGWriter.n((py0 + py1) / 2))) rotate(-90)")])
    }

    /// A line chart whose series are stacked areas (`LineChart.stacked`): series k fills the band
    /// between the sum of the series before it and that sum plus its own values; a legend box per
    /// series; the top edge of each band drawn as a line. Every series has the same x values.
    static func stackedAreas(_ c: LineChart, width W: Double) -> String {
        let sid = Escape.identifier(c.id)
        let x = c.series.first?.x ?? []
        // the stack: tops[k][i] = Σ_{j ≤ k} y_j[i] (layout, as stacked bars are)
        var tops: [[Double]] = []
        var run = [Double](repeating: 0, count: x.count)
        for s in c.series {
            for i in x.indices { run[i] += s.y[i].isFinite ? s.y[i] : 0 }
            tops.append(run)
        }
        let xe = extent(x) ?? (0, 1)
        let ye = extent(tops.last ?? []) ?? (0, 1)
        let xLo = c.xAxis.min ?? xe.0, xHi = c.xAxis.max ?? xe.1
        let yLo = c.yAxis.min ?? min(0, ye.0)
        var yHi = c.yAxis.max ?? ye.1
        var (yTicks, yStep) = Ticks.within(yLo, yHi, count: 5)
        if c.yAxis.max == nil { let n = Ticks.nice(yLo, yHi, count: 5); yTicks = n.ticks.filter { $0 >= yLo }; yStep = n.step; yHi = n.hi }
        let xt = Ticks.within(xLo, xHi, count: 8)
        let yLabels = yTicks.map { Format.tick($0, c.yAxis.format, step: yStep == 0 ? $0 : yStep) }
        let legend = c.series.enumerated().map { i, s in LegendItem(swatch: .box(color: Palette.color(s.color ?? i)), label: s.name) }
        let lh = legendHeight(legend, width: W)
        let left = 30 + max(24, yLabels.map { textWidth($0, size: 11) }.max() ?? 24) + 10
        let right = 24.0, top = 36 + lh + (lh > 0 ? 8 : 0) + 4, plotH = 300.0
        let H = top + plotH + 50
        let px0 = left, px1 = W - right, py0 = top, py1 = top + plotH
        let sx = Scale(domain: (xLo, xHi), range: (px0, px1), log: false)
        let sy = Scale(domain: (yLo, yHi), range: (py1, py0), log: false)
        var w = SVGWriter()
        header(&w, id: c.id, width: W, height: H, title: c.title, caption: c.caption)
        drawLegend(&w, legend, x0: 12, y0: 44, width: W)
        drawFrame(&w, sid: sid, x: (px0, px1), y: (py0, py1), sx: sx, sy: sy, yTicks: yTicks, yLabels: yLabels,
                  xTicks: xt, xFormat: c.xAxis.format, xTitle: c.xAxis.title, yTitle: c.yAxis.title)
        let step = c.series.first?.interpolation == .step
        w.open("g", [("clip-path", "url(#\(sid)-clip)")])
        for (k, s) in c.series.enumerated() {
            let color = Palette.color(s.color ?? k)
            let upper = pts(x.indices.map { (x[$0], tops[k][$0]) }, step: step, sx: sx, sy: sy)
            let lower = pts(x.indices.map { (x[$0], k > 0 ? tops[k - 1][$0] : 0) }, step: step, sx: sx, sy: sy)
            guard !upper.isEmpty else { continue }
            var d = ""
            for (i, p) in upper.enumerated() { d += (i == 0 ? "M" : "L") + SVGWriter.n(p.0) + " " + SVGWriter.n(p.1) }
            for p in lower.reversed() { d += "L" + SVGWriter.n(p.0) + " " + SVGWriter.n(p.1) }
            d += "Z"
            w.open("path", [("d", d), ("fill", color), ("fill-opacity", "0.55"), ("stroke", "none")])
            w.title(s.name); w.close("path")
            var top = ""
            for (i, p) in upper.enumerated() { top += (i == 0 ? "M" : "L") + SVGWriter.n(p.0) + " " + SVGWriter.n(p.1) }
            w.open("path", [("d", top), ("fill", "none"), ("stroke", color), ("stroke-width", "1.75"), ("stroke-linejoin", "round")])
            w.title(s.name); w.close("path")
        }
        w.close("g")
        w.close("svg")
        return w.out
    }

    static func dash(_ s: Series, _ i: Int) -> String {
        switch s.style {
        case .solid: return ""
        case .dashed: return "7 4"
        case .dotted: return "2 3"
        }
    }

    /// Index runs where x and both of a, b are finite (a line breaks at a gap).
    static func runs(_ x: [Double], _ a: [Double], _ b: [Double]) -> [[Int]] {
        var out: [[Int]] = [], cur: [Int] = []
        let n = min(x.count, a.count, b.count)
        for i in 0..<n {
            if x[i].isFinite && a[i].isFinite && b[i].isFinite { cur.append(i) } else if !cur.isEmpty { out.append(cur); cur = [] }
        }
        if !cur.isEmpty { out.append(cur) }
        return out
    }

    /// Pixel points; a step series holds each value until the next x.
    static func pts(_ p: [(Double, Double)], step: Bool, sx: Scale, sy: Scale) -> [(Double, Double)] {
        var out: [(Double, Double)] = []
        out.reserveCapacity(p.count * 2)
        for (k, q) in p.enumerated() {
            if step && k > 0 { out.append((sx(q.0), sy(p[k - 1].1))) }
            out.append((sx(q.0), sy(q.1)))
        }
        return out
    }

    // MARK: - heatmap

    public static func heatmap(_ c: Heatmap, width W0: Double = defaultWidth) -> String {
        let sid = Escape.identifier(c.id)
        let nr = c.rowLabels.count, nc = c.columnLabels.count
        var finite: [Double] = []
        for r in c.values { for v in r { if let v, v.isFinite { finite.append(v) } } }
        let dom = c.domain ?? (extent(finite).map { $0.0...$0.1 } ?? 0...1)
        let lo = dom.lowerBound, hi = dom.upperBound > dom.lowerBound ? dom.upperBound : dom.lowerBound + 1

        let labelW = min(200, max(60, (c.rowLabels.map { textWidth($0, size: 11) }.max() ?? 40) + 10))
        let noteW = c.rowNotes.map { notes in min(110, (notes.map { textWidth($0, size: 10.5) }.max() ?? 0) + 12) } ?? 0
        let left = 12 + labelW + noteW
        let right = 16.0
        let avail = W0 - left - right
        let cellW = max(16, min(56, avail / Double(max(nc, 1))))
        let W = max(W0, left + cellW * Double(nc) + right)
        let cellH = nr > 40 ? 14.0 : 20.0
        let showText = cellW >= 30 && cellH >= 18
        let legendH = 44.0
        let top = 36 + legendH + 34
        let gridW = cellW * Double(nc), gridH = cellH * Double(nr)
        let H = top + gridH + 30

        var w = SVGWriter()
        header(&w, id: c.id, width: W, height: H, title: c.title, caption: c.caption)
        w.raw("<defs><pattern id=\"\(sid)-hatch\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"#f3f4f6\"/><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#d1d5db\" stroke-width=\"2\"/></pattern>")
        w.raw("<linearGradient id=\"\(sid)-grad\" x1=\"0\" x2=\"1\" y1=\"0\" y2=\"0\">")
        for k in 0...10 {
            let t = Double(k) / 10
            w.raw("<stop offset=\"\(SVGWriter.n(t * 100))%\" stop-color=\"\(Palette.hex(Palette.sequential(t)))\"/>")
        }
        w.raw("</linearGradient></defs>")

        // colour legend
        let lgX = 12.0, lgY = 46.0, lgW = 220.0
        w.text(c.legendLabel, lgX, lgY, cls: "tc-a")
        w.rect(lgX, lgY + 6, lgW, 10, fill: "url(#\(sid)-grad)")
        let lt = Ticks.within(lo, hi, count: 4)
        for t in lt.ticks {
            let x = lgX + (t - lo) / (hi - lo) * lgW
            w.line(x, lgY + 16, x, lgY + 20, cls: "tc-x")
            w.text(Format.tick(t, c.format, step: lt.step), x, lgY + 31, anchor: "middle", cls: "tc-k")
        }
        var lx = lgX + lgW + 28
        w.rect(lx, lgY + 5, 14, 12, fill: "url(#\(sid)-hatch)", extra: [("stroke", "#d1d5db")])
        w.text("not observed yet", lx + 20, lgY + 15, cls: "tc-l")
        lx += 20 + textWidth("not observed yet", size: 12) + 22
        if c.forecast != nil {
            w.rect(lx, lgY + 5, 14, 12, fill: Palette.hex(Palette.sequential(0.5)), extra: [("stroke", "#111827"), ("stroke-dasharray", "2 2"), ("fill-opacity", "0.55")])
            w.text("forecast", lx + 20, lgY + 15, cls: "tc-l")
        }

        // axis titles and column labels
        w.text(c.columnAxis, left + gridW / 2, top - 22, anchor: "middle", cls: "tc-a")
        w.text(c.rowAxis, 12, top - 6, cls: "tc-a")
        let every = max(1, Int((28 / cellW).rounded(.up)))
        for (j, l) in c.columnLabels.enumerated() where j % every == 0 {
            w.text(fitLabel(l, size: 11, maxWidth: cellW * Double(every) - 2), left + (Double(j) + 0.5) * cellW, top - 6, anchor: "middle", cls: "tc-k")
        }
        for (i, l) in c.rowLabels.enumerated() {
            let y = top + (Double(i) + 0.5) * cellH + 4
            w.text(fitLabel(l, size: 11, maxWidth: labelW - 8), 12, y, cls: "tc-k", extra: [("style", "fill:#1f2937")])
            if let notes = c.rowNotes, i < notes.count {
                w.text(notes[i], left - 8, y, anchor: "end", cls: "tc-k")
            }
        }
        // cells
        for i in 0..<nr {
            let row = c.values[i]
            for j in 0..<nc {
                let x = left + Double(j) * cellW, y = top + Double(i) * cellH
                let v = j < row.count ? row[j] : nil
                let isForecast = c.forecast.map { i < $0.count && j < $0[i].count && $0[i][j] } ?? false
                let tip = "\(c.rowLabels[i]) · \(c.columnAxis) \(c.columnLabels[j]): "
                guard let v, v.isFinite else {
                    w.rect(x, y, cellW, cellH, fill: "url(#\(sid)-hatch)", extra: [("stroke", "#ffffff"), ("stroke-width", "1")],
                           title: tip + "not observed")
                    continue
                }
                let t = (v - lo) / (hi - lo)
                let col = Palette.sequential(t)
                var extra: [(String, String)] = [("stroke", "#ffffff"), ("stroke-width", "1")]
                if isForecast { extra = [("fill-opacity", "0.55"), ("stroke", "#111827"), ("stroke-width", "0.8"), ("stroke-dasharray", "2 2")] }
                w.rect(x + (isForecast ? 0.8 : 0), y + (isForecast ? 0.8 : 0), cellW - (isForecast ? 1.6 : 0), cellH - (isForecast ? 1.6 : 0),
                       fill: Palette.hex(col), extra: extra,
                       title: tip + Format.value(v, c.format) + (isForecast ? " (forecast)" : ""))
                if showText {
                    let dark = isForecast ? false : Palette.luminance(col) < 0.32
                    w.text(Format.value(v, c.format), x + cellW / 2, y + cellH / 2 + 3.5, anchor: "middle", cls: "tc-v",
                           extra: [("style", "fill:\(dark ? "#ffffff" : "#111827")" + (isForecast ? ";font-style:italic" : ""))])
                }
            }
        }
        w.close("svg")
        return w.out
    }

    // MARK: - interval chart (horizontal)

    public static func intervals(_ c: IntervalChart, width W: Double = defaultWidth) -> String {
        let rowH = 28.0
        let fmt = c.axis.format
        var vals = c.rows.map(\.estimate) + c.rows.compactMap(\.lower) + c.rows.compactMap(\.upper)
        if let r = c.reference { vals.append(r) }
        if c.style == .bar { vals.append(c.reference ?? 0) }
        let e = extent(vals) ?? (0, 1)
        let n = Ticks.nice(c.axis.min ?? e.0, c.axis.max ?? e.1, count: 6)
        let lo = c.axis.min ?? n.lo, hi = c.axis.max ?? n.hi
        let labelW = min(220, max(60, (c.rows.map { textWidth($0.label, size: 12) }.max() ?? 40) + 14))
        let valueTexts = c.rows.map { r -> String in
            var s = Format.value(r.estimate, fmt)
            if let l = r.lower, let u = r.upper { s += " (\(Format.value(l, fmt)) to \(Format.value(u, fmt)))" }
            return s
        }
        let noteTexts = c.rows.map { $0.note ?? "" }
        let valW = min(260, (valueTexts.map { textWidth($0, size: 11) }.max() ?? 0) + 16)
        let noteW = min(200, (noteTexts.map { textWidth($0, size: 11) }.max() ?? 0) + (noteTexts.contains { !$0.isEmpty } ? 12 : 0))
        var legend: [LegendItem] = [LegendItem(swatch: c.style == .bar ? .box(color: Palette.color(0)) : .dot(color: Palette.color(0)), label: c.estimateLabel)]
        if let il = c.intervalLabel, c.rows.contains(where: { $0.lower != nil }) { legend.append(LegendItem(swatch: .whisker, label: il)) }
        let lh = legendHeight(legend, width: W)
        let top = 36 + lh + 14
        let left = 12 + labelW
        let right = valW + noteW + 12
        let px0 = left, px1 = W - right
        let H = top + rowH * Double(c.rows.count) + 52
        let sx = Scale(domain: (lo, hi), range: (px0, px1), log: c.axis.log)

        var w = SVGWriter()
        header(&w, id: c.id, width: W, height: H, title: c.title, caption: c.caption)
        drawLegend(&w, legend, x0: 12, y0: 44, width: W)
        let py0 = top, py1 = top + rowH * Double(c.rows.count)
        for t in n.ticks where t >= lo && t <= hi {
            let x = sx(t)
            w.line(x, py0, x, py1, cls: "tc-g")
            w.text(Format.tick(t, fmt, step: n.step), x, py1 + 16, anchor: "middle", cls: "tc-k")
        }
        w.line(px0, py1, px1, py1, cls: "tc-x")
        w.text(c.axis.title, (px0 + px1) / 2, py1 + 36, anchor: "middle", cls: "tc-a")
        if c.style == .point || c.reference != nil {
            for i in 0..<c.rows.count where i % 2 == 1 {
                w.rect(px0, py0 + Double(i) * rowH, px1 - px0, rowH, fill: "#f9fafb")
            }
        }
        if let r = c.reference, r >= lo, r <= hi {
            w.line(sx(r), py0 - 4, sx(r), py1, style: [("stroke", "#111827"), ("stroke-width", "1.2")])
        }
        let base = c.reference ?? 0
        for (i, r) in c.rows.enumerated() {
            let cy = py0 + (Double(i) + 0.5) * rowH
            w.text(fitLabel(r.label, size: 12, maxWidth: labelW - 10), left - 10, cy + 4, anchor: "end", cls: "tc-l")
            let color = Palette.color(0)
            let tip = "\(r.label): \(valueTexts[i])" + (r.note.map { " · \($0)" } ?? "")
            if c.style == .bar {
                let x0 = sx(max(lo, min(hi, base))), x1 = sx(max(lo, min(hi, r.estimate)))
                w.rect(min(x0, x1), cy - 8, abs(x1 - x0), 16, fill: r.estimate < base ? Palette.color(3) : color,
                       extra: [("fill-opacity", "0.85"), ("rx", "1.5")], title: tip)
            }
            if let l = r.lower, let u = r.upper {
                let a = sx(max(lo, min(hi, l))), b = sx(max(lo, min(hi, u)))
                let st: [(String, String)] = [("stroke", "#111827"), ("stroke-width", "1.6")]
                w.line(a, cy, b, cy, style: st)
                w.line(a, cy - 5, a, cy + 5, style: st)
                w.line(b, cy - 5, b, cy + 5, style: st)
            }
            if c.style == .point {
                w.open("circle", [("cx", SVGWriter.n(sx(r.estimate))), ("cy", SVGWriter.n(cy)), ("r", "5"),
                                  ("fill", r.estimate < base && c.reference != nil ? Palette.color(3) : color), ("stroke", "#ffffff"), ("stroke-width", "1.2")])
                w.title(tip); w.close("circle")
            }
            w.text(valueTexts[i], px1 + 10, cy + 4, cls: "tc-k", extra: [("style", "fill:#111827")])
            if !noteTexts[i].isEmpty { w.text(noteTexts[i], px1 + valW + 10, cy + 4, cls: "tc-k") }
        }
        w.close("svg")
        return w.out
    }

    // MARK: - tornado

    public static func tornado(_ c: TornadoChart, width W: Double = defaultWidth) -> String {
        let rowH = 30.0
        let fmt = c.axis.format
        let vals = c.bars.flatMap { [$0.low, $0.high] } + [c.baseline]
        let e = extent(vals) ?? (0, 1)
        let n = Ticks.nice(e.0, e.1, count: 6)
        let labelW = min(220, max(60, (c.bars.map { textWidth($0.label, size: 12) }.max() ?? 40) + 14))
        let legend = [LegendItem(swatch: .box(color: Palette.color(0)), label: "input at its low value"),
                      LegendItem(swatch: .box(color: Palette.color(1)), label: "input at its high value")]
        let top = 36 + legendHeight(legend, width: W) + 30
        let left = 12 + labelW, right = 70.0
        let px0 = left, px1 = W - right
        let py0 = top, py1 = top + rowH * Double(c.bars.count)
        let H = py1 + 52
        let sx = Scale(domain: (n.lo, n.hi), range: (px0, px1))

        var w = SVGWriter()
        header(&w, id: c.id, width: W, height: H, title: c.title, caption: c.caption)
        drawLegend(&w, legend, x0: 12, y0: 44, width: W)
        for t in n.ticks {
            let x = sx(t)
            w.line(x, py0, x, py1, cls: "tc-g")
            w.text(Format.tick(t, fmt, step: n.step), x, py1 + 16, anchor: "middle", cls: "tc-k")
        }
        w.line(px0, py1, px1, py1, cls: "tc-x")
        w.text(c.axis.title, (px0 + px1) / 2, py1 + 36, anchor: "middle", cls: "tc-a")
        let bx = sx(c.baseline)
        for (i, b) in c.bars.enumerated() {
            let cy = py0 + (Double(i) + 0.5) * rowH
            w.text(fitLabel(b.label, size: 12, maxWidth: labelW - 10), left - 10, cy + 4, anchor: "end", cls: "tc-l")
            // draw the longer swing first so the shorter one stays visible when both fall on one side;
            // swings equal to rounding (an input the NPV is linear in) keep the low one first, so the
            // picture does not hang on the last bits of a sum
            let low: (Double, Int, String?) = (b.low, 0, b.lowInput), high: (Double, Int, String?) = (b.high, 1, b.highInput)
            let dl = abs(b.low - c.baseline), dh = abs(b.high - c.baseline)
            let parts = dh > dl + 1e-9 * max(1, dl, dh) ? [high, low] : [low, high]
            for (k, (v, colorIndex, input)) in parts.enumerated() {
                let x = sx(v)
                let h = k == 0 ? 20.0 : 12.0
                w.rect(min(bx, x), cy - h / 2, abs(x - bx), h, fill: Palette.color(colorIndex),
                       extra: [("fill-opacity", "0.9")],
                       title: "\(b.label) at its \(colorIndex == 0 ? "low" : "high") value\(input.map { " (\($0))" } ?? ""): \(Format.value(v, fmt))")
                if let input {
                    let outside = x < bx ? x - 4 : x + 4
                    w.text(input, outside, cy + 4, anchor: x < bx ? "end" : "start", cls: "tc-k")
                }
            }
        }
        w.line(bx, py0 - 8, bx, py1, style: [("stroke", "#111827"), ("stroke-width", "1.5")])
        w.text("\(c.baselineLabel): \(Format.value(c.baseline, fmt))", bx, py0 - 12, anchor: "middle", cls: "tc-s")
        w.close("svg")
        return w.out
    }

    // MARK: - bar chart (vertical, grouped or stacked)

    public static func bars(_ c: BarChart, width W: Double = defaultWidth) -> String {
        let fmt = c.axis.format
        var lows: [Double] = [0], highs: [Double] = [0]
        if c.stacked {
            for k in c.categories.indices {
                var pos = 0.0, neg = 0.0
                for g in c.groups { if k < g.values.count, let v = g.values[k], v.isFinite { if v >= 0 { pos += v } else { neg += v } } }
                highs.append(pos); lows.append(neg)
            }
        } else {
            for g in c.groups { for v in g.values { if let v, v.isFinite { highs.append(v); lows.append(v) } } }
        }
        let n = Ticks.nice(c.axis.min ?? lows.min()!, c.axis.max ?? highs.max()!, count: 5)
        let labels = n.ticks.map { Format.tick($0, fmt, step: n.step) }
        var legend: [LegendItem] = []
        if c.groups.count > 1 {
            for (i, g) in c.groups.enumerated() { legend.append(LegendItem(swatch: .box(color: Palette.color(g.color ?? i)), label: g.name)) }
        }
        let lh = legendHeight(legend, width: W)
        let left = 30 + max(24, labels.map { textWidth($0, size: 11) }.max() ?? 24) + 10
        let top = 36 + lh + (lh > 0 ? 8 : 0) + 4
        let plotH = 260.0
        let nCat = max(1, c.categories.count)
        let slot = (W - left - 20) / Double(nCat)
        let rotate = c.categories.contains { textWidth($0, size: 11) > slot - 4 }
        let bottom = rotate ? 86.0 : 50.0
        let H = top + plotH + bottom
        let px0 = left, px1 = W - 20, py0 = top, py1 = top + plotH
        let sy = Scale(domain: (n.lo, n.hi), range: (py1, py0))

        var w = SVGWriter()
        header(&w, id: c.id, width: W, height: H, title: c.title, caption: c.caption)
        drawLegend(&w, legend, x0: 12, y0: 44, width: W)
        for (t, l) in zip(n.ticks, labels) {
            w.line(px0, sy(t), px1, sy(t), cls: t == 0 ? "tc-x" : "tc-g")
            w.text(l, px0 - 8, sy(t) + 4, anchor: "end", cls: "tc-k")
        }
        w.line(px0, py0, px0, py1, cls: "tc-x")
        w.text(c.axis.title, 0, 0, anchor: "middle", cls: "tc-a",
               extra: [("transform", "translate(16 \(SVGWriter.n((py0 + py1) / 2))) rotate(-90)")])
        w.text(c.categoryAxis, (px0 + px1) / 2, H - 10, anchor: "middle", cls: "tc-a")
        let every = max(1, Int((14 / slot).rounded(.up)))
        for (k, cat) in c.categories.enumerated() {
            let cx = px0 + (Double(k) + 0.5) * slot
            if k % every == 0 {
                if rotate {
                    w.text(fitLabel(cat, size: 11, maxWidth: 70), cx, py1 + 12, anchor: "end", cls: "tc-k",
                           extra: [("transform", "rotate(-40 \(SVGWriter.n(cx)) \(SVGWriter.n(py1 + 12)))")])
                } else {
                    w.text(cat, cx, py1 + 18, anchor: "middle", cls: "tc-k")
                }
            }
            let inner = slot * 0.78
            var pos = 0.0, neg = 0.0
            for (gi, g) in c.groups.enumerated() {
                guard k < g.values.count, let v = g.values[k], v.isFinite else { continue }
                let color = Palette.color(g.color ?? gi)
                let tip = "\(g.name) · \(cat): \(Format.value(v, fmt))"
                if c.stacked {
                    let from = v >= 0 ? pos : neg
                    let to = from + v
                    if v >= 0 { pos = to } else { neg = to }
                    w.rect(cx - inner / 2, min(sy(from), sy(to)), inner, abs(sy(to) - sy(from)), fill: color, title: tip)
                } else {
                    let bw = inner / Double(max(1, c.groups.count))
                    let x = cx - inner / 2 + Double(gi) * bw
                    w.rect(x, min(sy(0), sy(v)), bw - 1, abs(sy(v) - sy(0)), fill: color, title: tip)
                }
            }
        }
        w.close("svg")
        return w.out
    }
}
