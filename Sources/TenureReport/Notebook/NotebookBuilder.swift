/// Turns a `ReportDocument` into a notebook that explains each result in markdown cells and, in
/// code cells, reloads the exported CSV tables with pandas and displays the exported SVG charts.
/// The outputs it carries are tenure's own renderings (tables as text/html + text/plain, charts as
/// image/svg+xml), so the notebook reads well before it is run; running it replaces them with
/// pandas' view of the same files. Deterministic: cell ids derive from section and position.
///
/// The first code cell is tagged `parameters` (papermill): `data_path`, `tables_dir`, `charts_dir`.
public enum NotebookBuilder {
    public static func build(_ doc: ReportDocument, tablesDirectory: String = "tables", chartsDirectory: String = "charts",
                             maxRows: Int = 60) -> Notebook {
        var nb = Notebook(tenureMetadata: ["schema_version": String(schemaVersion)])
        var ids = Set<String>()
        func id(_ base: String) -> String {
            var b = Escape.identifier(base)
            if b.count > 56 { b = String(b.prefix(56)) }
            var c = b, k = 2
            while ids.contains(c) { c = "\(b)-\(k)"; k += 1 }
            ids.insert(c)
            return c
        }
        var count = 0
        func next() -> Int { count += 1; return count }

        // title
        var intro = "# \(Escape.markdown(doc.title))\n\n"
        if let s = doc.subtitle { intro += Escape.markdown(s) + "\n\n" }
        for (k, v) in doc.facts { intro += "- **\(Escape.markdown(k))**: \(Escape.markdown(v))\n" }
        intro += """

        This notebook was written by `tenure report`. Each section explains one result, shows the \
        table tenure computed and reloads it from the exported CSV with pandas (column headers read \
        `name [unit]`, empty cells are values that do not exist, such as cohort ages not reached yet).

        To run it on other data: `tenure report NEW_DATA --out DIR`, then re-run this notebook with \
        `tables_dir` pointing at `DIR/tables` (papermill: `-p tables_dir DIR/tables -p charts_dir DIR/charts`).
        """
        nb.cells.append(.markdown(id: id("title"), source: intro))

        let params = """
        # Parameters (the cell is tagged `parameters`, so papermill can override them).
        data_path = \(Escape.python(doc.dataPath))  # the dataset the report was computed from
        tables_dir = \(Escape.python(tablesDirectory))  # the exported CSV tables
        charts_dir = \(Escape.python(chartsDirectory))  # the exported SVG charts
        """
        nb.cells.append(.code(id: id("parameters"), source: params, tags: ["parameters"], executionCount: next(), outputs: []))

        let setup = """
        from pathlib import Path

        import pandas as pd
        from IPython.display import SVG, display

        pd.set_option("display.max_rows", \(maxRows))
        pd.set_option("display.max_columns", 50)


        def load(table_id):
            \"\"\"One exported table as a DataFrame (columns are named like the CSV header: `name [unit]`).\"\"\"
            return pd.read_csv(Path(tables_dir) / f"{table_id}.csv", keep_default_na=False, na_values=[""])


        def chart(chart_id):
            \"\"\"Displays one exported chart.\"\"\"
            display(SVG(filename=str(Path(charts_dir) / f"{chart_id}.svg")))
        """
        nb.cells.append(.code(id: id("setup"), source: setup, tags: [], executionCount: next(), outputs: []))

        var usedNames = Set<String>(["pd", "Path", "SVG", "display", "load", "chart", "data_path", "tables_dir", "charts_dir"])
        for s in doc.sections {
            var md = "## \(Escape.markdown(s.title))\n\n"
            if let why = s.unavailable {
                md += "**Not available for this data.** \(Escape.markdown(why))\n"
                nb.cells.append(.markdown(id: id("\(s.id)-md"), source: md))
                continue
            }
            md += MarkdownReport.highlights(s.highlights)
            func flush() {
                let t = md.trimmingTrailingNewlines()
                if !t.isEmpty { nb.cells.append(.markdown(id: id("\(s.id)-md"), source: t)) }
                md = ""
            }
            for b in s.blocks {
                if let p = MarkdownReport.prose(b) { md += p; continue }
                switch b {
                case .tiles(let tiles):
                    md += MarkdownReport.tiles(tiles) + "\n"
                case .chart(let c):
                    if let cap = c.caption { md += "_\(Escape.markdown(cap))_\n\n" }
                    flush()
                    let file = Escape.fileName(c.id)
                    nb.cells.append(.code(id: id("\(s.id)-chart"), source: "chart(\(Escape.python(file)))", tags: [],
                                          executionCount: next(),
                                          outputs: [.display(data: ["image/svg+xml": ChartSVG.render(c),
                                                                    "text/plain": "<IPython.core.display.SVG object>"])]))
                case .table(let t, _):
                    flush()
                    let file = Escape.fileName(t.id)
                    var name = pythonName(t.id)
                    if usedNames.contains(name) { var k = 2; while usedNames.contains("\(name)_\(k)") { k += 1 }; name = "\(name)_\(k)" }
                    usedNames.insert(name)
                    let n = next()
                    nb.cells.append(.code(id: id("\(s.id)-table"), source: "\(name) = load(\(Escape.python(file)))\n\(name)",
                                          tags: [], executionCount: n,
                                          outputs: [.result(executionCount: n, data: [
                                              "text/html": HTMLPage.table(t, maxRows: maxRows, csvHref: nil),
                                              "text/plain": plainTable(t, maxRows: maxRows),
                                          ])]))
                default: break
                }
            }
            flush()
        }
        return nb
    }

    /// The table as a terminal would show it, cut at `maxRows`.
    static func plainTable(_ t: ReportTable, maxRows: Int) -> String {
        var cut = t
        cut.rows = Array(t.rows.prefix(maxRows))
        var s = TerminalTable.render(cut, color: false, width: nil)
        if t.rows.count > maxRows { s += "… \(Format.count(t.rows.count - maxRows)) more rows in the CSV\n" }
        return s.trimmingTrailingNewlines()
    }

    static let keywords: Set<String> = ["False", "None", "True", "and", "as", "assert", "async", "await", "break", "class",
                                        "continue", "def", "del", "elif", "else", "except", "finally", "for", "from", "global",
                                        "if", "import", "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise",
                                        "return", "try", "while", "with", "yield", "match", "case", "type"]

    /// A Python identifier for a table id (ASCII letters, digits, underscores; not a keyword).
    static func pythonName(_ id: String) -> String {
        var s = ""
        for u in id.unicodeScalars {
            let ok = (u >= "a" && u <= "z") || (u >= "A" && u <= "Z") || (u >= "0" && u <= "9") || u == "_"
            s.unicodeScalars.append(ok ? u : "_")
        }
        if s.isEmpty || s.first!.isNumber { s = "t_" + s }
        if keywords.contains(s) { s += "_" }
        return s
    }
}

extension String {
    func trimmingTrailingNewlines() -> String {
        var s = self
        while s.hasSuffix("\n") { s.removeLast() }
        return s
    }
}
