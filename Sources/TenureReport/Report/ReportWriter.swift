import Foundation

/// Output formats of `tenure report`.
public enum ReportFormat: String, CaseIterable, Sendable, Codable {
    case html, md, json, csv, ipynb

    /// Parses `html,md,json` (spaces allowed); throws a message naming the bad entry.
    public static func parseList(_ s: String) throws -> Set<ReportFormat> {
        var out = Set<ReportFormat>()
        for part in s.split(separator: ",") {
            let p = part.trimmingCharacters(in: .whitespaces).lowercased()
            if p.isEmpty { continue }
            guard let f = ReportFormat(rawValue: p) else {
                throw ReportWriter.Error("unknown report format '\(p)'; choose from html, md, json, csv, ipynb")
            }
            out.insert(f)
        }
        if out.isEmpty { throw ReportWriter.Error("--formats names no format; choose from html, md, json, csv, ipynb") }
        return out
    }
}

/// Writes a report directory:
///
///     report.html      self-contained page (inline CSS + SVG)
///     report.md        Markdown, charts linked from charts/
///     results.json     every analysis result, `{"schema_version", "results": {key: result}}`
///     tables/<id>.csv  every table, full precision, every row
///     charts/<id>.svg  every chart (written with md or ipynb, which show them)
///     report.ipynb     nbformat 4.5 notebook reloading tables/ with pandas
///
/// Each file is written atomically (temporary file + rename). Stale `.csv`/`.svg` files of an
/// earlier report in `tables/` and `charts/` are removed, so the directory always describes one run.
public enum ReportWriter {
    public struct Error: Swift.Error, CustomStringConvertible {
        public var description: String
        public init(_ d: String) { description = d }
    }

    /// Writes the formats asked for; returns the paths written, in a stable order.
    @discardableResult
    public static func write(_ document: ReportDocument, to directory: String, formats: Set<ReportFormat> = Set(ReportFormat.allCases),
                             progress: ((String) -> Void)? = nil) throws -> [String] {
        let doc = document.uniqued()
        let fm = FileManager.default
        try fm.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var written: [String] = []
        func put(_ rel: String, _ text: String) throws {
            let path = (directory as NSString).appendingPathComponent(rel)
            try AtomicFile.write(text, to: path)
            written.append(path)
        }

        if formats.contains(.csv) || formats.contains(.ipynb) {
            progress?("tables")
            var keep = Set<String>()
            for t in doc.allTables {
                let name = Escape.fileName(t.id) + ".csv"
                keep.insert(name)
                try put("tables/" + name, CSVWriter.render(t))
            }
            try prune(directory + "/tables", ext: "csv", keep: keep)
        }
        if formats.contains(.md) || formats.contains(.ipynb) {
            progress?("charts")
            var keep = Set<String>()
            for c in doc.allCharts {
                let name = Escape.fileName(c.id) + ".svg"
                keep.insert(name)
                try put("charts/" + name, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + ChartSVG.render(c) + "\n")
            }
            try prune(directory + "/charts", ext: "svg", keep: keep)
        }
        if formats.contains(.html) { progress?("report.html"); try put("report.html", HTMLPage.render(doc)) }
        if formats.contains(.md) { progress?("report.md"); try put("report.md", MarkdownReport.render(doc)) }
        if formats.contains(.json) { progress?("results.json"); try put("results.json", try resultsJSON(doc)) }
        if formats.contains(.ipynb) { progress?("report.ipynb"); try put("report.ipynb", NotebookBuilder.build(doc).serialized()) }
        return written
    }

    /// `{"schema_version": 1, "title": ..., "results": {"cohorts": {...}, ...}}`, keys sorted.
    public static func resultsJSON(_ doc: ReportDocument) throws -> String {
        struct Envelope: Encodable {
            let schema_version: Int
            let title: String
            let data_path: String
            let sections: [SectionStatus]
            let results: [String: JSONOutput.AnyEncodable]
        }
        struct SectionStatus: Encodable { let id: String; let title: String; let unavailable: String? }
        var results: [String: JSONOutput.AnyEncodable] = [:]
        for r in doc.results { results[r.key] = JSONOutput.AnyEncodable(value: r.result) }
        let env = Envelope(schema_version: schemaVersion, title: doc.title, data_path: doc.dataPath,
                           sections: doc.sections.map { SectionStatus(id: $0.id, title: $0.title, unavailable: $0.unavailable) },
                           results: results)
        let data = try JSONOutput.encoder().encode(env)
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    static func prune(_ dir: String, ext: String, keep: Set<String>) throws {
        let fm = FileManager.default
        guard let names = try? fm.contentsOfDirectory(atPath: dir) else { return }
        for n in names where n.hasSuffix("." + ext) && !keep.contains(n) {
            try? fm.removeItem(atPath: dir + "/" + n)
        }
    }
}

extension ReportDocument {
    /// The document with table and chart ids made unique by file name (a later duplicate gets `_2`, `_3`, …),
    /// so every table has its own CSV and every chart its own SVG and HTML id.
    public func uniqued() -> ReportDocument {
        var d = self
        var tableNames = Set<String>(), chartNames = Set<String>()
        func unique(_ id: String, _ seen: inout Set<String>) -> String {
            let base = Escape.fileName(id)
            var c = base, k = 2
            while seen.contains(c.lowercased()) { c = "\(base)_\(k)"; k += 1 }
            seen.insert(c.lowercased())
            return c
        }
        for si in d.sections.indices {
            for bi in d.sections[si].blocks.indices {
                switch d.sections[si].blocks[bi] {
                case .table(var t, let disp):
                    t.id = unique(t.id, &tableNames)
                    d.sections[si].blocks[bi] = .table(t, disp)
                case .chart(var c):
                    let id = unique(c.id, &chartNames)
                    switch c {
                    case .lines(var x): x.id = id; c = .lines(x)
                    case .heatmap(var x): x.id = id; c = .heatmap(x)
                    case .intervals(var x): x.id = id; c = .intervals(x)
                    case .tornado(var x): x.id = id; c = .tornado(x)
                    case .bars(var x): x.id = id; c = .bars(x)
                    }
                    d.sections[si].blocks[bi] = .chart(c)
                default: break
                }
            }
        }
        return d
    }
}
