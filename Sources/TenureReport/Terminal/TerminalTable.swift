/// Plain-text tables for a terminal: aligned columns, numbers right-aligned, optional ANSI colour.
public enum TerminalTable {
    public static func render(_ t: ReportTable, color: Bool = false) -> String {
        let header = t.columns.map(\.label)
        let cells = t.rows.map { $0.map { sanitize($0.display) } }
        var width = header.map { $0.count }
        for row in cells { for (i, c) in row.enumerated() where i < width.count { width[i] = max(width[i], c.count) } }
        func pad(_ s: String, _ w: Int, right: Bool) -> String {
            let fill = String(repeating: " ", count: max(0, w - s.count))
            return right ? fill + s : s + fill
        }
        let bold = color ? "\u{1B}[1m" : "", reset = color ? "\u{1B}[0m" : ""
        var out = "\(bold)\(sanitize(t.title))\(reset)\n"
        let numeric = t.columns.indices.map { i in t.rows.contains { i < $0.count && $0[i].isNumeric } }
        out += header.enumerated().map { pad($1, width[$0], right: numeric[$0]) }.joined(separator: "  ") + "\n"
        out += width.map { String(repeating: "─", count: $0) }.joined(separator: "  ") + "\n"
        for row in cells {
            out += row.enumerated().map { i, c in pad(c, i < width.count ? width[i] : c.count, right: i < numeric.count && numeric[i]) }
                .joined(separator: "  ") + "\n"
        }
        if let note = t.note { out += sanitize(note) + "\n" }
        return out
    }

    /// Removes control characters (ANSI escapes, newlines) a data label could smuggle into a terminal.
    public static func sanitize(_ s: String) -> String {
        String(String.UnicodeScalarView(s.unicodeScalars.map { $0.properties.generalCategory == .control ? " " : $0 }))
    }
}
