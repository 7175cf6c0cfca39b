import Foundation
import Testing
import TenureData
import TenureNumerics
@testable import TenureSurvival

/// A fixture file that is missing or malformed. Tests surface it through `try`, so one bad file
/// fails the tests that read it — it never crashes the test process.
struct FixtureError: Error, CustomStringConvertible {
    var description: String
}

/// Reference values written by scripts/fixtures/survival.py (R `survival` + lifelines 0.30.3).
enum Fixtures {
    static let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/survival")

    /// case → quantity → group → values
    typealias Table = [String: [String: [String: [Double]]]]
    /// quantity → group → values of one case
    typealias Case = [String: [String: [Double]]]

    private static let rTable = Result { try load("r_expected.csv") }
    private static let lifelinesTable = Result { try load("lifelines_expected.csv") }

    /// R `survival` reference values (throws when the file is missing or malformed).
    static func r() throws -> Table { try rTable.get() }
    static func lifelines() throws -> Table { try lifelinesTable.get() }

    /// Reads the long-format CSV `case,quantity,group,index,value`; `NA` is NaN. Every value must
    /// parse as a number (surrounding blanks are tolerated), else the whole file is rejected with
    /// the line that is wrong.
    static func load(_ name: String) throws -> Table {
        let url = dir.appendingPathComponent(name)
        let text: String
        do { text = try String(contentsOf: url, encoding: .utf8) } catch {
            throw FixtureError(description: "cannot read \(url.path): \(error)")
        }
        var t: Table = [:]
        for (k, line) in text.split(whereSeparator: \.isNewline).enumerated() where k > 0 {
            let f = line.split(separator: ",", omittingEmptySubsequences: false)
                .map { $0.trimmingCharacters(in: .whitespaces) }
            guard f.count == 5 else {
                throw FixtureError(description: "\(name) line \(k + 1): \(f.count) fields, expected 5: \(line)")
            }
            let v: Double
            if f[4] == "NA" { v = .nan } else if let x = Double(f[4]) { v = x } else {
                throw FixtureError(description: "\(name) line \(k + 1): value '\(f[4])' is not a number")
            }
            t[f[0], default: [:]][f[1], default: [:]][f[2], default: []].append(v)
        }
        return t
    }

    /// A dataset CSV as columns of strings ("NA" kept).
    struct Frame {
        var name: String
        var columns: [String: [String]]
        var count: Int

        func strings(_ c: String) throws -> [String] {
            guard let v = columns[c] else { throw FixtureError(description: "data/\(name).csv has no column '\(c)'") }
            return v
        }
        func num(_ c: String) throws -> [Double] { try strings(c).map { Double($0) ?? .nan } }
        func attribute(_ c: String) throws -> AttributeColumn {
            let v = try strings(c)
            if v.allSatisfy({ $0 == "NA" || Double($0) != nil }) { return .numeric(try num(c)) }
            let levels = Array(Set(v.filter { $0 != "NA" })).sorted()
            let index = Dictionary(uniqueKeysWithValues: levels.enumerated().map { ($1, Int32($0)) })
            return .categorical(CategoricalColumn(codes: v.map { index[$0] ?? -1 }, levels: levels))
        }
        /// Dense codes of a text column (levels in byte order), and the levels.
        func codes(_ c: String) throws -> (codes: [Int32], levels: [String]) {
            let v = try strings(c)
            let levels = Set(v).sorted()
            let index = Dictionary(uniqueKeysWithValues: levels.enumerated().map { ($1, Int32($0)) })
            return (v.map { index[$0] ?? -1 }, levels)
        }
        /// Rows where every listed column is present.
        func complete(_ cols: [String]) throws -> [Int] {
            let vs = try cols.map { try strings($0) }
            return (0..<count).filter { i in vs.allSatisfy { $0[i] != "NA" } }
        }
        func subset(_ rows: [Int]) -> Frame {
            Frame(name: name, columns: columns.mapValues { c in rows.map { c[$0] } }, count: rows.count)
        }
    }

    static func frame(_ name: String) throws -> Frame {
        if name == "gen_big" { return bigFrame(80_000) }
        let url = dir.appendingPathComponent("data/\(name).csv")
        let text: String
        do { text = try String(contentsOf: url, encoding: .utf8) } catch {
            throw FixtureError(description: "cannot read \(url.path): \(error)")
        }
        let lines = text.split(whereSeparator: \.isNewline)
        guard let head = lines.first else { throw FixtureError(description: "\(url.path) is empty") }
        let header = head.split(separator: ",").map { String($0).replacingOccurrences(of: "\"", with: "") }
        var cols = [[String]](repeating: [], count: header.count)
        for (k, line) in lines.dropFirst().enumerated() {
            let f = line.split(separator: ",", omittingEmptySubsequences: false)
            guard f.count == header.count else {
                throw FixtureError(description: "data/\(name).csv line \(k + 2): \(f.count) fields for \(header.count) columns")
            }
            for j in header.indices { cols[j].append(String(f[j]).replacingOccurrences(of: "\"", with: "")) }
        }
        return Frame(name: name, columns: Dictionary(uniqueKeysWithValues: zip(header, cols)), count: lines.count - 1)
    }

    /// `gen_big(n)` of scripts/fixtures/survival.R, rebuilt exactly: the same Park–Miller stream
    /// (s ← 16807·s mod 2³¹−1 from 20241) and the same integer rules, so R's fit of this frame is
    /// the reference without the frame being stored.
    static func bigFrame(_ n: Int) -> Frame {
        var s = 20241
        func draw() -> Int { s = 16807 * s % 2_147_483_647; return s }
        var cols: [String: [String]] = ["time": [], "event": [], "x1": [], "x2": [], "segment": []]
        for _ in 0..<n {
            let r1 = draw(), r2 = draw(), r3 = draw(), r4 = draw()
            let x1 = Double(r1 % 2001 - 1000) / 250, x2 = r2 % 4
            cols["time"]!.append(String(1 + r4 % 120 + 30 * x2 + (x1 > 0 ? 20 : 0)))
            cols["event"]!.append((r4 / 120) % 4 != 0 ? "1" : "0")
            cols["x1"]!.append("\(x1)"); cols["x2"]!.append(String(x2))
            cols["segment"]!.append(["a", "b", "c"][r3 % 3])
        }
        return Frame(name: "gen_big", columns: cols, count: n)
    }
}

/// The values of `quantity` for `group` in one fixture case; a test fails (it does not crash)
/// when the fixture lacks them.
func want(_ ref: Fixtures.Case, _ quantity: String, _ group: String = "",
          sourceLocation: SourceLocation = #_sourceLocation) throws -> [Double] {
    try #require(ref[quantity]?[group], "fixture has no \(quantity) for group '\(group)'", sourceLocation: sourceLocation)
}

/// The single value of `quantity` (index `i`) for `group`.
func want1(_ ref: Fixtures.Case, _ quantity: String, _ group: String = "", index i: Int = 0,
           sourceLocation: SourceLocation = #_sourceLocation) throws -> Double {
    let v = try want(ref, quantity, group, sourceLocation: sourceLocation)
    return try #require(v.indices.contains(i) ? v[i] : nil, "fixture \(quantity)[\(i)] missing", sourceLocation: sourceLocation)
}

/// Relative difference |a − b| / |b|; 0 when equal (including two infinities of the same sign or
/// two NaNs — "no value" on both sides), ∞ when exactly one side is NaN.
func relErr(_ a: Double, _ b: Double) -> Double {
    if a == b || (a.isNaN && b.isNaN) { return 0 }
    if a.isNaN || b.isNaN || a.isInfinite || b.isInfinite { return .infinity }
    return abs(a - b) / max(abs(b), 1e-300)
}

/// Largest relative difference over two equally long vectors (∞ when the lengths differ). NaN
/// matches only NaN: no value is ever skipped.
func maxRelErr(_ got: [Double], _ want: [Double]) -> Double {
    guard got.count == want.count else { return .infinity }
    var m = 0.0
    for (g, w) in zip(got, want) { m = max(m, relErr(g, w)) }
    return m
}

/// Confidence limits against lifelines, which has no "no interval" value: where tenure (like R)
/// gives NaN because the interval does not exist (S = 0 for every type; S = 1 for log-log),
/// lifelines reports the degenerate interval [S, S] (its `fillna`). Those points count as equal
/// when lifelines' value is S itself or NaN; everywhere else the relative difference is taken.
func maxRelErrInterval(_ got: [Double], _ want: [Double], survival s: [Double]) -> Double {
    guard got.count == want.count, got.count == s.count else { return .infinity }
    var m = 0.0
    for i in got.indices {
        if got[i].isNaN && (want[i].isNaN || want[i] == s[i]) { continue }
        m = max(m, relErr(got[i], want[i]))
    }
    return m
}
