import Foundation
import TenureData

/// Runs statistic queries somewhere and returns their tables: a live engine (`LiveExecutor`:
/// `PostgresExecutor`, the Spark Connect executor), or the CSV results of queries the user ran
/// themselves (`AggregatesDirectory`).
public protocol StatisticExecutor: AnyObject {
    /// What the statistics come from, for messages and reports (never holds a password or token).
    var sourceDescription: String { get }
    func run(_ query: StatisticQuery) throws -> StatisticTable
    /// Computes `select` (a shared reduction) once into a relation the engine keeps for the session
    /// and returns that relation's name, to be read by the queries that follow; nil where the engine
    /// keeps none (then each query computes the reduction itself). `name` says what it holds.
    func materialize(_ select: String, name: String) throws -> String?
}

extension StatisticExecutor {
    public func materialize(_ select: String, name: String) throws -> String? { nil }
}

/// An executor connected to a live engine: it also tells which columns a table has (so optional
/// columns are read when they are there) and what each query cost.
public protocol LiveExecutor: StatisticExecutor {
    /// The dialect the engine's queries are written in.
    var dialect: Dialect { get }
    /// The columns (name, the engine's type name) of tenure's table `table` where `tables` places it,
    /// in table order; empty when it does not exist.
    func columnTypes(of table: String, in tables: WarehouseTables) throws -> [(name: String, type: String)]
    /// Per query run: rows and bytes of data received, seconds (for `--timings`).
    var received: [(query: String, rows: Int, bytes: Int, seconds: Double)] { get }
    /// Ends the connection (also done when the executor is released).
    func close()
}

extension LiveExecutor {
    /// The column names of tenure's table `table` (empty when it does not exist).
    public func columns(of table: String, in tables: WarehouseTables) throws -> [String] {
        try columnTypes(of: table, in: tables).map(\.name)
    }
}

/// `--emit-sql DIALECT --out DIR`: writes each query to `DIR/NAME.sql` and, once all are written,
/// `DIR/manifest.json` with the settings they were rendered for; `--aggregates DIR` reads the
/// results back from `DIR/NAME.csv` and refuses settings that differ from the manifest's.
public struct EmittedQueries: Codable, Sendable, Equatable {
    public var dialect: String
    /// The settings that shaped the SQL (time unit, calibration end, as-of, mapping), as strings.
    public var settings: [String: String]
    /// The statistics, in the order they are run: name, then the result columns.
    public var statistics: [Statistic]
    public struct Statistic: Codable, Sendable, Equatable {
        public var name: String
        public var columns: [String]
    }
    public init(dialect: Dialect, settings: [String: String], queries: [StatisticQuery]) {
        self.dialect = dialect.rawValue; self.settings = settings
        statistics = queries.map { Statistic(name: $0.name, columns: $0.columns.map(\.name)) }
    }

    public static let manifestName = "manifest.json"

    /// Writes the SQL files and the manifest into `directory` (created when missing). Each file starts
    /// with a comment saying which CSV to save its result as.
    public static func write(_ queries: [StatisticQuery], dialect: Dialect, settings: [String: String], to directory: String) throws {
        let fm = FileManager.default
        try fm.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for q in queries {
            let text = """
                -- tenure statistic \(q.name) (\(dialect.rawValue)). Save the result, with a header row, as \(q.name).csv
                -- next to this file, then run tenure with --aggregates \(directory).
                -- columns: \(q.columns.map { "\($0.name) \($0.type.rawValue)" }.joined(separator: ", "))
                \(q.sql);

                """
            try Data(text.utf8).write(to: URL(fileURLWithPath: directory + "/\(q.name).sql"), options: .atomic)
        }
        let manifest = EmittedQueries(dialect: dialect, settings: settings, queries: queries)
        let enc = JSONEncoder(); enc.outputFormatting = [.prettyPrinted, .sortedKeys]
        try enc.encode(manifest).write(to: URL(fileURLWithPath: directory + "/" + manifestName), options: .atomic)
    }
}

/// Statistics read back from `DIR/NAME.csv` (the results of emitted queries, with a header row).
public final class AggregatesDirectory: StatisticExecutor {
    public let directory: String
    public let manifest: EmittedQueries
    public var sourceDescription: String { "aggregates in \(directory)" }

    public init(directory: String) throws {
        self.directory = directory
        let path = directory + "/" + EmittedQueries.manifestName
        guard let data = FileManager.default.contents(atPath: path) else {
            throw WarehouseError.data("\(path) not found", hint: "--aggregates reads a directory written by --emit-sql (its manifest.json and the CSV result of each query)")
        }
        do { manifest = try JSONDecoder().decode(EmittedQueries.self, from: data) } catch {
            throw WarehouseError.data("\(path) is not a manifest written by --emit-sql: \(error)", hint: nil)
        }
    }

    /// Refuses settings that differ from those the queries were rendered for.
    public func check(settings: [String: String]) throws {
        for (k, v) in settings.sorted(by: { $0.key < $1.key }) where manifest.settings[k] != v {
            throw WarehouseError.data("the queries in \(directory) were written for \(k) = \(manifest.settings[k] ?? "(unset)"), not \(v)",
                                      hint: "run with the same options as --emit-sql, or emit the queries again")
        }
    }

    public func run(_ query: StatisticQuery) throws -> StatisticTable {
        let path = directory + "/\(query.name).csv"
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw WarehouseError.data("\(path) not found", hint: "run \(query.name).sql on your engine and save its result there as CSV with a header")
        }
        let records = try CSVRecords.parse(text, file: path)
        guard let header = records.first?.fields else { throw WarehouseError.data("\(path) is empty", hint: "expected a header: \(query.columns.map(\.name).joined(separator: ","))") }
        let wanted = query.columns.map { $0.name }
        let index = try wanted.map { name -> Int in
            guard let i = header.firstIndex(where: { $0.lowercased() == name }) else {
                throw WarehouseError.data("\(path): no column \(name) (header: \(header.joined(separator: ",")))", hint: "save the query's result with its header row")
            }
            return i
        }
        let lines = records.dropFirst().map(\.line)
        var columns: [StatisticTable.Column] = []
        for (k, c) in query.columns.enumerated() {
            let values = try records.dropFirst().map { (line, row) -> String? in
                guard index[k] < row.count else {
                    throw WarehouseError.data("\(path):\(line): \(row.count) fields, expected \(header.count)", hint: nil)
                }
                let v = row[index[k]]
                return v.isEmpty || v == "NULL" || v == "null" ? nil : v
            }
            func bad(_ r: Int, _ v: String) -> WarehouseError {
                .data("\(path):\(lines[r]): column \(c.name): got '\(v)', expected \(c.type == .int ? "an integer" : "a number")", hint: nil)
            }
            switch c.type {
            case .text: columns.append(.text(values))
            case .int:
                columns.append(.int(try values.enumerated().map { r, v in
                    guard let v else { return nil }
                    // engines may print integral doubles as 12.0
                    if let i = Int64(v) { return i }
                    if let d = Double(v), d == d.rounded(), abs(d) < 9.0e15 { return Int64(d) }
                    throw bad(r, v)
                }))
            case .double:
                columns.append(.double(try values.enumerated().map { r, v in
                    guard let v else { return nil }
                    guard let d = Double(v) else { throw bad(r, v) }
                    return d
                }))
            }
        }
        return StatisticTable(name: query.name, columnNames: wanted, columns: columns)
    }
}
