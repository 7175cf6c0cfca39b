import TenureData

/// Where each of tenure's tables lives in the engine and what its columns are called: the same
/// mapping file as for CSV (`--schema`), where a table may also name its source table
/// (`transactions: {table: crm.orders, customer_id: cust, date: created_at}`) or, on Spark and
/// DuckDB, Parquet files the engine reads (`transactions: {parquet: "s3a://bucket/orders/*.parquet"}`).
/// A table with neither is looked for under its own name in the location's schema (`?schema=crm`).
public struct WarehouseTables: Sendable {
    public var schema: Schema
    public var defaultSchema: String?

    public init(schema: Schema = Schema(), defaultSchema: String? = nil) {
        self.schema = schema; self.defaultSchema = defaultSchema
    }

    /// The qualified source table of tenure's table `name` (e.g. `crm.transactions`), or for Parquet
    /// files `parquet:PATH`; for messages, and for engines' catalogs.
    public func table(_ name: String) -> String {
        if let p = parquet(name) { return "parquet:" + p }
        if let t = schema.tables[name]?["table"] { return t }
        return defaultSchema.map { "\($0).\(name)" } ?? name
    }

    /// The Parquet path (a file, a directory or a glob) tenure's table `name` is read from, if mapped so.
    public func parquet(_ name: String) -> String? { schema.tables[name]?["parquet"] }

    /// The FROM item of tenure's table `name` in `dialect`: its quoted source table, or the engine's
    /// reader of its Parquet files (Spark `parquet.`PATH``, DuckDB `read_parquet('PATH')`). Other
    /// dialects cannot read files in a query; `WarehouseTables.check(dialect:)` refuses that first.
    public func from(_ name: String, _ dialect: Dialect) -> String {
        guard let p = parquet(name) else { return dialect.identifier(table(name)) }
        switch dialect {
        case .duckdb: return "read_parquet(\(dialect.string(p)))"
        default: return "parquet.`" + p.replacingOccurrences(of: "`", with: "``") + "`"   // one part: the path may hold dots
        }
    }

    /// Refuses Parquet sources for a dialect that cannot read files in a query.
    public func check(dialect: Dialect) throws {
        guard dialect != .spark && dialect != .duckdb,
              let t = Tables.all.map(\.table).first(where: { parquet($0) != nil }) else { return }
        throw WarehouseError.data("\(t) is mapped to Parquet files (\(parquet(t)!)), which \(dialect.rawValue) cannot read in a query",
                                  hint: "load the files into a table and map it with `\(t): {table: SCHEMA.TABLE}`, or run on Spark (sc://) or DuckDB (--emit-sql duckdb)")
    }

    /// The source column of tenure's column `column` in table `table`.
    public func column(_ column: String, in table: String) -> String { schema.name(of: column, in: table) }

    /// The source column of `spec` in `table` among the columns `names` the engine's table has: the
    /// mapped (or same-named) one, else — when the mapping does not name it — one of the column's
    /// aliases, as a CSV header is matched (`marketing_spend.date` is read from `period`); nil when none is there.
    public func column(_ spec: ColumnSpec, in table: String, among names: [String]) -> String? {
        let mine = column(spec.name, in: table)
        if names.contains(mine) { return mine }
        guard schema.tables[table]?[spec.name] == nil else { return nil }
        return spec.aliases.first { names.contains($0) }
    }

    /// These tables with the alias columns found (`column(_:in:among:)`) mapped explicitly.
    public func resolvingAliases(_ found: [String: [String]]) -> WarehouseTables {
        var out = self
        for spec in Tables.all {
            guard let names = found[spec.table] else { continue }
            for c in spec.columns where !c.aliases.isEmpty {
                if let alias = column(c, in: spec.table, among: names), alias != column(c.name, in: spec.table) {
                    out.schema.tables[spec.table, default: [:]][c.name] = alias
                }
            }
        }
        return out
    }

    /// The mapping key a user edits to change where `column` comes from, for messages.
    public func mappingKey(_ column: String, in table: String) -> String { "\(table).\(column)" }
}
