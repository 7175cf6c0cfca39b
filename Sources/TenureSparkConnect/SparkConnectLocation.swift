import Foundation
import TenureWarehouse

/// A Spark Connect endpoint in Spark's URL convention: `sc://HOST[:PORT][/;KEY=VALUE;…]`, port 15002
/// when absent. Keys (case as written by Spark's clients):
/// - `token`: a bearer token sent as `authorization: Bearer …`; it turns TLS on, as in Spark's clients;
/// - `use_ssl=true|false`: TLS with the system's trust roots;
/// - `user_id`, `user_agent`, `session_id` (a UUID to join an existing session);
/// - `schema` (tenure's own): the database of tables the mapping file does not place (`crm`);
/// - any other key is sent as a gRPC header with its value (Spark's convention, e.g. Databricks'
///   `x-databricks-cluster-id`).
/// `description` never shows the token.
public struct SparkConnectLocation: Sendable, CustomStringConvertible, Equatable {
    public var host: String
    public var port: Int
    public var useTLS: Bool
    public var token: String?
    public var userID: String
    public var userAgent: String
    public var sessionID: String?
    public var schema: String?
    /// Headers from keys tenure does not know, in the URL's order.
    public var headers: [(name: String, value: String)]

    public static let defaultPort = 15002

    public static func isSparkConnect(_ s: String) -> Bool { s.hasPrefix("sc://") }

    public init(_ url: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        func bad(_ why: String) -> WarehouseError {
            .data("'\(Self.redacted(url))' is not a Spark Connect URL: \(why)",
                  hint: "write sc://HOST:PORT, e.g. sc://localhost:15002 or sc://spark.example.com:443/;use_ssl=true;token=…")
        }
        guard Self.isSparkConnect(url) else { throw bad("it does not start with sc://") }
        var rest = Substring(url.dropFirst("sc://".count))
        var params = Substring("")
        if let slash = rest.firstIndex(of: "/") {
            params = rest[rest.index(after: slash)...]
            rest = rest[..<slash]
            guard params.isEmpty || params.hasPrefix(";") else { throw bad("the path must be empty; parameters follow /; as in sc://host:15002/;use_ssl=true") }
        }
        // host[:port]; an IPv6 address in brackets
        var hostPart = rest, portPart: Substring? = nil
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]") else { throw bad("an IPv6 address needs its closing ]") }
            hostPart = rest[rest.index(after: rest.startIndex)..<close]
            let after = rest[rest.index(after: close)...]
            if after.hasPrefix(":") { portPart = after.dropFirst() } else if !after.isEmpty { throw bad("unexpected '\(after)' after the address") }
        } else if let colon = rest.lastIndex(of: ":") {
            hostPart = rest[..<colon]; portPart = rest[rest.index(after: colon)...]
        }
        guard !hostPart.isEmpty else { throw bad("no host") }
        host = String(hostPart)
        if let p = portPart {
            guard let n = Int(p), (1...65535).contains(n) else { throw bad("port '\(p)' is not a number from 1 to 65535") }
            port = n
        } else { port = Self.defaultPort }
        var tls: Bool? = nil
        token = nil; sessionID = nil; schema = nil; headers = []
        userID = environment["USER"] ?? NSUserName()
        userAgent = "tenure"
        for item in params.split(separator: ";") where !item.isEmpty {
            guard let eq = item.firstIndex(of: "=") else { throw bad("parameter '\(item)' has no =VALUE") }
            let key = String(item[..<eq]), raw = String(item[item.index(after: eq)...])
            let value = raw.removingPercentEncoding ?? raw
            switch key {
            case "token": token = value
            case "use_ssl":
                switch value.lowercased() {
                case "true": tls = true
                case "false": tls = false
                default: throw bad("use_ssl is '\(value)'; expected true or false")
                }
            case "user_id": userID = value
            case "user_agent": userAgent = value
            case "session_id":
                guard UUID(uuidString: value) != nil else { throw bad("session_id '\(value)' is not a UUID") }
                sessionID = value.lowercased()
            case "schema": schema = value
            default:
                guard !key.isEmpty else { throw bad("a parameter has no name") }
                headers.append((key.lowercased(), value))
            }
        }
        if token != nil && tls == false { throw bad("a token is sent only over TLS; remove use_ssl=false") }
        useTLS = tls ?? (token != nil)
    }

    public var description: String {
        var s = "sc://" + (host.contains(":") ? "[\(host)]" : host) + ":\(port)"
        var p: [String] = []
        if useTLS { p.append("use_ssl=true") }
        if token != nil { p.append("token=***") }
        if let schema { p.append("schema=\(schema)") }
        if !p.isEmpty { s += "/;" + p.joined(separator: ";") }
        return s
    }

    /// The URL with a token's value replaced by `***`.
    public static func redacted(_ url: String) -> String {
        guard let r = url.range(of: ";token=") else { return url }
        let end = url[r.upperBound...].firstIndex(of: ";") ?? url.endIndex
        return url[..<r.upperBound] + "***" + url[end...]
    }

    public static func == (a: Self, b: Self) -> Bool {
        a.description == b.description && a.token == b.token && a.userID == b.userID && a.userAgent == b.userAgent
            && a.sessionID == b.sessionID && a.headers.map(\.name) == b.headers.map(\.name) && a.headers.map(\.value) == b.headers.map(\.value)
    }
}
