import Foundation

/// The canonical tables a `SourceImporter` wrote from raw exports, held in memory, with where each
/// row came from: problems the table reader finds in them are reported at the export's file and line.
public struct ImportedTables: Sendable {
    public struct Table: Sendable {
        public var spec: TableSpec
        /// The canonical CSV (header of tenure's column names, then the rows).
        public var csv: [UInt8]
        /// The name errors use before relocation (`transactions (imported)`).
        public var display: String
        /// For each data row, in order: its first line in `csv`, and the export file and line it came from.
        public var lines: [Int] = []
        public var origins: [Origin] = []
        /// Canonical column → how the mapping names its source (`'Created at'`), for relocated errors.
        public var sourceOf: [String: String] = [:]
        /// Export rows left out under `--on-invalid skip`.
        public var rejects: [RejectedRow] = []
        public var rows: Int { origins.count }
    }
    public struct Origin: Sendable, Equatable { public var file: String; public var line: Int }

    /// What happened to the rows of one export file.
    public struct FileSummary: Sendable, Equatable {
        public var table: String
        public var file: String
        public var rowsRead = 0
        /// Per `where:` condition, in order: rows it removed (a row counts for the first condition it fails).
        public var removed: [(filter: String, rows: Int)] = []
        public var rowsWritten = 0
        /// Extra negative rows written for refunds.
        public var refundRows = 0
        public var rejected = 0
        public static func == (a: Self, b: Self) -> Bool {
            a.table == b.table && a.file == b.file && a.rowsRead == b.rowsRead && a.rowsWritten == b.rowsWritten
                && a.refundRows == b.refundRows && a.rejected == b.rejected
                && a.removed.map(\.filter) == b.removed.map(\.filter) && a.removed.map(\.rows) == b.removed.map(\.rows)
        }
    }

    public var tables: [String: Table] = [:]
    public var files: [FileSummary] = []

    /// "orders_export_1.csv → transactions: 2,504 rows read, 2,000 kept" and, indented, each filter's removals.
    public static func describe(_ files: [FileSummary], indent: String = "") -> [String] {
        let n: (Int) -> String = Thousands.group
        var out: [String] = []
        for f in files {
            var s = "\(indent)\(f.file) → \(f.table): \(n(f.rowsRead)) row\(f.rowsRead == 1 ? "" : "s") read, \(n(f.rowsWritten)) kept"
            if f.refundRows > 0 { s += " (+\(n(f.refundRows)) refund row\(f.refundRows == 1 ? "" : "s"))" }
            if f.rejected > 0 { s += ", \(n(f.rejected)) with problems" }
            out.append(s)
            for r in f.removed { out.append("\(indent)    where \(r.filter): removed \(n(r.rows))") }
        }
        return out
    }
    /// Rows left out under `--on-invalid skip`, at the export's file and line.
    public var rejects: [RejectedRow] = []

    /// `e` with its place moved from the canonical table to the export row it came from.
    public func relocate(_ e: DataError) -> DataError {
        guard let t = tables.values.first(where: { $0.display == e.file }) else { return e }
        var out = e
        if e.line > 1 {
            // The data row whose first line is the last one at or before e.line.
            var lo = 0, hi = t.lines.count - 1, found = -1
            while lo <= hi {
                let mid = (lo + hi) / 2
                if t.lines[mid] <= e.line { found = mid; lo = mid + 1 } else { hi = mid - 1 }
            }
            if found >= 0 { out.file = t.origins[found].file; out.line = t.origins[found].line }
        } else {
            out.file = t.display; out.line = 0
        }
        if let c = e.column, let src = t.sourceOf[c] { out.column = "\(c) (from \(src))" }
        return out
    }

    public func relocate(_ r: RejectedRow) -> RejectedRow {
        RejectedRow(error: relocate(r.error), record: r.record)
    }
}
