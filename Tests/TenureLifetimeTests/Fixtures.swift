import Foundation
import TenureLifetime

/// Reference values written by scripts/fixtures/lifetime.py (lifetimes 0.11.3, statsmodels).
struct FixtureError: Error { var name: String }

enum Fixture {
    static let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/lifetime")

    static func json(_ name: String) throws -> [String: Any] {
        let data = try Data(contentsOf: dir.appendingPathComponent(name))
        guard let d = try JSONSerialization.jsonObject(with: data) as? [String: Any] else { throw FixtureError(name: name) }
        return d
    }

    /// CSV with a header row: column name → values (as strings).
    static func csv(_ name: String) throws -> [String: [String]] {
        let text = try String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8)
        var lines = text.split(separator: "\n").map(String.init)
        let header = lines.removeFirst().split(separator: ",").map(String.init)
        var out = [String: [String]]()
        for h in header { out[h] = [] }
        for l in lines where !l.isEmpty {
            let f = l.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            for (h, v) in zip(header, f) { out[h, default: []].append(v) }
        }
        return out
    }

    // Lenient accessors: a malformed fixture gives NaN / empty values, so the expectations fail
    // instead of the test process crashing.
    static func doubles(_ a: Any?) -> [Double] { ((a as? [Any]) ?? []).map { ($0 as? NSNumber)?.doubleValue ?? .nan } }
    static func dict(_ a: Any?) -> [String: Any] { (a as? [String: Any]) ?? [:] }
    static func num(_ a: Any?) -> Double { (a as? NSNumber)?.doubleValue ?? .nan }

    /// CDNOW summary (weeks): x, tx, T per customer.
    static func cdnow() throws -> (x: [Int32], tx: [Double], T: [Double]) {
        let c = try csv("cdnow_summary.csv")
        guard let f = c["frequency"], let r = c["recency"], let t = c["T"], f.count == r.count, f.count == t.count else {
            throw FixtureError(name: "cdnow_summary.csv")
        }
        return (f.map { Int32(Double($0) ?? -1) }, r.map { Double($0) ?? .nan }, t.map { Double($0) ?? .nan })
    }
}

func relErr(_ a: Double, _ b: Double) -> Double { abs(a - b) / max(abs(b), 1e-300) }
