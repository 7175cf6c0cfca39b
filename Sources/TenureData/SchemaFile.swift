import Foundation
import Yams

/// Loads `--schema FILE.yaml` into a `Schema`, with errors that name the file and line.
public enum SchemaFile {
    public static func load(path: String) throws -> Schema {
        if path.hasPrefix("preset:") { return try presets(String(path.dropFirst(7))) }
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw DataError(.missingFile, file: path, expected: "a readable YAML schema file")
        }
        return try parse(text, file: path)
    }

    /// A mapping file: per table either plain renames (`transactions: {date: order_date}`) or a
    /// source description (`file`, `where`, `columns`, `refunds`, `preset`; see `SourceMapping`),
    /// plus `timezone` and `currency` for the sources.
    public static func parse(_ text: String, file: String) throws -> Schema {
        let node = try YAMLFile.compose(text, file: file)
        guard let root = node?.mapping else {
            throw DataError(.badSchema, file: file, line: 1, expected: "a mapping of table name to {canonical: your_column}")
        }
        let cx = MappingParser.Context(file: file)
        var tables: [String: [String: String]] = [:]
        var sources = SourceMapping(file: file)
        var anySource = false
        for (k, v) in root {
            guard let table = k.string else { continue }
            if table == "timezone" { sources.timeZone = try MappingParser.timeZone(v, cx); continue }
            if table == "currency" { sources.currency = try MappingParser.currency(v, cx); continue }
            guard let spec = Tables.all.first(where: { $0.table == table }) else {
                let known = Tables.all.map(\.table) + MappingParser.topKeys
                throw DataError(.badSchema, file: file, line: k.mark?.line ?? 0, column: table,
                                expected: "a table of tenure's: \(Tables.all.map(\.table).joined(separator: ", ")) (or timezone, currency)",
                                hint: Suggest.closest(table, in: known).map { "did you mean '\($0)'?" }
                                    ?? "the keys are tenure's table names; the values map their columns to yours")
            }
            // Several exports of one table: a list of descriptions.
            if let list = v.sequence {
                for part in list {
                    guard let pm = part.mapping, MappingParser.isSource(pm) else {
                        throw DataError(.badSchema, file: file, line: part.mark?.line ?? 0, column: table,
                                        expected: "each item of \(table) a description with `file:` and `columns:` (or `preset:`)")
                    }
                    sources.tables.append(try Presets.resolve(MappingParser.table(table, part, spec: spec, cx), given: MappingParser.givenKeys(part), cx))
                }
                anySource = true
                continue
            }
            guard let m = v.mapping else {
                throw DataError(.badSchema, file: file, line: v.mark?.line ?? 0, column: table,
                                expected: "a mapping such as `\(table): {customer_id: cust}`")
            }
            if MappingParser.isSource(m) {
                anySource = true
                sources.tables.append(try Presets.resolve(MappingParser.table(table, v, spec: spec, cx), given: MappingParser.givenKeys(v), cx))
                continue
            }
            var cols: [String: String] = [:]
            for (ck, cv) in m {
                if let canon = ck.string, cv.string == nil, let near = Suggest.closest(canon, in: MappingParser.tableKeys) {
                    throw DataError(.badSchema, file: file, line: ck.mark?.line ?? 0, column: "\(table).\(canon)",
                                    expected: "a key of table \(table): \(MappingParser.tableKeys.joined(separator: ", ")), or `canonical_name: your_column_name` pairs",
                                    hint: "did you mean '\(near)'?")
                }
                guard let canon = ck.string, let mine = cv.string else {
                    throw DataError(.badSchema, file: file, line: cv.mark?.line ?? 0, column: table,
                                    expected: "`canonical_name: your_column_name` pairs of strings",
                                    hint: "for transforms (formats, expressions, filters) describe the table with `columns:`; see `tenure help schema`")
                }
                // `table:` names the source table in warehouse mode (`transactions: {table: crm.orders}`),
                // `parquet:` the Parquet files Spark or DuckDB reads (`{parquet: "s3a://b/orders/*.parquet"}`).
                if canon == "table" || canon == "parquet" { cols[canon] = mine; continue }
                let known = spec.columns.flatMap { [$0.name] + $0.aliases }
                guard known.contains(canon) || spec.keepExtraColumns else {
                    throw DataError(.badSchema, file: file, line: ck.mark?.line ?? 0, column: "\(table).\(canon)",
                                    expected: "a column of \(spec.file): \(spec.columns.map(\.name).joined(separator: ", "))",
                                    hint: Suggest.closest(canon, in: known + MappingParser.tableKeys).map { "did you mean '\($0)'?" })
                }
                cols[canon] = mine
            }
            tables[table] = cols
        }
        if !anySource && (sources.timeZone != nil || sources.currency != nil) {
            throw DataError(.badSchema, file: file, line: 1, column: sources.timeZone != nil ? "timezone" : "currency",
                            expected: "a table described with `columns:` (timezone and currency apply to described sources)")
        }
        if anySource {
            // Stable: parts of one table keep the file's order.
            sources.tables = Tables.all.flatMap { spec in sources.tables.filter { $0.table == spec.table } }
        }
        return Schema(tables: tables, sources: anySource ? sources : nil)
    }

    /// `preset:NAME[,NAME…]` on the command line: a mapping of those presets alone.
    public static func presets(_ names: String) throws -> Schema {
        var m = SourceMapping(file: "preset:" + names)
        for name in names.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) {
            m.tables.append(try Presets.table(named: name, file: m.file))
        }
        m.tables.sort { a, b in Tables.all.firstIndex { $0.table == a.table }! < Tables.all.firstIndex { $0.table == b.table }! }
        return Schema(sources: m)
    }

    /// The 1-based line a YAML syntax error points at (0 when unknown).
    public static func yamlLine(_ e: YamlError) -> Int {
        switch e {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _): return mark.line
        default: return 0
        }
    }
}

/// `rejects.csv`: file, line, column, value, reason, record.
public enum RejectsFile {
    public static func render(_ rows: [RejectedRow]) -> String {
        let f = CSVField.text
        var out = "file,line,column,value,reason,record\n"
        for r in rows {
            out += [r.error.file, String(r.error.line), r.error.column ?? "", r.error.value ?? "",
                    "expected " + r.error.expected, r.record].map(f).joined(separator: ",") + "\n"
        }
        return out
    }
}
