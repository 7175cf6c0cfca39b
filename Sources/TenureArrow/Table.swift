/// A table read from one or more Arrow IPC streams: the schema's fields and, for each, a column
/// holding the rows of every record batch in order.
public struct ArrowTable: Sendable, Equatable {
    public private(set) var fields: [ArrowField]
    public private(set) var columns: [ArrowColumn]
    /// Rows, the sum of the record batches' lengths (also for a table without columns).
    public private(set) var rowCount: Int
    /// Record batches read into the table.
    public private(set) var batchCount: Int

    /// A table with these fields and no rows.
    public init(fields: [ArrowField]) {
        self.fields = fields
        self.columns = fields.map { ArrowColumn(empty: $0.type) }
        self.rowCount = 0
        self.batchCount = 0
    }

    /// The column of the first field named `name`.
    public func column(named name: String) -> ArrowColumn? {
        fields.firstIndex { $0.name == name }.map { columns[$0] }
    }

    /// Appends the rows of `other`, a table whose schema must be the same (names, types, nullability,
    /// in order) — e.g. the next Arrow stream of a query's result.
    public mutating func append(_ other: ArrowTable) throws {
        try checkSameSchema(other.fields)
        try appendBatch(rows: other.rowCount, columns: other.columns, batches: other.batchCount)
    }

    func checkSameSchema(_ other: [ArrowField]) throws {
        guard other.count == fields.count else {
            throw ArrowError(.schemaMismatch, "the schemas differ: \(other.count) columns "
                + "(\(other.map(\.name).joined(separator: ", "))) against \(fields.count) "
                + "(\(fields.map(\.name).joined(separator: ", ")))")
        }
        for (i, (a, b)) in zip(fields, other).enumerated() where a != b {
            throw ArrowError(.schemaMismatch, "the schemas differ at column \(i + 1): \(b) against \(a)",
                             column: SchemaReader.label(a.name, i))
        }
    }

    /// Appends one batch's columns (of this table's kinds: the caller decoded them from its fields).
    mutating func appendBatch(rows: Int, columns batch: [ArrowColumn], batches: Int = 1) throws {
        let (total, overflow) = rowCount.addingReportingOverflow(rows)
        guard !overflow else { throw ArrowError.malformed("the record batches add up to more than \(Int.max) rows") }
        precondition(batch.count == columns.count)
        if batchCount == 0 && rowCount == 0 {
            columns = batch                     // the first batch: no copy
        } else {
            for i in columns.indices { columns[i].append(contentsOf: batch[i]) }
        }
        rowCount = total
        batchCount += batches
    }
}
