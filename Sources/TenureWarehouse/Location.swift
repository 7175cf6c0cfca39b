import Foundation

/// A PostgreSQL-wire location: `postgres://user@host:port/database?schema=crm&sslmode=require`
/// (also `postgresql://`). The password comes from the URL, else `PGPASSWORD`, else `~/.pgpass`
/// (or `PGPASSFILE`); it is never part of `description`.
public struct PostgresLocation: Sendable, CustomStringConvertible {
    public enum SSLMode: String, Sendable, CaseIterable { case disable, prefer, require, verifyCA = "verify-ca", verifyFull = "verify-full" }
    public var user: String
    public var host: String
    public var port: Int
    public var database: String
    public var schema: String?
    public var sslMode: SSLMode
    public var password: String?

    public static func isPostgres(_ s: String) -> Bool { s.hasPrefix("postgres://") || s.hasPrefix("postgresql://") }

    /// Parses the URL; `environment` and `home` are parameters so tests can give their own.
    public init(_ url: String, environment: [String: String] = ProcessInfo.processInfo.environment,
                home: String = NSHomeDirectory()) throws {
        guard Self.isPostgres(url), let c = URLComponents(string: url), let host = c.host, !host.isEmpty else {
            throw WarehouseError.data("'\(Self.redacted(url))' is not a PostgreSQL URL",
                                      hint: "write postgres://USER@HOST:PORT/DATABASE?schema=SCHEMA")
        }
        self.host = host
        port = c.port ?? Int(environment["PGPORT"] ?? "") ?? 5432
        user = c.user.flatMap { $0.removingPercentEncoding } ?? environment["PGUSER"] ?? NSUserName()
        let db = c.path.hasPrefix("/") ? String(c.path.dropFirst()) : c.path
        database = db.isEmpty ? (environment["PGDATABASE"] ?? user) : (db.removingPercentEncoding ?? db)
        var mode = SSLMode.prefer, schema: String? = nil
        for item in c.queryItems ?? [] {
            switch item.name {
            case "schema", "currentSchema": schema = item.value
            case "sslmode":
                guard let v = item.value, let m = SSLMode(rawValue: v) else {
                    throw WarehouseError.data("sslmode '\(item.value ?? "")' in \(Self.redacted(url)) is not one of \(SSLMode.allCases.map(\.rawValue).joined(separator: ", "))", hint: nil)
                }
                mode = m
            default:
                throw WarehouseError.data("unknown parameter '\(item.name)' in \(Self.redacted(url))",
                                          hint: "tenure reads schema= and sslmode=")
            }
        }
        self.schema = schema; sslMode = mode
        password = c.password?.removingPercentEncoding ?? environment["PGPASSWORD"]
            ?? Self.pgpass(path: environment["PGPASSFILE"] ?? home + "/.pgpass", host: host, port: port, database: database, user: user)
    }

    public var description: String {
        "postgres://\(user)@\(host):\(port)/\(database)" + (schema.map { "?schema=\($0)" } ?? "")
    }

    /// The URL with any password replaced by `***`.
    public static func redacted(_ url: String) -> String {
        guard var c = URLComponents(string: url), c.password != nil else { return url }
        c.password = "***"
        return c.string ?? url
    }

    /// The password of the first matching `hostname:port:database:username:password` line of a
    /// pgpass file (`*` matches anything; `\:` and `\\` escape). nil when there is none.
    static func pgpass(path: String, host: String, port: Int, database: String, user: String) -> String? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        for line in text.split(whereSeparator: \.isNewline) where !line.hasPrefix("#") {
            var fields: [String] = [], cur = "", escaped = false
            for ch in line {
                if escaped { cur.append(ch); escaped = false } else if ch == "\\" { escaped = true }
                else if ch == ":" && fields.count < 4 { fields.append(cur); cur = "" } else { cur.append(ch) }
            }
            fields.append(cur)
            guard fields.count == 5 else { continue }
            let want = [host, String(port), database, user]
            if zip(fields.prefix(4), want).allSatisfy({ $0 == "*" || $0 == $1 }) { return fields[4] }
        }
        return nil
    }
}
