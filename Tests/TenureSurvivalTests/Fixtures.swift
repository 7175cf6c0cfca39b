import Foundation
import TenureData
import TenureNumerics
@testable import TenureSurvival

/// Reference values written by scripts/fixtures/survival.py (R `survival` + lifelines 0.30.3).
enum Fixtures {
    static let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/survival")

    /// case → quantity → group → values
    typealias Table = [String: [String: [String: [Double]]]]

    static let r: Table = load("r_expected.csv")
    static let lifelines: Table = load("lifelines_expected.csv")

    static func load(_ name: String) -> Table {
        let text = try! String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8)
        var t: Table = [:]
        for (k, line) in text.split(separator: "\n").enumerated() where k > 0 {
            let f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            let v = f[4] == "NA" ? Double.nan : Double(f[4])!
            t[f[0], default: [:]][f[1], default: [:]][f[2], default: []].append(v)
        }
        return t
    }

    /// A dataset CSV as columns of strings ("NA" kept).
    struct Frame {
        var columns: [String: [String]]
        var count: Int
        func num(_ c: String) -> [Double] { columns[c]!.map { Double($0) ?? .nan } }
        func attribute(_ c: String) -> AttributeColumn {
            let v = columns[c]!
            if v.allSatisfy({ $0 == "NA" || Double($0) != nil }) { return .numeric(num(c)) }
            let levels = Array(Set(v.filter { $0 != "NA" })).sorted()
            let index = Dictionary(uniqueKeysWithValues: levels.enumerated().map { ($1, Int32($0)) })
            return .categorical(CategoricalColumn(codes: v.map { index[$0] ?? -1 }, levels: levels))
        }
        /// Rows where every listed column is present.
        func complete(_ cols: [String]) -> [Int] {
            (0..<count).filter { i in cols.allSatisfy { columns[$0]![i] != "NA" } }
        }
        func subset(_ rows: [Int]) -> Frame {
            Frame(columns: columns.mapValues { c in rows.map { c[$0] } }, count: rows.count)
        }
    }

    static func frame(_ name: String) -> Frame {
        let text = try! String(contentsOf: dir.appendingPathComponent("data/\(name).csv"), encoding: .utf8)
        let lines = text.split(separator: "\n")
        let header = lines[0].split(separator: ",").map { String($0).replacingOccurrences(of: "\"", with: "") }
        var cols = [[String]](repeating: [], count: header.count)
        for line in lines.dropFirst() {
            let f = line.split(separator: ",", omittingEmptySubsequences: false)
            for j in header.indices { cols[j].append(String(f[j]).replacingOccurrences(of: "\"", with: "")) }
        }
        return Frame(columns: Dictionary(uniqueKeysWithValues: zip(header, cols)), count: lines.count - 1)
    }
}

/// Relative agreement check; NaN expected values are skipped when `skipNaN`.
func relErr(_ a: Double, _ b: Double) -> Double {
    if a == b { return 0 }
    if a.isNaN || b.isNaN { return .infinity }
    return abs(a - b) / max(abs(b), 1e-300)
}

func maxRelErr(_ got: [Double], _ want: [Double], skipNaN: Bool = true) -> Double {
    guard got.count == want.count else { return .infinity }
    var m = 0.0
    for (g, w) in zip(got, want) {
        if skipNaN && (w.isNaN || w.isInfinite) { continue }
        m = max(m, relErr(g, w))
    }
    return m
}
