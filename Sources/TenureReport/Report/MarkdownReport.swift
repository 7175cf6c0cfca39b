/// The report as GitHub-flavoured Markdown: the same sections as the HTML page, tables as pipe
/// tables (cut at the display limit, with a pointer to the CSV), charts as links to the SVG files
/// written beside it. Every data label goes through `Escape.markdown`.
public enum MarkdownReport {
    public static func render(_ doc: ReportDocument, chartsDirectory: String? = "charts", tablesDirectory: String = "tables") -> String {
        var m = "# \(Escape.markdown(doc.title))\n\n"
        if let s = doc.subtitle { m += "\(Escape.markdown(s))\n\n" }
        if !doc.facts.isEmpty {
            for (k, v) in doc.facts { m += "- **\(Escape.markdown(k))**: \(Escape.markdown(v))\n" }
            m += "\n"
        }
        m += "## Contents\n\n"
        for (i, s) in doc.sections.enumerated() { m += "\(i + 1). [\(Escape.markdown(s.title))](#\(s.id))\n" }
        m += "\n"
        for s in doc.sections {
            m += section(s, chartsDirectory: chartsDirectory, tablesDirectory: tablesDirectory)
        }
        return m
    }

    static func section(_ s: ReportSection, chartsDirectory: String?, tablesDirectory: String) -> String {
        var m = "<a id=\"\(s.id)\"></a>\n\n## \(Escape.markdown(s.title))\n\n"
        if let why = s.unavailable { return m + "**Not available for this data.** \(Escape.markdown(why))\n\n" }
        m += highlights(s.highlights)
        for b in s.blocks {
            if let p = prose(b) { m += p; continue }
            switch b {
            case .tiles(let t): m += tiles(t) + "\n"
            case .chart(let c):
                if let dir = chartsDirectory {
                    m += "![\(Escape.markdown(c.title))](\(dir)/\(Escape.fileName(c.id)).svg)\n\n"
                    if let cap = c.caption { m += "_\(Escape.markdown(cap))_\n\n" }
                }
            case .table(let t, let d):
                m += table(t, maxRows: d.maxRows, csv: "\(tablesDirectory)/\(Escape.fileName(t.id)).csv") + "\n"
            default: break
            }
        }
        return m
    }

    static func highlights(_ h: [String]) -> String {
        h.isEmpty ? "" : h.map { "- \(Escape.markdown($0))\n" }.joined() + "\n"
    }

    /// Markdown of a prose block (text, sub-heading, note); nil for tables, charts and tiles.
    static func prose(_ b: ReportBlock) -> String? {
        switch b {
        case .text(let t): return Escape.markdown(t) + "\n\n"
        case .heading(let t): return "### \(Escape.markdown(t))\n\n"
        case .warning(let t): return "> **Note.** \(Escape.markdown(t))\n\n"
        default: return nil
        }
    }

    /// A pipe table of at most `maxRows` rows; says where the rest is.
    public static func table(_ t: ReportTable, maxRows: Int, csv: String?) -> String {
        var cut = t
        cut.rows = Array(t.rows.prefix(maxRows))
        var m = MarkdownWriter.render(cut)
        if t.rows.count > maxRows {
            m += "\n_Showing \(Format.count(maxRows)) of \(Format.count(t.rows.count)) rows"
            if let csv { m += "; every row is in `\(csv)`" }
            m += "._\n"
        }
        return m
    }

    public static func tiles(_ tiles: [KPITile]) -> String {
        var m = "| KPI | value | target | status | detail |\n| --- | ---: | --- | --- | --- |\n"
        for t in tiles {
            let status: String
            switch t.status {
            case .met: status = "✓ met"
            case .missed: status = "✗ missed"
            case .noTarget: status = ""
            case .unavailable: status = "not available"
            }
            m += "| \(Escape.markdown(t.name)) | \(Escape.markdown(t.value)) | \(Escape.markdown(t.target ?? "")) | \(status) | \(Escape.markdown(t.detail ?? "")) |\n"
        }
        return m
    }
}
