import Foundation

/// A terminal heatmap: rows × columns of cells, each printed with its value and coloured by it.
///
/// Readable without colour: every cell carries its value as text and a shade glyph (` ░▒▓█`, light to
/// dark) for where the value falls in the colour domain. With colour the cell background follows a
/// sequential palette (viridis-like, dark purple = low, yellow = high), in truecolor (24-bit) or the
/// 256-colour cube. Cells beyond what was observed are blank; partial cells carry `*`, forecast cells `~`.
public enum TerminalHeatmap {
    public enum ColorMode: Sendable { case none, ansi256, truecolor
        /// Colour mode for a terminal: none when not a TTY or `NO_COLOR` is set; truecolor when `COLORTERM`
        /// says so; else 256 colours.
        public static func detect(isTTY: Bool, environment: [String: String] = ProcessInfo.processInfo.environment) -> ColorMode {
            guard isTTY, environment["NO_COLOR"] == nil, environment["TERM"] != "dumb" else { return .none }
            let ct = environment["COLORTERM"]?.lowercased() ?? ""
            return ct.contains("truecolor") || ct.contains("24bit") ? .truecolor : .ansi256
        }
    }

    public struct Cell: Sendable {
        public enum Mark: Sendable { case none, partial, forecast }
        /// Position on the colour scale (clamped to the domain); nil = no colour (e.g. not meaningful).
        public var value: Double?
        /// What is printed ("45%", "1.2k").
        public var text: String
        public var mark: Mark
        public init(value: Double?, text: String, mark: Mark = .none) { self.value = value; self.text = text; self.mark = mark }
    }

    public struct Grid: Sendable {
        public var title: String
        public var rowHeader: String
        public var rowLabels: [String]
        /// A second label column (e.g. cohort size), may be empty.
        public var rowNotes: [String]
        public var rowNoteHeader: String
        public var columnHeader: String
        public var columnLabels: [String]
        /// cells[row][column]; nil = not observed (printed blank).
        public var cells: [[Cell?]]
        public var domain: ClosedRange<Double>
        public var legend: String
        public var note: String?
        /// Legend thresholds as percentages (shares) or as plain numbers.
        public var legendAsPercent: Bool
        public init(title: String, rowHeader: String, rowLabels: [String], rowNotes: [String] = [], rowNoteHeader: String = "",
                    columnHeader: String, columnLabels: [String], cells: [[Cell?]], domain: ClosedRange<Double>,
                    legend: String, note: String? = nil, legendAsPercent: Bool = true) {
            self.title = title; self.rowHeader = rowHeader; self.rowLabels = rowLabels; self.rowNotes = rowNotes
            self.rowNoteHeader = rowNoteHeader; self.columnHeader = columnHeader; self.columnLabels = columnLabels
            self.cells = cells; self.domain = domain; self.legend = legend; self.note = note; self.legendAsPercent = legendAsPercent
        }
    }

    static let glyphs: [Character] = [" ", "░", "▒", "▓", "█"]
    /// Viridis stops (t = 0, 0.25, 0.5, 0.75, 1).
    static let stops: [(Double, Double, Double)] = [(68, 1, 84), (59, 82, 139), (33, 145, 140), (94, 201, 98), (253, 231, 37)]

    static func fraction(_ v: Double, _ d: ClosedRange<Double>) -> Double {
        guard d.upperBound > d.lowerBound, v.isFinite else { return 0 }
        return min(1, max(0, (v - d.lowerBound) / (d.upperBound - d.lowerBound)))
    }

    static func rgb(_ t: Double) -> (Int, Int, Int) {
        let x = t * Double(stops.count - 1)
        let i = min(stops.count - 2, Int(x)), f = x - Double(i)
        let a = stops[i], b = stops[i + 1]
        return (Int((a.0 + f * (b.0 - a.0)).rounded()), Int((a.1 + f * (b.1 - a.1)).rounded()), Int((a.2 + f * (b.2 - a.2)).rounded()))
    }

    static func background(_ t: Double, _ mode: ColorMode) -> String {
        let (r, g, b) = rgb(t)
        let fg = t > 0.55 ? "\u{1B}[38;5;16m" : "\u{1B}[38;5;231m"   // black on light, white on dark
        switch mode {
        case .none: return ""
        case .truecolor: return "\u{1B}[48;2;\(r);\(g);\(b)m" + fg
        case .ansi256:
            func q(_ c: Int) -> Int { c < 48 ? 0 : c < 115 ? 1 : (c - 35) / 40 }
            return "\u{1B}[48;5;\(16 + 36 * q(r) + 6 * q(g) + q(b))m" + fg
        }
    }

    static func pad(_ s: String, _ w: Int, right: Bool) -> String {
        let fill = String(repeating: " ", count: max(0, w - s.count))
        return right ? fill + s : s + fill
    }

    public static func render(_ g: Grid, color mode: ColorMode) -> String {
        let reset = mode == .none ? "" : "\u{1B}[0m"
        let bold = mode == .none ? "" : "\u{1B}[1m"
        let san = TerminalTable.sanitize
        let labels = g.rowLabels.map(san), notes = g.rowNotes.map(san)
        let lw = max(g.rowHeader.count, labels.map(\.count).max() ?? 0)
        let nw = notes.isEmpty ? 0 : max(g.rowNoteHeader.count, notes.map(\.count).max() ?? 0)
        // cell text: glyph + value + mark
        func text(_ c: Cell?) -> String {
            guard let c else { return "" }
            let glyph = c.value.map { glyphs[min(4, Int(fraction($0, g.domain) * 4.999))] } ?? " "
            let mark = c.mark == .partial ? "*" : c.mark == .forecast ? "~" : " "
            return "\(glyph)\(san(c.text))\(mark)"
        }
        let texts = g.cells.map { $0.map(text) }
        var cw = max(3, g.columnLabels.map(\.count).max() ?? 0)
        for row in texts { for t in row { cw = max(cw, t.count) } }
        var out = "\(bold)\(TerminalTable.wrap(san(g.title), TerminalTable.width))\(reset)\n"
        out += pad("", lw, right: false) + (nw > 0 ? "  " + pad("", nw, right: false) : "") + "  " + san(g.columnHeader) + "\n"
        out += pad(g.rowHeader, lw, right: false) + (nw > 0 ? "  " + pad(g.rowNoteHeader, nw, right: true) : "") + " "
        out += g.columnLabels.map { " " + pad(san($0), cw, right: true) }.joined() + "\n"
        for (r, row) in g.cells.enumerated() {
            var line = pad(labels[r], lw, right: false)
            if nw > 0 { line += "  " + pad(r < notes.count ? notes[r] : "", nw, right: true) }
            line += " "
            for (c, cell) in row.enumerated() {
                let t = pad(texts[r][c], cw, right: true)
                if let cell, let v = cell.value, mode != .none {
                    line += " " + background(fraction(v, g.domain), mode) + t + reset
                } else {
                    line += " " + t
                }
            }
            out += line + "\n"
        }
        // legend
        var legend = "\(san(g.legend)): "
        for (i, gl) in glyphs.enumerated() {
            let lo = g.domain.lowerBound + (g.domain.upperBound - g.domain.lowerBound) * Double(i) / 5
            let sw = mode == .none ? String(gl) : background(Double(i) / 4, mode) + " \(gl) " + reset
            let threshold = g.legendAsPercent ? formatFixed(lo * 100, decimals: 0) + "%"
                : formatFixed(lo, decimals: abs(g.domain.upperBound - g.domain.lowerBound) < 5 ? 2 : 0)
            legend += "\(sw) ≥\(threshold)  "
        }
        out += legend + "\n"
        if let note = g.note { out += TerminalTable.wrap(san(note), TerminalTable.width) + "\n" }
        return out
    }
}
