import Foundation
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import PostgresNIO

/// Runs statistic queries over one PostgreSQL-wire connection (PostgreSQL, Citus, Redshift, …).
/// The session's time zone is set once (`timeZone`, default UTC), so a timestamp becomes a date in
/// the business's day. Rows are decoded as they arrive; only the statistic's columns are kept.
public final class PostgresExecutor: StatisticExecutor {
    public let location: PostgresLocation
    public var sourceDescription: String { location.description }
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
    }

    deinit { close() }

    private var closed = false
    public func close() {
        guard !closed else { return }
        closed = true
        try? connection.close().wait()
        try? group.syncShutdownGracefully()
    }

    public func run(_ query: StatisticQuery) throws -> StatisticTable {
        // One array per column and type; the callback runs on the event loop, one row after another.
        final class Sink: @unchecked Sendable {
            var ints: [[Int64?]], doubles: [[Double?]], texts: [[String?]]
            init(_ n: Int) { ints = Array(repeating: [], count: n); doubles = ints.map { _ in [] }; texts = ints.map { _ in [] } }
        }
        let types = query.columns.map(\.type)
        let sink = Sink(types.count)
        do {
            _ = try connection.query(PostgresQuery(unsafeSQL: query.sql), logger: logger) { row in
                for (k, cell) in row.enumerated() where k < types.count {
                    switch types[k] {
                    case .int: sink.ints[k].append(try cell.decode(Int64?.self))
                    case .double: sink.doubles[k].append(try cell.decode(Double?.self))
                    case .text: sink.texts[k].append(try cell.decode(String?.self))
                    }
                }
            }.wait()
        } catch {
            throw WarehouseError.data("statistic \(query.name) failed on \(location): \(Self.serverMessage(error))",
                                      hint: "check the table and column names in the mapping (--schema: `transactions: {table: …, customer_id: …}`); `tenure clv … --emit-sql postgres --out DIR` shows the SQL")
        }
        let columns: [StatisticTable.Column] = types.indices.map { k in
            switch types[k] { case .int: return .int(sink.ints[k]); case .double: return .double(sink.doubles[k]); case .text: return .text(sink.texts[k]) }
        }
        return StatisticTable(name: query.name, columnNames: query.columns.map(\.name), columns: columns)
    }

    /// The server's own message (e.g. `relation "crm.orders" does not exist`), else the error text.
    static func serverMessage(_ error: Error) -> String {
        if let e = error as? PSQLError {
            if let m = e.serverInfo?[.message] {
                let detail = e.serverInfo?[.detail].map { " (\($0))" } ?? ""
                return m + detail
            }
            return "\(e.code)"
        }
        return "\(error)"
    }

    static func connectError(_ error: Error, _ l: PostgresLocation) -> WarehouseError {
        if let e = error as? PSQLError, let m = e.serverInfo?[.message] {
            let auth = e.serverInfo?[.sqlState].map { $0.hasPrefix("28") } ?? false
            return .unavailable("\(l) refused the connection: \(m)",
                                hint: auth ? "set the password in PGPASSWORD or ~/.pgpass (it is never printed)" : nil)
        }
        let text = "\(error)"
        if text.contains("connectionRefused") || text.contains("Connection refused") || text.contains("connect(descriptor") {
            return .unavailable("cannot connect to \(l): connection refused", hint: "is the server running and listening on \(l.host):\(l.port)?")
        }
        return .unavailable("cannot connect to \(l): \(text)", hint: nil)
    }
}
