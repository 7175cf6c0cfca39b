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

    /// The mapping key a user edits to change where `column` comes from, for messages.
    public func mappingKey(_ column: String, in table: String) -> String { "\(table).\(column)" }
}
