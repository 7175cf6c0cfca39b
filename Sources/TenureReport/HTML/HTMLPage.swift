/// The report as one self-contained HTML page: inline CSS and SVG, no script, no network (a
/// Content-Security-Policy forbids both, as a second line of defence behind escaping). Prints
/// cleanly: navigation hidden, figures and tables kept whole on a page, colours preserved.
public enum HTMLPage {
    public static func render(_ doc: ReportDocument, tablesDirectory: String? = "tables") -> String {
        var h = ""
        h.reserveCapacity(256 * 1024)
        h += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        h += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        h += "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\n"
        h += "<meta name=\"generator\" content=\"tenure\">\n"
        h += "<title>\(Escape.html(doc.title))</title>\n<style>\(css)</style>\n</head>\n<body>\n"
        h += "<div class=\"layout\">\n<nav class=\"toc\" aria-label=\"Contents\"><p class=\"toc-title\">Contents</p><ol>"
        for s in doc.sections {
            h += "<li><a href=\"#\(Escape.attribute(s.id))\">\(Escape.html(s.title))"
            if s.unavailable != nil { h += " <span class=\"muted\">(n/a)</span>" }
            h += "</a></li>"
        }
        h += "</ol></nav>\n<main>\n<header class=\"doc-header\">\n<p class=\"eyebrow\">tenure report</p>\n"
        h += "<h1>\(Escape.html(doc.title))</h1>\n"
        if let s = doc.subtitle { h += "<p class=\"subtitle\">\(Escape.html(s))</p>\n" }
        if !doc.facts.isEmpty {
            h += "<dl class=\"facts\">"
            for (k, v) in doc.facts { h += "<div><dt>\(Escape.html(k))</dt><dd>\(Escape.html(v))</dd></div>" }
            h += "</dl>\n"
        }
        h += "</header>\n"
        for s in doc.sections { h += section(s, tablesDirectory: tablesDirectory) }
        h += "<footer><p>Written by tenure. Every table is also in <code>\(Escape.html(tablesDirectory ?? "tables"))/</code> as CSV, all results in <code>results.json</code>; <code>report.ipynb</code> re-opens them in Jupyter.</p></footer>\n"
        h += "</main>\n</div>\n</body>\n</html>\n"
        return h
    }

    static func section(_ s: ReportSection, tablesDirectory: String?) -> String {
        var h = "<section id=\"\(Escape.attribute(s.id))\">\n<h2>\(Escape.html(s.title))</h2>\n"
        if let why = s.unavailable {
            h += "<p class=\"unavailable\"><strong>Not available for this data.</strong> \(Escape.html(why))</p>\n</section>\n"
            return h
        }
        if !s.highlights.isEmpty {
            h += "<ul class=\"highlights\">"
            for x in s.highlights { h += "<li>\(Escape.html(x))</li>" }
            h += "</ul>\n"
        }
        for b in s.blocks {
            switch b {
            case .text(let t): h += "<p>\(Escape.html(t))</p>\n"
            case .heading(let t): h += "<h3>\(Escape.html(t))</h3>\n"
            case .warning(let t): h += "<p class=\"warning\" role=\"note\"><strong>Note.</strong> \(Escape.html(t))</p>\n"
            case .chart(let c):
                h += "<figure class=\"chart\">\(ChartSVG.render(c))"
                if let cap = c.caption { h += "<figcaption>\(Escape.html(cap))</figcaption>" }
                h += "</figure>\n"
            case .tiles(let tiles): h += self.tiles(tiles)
            case .table(let t, let display):
                let href = tablesDirectory.map { "\($0)/\(Escape.fileName(t.id)).csv" }
                switch display {
                case .shown(let n): h += table(t, maxRows: n, csvHref: href)
                case .folded(let n):
                    h += "<details class=\"folded\"><summary>\(Escape.html(t.title)) <span class=\"muted\">(\(Format.count(t.rows.count)) rows)</span></summary>\n"
                    h += table(t, maxRows: n, csvHref: href, caption: false)
                    h += "</details>\n"
                }
            }
        }
        return h + "</section>\n"
    }

    /// A table as HTML: numbers right-aligned in tabular figures, missing cells marked, long tables
    /// cut at `maxRows` with a pointer to the CSV holding every row.
    public static func table(_ t: ReportTable, maxRows: Int = 60, csvHref: String? = nil, caption: Bool = true) -> String {
        let numeric = t.columns.indices.map { i in t.rows.contains { i < $0.count && $0[i].isNumeric } }
        var h = "<div class=\"table-wrap\"><table>"
        if caption {
            h += "<caption>\(Escape.html(t.title))"
            if let csvHref { h += " <a class=\"csv\" href=\"\(Escape.attribute(csvHref))\">CSV</a>" }
            h += "</caption>"
        }
        h += "<thead><tr>"
        for (i, c) in t.columns.enumerated() {
            h += "<th scope=\"col\"\(numeric[i] ? " class=\"num\"" : "")>\(Escape.html(c.name))"
            if let u = c.unit { h += " <span class=\"unit\">(\(Escape.html(u)))</span>" }
            h += "</th>"
        }
        h += "</tr></thead><tbody>"
        for row in t.rows.prefix(maxRows) {
            h += "<tr>"
            for (i, cell) in row.enumerated() {
                let num = i < numeric.count && numeric[i]
                switch cell {
                case .missing(let why):
                    h += "<td class=\"missing\(num ? " num" : "")\" title=\"\(Escape.attribute(why))\">\(why.isEmpty ? "" : "·")</td>"
                default:
                    h += "<td\(num ? " class=\"num\"" : "")>\(Escape.html(cell.display))</td>"
                }
            }
            h += "</tr>"
        }
        h += "</tbody></table>"
        if t.rows.count > maxRows {
            h += "<p class=\"more\">Showing \(Format.count(maxRows)) of \(Format.count(t.rows.count)) rows"
            if let csvHref { h += "; every row is in <a href=\"\(Escape.attribute(csvHref))\">\(Escape.html(csvHref))</a>" }
            h += ".</p>"
        }
        if let note = t.note { h += "<p class=\"note\">\(Escape.html(note))</p>" }
        return h + "</div>\n"
    }

    /// KPI tiles: value, target and a status told by word and symbol, not by colour alone.
    public static func tiles(_ tiles: [KPITile]) -> String {
        var h = "<div class=\"tiles\">"
        for t in tiles {
            let (cls, badge): (String, String) = {
                switch t.status {
                case .met: return ("met", "✓ target met")
                case .missed: return ("missed", "✗ target missed")
                case .noTarget: return ("none", "")
                case .unavailable: return ("na", "not available")
                }
            }()
            h += "<div class=\"tile \(cls)\"><p class=\"tile-name\">\(Escape.html(t.name))</p>"
            h += "<p class=\"tile-value\">\(Escape.html(t.value))</p>"
            if !badge.isEmpty || t.target != nil {
                h += "<p class=\"tile-target\">"
                if !badge.isEmpty { h += "<span class=\"badge\">\(badge)</span> " }
                if let target = t.target { h += Escape.html(target) }
                h += "</p>"
            }
            if let d = t.detail { h += "<p class=\"tile-detail\">\(Escape.html(d))</p>" }
            h += "</div>"
        }
        return h + "</div>\n"
    }

    static let css = """
    :root{--ink:#111827;--ink2:#374151;--muted:#6b7280;--line:#e5e7eb;--bg:#f7f7f5;--card:#ffffff;--accent:#0072B2;--met:#00795a;--missed:#c04b00}
    *{box-sizing:border-box}
    html{-webkit-text-size-adjust:100%}
    body{margin:0;background:var(--bg);color:var(--ink);font:15px/1.55 system-ui,-apple-system,'Segoe UI',Roboto,'Helvetica Neue',Arial,'DejaVu Sans',sans-serif}
    .layout{display:grid;grid-template-columns:220px minmax(0,1fr);gap:32px;max-width:1240px;margin:0 auto;padding:28px 24px}
    .toc{position:sticky;top:24px;align-self:start;font-size:14px}
    .toc-title{font-weight:600;color:var(--muted);text-transform:uppercase;letter-spacing:.06em;font-size:12px;margin:8px 0}
    .toc ol{list-style:none;margin:0;padding:0;border-left:2px solid var(--line)}
    .toc li{margin:0}.toc a{display:block;padding:5px 12px;color:var(--ink2);text-decoration:none}
    .toc a:hover{color:var(--accent);background:#eef5fb}
    main{min-width:0}
    .doc-header{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:24px 28px;margin-bottom:24px}
    .eyebrow{margin:0;color:var(--accent);font-weight:600;text-transform:uppercase;letter-spacing:.08em;font-size:12px}
    h1{margin:4px 0 6px;font-size:28px;line-height:1.2}
    .subtitle{margin:0;color:var(--ink2)}
    .facts{display:flex;flex-wrap:wrap;gap:10px 28px;margin:18px 0 0}
    .facts div{min-width:110px}.facts dt{font-size:12px;color:var(--muted);text-transform:uppercase;letter-spacing:.05em}
    .facts dd{margin:0;font-size:18px;font-weight:600;font-variant-numeric:tabular-nums}
    section{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:22px 28px 26px;margin-bottom:24px}
    h2{margin:0 0 12px;font-size:21px;padding-bottom:8px;border-bottom:1px solid var(--line)}
    h3{margin:22px 0 8px;font-size:16px}
    p{margin:10px 0;max-width:78ch}
    .muted{color:var(--muted);font-weight:400}
    .highlights{margin:12px 0 16px;padding:12px 16px 12px 34px;background:#eef5fb;border-left:4px solid var(--accent);border-radius:4px}
    .highlights li{margin:3px 0}
    .warning{background:#fff7e6;border-left:4px solid #E69F00;padding:8px 12px;border-radius:4px}
    .unavailable{color:var(--ink2);background:#f3f4f6;padding:10px 14px;border-radius:6px}
    figure.chart{margin:18px 0;overflow-x:auto}
    figure.chart svg{display:block;width:100%;max-width:900px;height:auto}
    figcaption{font-size:13px;color:var(--muted);margin-top:4px;max-width:90ch}
    .table-wrap{margin:16px 0;overflow-x:auto}
    table{border-collapse:collapse;font-size:13px;min-width:40%}
    caption{text-align:left;font-weight:600;font-size:14px;padding:0 0 6px;color:var(--ink)}
    caption a.csv{font-weight:500;font-size:11px;color:var(--accent);border:1px solid #bcd7ea;border-radius:3px;padding:0 5px;margin-left:6px;text-decoration:none}
    th,td{padding:5px 10px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top;white-space:nowrap}
    th{background:#f9fafb;font-weight:600;color:var(--ink2);border-bottom:2px solid #d1d5db;position:sticky;top:0}
    .unit{font-weight:400;color:var(--muted)}
    td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
    td.missing{color:#9ca3af}
    tbody tr:nth-child(even){background:#fbfbfa}
    tbody tr:hover{background:#f1f7fc}
    .more,.note{font-size:12.5px;color:var(--muted);margin:6px 0}
    details.folded{margin:14px 0;border:1px solid var(--line);border-radius:6px;padding:8px 12px}
    details.folded summary{cursor:pointer;font-weight:600;font-size:14px}
    .tiles{display:grid;grid-template-columns:repeat(auto-fill,minmax(190px,1fr));gap:12px;margin:16px 0}
    .tile{border:1px solid var(--line);border-top:4px solid #9ca3af;border-radius:8px;padding:12px 14px;background:#fff}
    .tile.met{border-top-color:var(--met)}.tile.missed{border-top-color:var(--missed)}.tile.na{opacity:.7}
    .tile p{margin:0;max-width:none}
    .tile-name{font-size:12.5px;color:var(--ink2);font-weight:600}
    .tile-value{font-size:24px;font-weight:650;margin:4px 0 2px!important;font-variant-numeric:tabular-nums}
    .tile-target{font-size:12.5px;color:var(--ink2)}
    .tile.met .badge{color:var(--met);font-weight:600}.tile.missed .badge{color:var(--missed);font-weight:600}
    .tile-detail{font-size:11.5px;color:var(--muted);margin-top:4px!important}
    footer{color:var(--muted);font-size:13px;padding:4px 4px 30px}
    code{font-family:ui-monospace,'SFMono-Regular',Menlo,Consolas,'DejaVu Sans Mono',monospace;font-size:.92em;background:#f3f4f6;padding:1px 4px;border-radius:3px}
    a{color:var(--accent)}
    @media (max-width:900px){.layout{grid-template-columns:1fr;padding:14px}.toc{position:static}section{padding:16px}}
    @media print{
      @page{size:A4;margin:14mm 12mm}
      body{background:#fff;font-size:11pt}
      .layout{display:block;padding:0;max-width:none}
      .toc{display:none}
      .doc-header,section{border:none;padding:0;margin:0 0 18pt;border-radius:0}
      section{break-before:page}
      section:first-of-type{break-before:auto}
      figure.chart,.table-wrap,.tile,.highlights,tr{break-inside:avoid}
      h2,h3,caption{break-after:avoid}
      figure.chart{overflow:visible}
      th{position:static}
      details.folded{display:none}
      a{color:inherit;text-decoration:none}
      *{-webkit-print-color-adjust:exact;print-color-adjust:exact}
    }
    """
}
