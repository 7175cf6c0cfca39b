import Foundation
import GRPCCore
import GRPCProtobuf
import TenureArrow
import TenureData
import TenureWarehouse

/// Runs tenure's reductions on Spark through Spark Connect (`sc://…`): each statistic query, in
/// the `spark` dialect, is one `ExecutePlan` call; its Arrow result becomes the statistic's typed
/// columns (integers exact — BIGINT, or DECIMAL with scale 0 —, doubles as sent, text as sent).
/// The session's time zone is set once (`timeZone`, default UTC), so timestamps become dates in
/// the business's day, as on PostgreSQL.
public final class SparkConnectExecutor: LiveExecutor {
    public let location: SparkConnectLocation
    public var sourceDescription: String { location.description }
    public var dialect: Dialect { .spark }
    let client: SparkConnectClient
    public private(set) var received: [(query: String, rows: Int, bytes: Int, seconds: Double)] = []

    public init(_ location: SparkConnectLocation, timeZone: String = "UTC") throws {
        self.location = location
        client = try SparkConnectClient(location)
        do {
            // the first call: reaches the server (bounded, so a black-holed address does not hang) and sets the zone
            _ = try client.query("SET TIME ZONE \(Dialect.spark.string(timeZone))", deadline: .seconds(60))
        } catch {
            let e = Self.failure(error)
            client.close()
            if e.connection { throw WarehouseError.unavailable(e.message, hint: e.hint) }
            throw WarehouseError.data("time zone '\(timeZone)' was refused by \(location): \(e.message)",
                                      hint: "give --timezone as an IANA name such as Europe/Berlin")
        }
    }

    public func close() { client.close() }

    public func run(_ query: StatisticQuery) throws -> StatisticTable {
        let started = DispatchTime.now().uptimeNanoseconds
        let result: (table: ArrowTable, bytes: Int)
        do { result = try client.query(query.sql) } catch {
            let e = Self.failure(error)
            if e.connection { throw WarehouseError.unavailable("statistic \(query.name): \(e.message)", hint: e.hint) }
            throw WarehouseError.data("statistic \(query.name) failed on \(location): \(e.message)", hint: e.hint ?? hint(sqlState: e.sqlState))
        }
        let table = result.table
        received.append((query.name, table.rowCount, result.bytes, Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9))
        var columns: [StatisticTable.Column] = []
        for c in query.columns {
            // by name (every statistic names its columns); a result without any batch has no schema: no rows
            guard let i = table.fields.firstIndex(where: { $0.name.lowercased() == c.name.lowercased() }) else {
                if table.fields.isEmpty { columns.append(Self.empty(c.type)); continue }
                throw WarehouseError.data("statistic \(query.name): Spark returned no column \(c.name) (it returned \(table.fields.map(\.name).joined(separator: ", ")))", hint: nil)
            }
            columns.append(try Self.convert(table.columns[i], field: table.fields[i], to: c.type, statistic: query.name))
        }
        return StatisticTable(name: query.name, columnNames: query.columns.map(\.name), columns: columns)
    }

    /// From `DESCRIBE QUERY SELECT * FROM …` (a table or Parquet files alike); empty when Spark says
    /// the table or path does not exist.
    public func columnTypes(of table: String, in tables: WarehouseTables) throws -> [(name: String, type: String)] {
        let described: StatisticTable
        do {
            described = try run(StatisticQuery(name: "columns_of_\(table)", sql: "DESCRIBE QUERY SELECT * FROM \(tables.from(table, .spark))",
                                               columns: [("col_name", .text), ("data_type", .text)]))
        } catch WarehouseError.data(let m, _) where m.contains("42P01") || m.contains("42K03") || m.contains("42704") {
            return []   // TABLE_OR_VIEW_NOT_FOUND, PATH_NOT_FOUND, SCHEMA_NOT_FOUND
        }
        return zip(try described.texts("col_name"), try described.texts("data_type")).map { (name: $0 ?? "", type: $1 ?? "") }
    }

    func hint(sqlState: String?) -> String {
        switch sqlState ?? "" {
        case "42P01", "42703", "42704", "42K03", "3F000":
            return "name the source table or column in the mapping file (--schema: `transactions: {table: sales.orders, amount: total}`, or `{parquet: PATH}`), or the database in the URL (sc://HOST:PORT/;schema=crm)"
        case let s where s.hasPrefix("22"):
            return "run `tenure validate \(location)` to find the rows whose values do not parse"
        default:
            return "`--emit-sql spark --out DIR` writes the SQL tenure runs"
        }
    }

    // MARK: - Arrow columns to statistic columns

    static func empty(_ type: StatisticQuery.ColumnType) -> StatisticTable.Column {
        switch type { case .int: return .int([]); case .double: return .double([]); case .text: return .text([]) }
    }

    static func convert(_ column: ArrowColumn, field: ArrowField, to type: StatisticQuery.ColumnType, statistic: String) throws -> StatisticTable.Column {
        func refuse() -> WarehouseError {
            .data("statistic \(statistic): column \(field.name) came back as Arrow \(field.type), which is not \(type == .int ? "an integer" : type == .double ? "a number" : "text")",
                  hint: "the spark dialect casts every result column; is the server a Spark Connect server of Spark 3.5 or later?")
        }
        switch (type, column) {
        case (.int, .int64(let v)): return .int(v)
        case (.int, .decimal128(let v, _, let scale)) where scale == 0:
            return .int(try v.map { d in
                guard let d else { return nil }
                // fits in Int64 when the high word is the sign extension of the low word
                guard d.high == (Int64(bitPattern: d.low) < 0 ? -1 : 0) else {
                    throw WarehouseError.data("statistic \(statistic): \(field.name) = \(d) does not fit a 64-bit integer", hint: nil)
                }
                return Int64(bitPattern: d.low)
            })
        case (.double, .double(let v)): return .double(v)
        case (.double, .int64(let v)): return .double(v.map { $0.map(Double.init) })
        case (.double, .decimal128(let v, _, let scale)): return .double(v.map { $0?.doubleValue(scale: scale) })
        case (.text, .text(let v)): return .text(v)
        case (.text, .int64(let v)): return .text(v.map { $0.map(String.init) })
        case (.text, .date32(let v)): return .text(v.map { $0.map { Civil.iso($0) } })
        case (.text, .bool(let v)): return .text(v.map { $0.map { $0 ? "true" : "false" } })
        case (.text, .decimal128(let v, _, let scale)): return .text(v.map { $0?.string(scale: scale) })
        default: throw refuse()
        }
    }

    // MARK: - Errors

    /// A failed call in the user's terms: the first line of Spark's message with its SQL state, and
    /// whether the server could not be reached or refused us (rather than refusing a query).
    struct Failure { var message: String; var sqlState: String?; var connection: Bool; var hint: String? }

    static func failure(_ error: any Error) -> Failure {
        if let e = error as? ArrowError {
            return Failure(message: "Spark sent a result tenure cannot read: \(e)", sqlState: nil, connection: false, hint: nil)
        }
        if case SparkConnectError.incomplete = error {
            return Failure(message: "the result stream ended inside an Arrow batch (the connection was lost?); no partial result is used",
                           sqlState: nil, connection: true, hint: "run again; if it repeats, check the server's log")
        }
        guard let e = error as? RPCError else { return Failure(message: "\(error)", sqlState: nil, connection: false, hint: nil) }
        var info: [String: String] = [:]
        if let status = try? e.unpackGoogleRPCStatus() {
            for d in status.details { if let i = d.errorInfo { info.merge(i.metadata) { a, _ in a } } }
        }
        let firstLine = e.message.split(whereSeparator: \.isNewline).first.map(String.init) ?? e.message
        var state = info["sqlState"]
        if state == nil, let r = e.message.range(of: "SQLSTATE: ") {
            state = String(e.message[r.upperBound...].prefix(5))
        }
        var message = firstLine
        if let s = state, !message.contains(s) { message += " [SQLSTATE \(s)]" }
        switch e.code {
        case .unavailable:
            return Failure(message: "cannot reach Spark Connect: \(firstLine)", sqlState: state, connection: true,
                           hint: "is the Spark Connect server running and listening there? (Spark's sbin/start-connect-server.sh; default port 15002)")
        case .unauthenticated, .permissionDenied:
            return Failure(message: "Spark Connect refused the call: \(firstLine)", sqlState: state, connection: true,
                           hint: "give the access token in the URL (sc://HOST:PORT/;token=…; it is never printed)")
        case .deadlineExceeded:
            return Failure(message: "no answer from Spark Connect within the time allowed: \(firstLine)", sqlState: state, connection: true, hint: nil)
        default:
            return Failure(message: message, sqlState: state, connection: false, hint: nil)
        }
    }
}
