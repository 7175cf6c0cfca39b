import TenureData

/// Where each of tenure's tables lives in the engine and what its columns are called: the same
/// mapping file as for CSV (`--schema`), where a table may also name its source table
/// (`transactions: {table: crm.orders, customer_id: cust, date: created_at}`). A table without
/// `table:` is looked for under its own name in the location's schema (`?schema=crm`).
public struct WarehouseTables: Sendable {
    public var schema: Schema
    public var defaultSchema: String?

    public init(schema: Schema = Schema(), defaultSchema: String? = nil) {
        self.schema = schema; self.defaultSchema = defaultSchema
    }

    /// The qualified source table of tenure's table `name` (e.g. `crm.transactions`).
    public func table(_ name: String) -> String {
        if let t = schema.tables[name]?["table"] { return t }
        return defaultSchema.map { "\($0).\(name)" } ?? name
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
