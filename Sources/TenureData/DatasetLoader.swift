import Foundation

/// Reads a dataset directory (SPEC §1) into a `Dataset`.
///
/// Every table of SPEC §1 is read when its file is present; at least one table other than
/// customers.csv/marketing_spend.csv must be (which analyses need which: `Requirements.swift`).
/// A table file that is present but cannot be read (a dangling symlink, no permission, a directory)
/// is an error naming it, never taken for a missing table.
/// Customer ids from every table are interned into one `CustomerIndex` (transactions first, in
/// order of first appearance, then the other tables in the order of `Tables.all`). `asOf` is
/// `options.asOf` or the latest date found in any table. Under `.fail` the first bad row throws a
/// `DataError`; under `.skip` bad rows are left out and returned in `rejects` (file-level problems —
/// a missing file or column, an empty file — always throw).
public enum DatasetLoader {
    public struct Loaded: Sendable {
        public var dataset: Dataset
        /// Rows left out under `--on-invalid skip` (empty under `.fail`, which throws on the first).
        public var rejects: [RejectedRow]
        /// What importing raw exports did, file by file (empty for a canonical dataset).
        public var imported: [ImportedTables.FileSummary] = []
        public init(dataset: Dataset, rejects: [RejectedRow]) { self.dataset = dataset; self.rejects = rejects }
    }

    public static func load(directory: String, options: LoadOptions = LoadOptions()) throws -> Loaded {
        try checkDirectory(directory)
        let imported = try options.schema.sources.map { try SourceImporter.run(directory: directory, mapping: $0, onInvalid: options.onInvalid) }
        return try load(directory: directory, imported: imported, options: options)
    }

    /// Reads each table from its import when there is one, else from its canonical file; every
    /// problem is reported at the export's file and line.
    public static func load(directory: String, imported: ImportedTables?, options: LoadOptions) throws -> Loaded {
        do { return try read(directory: directory, imported: imported, options: options) } catch let e as DataError {
            throw imported?.relocate(e) ?? e
        }
    }

    static func read(directory: String, imported: ImportedTables?, options: LoadOptions) throws -> Loaded {
        var interner = ByteInterner(capacity: 1 << 14)
        var tables: [String: TableColumns] = [:]
        var rejects: [RejectedRow] = imported?.rejects ?? []
        for spec in Tables.all {
            let t: TableColumns
            if let it = imported?.tables[spec.table] {
                t = try TableReader.read(spec, bytes: CSVBytes(bytes: it.csv), display: it.display, schema: Schema(), customers: &interner,
                                         onInvalid: options.onInvalid, threads: options.threads)
                rejects += t.rejects.map { imported!.relocate($0) }
            } else {
                let path = self.path(directory, spec.file)
                guard try present(path) else { continue }
                t = try TableReader.read(spec, path: path, display: path, schema: options.schema, customers: &interner,
                                         onInvalid: options.onInvalid, threads: options.threads)
                rejects += t.rejects
            }
            tables[spec.table] = t
        }
        guard tables.keys.contains(where: { $0 != "customers" && $0 != "marketing_spend" }) else {
            throw noTables(directory)
        }
        if let tx = tables["transactions"], tx.rows == 0 {
            throw DataError(.emptyFile, file: tx.file, line: 1, expected: "at least one transaction row after the header",
                            hint: rejects.isEmpty ? nil : "every row was rejected; see rejects.csv")
        }
        var loaded = Loaded(dataset: assemble(directory, tables, CustomerIndex(interner: interner), asOf: options.asOf), rejects: rejects)
        // The reads freed their transients (storage, runs, interner tables) into the threads' malloc
        // arenas: give that memory back before the analysis allocates its own (3M customers:
        // without this, the peak of a cohorts run was 0.57 or 0.65 GB depending on the run).
        #if os(Linux)
        _ = mallocTrim(0)
        #endif
        loaded.imported = imported?.files ?? []
        return loaded
    }

    /// Reads an in-memory transactions.csv (tests, benchmarks): same reader, same results.
    public static func loadTransactions(csv bytes: [UInt8], name: String = "transactions.csv",
                                        options: LoadOptions = LoadOptions()) throws -> Loaded {
        var interner = ByteInterner(capacity: 1 << 14)
        let t = try TableReader.read(Tables.transactions, bytes: CSVBytes(bytes: bytes), display: name, schema: options.schema,
                                     customers: &interner, onInvalid: options.onInvalid, threads: options.threads)
        return Loaded(dataset: assemble(name, ["transactions": t], CustomerIndex(interner: interner), asOf: options.asOf),
                      rejects: t.rejects)
    }

    static func assemble(_ source: String, _ t: [String: TableColumns], _ customers: CustomerIndex, asOf: Day?) -> Dataset {
        var ds = Dataset(source: source, customers: customers, transactions: t["transactions"]?.transactions() ?? Transactions(), asOf: 0)
        ds.hasTransactions = t["transactions"] != nil
        ds.customerTable = t["customers"]?.customerTable()
        ds.subscriptions = t["subscriptions"]?.subscriptions()
        ds.surveys = t["surveys"]?.surveys()
        ds.tickets = t["tickets"]?.tickets()
        ds.interactions = t["interactions"]?.interactions()
        ds.leads = t["leads"]?.leads()
        ds.marketingSpend = t["marketing_spend"]?.marketingSpend()
        if let asOf { ds.asOf = asOf } else {
            var hi = Day.min
            for (name, table) in t {
                if let r = dateRange(name, table) { hi = max(hi, r.1) }
            }
            ds.asOf = hi == Day.min ? 0 : hi
        }
        return ds
    }

    /// The range of dates a table holds (every date and timestamp column), nil when it has none.
    public static func dateRange(_ table: String, _ t: TableColumns) -> (Day, Day)? {
        switch table {
        case "transactions": return t.dayRange(dayColumns: [1])
        case "customers": return t.dayRange(dayColumns: [1])
        case "subscriptions": return t.dayRange(dayColumns: [1, 2])
        case "surveys": return t.dayRange(dayColumns: [1])
        case "tickets": return t.dayRange(dayColumns: [], timestampColumns: [2, 3, 4])
        case "interactions": return t.dayRange(dayColumns: [], timestampColumns: [1])
        case "leads": return t.dayRange(dayColumns: [1, 4, 5])
        case "marketing_spend": return t.dayRange(dayColumns: [0])
        default: return nil
        }
    }

    public static func path(_ directory: String, _ file: String) -> String {
        directory.hasSuffix("/") ? directory + file : directory + "/" + file
    }

    static func checkDirectory(_ directory: String) throws {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDir) else {
            throw DataError(.missingFile, file: directory, expected: "a dataset directory holding transactions.csv",
                            hint: "the directory does not exist")
        }
        guard isDir.boolValue else {
            throw DataError(.missingFile, file: directory, expected: "a dataset directory holding transactions.csv",
                            hint: "this is a file; pass the directory that contains it")
        }
    }

    /// Whether a table file is there to read: false when absent; throws when something is at the
    /// path that cannot be read as a file (dangling symlink, directory, FIFO, no permission).
    static func present(_ path: String) throws -> Bool {
        var st = stat()
        guard lstat(path, &st) == 0 else { return false }
        let name = (path as NSString).lastPathComponent
        func unreadable(_ why: String, _ fix: String) -> DataError {
            DataError(.missingFile, file: path, expected: "\(name) to be a readable file", hint: "\(why); \(fix)")
        }
        if (st.st_mode & S_IFMT) == S_IFLNK {
            var target = stat()
            guard stat(path, &target) == 0 else {
                let dest = (try? FileManager.default.destinationOfSymbolicLink(atPath: path)) ?? "?"
                throw unreadable("it is a symbolic link to \(dest), which does not exist", "fix or remove the link")
            }
            st = target
        }
        if let e = CSVBytes.notARegularFile(st.st_mode, file: path) { throw e }
        guard access(path, R_OK) == 0 else {
            throw unreadable("it cannot be read (permission denied)", "run `chmod +r \(path)` or copy it somewhere readable")
        }
        return true
    }

    static func noTables(_ directory: String) -> DataError {
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { $0.lowercased().hasSuffix(".csv") }.sorted()
        var hint = files.isEmpty ? "the directory holds no .csv files" : "found: \(files.joined(separator: ", "))"
        let known = Set(Tables.all.map(\.file))
        if let near = files.first(where: { !known.contains($0) && $0.lowercased().hasPrefix("transaction") }) {
            hint = "found \(near); rename it to transactions.csv"
        } else if let near = files.first(where: { !known.contains($0) && $0.lowercased().hasPrefix("subscription") }) {
            hint = "found \(near); rename it to subscriptions.csv"
        } else if !files.isEmpty {
            hint += "; map your files' columns with --schema FILE.yaml"
        }
        return DataError(.missingFile, file: path(directory, "transactions.csv"),
                         expected: "transactions.csv (customer_id, date, amount) or subscriptions.csv (customer_id, start_date) "
                             + "— every analysis needs one of them", hint: hint)
    }
}
