import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Turns raw exports into tenure's canonical tables as a `SourceMapping` describes them: the
/// files of each table (globs, in name order), the rows its `where:` keeps, each canonical column
/// computed by its `ColumnRule`, refunds as negative rows. The result is canonical CSV, read by the
/// same `TableReader` as any dataset (so every check of SPEC §1 applies), with each row's export
/// file and line kept so that every problem names the export's line.
///
/// Numbers are computed exactly in decimal (expressions, currency rates, per-month MRR) and written
/// rounded to 12 decimals. Dates: a value with an offset is an instant, booked on its UTC day (or
/// its day in `timezone:`; `as-written` keeps the written date); a value without one is a wall
/// time in `timezone:` (UTC by default). Timestamps are written in UTC.
public enum SourceImporter {
    public static func run(directory: String, mapping: SourceMapping, onInvalid: LoadOptions.OnInvalid) throws -> ImportedTables {
        var out = ImportedTables()
        for spec in Tables.all {
            // A table may come from several exports (NPS from Delighted, CSAT from a help desk): one
            // canonical table, their rows one after another.
            let parts = mapping.tables.filter { $0.table == spec.table }
            guard !parts.isEmpty else { continue }
            var w = try TableWriter(spec: spec, parts: parts, mapping: mapping)
            var rejects: [RejectedRow] = []
            for part in parts {
                for path in try expand(part.files.isEmpty ? [spec.file] : part.files, in: directory, table: spec.table, mapping: mapping) {
                    var summary = ImportedTables.FileSummary(table: spec.table, file: path)
                    summary.removed = part.filters.map { ($0.text, 0) }
                    try w.read(part, path: path, summary: &summary, onInvalid: onInvalid, rejects: &rejects)
                    out.files.append(summary)
                }
            }
            w.table.rejects = rejects
            out.rejects += rejects
            out.tables[spec.table] = w.table
        }
        return out
    }

    /// The files matching each pattern (relative to `directory`), in name order, each once.
    static func expand(_ patterns: [String], in directory: String, table: String, mapping: SourceMapping) throws -> [String] {
        var found: [String] = []
        for p in patterns {
            let full = p.hasPrefix("/") ? p : DatasetLoader.path(directory, p)
            let dir = (full as NSString).deletingLastPathComponent, name = (full as NSString).lastPathComponent
            let entries = ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).sorted()
            let hits = entries.filter { fnmatch(name, $0, 0) == 0 && !$0.hasPrefix(".") }.map { DatasetLoader.path(dir, $0) }
            if hits.isEmpty {
                let csvs = entries.filter { $0.lowercased().hasSuffix(".csv") }
                throw DataError(.missingFile, file: full, expected: "a file for table \(table) matching '\(p)' (mapping key \(table).file in \(mapping.file))",
                                hint: csvs.isEmpty ? "\(dir) holds no .csv files" : "found: \(csvs.prefix(8).joined(separator: ", "))\(csvs.count > 8 ? ", …" : "")")
            }
            for h in hits where !found.contains(h) { found.append(h) }
        }
        return found
    }
}

/// Writes one canonical table from the export files of one `TableSource`.
struct TableWriter {
    let spec: TableSpec
    let mapping: SourceMapping
    /// Canonical columns written (any part's), in the spec's order, then extra (customer attribute) columns.
    let columns: [(name: String, kind: ColumnKind)]
    let timeZone: TimeZone?
    let asWritten: Bool
    var table: ImportedTables.Table
    var line = 2
    /// The currency of the first amount, when the mapping has no `currency:` block.
    final class FirstCurrency { var code: String? }
    let firstCurrency = FirstCurrency()

    init(spec: TableSpec, parts: [TableSource], mapping: SourceMapping) throws {
        self.spec = spec; self.mapping = mapping
        let named = Set(parts.flatMap(\.columns.keys))
        var cols: [(String, ColumnKind)] = spec.columns.filter { named.contains($0.name) }.map { ($0.name, $0.kind) }
        for name in named.sorted() where !spec.columns.contains(where: { $0.name == name }) { cols.append((name, .category)) }
        for part in parts {
            for c in spec.columns where c.required && part.columns[c.name] == nil {
                throw DataError(.badSchema, file: mapping.file, line: part.line, column: "\(part.table).columns.\(c.name)",
                                expected: "a rule for \(c.name), which \(spec.file) requires",
                                hint: "add `\(c.name): <your column>` under \(part.table).columns")
            }
            for (name, kind) in cols {
                if let r = part.columns[name], case .expression = r.source, kind != .number {
                    throw DataError(.badSchema, file: mapping.file, line: r.line, column: r.path,
                                    expected: "`column:` or `value:` (an expression computes numbers; \(name) is not one)")
                }
            }
        }
        columns = cols
        asWritten = mapping.timeZone == "as-written"
        timeZone = mapping.timeZone.flatMap { $0 == "as-written" ? nil : TimeZone(identifier: $0) }
        var csv: [UInt8] = []
        for (i, c) in cols.enumerated() { if i > 0 { csv.append(44) }; CSVField.append(c.0, to: &csv) }
        csv.append(10)
        table = ImportedTables.Table(spec: spec, csv: csv, display: "\(spec.table) (imported by \((mapping.file as NSString).lastPathComponent))")
        for (name, _) in cols {
            table.sourceOf[name] = parts.compactMap { $0.columns[name].map(Self.describe) }.joined(separator: " or ")
        }
    }

    static func describe(_ r: ColumnRule) -> String {
        switch r.source {
        case .column(let c): return "'\(c)'"
        case .expression(let e): return "'\(e)'"
        case .constant(let v): return "the value '\(v)'"
        }
    }

    /// A problem in the export, at its file and line.
    struct RowProblem: Error { var error: DataError }

    mutating func read(_ source: TableSource, path: String, summary: inout ImportedTables.FileSummary,
                       onInvalid: LoadOptions.OnInvalid, rejects: inout [RejectedRow]) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw DataError(.missingFile, file: path, expected: "a readable export file")
        }
        var bytes = [UInt8](data)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw DataError(.invalidUTF8, file: path, expected: "a UTF-8 text file",
                            hint: "export as UTF-8 (spreadsheet programs: Save As › CSV UTF-8), or convert with `iconv -f WINDOWS-1252 -t UTF-8`")
        }
        let records = try CSVRecords.parse(text, file: path)
        guard let header = records.first else {
            throw DataError(.emptyFile, file: path, line: 1, expected: "a header line naming the export's columns")
        }
        var index: [String: Int] = [:]
        for (i, h) in header.fields.enumerated() {
            let k = h.trimmingCharacters(in: .whitespaces).lowercased()
            if index[k] == nil { index[k] = i }
        }
        let names = header.fields.map { $0.trimmingCharacters(in: .whitespaces) }
        func col(_ name: String, _ key: String, _ line: Int) throws -> Int {
            if let i = index[name.trimmingCharacters(in: .whitespaces).lowercased()] { return i }
            throw DataError(.missingColumn, file: path, line: 1, column: name,
                            expected: "a column '\(name)' (mapping key \(key) in \(mapping.file))",
                            hint: Suggest.closest(name, in: names).map { "did you mean '\($0)'?" } ?? "the header has: \(names.prefix(12).joined(separator: ", "))\(names.count > 12 ? ", …" : "")")
        }
        // Resolve every column the mapping reads, once per file.
        let filterCols = try source.filters.map { try col($0.column, "\(source.table).where", 1) }
        // A column this part does not describe is left empty.
        let resolved = try columns.map { c in try source.columns[c.name].map { try Resolved(rule: $0, kind: c.kind, col: col) } }
        let refund = try source.refunds.map { r in
            (amount: try Resolved(rule: r.amount, kind: .number, col: col), date: try r.date.map { try Resolved(rule: $0, kind: .day, col: col) })
        }
        let dateColumn = columns.firstIndex { $0.name == "date" }
        let amountColumn = columns.firstIndex { $0.name == "amount" }

        for rec in records.dropFirst() {
            summary.rowsRead += 1
            guard rec.fields.count == header.fields.count else {
                let e = DataError(.wrongFieldCount, file: path, line: rec.line, value: "\(rec.fields.count) fields",
                                  expected: "\(header.fields.count) fields, as the header has", hint: "a field holding a comma must be quoted")
                if onInvalid == .fail { throw e }
                rejects.append(RejectedRow(error: e, record: Self.record(rec.fields))); summary.rejected += 1
                continue
            }
            if let failed = source.filters.indices.first(where: { !source.filters[$0].keeps(rec.fields[filterCols[$0]]) }) {
                summary.removed[failed].rows += 1
                continue
            }
            do {
                var values = try resolved.map { r in try r.map { try value($0, rec.fields, path: path, line: rec.line) } ?? "" }
                append(values, origin: .init(file: path, line: rec.line))
                summary.rowsWritten += 1
                if let refund, let a = amountColumn,
                   let amount = try number(refund.amount, rec.fields, path: path, line: rec.line), amount != 0 {
                    values[a] = (-amount).plainText
                    if let d = refund.date, let di = dateColumn {
                        let v = try value(d, rec.fields, path: path, line: rec.line)
                        if !v.isEmpty { values[di] = v }
                    }
                    append(values, origin: .init(file: path, line: rec.line))
                    summary.refundRows += 1
                }
            } catch let p as RowProblem {
                if onInvalid == .fail { throw p.error }
                rejects.append(RejectedRow(error: p.error, record: Self.record(rec.fields))); summary.rejected += 1
            }
        }
    }

    mutating func append(_ values: [String], origin: ImportedTables.Origin) {
        table.lines.append(line)
        table.origins.append(origin)
        for (i, v) in values.enumerated() {
            if i > 0 { table.csv.append(44) }
            CSVField.append(v, to: &table.csv)
            line += v.utf8.reduce(0) { $0 + ($1 == 10 ? 1 : 0) }
        }
        table.csv.append(10)
        line += 1
    }

    static func record(_ fields: [String]) -> String { fields.map(CSVField.text).joined(separator: ",") }

    /// A rule with its columns found in one file's header.
    struct Resolved {
        var rule: ColumnRule
        var kind: ColumnKind
        var cell: Int?
        var expression: [String: Int] = [:]
        var when: Int?
        var currency: Int?, per: Int?, perCount: Int?, quantity: Int?, addMinutes: Int?
        init(rule: ColumnRule, kind: ColumnKind, col: (String, String, Int) throws -> Int) throws {
            self.rule = rule; self.kind = kind
            let key = rule.path
            switch rule.source {
            case .column(let c): cell = try col(c, key, 1)
            case .expression(let e): for c in e.columns { expression[c] = try col(c, "\(key).expr", 1) }
            case .constant: break
            }
            when = try rule.when.map { try col($0.column, "\(key).when", 1) }
            currency = try rule.currencyColumn.map { try col($0, "\(key).currency", 1) }
            per = try rule.per.map { try col($0, "\(key).per", 1) }
            perCount = try rule.perCount.map { try col($0, "\(key).per_count", 1) }
            quantity = try rule.quantity.map { try col($0, "\(key).quantity", 1) }
            addMinutes = try rule.addMinutes.map { try col($0, "\(key).add_minutes", 1) }
        }
    }

    /// The canonical text of one column on one row ("" = empty).
    func value(_ r: Resolved, _ f: [String], path: String, line: Int) throws -> String {
        if let w = r.when, let cond = r.rule.when, !cond.keeps(f[w]) { return "" }
        switch r.kind {
        case .number:
            return try number(r, f, path: path, line: line).map(\.plainText) ?? ""
        case .day, .period:
            let raw = text(r, f)
            if raw.isEmpty { return "" }
            if r.kind == .period, r.rule.format == .iso, raw.count == 7, DateParser.day(from: raw + "-01") != nil { return raw }
            let p = try parsed(r, raw, path: path, line: line)
            return Civil.iso(day(p))
        case .timestamp:
            let raw = text(r, f)
            if raw.isEmpty { return "" }
            var t = instant(try parsed(r, raw, path: path, line: line))
            if let m = r.addMinutes {
                let cell = f[m].trimmingCharacters(in: .whitespaces)
                if cell.isEmpty { return "" }
                // At most 100 years of minutes: anything larger is not a response time.
                guard let minutes = r.rule.number.parse(cell), abs(NSDecimalNumber(decimal: minutes).doubleValue) <= 52_596_000 else {
                    throw problem(path, line, r.rule, column: r.rule.addMinutes!, value: cell, expected: "a number of minutes (at most 100 years)")
                }
                t += NSDecimalNumber(decimal: minutes).doubleValue * 60
            }
            return Self.isoInstant(t)
        default:
            return text(r, f)
        }
    }

    /// The cell (or constant) after `map:` and `case:`.
    func text(_ r: Resolved, _ f: [String]) -> String {
        var v: String
        switch r.rule.source {
        case .column: v = f[r.cell!].trimmingCharacters(in: .whitespaces)
        case .constant(let c): v = c
        case .expression: v = ""
        }
        if let m = r.rule.map {
            if let x = m[v] { v = x } else if let o = r.rule.otherwise { v = o }
        }
        switch r.rule.letterCase {
        case "lower": v = v.lowercased()
        case "upper": v = v.uppercased()
        default: break
        }
        return v
    }

    func problem(_ path: String, _ line: Int, _ rule: ColumnRule, column: String, value: String, expected: String, hint: String? = nil) -> RowProblem {
        RowProblem(error: DataError(.badValue, file: path, line: line, column: column, value: value, expected: expected, hint: hint))
    }

    func parsed(_ r: Resolved, _ raw: String, path: String, line: Int) throws -> DateFormat.Parsed {
        if let p = r.rule.format.parse(raw) { return p }
        let column: String = { if case .column(let c) = r.rule.source { return c }; return r.rule.path }()
        let expected = r.rule.format == .iso ? "an ISO 8601 date such as 2024-03-01 (mapping key \(r.rule.path))"
                                             : "a date written as \(r.rule.format.pattern) (mapping key \(r.rule.path).format)"
        let hint = DateFormat.guess(raw).map { "set `\(r.rule.path).format: \"\($0)\"` in \(mapping.file)" }
            ?? "give its format as `\(r.rule.path).format` (e.g. \"%d/%m/%Y %H:%M\"); see `tenure help schema`"
        throw problem(path, line, r.rule, column: column, value: raw, expected: expected, hint: hint)
    }

    /// Seconds since the epoch: the value's own offset, else a wall time in the business zone.
    func instant(_ p: DateFormat.Parsed) -> Double {
        if let t = p.instant { return t }
        let wall = Double(p.day) * 86400 + p.secondOfDay
        guard let tz = timeZone else { return wall }
        let first = Double(tz.secondsFromGMT(for: Date(timeIntervalSince1970: wall)))
        return wall - Double(tz.secondsFromGMT(for: Date(timeIntervalSince1970: wall - first)))
    }

    /// The business day of a value.
    func day(_ p: DateFormat.Parsed) -> Day {
        guard let t = p.instant, !asWritten else { return p.day }
        let local = t + Double(timeZone?.secondsFromGMT(for: Date(timeIntervalSince1970: t)) ?? 0)
        return Day((local / 86400).rounded(.down))
    }

    static func isoInstant(_ t: Double) -> String {
        let d = (t / 86400).rounded(.down)
        var s = t - d * 86400
        s = (s * 1000).rounded() / 1000
        let whole = Int(s), ms = Int(((s - Double(whole)) * 1000).rounded())
        func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        var out = Civil.iso(Day(d)) + "T" + two(whole / 3600) + ":" + two(whole / 60 % 60) + ":" + two(whole % 60)
        if ms > 0 { out += "." + String(format: "%03d", ms) }
        return out + "Z"
    }

    /// A number rule's value on one row: the cell or expression, times quantity, per month, in the
    /// base currency. nil when empty.
    func number(_ r: Resolved, _ f: [String], path: String, line: Int) throws -> Decimal? {
        let fmt = r.rule.number
        func read(_ i: Int, _ name: String) throws -> Decimal? {
            let cell = f[i].trimmingCharacters(in: .whitespaces)
            if cell.isEmpty { return nil }
            if let v = fmt.parse(cell) { return v }
            let other = NumberFormat(decimal: fmt.decimal == "." ? "," : ".")
            let hint = other.parse(cell) != nil ? "set `\(r.rule.path).decimal: \"\(other.decimal)\"` in \(mapping.file)" : nil
            throw problem(path, line, r.rule, column: name, value: cell, expected: "a number such as 1234.50 (mapping key \(r.rule.path))", hint: hint)
        }
        var v: Decimal
        switch r.rule.source {
        case .column(let c):
            let mapped = text(r, f)
            if r.rule.map != nil {
                if mapped.isEmpty { return nil }
                guard let x = fmt.parse(mapped) else {
                    throw problem(path, line, r.rule, column: c, value: mapped, expected: "a number after `map:` (mapping key \(r.rule.path).map)")
                }
                v = x
            } else {
                guard let x = try read(r.cell!, c) else { return nil }
                v = x
            }
        case .constant(let c):
            guard let x = fmt.parse(c) else {
                throw problem(path, line, r.rule, column: r.rule.path, value: c, expected: "a number (mapping key \(r.rule.path).value)")
            }
            v = x
        case .expression(let e):
            do {
                guard let x = try e.evaluate({ name in try read(r.expression[name]!, name) }) else { return nil }
                v = x
            } catch let e as ExpressionError {
                throw problem(path, line, r.rule, column: r.rule.path, value: "", expected: "an expression with a value (\(e.message))")
            }
        }
        if let q = r.quantity {
            guard let x = try read(q, r.rule.quantity!) else { return nil }
            v *= x
        }
        if let p = r.per {
            let interval = f[p].trimmingCharacters(in: .whitespaces)
            guard let months = ColumnRule.monthsPer(interval) else {
                throw problem(path, line, r.rule, column: r.rule.per!, value: interval,
                              expected: "a billing interval: day, week, month, quarter or year (mapping key \(r.rule.path).per)")
            }
            var count: Decimal = 1
            if let c = r.perCount, let x = try read(c, r.rule.perCount!) {
                guard x > 0 else {
                    throw problem(path, line, r.rule, column: r.rule.perCount!, value: f[c], expected: "a positive interval count")
                }
                count = x
            }
            v /= months * count
        }
        var code = r.rule.currencyCode
        if let c = r.currency { code = f[c].trimmingCharacters(in: .whitespaces) }
        if let code, !code.isEmpty {
            guard let rules = mapping.currency else {
                // No `currency:` block: every row must be in one currency (the first one seen).
                let c = code.uppercased()
                if firstCurrency.code == nil { firstCurrency.code = c }
                guard firstCurrency.code == c else {
                    throw problem(path, line, r.rule, column: r.rule.currencyColumn ?? r.rule.path, value: code,
                                  expected: "amounts in one currency (earlier rows are in \(firstCurrency.code!))",
                                  hint: "add `currency: {base: \(firstCurrency.code!), rates: {\(c): <\(firstCurrency.code!) per \(c)>}}` to \(mapping.file)")
                }
                return v
            }
            guard let rate = rules.rate(code) else {
                throw problem(path, line, r.rule, column: r.rule.currencyColumn ?? r.rule.path, value: code,
                              expected: "a currency with a rate to \(rules.base)",
                              hint: "add `\(code.uppercased()): <\(rules.base) per \(code.uppercased())>` under currency.rates in \(mapping.file)")
            }
            v *= rate
        }
        return v
    }
}
