import Foundation

/// What `tenure validate` reports for one table of SPEC §1.
public struct TableSummary: Sendable {
    public var table: String
    public var file: String
    /// The file exists in the dataset directory.
    public var present: Bool
    /// Rows read (rows with problems excluded).
    public var rows: Int = 0
    /// Distinct customers named by the rows read.
    public var customers: Int = 0
    /// Earliest and latest date in any date or timestamp column.
    public var firstDay: Day?
    public var lastDay: Day?
    public var header: [String] = []
    /// Every problem found in this table, in file order.
    public var problems: [DataError] = []
}

/// Every table's summary and every problem found, for `tenure validate`.
public struct ValidationReport: Sendable {
    public var directory: String
    public var tables: [TableSummary]
    /// Problems that belong to no single row (a missing directory or transactions.csv).
    public var datasetProblems: [DataError]
    public var problemCount: Int { datasetProblems.count + tables.reduce(0) { $0 + $1.problems.count } }
}

/// Checks a dataset directory without stopping at the first problem: each table is read with
/// bad rows set aside (`--on-invalid skip`), and a table that cannot be read at all (missing
/// column, empty file, …) contributes its one error and the check goes on with the next table.
public enum DatasetValidator {
    public static func validate(directory: String, options: LoadOptions = LoadOptions()) -> ValidationReport {
        var report = ValidationReport(directory: directory, tables: [], datasetProblems: [])
        do { try DatasetLoader.checkDirectory(directory) } catch let e as DataError {
            report.datasetProblems.append(e)
            return report
        } catch { return report }
        var interner = ByteInterner(capacity: 1 << 14)
        for spec in Tables.all {
            let path = DatasetLoader.path(directory, spec.file)
            var s = TableSummary(table: spec.table, file: path, present: FileManager.default.fileExists(atPath: path))
            guard s.present else {
                if spec.table == "transactions" { report.datasetProblems.append(DatasetLoader.missingTransactions(directory)) }
                report.tables.append(s)
                continue
            }
            do {
                let t = try TableReader.read(spec, path: path, display: path, schema: options.schema, customers: &interner,
                                             onInvalid: .skip, threads: options.threads)
                s.rows = t.rows
                s.header = t.header
                s.problems = t.rejects.map(\.error)
                if let c = spec.columns.firstIndex(where: { $0.kind == .customer }), t.has(c) {
                    var seen = [Bool](repeating: false, count: interner.count)
                    var n = 0
                    for v in t.ints[c] where v >= 0 && !seen[Int(v)] { seen[Int(v)] = true; n += 1 }
                    s.customers = n
                }
                if let r = DatasetLoader.dateRange(spec.table, t) { s.firstDay = r.0; s.lastDay = r.1 }
                if spec.table == "transactions" && t.rows == 0 && s.problems.isEmpty {
                    s.problems.append(DataError(.emptyFile, file: path, line: 1, expected: "at least one transaction row after the header"))
                }
            } catch let e as DataError {
                s.problems.append(e)
            } catch {
                s.problems.append(DataError(.other, file: path, expected: "a readable file (\(error))"))
            }
            report.tables.append(s)
        }
        return report
    }
}
