/// How a dataset is read. The CLI builds this from `--schema`, `--as-of` and `--on-invalid`.
public struct LoadOptions: Sendable {
    public enum OnInvalid: String, Sendable, CaseIterable { case fail, skip }
    /// Maps a canonical column name to the name in the user's file, per table ("transactions" → ["date": "order_date"]).
    public var schema: Schema
    /// End of observation (inclusive). nil = the latest date found in the data.
    public var asOf: Day?
    public var onInvalid: OnInvalid
    /// Worker threads for parsing large files.
    public var threads: Int

    public init(schema: Schema = Schema(), asOf: Day? = nil, onInvalid: OnInvalid = .fail, threads: Int = 2) {
        self.schema = schema; self.asOf = asOf; self.onInvalid = onInvalid; self.threads = threads
    }
}

/// A row that `--on-invalid skip` left out, with why. Written to `rejects.csv`.
public struct RejectedRow: Sendable, Codable, Equatable {
    public var error: DataError
    /// The raw record text as it appeared in the file.
    public var record: String
    public init(error: DataError, record: String) { self.error = error; self.record = record }
}

/// Column-name mapping loaded from `--schema FILE.yaml`:
/// ```yaml
/// transactions: { customer_id: cust, date: order_date, amount: total }
/// customers:    { customer_id: cust }
/// ```
public struct Schema: Sendable, Equatable {
    public var tables: [String: [String: String]]
    /// Tables described as raw exports (files, filters, transforms), imported before reading.
    public var sources: SourceMapping?
    public init(tables: [String: [String: String]] = [:], sources: SourceMapping? = nil) { self.tables = tables; self.sources = sources }
    /// The header name to look for in `table` for canonical column `column`.
    public func name(of column: String, in table: String) -> String { tables[table]?[column] ?? column }
}
