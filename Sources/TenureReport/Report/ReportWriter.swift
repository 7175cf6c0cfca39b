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
/// The directory is replaced as a whole: everything is written into a temporary directory beside
/// `directory` (`.NAME.tmp-PID-XXXXXX`), which then takes its place by an atomic exchange, so a
/// reader sees the old report or the new one, never a mix; on any failure (a full disk, a kill)
/// nothing changes at `directory`. Entries of an existing directory that a report does not write
/// (rejects.csv, the user's own files) are carried over; earlier report files are not (the directory
/// always describes one run). Temporary directories left by killed runs are removed by the next one.
public enum ReportWriter {
    public struct Error: Swift.Error, CustomStringConvertible {
        public var description: String
        public init(_ d: String) { description = d }
    }

    /// The entries a report writes; everything else in an existing directory is carried over.
    static let reportEntries: Set<String> = ["report.html", "report.md", "results.json", "report.ipynb", "tables", "charts"]

    /// Writes the formats asked for; returns the paths written (under `directory`), in a stable order.
    @discardableResult
    public static func write(_ document: ReportDocument, to directory: String, formats: Set<ReportFormat> = Set(ReportFormat.allCases),
                             progress: ((String) -> Void)? = nil) throws -> [String] {
        let doc = document.uniqued()
        var target = directory
        while target.count > 1 && target.hasSuffix("/") { target.removeLast() }
        let parentPath = (target as NSString).deletingLastPathComponent
        let parent = parentPath.isEmpty ? "." : parentPath
        let name = (target as NSString).lastPathComponent
        try AtomicFile.makeDirectories(parent)
        var isDir: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: target, isDirectory: &isDir)
        if exists && !isDir.boolValue { throw OutputError(path: target, reason: "it exists and is not a directory") }
        removeAbandoned(parent: parent, name: name)
        let staging = try makeStaging(parent: parent, name: name)
        var done = false
        defer { if !done { try? FileManager.default.removeItem(atPath: staging) } }

        var relative: [String] = []
        func put(_ rel: String, _ text: String) throws {
            let path = staging + "/" + rel
            try AtomicFile.write(text, to: path)
            relative.append(rel)
        }
        if formats.contains(.csv) || formats.contains(.ipynb) {
            progress?("tables")
            for t in doc.allTables {
                let rel = "tables/" + Escape.fileName(t.id) + ".csv"
                try AtomicFile.stream(to: staging + "/" + rel) { try CSVWriter.write(t, to: &$0) }
                relative.append(rel)
            }
        }
        if formats.contains(.md) || formats.contains(.ipynb) {
            progress?("charts")
            for c in doc.allCharts {
                try put("charts/" + Escape.fileName(c.id) + ".svg", "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + ChartSVG.render(c) + "\n")
            }
        }
        if formats.contains(.html) { progress?("report.html"); try put("report.html", HTMLPage.render(doc)) }
        if formats.contains(.md) { progress?("report.md"); try put("report.md", MarkdownReport.render(doc)) }
        if formats.contains(.json) { progress?("results.json"); try put("results.json", try resultsJSON(doc)) }
        if formats.contains(.ipynb) { progress?("report.ipynb"); try put("report.ipynb", NotebookBuilder.build(doc).serialized()) }

        if exists {
            // Other files of the old directory: hard links into the new one (the old keeps them until
            // the exchange); directories are moved after it.
            var laterDirs: [String] = []
            for rel in carriedOver(target) {
                var d: ObjCBool = false
                _ = FileManager.default.fileExists(atPath: target + "/" + rel, isDirectory: &d)
                if d.boolValue { laterDirs.append(rel); continue }
                try AtomicFile.makeDirectories((staging + "/" + rel as NSString).deletingLastPathComponent)
                if link(target + "/" + rel, staging + "/" + rel) != 0 {
                    try FileManager.default.copyItem(atPath: target + "/" + rel, toPath: staging + "/" + rel)
                }
            }
            try exchange(staging, target)
            for n in laterDirs { _ = rename(staging + "/" + n, target + "/" + n) }
            // `staging` now holds the old report; the deferred cleanup removes it.
        } else {
            guard rename(staging, target) == 0 else { throw OutputError(path: target, code: errno) }
            done = true
        }
        return relative.map { (directory as NSString).appendingPathComponent($0) }
    }

    /// Entries of an existing report directory that are not report output, relative to it: anything at
    /// the top but the report's own files, anything in tables/ and charts/ but .csv and .svg files.
    static func carriedOver(_ dir: String) -> [String] {
        let fm = FileManager.default
        var out: [String] = []
        for n in ((try? fm.contentsOfDirectory(atPath: dir)) ?? []).sorted() {
            if !reportEntries.contains(n) { out.append(n); continue }
            let ext = n == "tables" ? ".csv" : n == "charts" ? ".svg" : nil
            guard let ext else { continue }
            for m in ((try? fm.contentsOfDirectory(atPath: dir + "/" + n)) ?? []).sorted() where !m.hasSuffix(ext) {
                out.append(n + "/" + m)
            }
        }
        return out
    }

    /// Swaps two paths atomically (Linux `renameat2(RENAME_EXCHANGE)`, looked up at run time since
    /// Glibc's Swift overlay does not declare it). Without it: `a` renamed aside, `b` into place.
    public static func exchange(_ a: String, _ b: String) throws {
        typealias RenameAt2 = @convention(c) (Int32, UnsafePointer<CChar>, Int32, UnsafePointer<CChar>, UInt32) -> Int32
        if let sym = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "renameat2") {
            let renameat2 = unsafeBitCast(sym, to: RenameAt2.self)
            if renameat2(AT_FDCWD, a, AT_FDCWD, b, 2 /* RENAME_EXCHANGE */) == 0 { return }
            if errno != EINVAL && errno != ENOSYS { throw OutputError(path: b, code: errno) }
        }
        let aside = a + ".old"
        guard rename(b, aside) == 0 else { throw OutputError(path: b, code: errno) }
        guard rename(a, b) == 0 else { let e = errno; _ = rename(aside, b); throw OutputError(path: b, code: e) }
        guard rename(aside, a) == 0 else { throw OutputError(path: a, code: errno) }
    }

    /// A new empty directory beside the target, named after it and this process.
    public static func makeStaging(parent: String, name: String) throws -> String {
        var template = Array("\(parent)/.\(name).tmp-\(getpid())-XXXXXX".utf8CString)
        guard template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) != nil else {
            throw OutputError(path: parent + "/" + name, code: errno)
        }
        return String(cString: template)
    }

    /// Removes staging directories of `name` whose process is gone (a run killed while writing).
    public static func removeAbandoned(parent: String, name: String) {
        let prefix = ".\(name).tmp-"
        for n in (try? FileManager.default.contentsOfDirectory(atPath: parent)) ?? [] where n.hasPrefix(prefix) {
            let rest = n.dropFirst(prefix.count)
            guard let dash = rest.firstIndex(of: "-"), let pid = Int32(rest[..<dash]) else { continue }
            if pid != getpid() && kill(pid, 0) != 0 && errno == ESRCH {
                try? FileManager.default.removeItem(atPath: parent + "/" + n)
            }
        }
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
