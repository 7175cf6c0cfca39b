import Foundation

/// Plain-text tables for a terminal: aligned columns, numbers right-aligned, optional ANSI colour.
///
/// Width: a table wider than `width` (default `TerminalTable.width`: `$COLUMNS`, else the terminal's
/// width when standard output is one, else unlimited) first has its long text cells shortened (to no
/// less than 12 characters, ending in "…"), then is split into blocks of columns that fit, each
/// repeating the first column, so no line is wider than the terminal. CSV, JSON and Markdown carry
/// every value in full.
public enum TerminalTable {
    public static func render(_ t: ReportTable, color: Bool = false, width maxWidth: Int? = TerminalTable.width) -> String {
        let header = t.columns.map(\.label)
        var cells = t.rows.map { $0.map { sanitize($0.display) } }
        func widths() -> [Int] {
            var w = header.map { $0.count }
            for row in cells { for (i, c) in row.enumerated() where i < w.count { w[i] = max(w[i], c.count) } }
            return w
        }
        var width = widths()
        let numeric = t.columns.indices.map { i in t.rows.contains { i < $0.count && $0[i].isNumeric } }
        func total(_ cols: [Int]) -> Int { cols.reduce(0) { $0 + width[$1] } + 2 * max(0, cols.count - 1) }
        if let maxWidth, total(Array(width.indices)) > maxWidth {
            // shorten the widest text column, one step at a time, while that helps
            // columns holding text (a mixed column such as a settings table's "value" counts)
            let textual = t.columns.indices.map { i in t.rows.contains { i < $0.count && !$0[i].isNumeric } }
            while total(Array(width.indices)) > maxWidth {
                guard let i = width.indices.filter({ textual[$0] && width[$0] > max(12, header[$0].count) })
                        .max(by: { width[$0] < width[$1] }) else { break }
                let target = max(12, header[i].count, width[i] - (total(Array(width.indices)) - maxWidth))
                for r in cells.indices where i < cells[r].count && cells[r][i].count > target && !t.rows[r][i].isNumeric {
                    cells[r][i] = String(cells[r][i].prefix(target - 1)) + "…"
                }
                width = widths()
            }
        }
        func pad(_ s: String, _ w: Int, right: Bool) -> String {
            let fill = String(repeating: " ", count: max(0, w - s.count))
            return right ? fill + s : s + fill
        }
        // blocks of columns that fit, each led by column 0
        var blocks: [[Int]] = []
        if let maxWidth, total(Array(width.indices)) > maxWidth, width.count > 1 {
            var block = [0]
            for i in 1..<width.count {
                if block.count > 1 && total(block + [i]) > maxWidth { blocks.append(block); block = [0] }
                block.append(i)
            }
            blocks.append(block)
        } else {
            blocks = [Array(width.indices)]
        }
        let bold = color ? "\u{1B}[1m" : "", reset = color ? "\u{1B}[0m" : ""
        var out = "\(bold)\(sanitize(t.title))\(reset)\n"
        for (b, cols) in blocks.enumerated() {
            if blocks.count > 1 { out += b == 0 ? "" : "\n" }
            out += cols.map { pad(header[$0], width[$0], right: numeric[$0]) }.joined(separator: "  ") + "\n"
            out += cols.map { String(repeating: "─", count: width[$0]) }.joined(separator: "  ") + "\n"
            for row in cells {
                out += cols.map { i in i < row.count ? pad(row[i], width[i], right: numeric[i]) : "" }.joined(separator: "  ") + "\n"
            }
        }
        if let note = t.note { out += wrap(sanitize(note), maxWidth) + "\n" }
        return out
    }

    /// The width to fit: `$COLUMNS`, else the terminal's when standard output is one, else nil (no limit).
    public static var width: Int? {
        if let c = ProcessInfo.processInfo.environment["COLUMNS"], let n = Int(c), n >= 20 { return n }
        guard isatty(1) != 0 else { return nil }
        var ws = winsize()
        return ioctl(1, UInt(TIOCGWINSZ), &ws) == 0 && ws.ws_col >= 20 ? Int(ws.ws_col) : nil
    }

    /// Word-wraps `s` to `width` columns (unchanged when nil).
    public static func wrap(_ s: String, _ width: Int?) -> String {
        guard let width, s.count > width else { return s }
        var lines: [String] = [], line = ""
        for word in s.split(separator: " ", omittingEmptySubsequences: false) {
            if !line.isEmpty && line.count + 1 + word.count > width { lines.append(line); line = String(word) }
            else { line += (line.isEmpty ? "" : " ") + word }
        }
        lines.append(line)
        return lines.joined(separator: "\n")
    }

    /// Removes control characters (ANSI escapes, newlines) a data label could smuggle into a terminal.
    public static func sanitize(_ s: String) -> String {
        String(String.UnicodeScalarView(s.unicodeScalars.map { $0.properties.generalCategory == .control ? " " : $0 }))
    }
}
