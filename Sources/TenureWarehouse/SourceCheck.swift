import TenureData

/// `tenure validate postgres://…` (and `sc://…`): for each of tenure's tables, whether its source table is there,
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

    /// A text type of PostgreSQL (`text`, `character varying`) or Spark (`string`, `varchar(n)`).
    static func isText(_ type: String) -> Bool {
        let t = type.lowercased()
        return t == "text" || t == "string" || t.hasPrefix("character") || t.hasPrefix("varchar") || t.hasPrefix("char")
    }

    /// The PostgreSQL and Spark types accepted for each kind of column; text is accepted everywhere
    /// and checked by value.
    static func accepts(_ kind: ColumnKind, _ type: String) -> Bool {
        let t = type.lowercased()
        if isText(t) { return true }
        switch kind {
        case .day, .timestamp, .period: return t == "date" || t.hasPrefix("timestamp")
        case .number:
            return ["numeric", "integer", "bigint", "smallint", "real", "double precision", "int", "tinyint", "float", "double"].contains(t)
                || t.hasPrefix("decimal") || t.hasPrefix("numeric")
        case .bool: return ["boolean", "integer", "smallint", "int", "tinyint"].contains(t)
        case .customer, .category, .key, .surveyKind: return true
        }
    }

    /// A regular expression (valid in PostgreSQL and in Spark's Java syntax) that text values of `kind` must match (the CSV reader's
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

    /// Checks every table tenure knows that the mapping or the schema points at.
    public static func run(_ executor: any LiveExecutor, tables: WarehouseTables) throws -> [Table] {
        let q = executor.dialect
        var out: [Table] = []
        for spec in Tables.all {
            let source = tables.table(spec.table)
            let found = try executor.columnTypes(of: spec.table, in: tables)
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
                if let p = pattern(c.kind), isText(types[k]) {
                    let mismatch = q == .spark ? "NOT (\(col) RLIKE \(q.string(p)))" : "\(col) !~ \(q.string(p))"
                    checks.append(("\(mine) is not \(c.kind.expected)", "\(col) IS NOT NULL AND \(mismatch)"))
                }
            }
            let counts = checks.enumerated().map { "\(q.cast("SUM(CASE WHEN \($1.sql) THEN 1 ELSE 0 END)", q.bigint)) AS bad\($0)" }
            let row = q == .spark ? "to_json(struct(s.*))" : "row_to_json(s)::text"
            let examples = checks.enumerated().map { k, ch in
                "(SELECT \(hasID ? q.cast(id, q.text) : q.cast("NULL", q.text)) || ' | ' || \(row) FROM \(tables.from(spec.table, q)) s WHERE \(ch.sql) LIMIT 1) AS ex\(k)"
            }
            let res = try executor.run(StatisticQuery(name: "check_\(spec.table)", sql: """
                SELECT \(([q.cast("COUNT(*)", q.bigint) + " AS row_count"] + counts + examples).joined(separator: ", ")) FROM \(tables.from(spec.table, q))
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
