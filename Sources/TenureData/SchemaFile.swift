import Foundation
import Yams

/// Loads `--schema FILE.yaml` into a `Schema`, with errors that name the file and line.
public enum SchemaFile {
    public static func load(path: String) throws -> Schema {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw DataError(.missingFile, file: path, expected: "a readable YAML schema file")
        }
        return try parse(text, file: path)
    }

    public static func parse(_ text: String, file: String) throws -> Schema {
        let node = try YAMLFile.compose(text, file: file)
        guard let root = node?.mapping else {
            throw DataError(.badSchema, file: file, line: 1, expected: "a mapping of table name to {canonical: your_column}")
        }
        var tables: [String: [String: String]] = [:]
        for (k, v) in root {
            guard let table = k.string else { continue }
            guard let spec = Tables.all.first(where: { $0.table == table }) else {
                throw DataError(.badSchema, file: file, line: k.mark?.line ?? 0, column: table,
                                expected: "a table of tenure's: \(Tables.all.map(\.table).joined(separator: ", "))",
                                hint: "the keys are tenure's table names; the values map their columns to yours")
            }
            guard let m = v.mapping else {
                throw DataError(.badSchema, file: file, line: v.mark?.line ?? 0, column: table,
                                expected: "a mapping such as `\(table): {customer_id: cust}`")
            }
            var cols: [String: String] = [:]
            for (ck, cv) in m {
                guard let canon = ck.string, let mine = cv.string else {
                    throw DataError(.badSchema, file: file, line: cv.mark?.line ?? 0, column: table,
                                    expected: "`canonical_name: your_column_name` pairs of strings")
                }
                // `table:` names the source table in warehouse mode (`transactions: {table: crm.orders}`).
                if canon == "table" { cols[canon] = mine; continue }
                let known = spec.columns.flatMap { [$0.name] + $0.aliases }
                guard known.contains(canon) || spec.keepExtraColumns else {
                    throw DataError(.badSchema, file: file, line: ck.mark?.line ?? 0, column: "\(table).\(canon)",
                                    expected: "a column of \(spec.file): \(spec.columns.map(\.name).joined(separator: ", "))")
                }
                cols[canon] = mine
            }
            tables[table] = cols
        }
        return Schema(tables: tables)
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
