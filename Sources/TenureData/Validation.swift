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
    /// The table's own columns (canonical names, after any mapping) that the header has.
    public var columns: [String] = []
    /// Every problem found in this table, in file order.
    public var problems: [DataError] = []
    /// The problems that concern one row (with its text), i.e. what `--on-invalid skip` would leave
    /// out; the other problems (a missing column, an empty file, …) stop any analysis.
    public var rejects: [RejectedRow] = []
    /// Rows whose own date (order date, signup, start, survey, opening, …) is after the end of
    /// observation: the analyses leave them out.
    public var rowsAfterAsOf: Int = 0
    /// Problems that `--on-invalid skip` cannot get past.
    public var tableProblems: [DataError] {
        var rest = problems
        for r in rejects { if let i = rest.firstIndex(of: r.error) { rest.remove(at: i) } }
        return rest
    }
}

/// Every table's summary and every problem found, for `tenure validate`.
public struct ValidationReport: Sendable {
    public var directory: String
    /// What importing raw exports did, file by file (empty without a source mapping).
    public var imported: [ImportedTables.FileSummary] = []
    public var tables: [TableSummary]
    /// Problems that belong to no single row (a missing directory or transactions.csv, an end of
    /// observation before the first transaction).
    public var datasetProblems: [DataError]
    /// The end of observation: `--as-of`, or the latest date in any table (nil when none was read).
    public var asOf: Day?
    /// `asOf` was given (`--as-of`) rather than taken from the data.
    public var asOfGiven = false
    public var problemCount: Int { datasetProblems.count + tables.reduce(0) { $0 + $1.problems.count } }
    /// Every row-level problem with its row, in table order (what `rejects.csv` holds).
    public var rejects: [RejectedRow] { tables.flatMap(\.rejects) }
    /// True when the analyses can run with `--on-invalid skip`: every problem is about one row.
    public var usableSkippingRows: Bool {
        datasetProblems.isEmpty && tables.allSatisfy { $0.tableProblems.isEmpty }
            && tables.contains { $0.table != "customers" && $0.table != "marketing_spend" && $0.rows > 0 }
    }
    /// What each analysis can run on the tables that were read without a table-level problem.
    public var capabilities: [Capability] {
        Capability.list(present: Set(tables.filter { $0.present && $0.tableProblems.isEmpty }.compactMap { DatasetTable(rawValue: $0.table) }),
                        endReasons: tables.contains { $0.table == "subscriptions" && $0.columns.contains("end_reason") })
    }
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
        var imported: ImportedTables?
        if let m = options.schema.sources {
            do {
                imported = try SourceImporter.run(directory: directory, mapping: m, onInvalid: .skip)
                report.imported = imported!.files
            } catch let e as DataError {
                report.datasetProblems.append(e)
                return report
            } catch { return report }
        }
        var interner = ByteInterner(capacity: 1 << 14)
        var read: [String: TableColumns] = [:]
        var latest = Day.min
        for spec in Tables.all {
            if let it = imported?.tables[spec.table] {
                var s = TableSummary(table: spec.table, file: it.display, present: true)
                var o = options
                o.schema = Schema()
                let t = summarize(spec, &s, customers: &interner, options: o, bytes: { CSVBytes(bytes: it.csv) })
                s.problems = it.rejects.map(\.error) + s.problems.map { imported!.relocate($0) }
                s.rejects = it.rejects + s.rejects.map { imported!.relocate($0) }
                if let t { read[spec.table] = t; if let last = s.lastDay { latest = max(latest, last) } }
                report.tables.append(s)
                continue
            }
            let path = DatasetLoader.path(directory, spec.file)
            var s = TableSummary(table: spec.table, file: path, present: false)
            do { s.present = try DatasetLoader.present(path) } catch let e as DataError {
                s.present = true
                s.problems.append(e)
                report.tables.append(s)
                continue
            } catch {}
            guard s.present else {
                report.tables.append(s)
                continue
            }
            if let t = summarize(spec, &s, customers: &interner, options: options, bytes: { try CSVBytes(path: path, displayName: path) }) {
                if let last = s.lastDay { latest = max(latest, last) }
                read[spec.table] = t
            }
            report.tables.append(s)
        }
        if !report.tables.contains(where: { $0.present && $0.table != "customers" && $0.table != "marketing_spend" }) {
            report.datasetProblems.append(DatasetLoader.noTables(directory))
        }
        // End of observation.
        if let given = options.asOf {
            report.asOf = given
            report.asOfGiven = true
        } else if latest != Day.min {
            report.asOf = latest
        }
        if let asOf = report.asOf {
            for k in report.tables.indices {
                guard let t = read[report.tables[k].table] else { continue }
                report.tables[k].rowsAfterAsOf = rowsAfter(asOf, table: report.tables[k].table, t)
            }
            if report.asOfGiven, let tx = report.tables.first(where: { $0.table == "transactions" }),
               let first = tx.firstDay, first > asOf {
                report.datasetProblems.append(DataError(
                    .other, file: tx.file, value: Civil.iso(asOf),
                    expected: "an end of observation (--as-of) on or after the first transaction (\(Civil.iso(first)))",
                    hint: "every transaction is after \(Civil.iso(asOf)); no analysis would see any"))
            }
        }
        return report
    }

    /// Checks one table held in memory as `validate(directory:)` checks each file (the fuzzer, tests):
    /// the same reading, problems and date range; `rowsAfterAsOf` against `options.asOf` or the
    /// table's own latest date.
    public static func validate(table spec: TableSpec, csv bytes: [UInt8], name: String,
                                options: LoadOptions = LoadOptions()) -> TableSummary {
        var s = TableSummary(table: spec.table, file: name, present: true)
        var interner = ByteInterner(capacity: 1 << 10)
        if let t = summarize(spec, &s, customers: &interner, options: options, bytes: { CSVBytes(bytes: bytes) }),
           let asOf = options.asOf ?? s.lastDay {
            s.rowsAfterAsOf = rowsAfter(asOf, table: spec.table, t)
        }
        return s
    }

    /// Reads one table with bad rows set aside into `s` (rows, header, problems, customers, date
    /// range); the columns read, or nil when the table could not be read at all.
    static func summarize(_ spec: TableSpec, _ s: inout TableSummary, customers interner: inout ByteInterner,
                          options: LoadOptions, bytes: () throws -> CSVBytes) -> TableColumns? {
        let path = s.file
        do {
            let t = try TableReader.read(spec, bytes: bytes(), display: path, schema: options.schema, customers: &interner,
                                         onInvalid: .skip, threads: options.threads)
            s.rows = t.rows
            s.header = t.header
            s.columns = spec.columns.indices.filter { t.has($0) }.map { spec.columns[$0].name }
            s.problems = t.rejects.map(\.error)
            s.rejects = t.rejects   // the reader throws for table-level problems: these are all row-level
            if let c = spec.columns.firstIndex(where: { $0.kind == .customer }), t.has(c) {
                var seen = [Bool](repeating: false, count: interner.count)
                var n = 0
                for v in t.ints[c] where v >= 0 && !seen[Int(v)] { seen[Int(v)] = true; n += 1 }
                s.customers = n
            }
            if let r = DatasetLoader.dateRange(spec.table, t) {
                s.firstDay = r.0; s.lastDay = r.1
            }
            if spec.table == "transactions" && t.rows == 0 && s.problems.isEmpty {
                s.problems.append(DataError(.emptyFile, file: path, line: 1, expected: "at least one transaction row after the header"))
            }
            return t
        } catch let e as DataError {
            s.problems.append(e)
        } catch {
            s.problems.append(DataError(.other, file: path, expected: "a readable file (\(error))"))
        }
        return nil
    }

    /// Rows of a table whose own date (the one an analysis books the row on) is after `asOf`.
    static func rowsAfter(_ asOf: Day, table: String, _ t: TableColumns) -> Int {
        func days(_ c: Int) -> Int {
            guard t.has(c), c < t.ints.count else { return 0 }
            var n = 0
            for d in t.ints[c] where d != Day.missing && d > asOf { n += 1 }
            return n
        }
        func seconds(_ c: Int) -> Int {
            guard t.has(c), c < t.doubles.count else { return 0 }
            let limit = Double(Int(asOf) + 1) * 86400
            var n = 0
            for v in t.doubles[c] where !v.isNaN && v >= limit { n += 1 }
            return n
        }
        switch table {
        case "transactions", "customers", "subscriptions", "surveys", "leads": return days(1)
        case "marketing_spend": return days(0)
        case "tickets": return seconds(2)
        case "interactions": return seconds(1)
        default: return 0
        }
    }
}
