import Foundation
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import PostgresNIO

/// Runs statistic queries over one PostgreSQL-wire connection (PostgreSQL, Citus, Redshift, …).
/// The session's time zone is set once (`timeZone`, default UTC), so a timestamp becomes a date in
/// the business's day; JIT compilation is off for the session. Rows are decoded as they arrive; only the statistic's columns are kept.
public final class PostgresExecutor: LiveExecutor {
    public let location: PostgresLocation
    public var sourceDescription: String { location.description }
    public var dialect: Dialect { .postgres }
    let group: MultiThreadedEventLoopGroup
    let connection: PostgresConnection
    let logger: Logger

    public init(_ location: PostgresLocation, timeZone: String = "UTC") throws {
        self.location = location
        var log = Logger(label: "tenure.postgres")
        log.logLevel = .critical
        logger = log
        group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let tls: PostgresConnection.Configuration.TLS
        do {
            switch location.sslMode {
            case .disable: tls = .disable
            case .prefer, .require:
                var c = TLSConfiguration.makeClientConfiguration()
                c.certificateVerification = .none
                let ctx = try NIOSSLContext(configuration: c)
                tls = location.sslMode == .prefer ? .prefer(ctx) : .require(ctx)
            case .verifyCA, .verifyFull:
                var c = TLSConfiguration.makeClientConfiguration()
                c.certificateVerification = location.sslMode == .verifyFull ? .fullVerification : .noHostnameVerification
                tls = .require(try NIOSSLContext(configuration: c))
            }
        } catch {
            try? group.syncShutdownGracefully()
            throw WarehouseError.unavailable("TLS for \(location): \(error)", hint: nil)
        }
        var config = PostgresConnection.Configuration(host: location.host, port: location.port, username: location.user,
                                                      password: location.password, database: location.database, tls: tls)
        config.options.connectTimeout = .seconds(15)
        do {
            connection = try PostgresConnection.connect(on: group.next(), configuration: config, id: 1, logger: log).wait()
        } catch {
            try? group.syncShutdownGracefully()
            throw Self.connectError(error, location)
        }
        do {
            _ = try connection.query(PostgresQuery(unsafeSQL: "SET TIME ZONE \(Dialect.postgres.string(timeZone))"), logger: log).wait()
        } catch {
            close()
            throw WarehouseError.data("time zone '\(timeZone)' was refused by \(location): \(Self.serverMessage(error))",
                                      hint: "give --timezone as an IANA name such as Europe/Berlin")
        }
        // No JIT compilation: the reductions' long calendar expressions cost far more to compile than
        // to evaluate (a KPI query on 3,000 customers: 1.7 s with JIT, 66 ms without). Engines without
        // the setting (Redshift, older servers) refuse it, which changes nothing.
        _ = try? connection.query(PostgresQuery(unsafeSQL: "SET jit = off"), logger: log).wait()
    }

    deinit { close() }

    private var closed = false
    public func close() {
        guard !closed else { return }
        closed = true
        try? connection.close().wait()
        try? group.syncShutdownGracefully()
    }

    /// What each query returned: rows, bytes of cell data received, seconds (for `--timings`).
    public private(set) var received: [(query: String, rows: Int, bytes: Int, seconds: Double)] = []

    public func run(_ query: StatisticQuery) throws -> StatisticTable {
        // One array per column and type; the callback runs on the event loop, one row after another.
        final class Sink: @unchecked Sendable {
            var ints: [[Int64?]], doubles: [[Double?]], texts: [[String?]]
            var rows = 0, bytes = 0
            init(_ n: Int) { ints = Array(repeating: [], count: n); doubles = ints.map { _ in [] }; texts = ints.map { _ in [] } }
        }
        let types = query.columns.map(\.type)
        let sink = Sink(types.count)
        let started = DispatchTime.now().uptimeNanoseconds
        do {
            _ = try connection.query(PostgresQuery(unsafeSQL: query.sql), logger: logger) { row in
                sink.rows += 1
                for (k, cell) in row.enumerated() where k < types.count {
                    sink.bytes += cell.bytes?.readableBytes ?? 0
                    switch types[k] {
                    case .int: sink.ints[k].append(try cell.decode(Int64?.self))
                    case .double: sink.doubles[k].append(try cell.decode(Double?.self))
                    case .text: sink.texts[k].append(try cell.decode(String?.self))
                    }
                }
            }.wait()
        } catch {
            throw WarehouseError.data("statistic \(query.name) failed on \(location): \(Self.serverMessage(error))", hint: Self.hint(for: error, location))
        }
        received.append((query.name, sink.rows, sink.bytes, Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9))
        let columns: [StatisticTable.Column] = types.indices.map { k in
            switch types[k] { case .int: return .int(sink.ints[k]); case .double: return .double(sink.doubles[k]); case .text: return .text(sink.texts[k]) }
        }
        return StatisticTable(name: query.name, columnNames: query.columns.map(\.name), columns: columns)
    }

    /// The shared reductions made so far: SELECT → temporary table.
    private var temporary: [String: String] = [:]

    /// `CREATE TEMPORARY TABLE tenure_NAME_K AS select` (then `ANALYZE`, so the planner knows its
    /// size): dropped by the server when the connection ends. On a coordinator of shards the
    /// reduction's GROUP BY runs on the shards once, and the queries after it read the one table.
    public func materialize(_ select: String, name: String) throws -> String? {
        if let t = temporary[select] { return t }
        let table = "tenure_\(name)_\(temporary.count + 1)"
        let started = DispatchTime.now().uptimeNanoseconds
        do {
            _ = try connection.query(PostgresQuery(unsafeSQL: "CREATE TEMPORARY TABLE \(table) AS \(select)"), logger: logger).wait()
            _ = try connection.query(PostgresQuery(unsafeSQL: "ANALYZE \(table)"), logger: logger).wait()
        } catch {
            throw WarehouseError.data("the shared reduction \(name) failed on \(location): \(Self.serverMessage(error))",
                                      hint: Self.hint(for: error, location))
        }
        received.append(("materialize \(name)", 0, 0, Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9))
        temporary[select] = table
        return table
    }

    /// From `information_schema.columns`: the source table (`schema.table`, or a table on the search path).
    public func columnTypes(of table: String, in tables: WarehouseTables) throws -> [(name: String, type: String)] {
        let q = Dialect.postgres
        let parts = tables.table(table).split(separator: ".", maxSplits: 1).map(String.init)
        let (schema, name) = parts.count == 2 ? (parts[0], parts[1]) : ("", parts[0])
        let cols = try run(StatisticQuery(name: "columns_of_\(name)", sql: """
            SELECT column_name::text AS name, data_type::text AS type FROM information_schema.columns
            WHERE table_name = \(q.string(name)) AND \(schema.isEmpty ? "table_schema = ANY (current_schemas(false))" : "table_schema = \(q.string(schema))")
            ORDER BY ordinal_position
            """, columns: [("name", .text), ("type", .text)]))
        return zip(try cols.texts("name"), try cols.texts("type")).map { (name: $0 ?? "", type: $1 ?? "") }
    }

    /// What to do about a query the server refused, by its SQLSTATE.
    static func hint(for error: Error, _ location: PostgresLocation) -> String {
        switch (error as? PSQLError)?.serverInfo?[.sqlState] ?? "" {
        case "42P01", "42703", "3F000":   // no such table, column or schema
            return "name the source table or column in the mapping file (--schema: `transactions: {table: sales.orders, amount: total}`), or the schema in the URL (?schema=crm)"
        case let s where s.hasPrefix("22"):   // a value the cast refused
            return "run `tenure validate \(location)` to find the rows whose values do not parse"
        default:
            return "`--emit-sql postgres --out DIR` writes the SQL tenure runs"
        }
    }

    /// The server's own message (e.g. `relation "crm.orders" does not exist`), else what failed
    /// underneath (postgres-nio hides details from `description`).
    static func serverMessage(_ error: Error) -> String {
        guard let e = error as? PSQLError else { return "\(error)" }
        if let m = e.serverInfo?[.message] {
            let state = e.serverInfo?[.sqlState].map { " [SQLSTATE \($0)]" } ?? ""
            return m + (e.serverInfo?[.detail].map { " (\($0))" } ?? "") + state
        }
        if let u = e.underlying { return "\(u)" }
        return "\(e.code)"
    }

    static func connectError(_ error: Error, _ l: PostgresLocation) -> WarehouseError {
        guard let e = error as? PSQLError else { return .unavailable("cannot connect to \(l): \(error)", hint: nil) }
        if let m = e.serverInfo?[.message] {
            let auth = e.serverInfo?[.sqlState].map { $0.hasPrefix("28") } ?? false
            return .unavailable("\(l) refused the connection: \(m)",
                                hint: auth ? "set the password in PGPASSWORD or ~/.pgpass (it is never printed)" : nil)
        }
        if e.code == .authMechanismRequiresPassword {
            return .unavailable("\(l) asks for a password and none was given", hint: "set PGPASSWORD or add a line to ~/.pgpass (it is never printed)")
        }
        let under = e.underlying.map { "\($0)" } ?? "\(e.code)"
        if under.contains("connectionRefused") || under.contains("Connection refused") || under.contains("ECONNREFUSED") || under.contains("errno: 111") {
            return .unavailable("cannot connect to \(l): connection refused", hint: "is the server running and listening on \(l.host):\(l.port)?")
        }
        return .unavailable("cannot connect to \(l): \(under)", hint: nil)
    }
}
