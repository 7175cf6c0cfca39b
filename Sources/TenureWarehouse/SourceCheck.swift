import TenureData

/// `tenure validate postgres://…`: for each of tenure's tables, whether its source table is there,
/// whether the mapped columns exist with a usable type, and — for text columns, which raw loads
/// leave everywhere — how many values would not parse as the CSV reader parses them, with an id to
/// find one. Counting runs in the engine (one query per table); only counts and one example return.
public struct SourceCheck: Sendable {
    public struct Table: Sendable {
        public var table: String
        public var source: String
        public var exists: Bool
        public var rows: Int64 = 0
        public var problems: [String] = []
    }

    /// The PostgreSQL types accepted for each kind of column; text is accepted everywhere and checked by value.
    static func accepts(_ kind: ColumnKind, _ type: String) -> Bool {
        let t = type.lowercased()
        if t == "text" || t.hasPrefix("character") { return true }
        switch kind {
        case .day, .timestamp, .period: return t == "date" || t.hasPrefix("timestamp")
        case .number: return ["numeric", "integer", "bigint", "smallint", "real", "double precision"].contains(t)
        case .bool: return t == "boolean" || t == "integer" || t == "smallint"
        case .customer, .category, .key, .surveyKind: return true
        }
    }

    /// A PostgreSQL regular expression that text values of `kind` must match (the CSV reader's
    /// syntax: ISO dates with months 01–12 and days 01–31, an optional time; decimal numbers), nil
    /// when any text goes. A day past its month's end (02-30) passes here and fails in the cast.
    static func pattern(_ kind: ColumnKind) -> String? {
        switch kind {
        case .day, .timestamp: return #"^\s*[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])([T ][0-9:.]+(Z|[+-][0-9:]+)?)?\s*$"#
        case .period: return #"^\s*[0-9]{4}-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?\s*$"#
        case .number: return #"^\s*[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?\s*$"#
        default: return nil
        }
    }

    /// The columns (name, PostgreSQL type) of `source` (`schema.table` or a table on the search path),
    /// in table order; empty when the table does not exist.
    public static func columnTypes(_ executor: any StatisticExecutor, table source: String) throws -> [(name: String, type: String)] {
        let q = Dialect.postgres
        let parts = source.split(separator: ".", maxSplits: 1).map(String.init)
        let (schema, name) = parts.count == 2 ? (parts[0], parts[1]) : ("", parts[0])
        let cols = try executor.run(StatisticQuery(name: "columns_of_\(name)", sql: """
            SELECT column_name::text AS name, data_type::text AS type FROM information_schema.columns
            WHERE table_name = \(q.string(name)) AND \(schema.isEmpty ? "table_schema = ANY (current_schemas(false))" : "table_schema = \(q.string(schema))")
            ORDER BY ordinal_position
            """, columns: [("name", .text), ("type", .text)]))
        return zip(try cols.texts("name"), try cols.texts("type")).map { (name: $0 ?? "", type: $1 ?? "") }
    }

    /// The column names of `source`.
    public static func columns(_ executor: any StatisticExecutor, table source: String) throws -> [String] {
        try columnTypes(executor, table: source).map(\.name)
    }

    /// Checks every table tenure knows that the mapping or the schema points at.
    public static func run(_ executor: any StatisticExecutor, tables: WarehouseTables) throws -> [Table] {
        let q = Dialect.postgres
        var out: [Table] = []
        for spec in Tables.all {
            let source = tables.table(spec.table)
            let found = try columnTypes(executor, table: source)
            let names = found.map(\.name), types = found.map(\.type)
            var t = Table(table: spec.table, source: source, exists: !names.isEmpty)
            guard t.exists else { out.append(t); continue }
            var checks: [(label: String, sql: String)] = []
            let id = q.identifier(tables.column("customer_id", in: spec.table))
            let hasID = names.contains(tables.column("customer_id", in: spec.table))
            for c in spec.columns {
                guard let mine = tables.column(c, in: spec.table, among: names), let k = names.firstIndex(of: mine) else {
                    if c.required {
                        t.problems.append("column \(tables.column(c.name, in: spec.table)) not found (mapping key \(spec.table).\(c.name)); \(source) has: \(names.joined(separator: ", "))")
                    }
                    continue
                }
                if !accepts(c.kind, types[k]) {
                    t.problems.append("column \(mine) is \(types[k]); expected \(c.kind.expected) (mapping key \(spec.table).\(c.name))")
                    continue
                }
                let col = q.identifier(mine)
                if !c.allowEmpty { checks.append(("\(mine) is NULL", "\(col) IS NULL")) }
                if let p = pattern(c.kind), types[k].lowercased() == "text" || types[k].lowercased().hasPrefix("character") {
                    checks.append(("\(mine) is not \(c.kind.expected)", "\(col) IS NOT NULL AND \(col) !~ \(q.string(p))"))
                }
            }
            let counts = checks.enumerated().map { "SUM(CASE WHEN \($1.sql) THEN 1 ELSE 0 END)::bigint AS bad\($0)" }
            let examples = checks.enumerated().map { k, ch in
                "(SELECT \(hasID ? "\(id)::text" : "NULL::text") || ' | ' || row_to_json(s)::text FROM \(q.identifier(source)) s WHERE \(ch.sql) LIMIT 1) AS ex\(k)"
            }
            let res = try executor.run(StatisticQuery(name: "check_\(spec.table)", sql: """
                SELECT \((["COUNT(*)::bigint AS row_count"] + counts + examples).joined(separator: ", ")) FROM \(q.identifier(source))
                """, columns: [("row_count", .int)] + checks.indices.map { ("bad\($0)", .int) } + checks.indices.map { ("ex\($0)", .text) }))
            t.rows = try res.ints("row_count").first.flatMap { $0 } ?? 0
            for (k, ch) in checks.enumerated() {
                guard let n = try res.ints("bad\(k)").first.flatMap({ $0 }), n > 0 else { continue }
                let ex = try res.texts("ex\(k)").first.flatMap { $0 } ?? ""
                let shown = ex.count > 160 ? String(ex.prefix(160)) + "…" : ex
                t.problems.append("\(n) of \(t.rows) rows: \(ch.label); e.g. \(hasID ? "customer " : "")\(shown)")
            }
            out.append(t)
        }
        return out
    }
}
