import Foundation
import Testing
import TenureData
import TenureNumerics
@testable import TenureReport

/// notebooks-export/<name>/ must be what `scripts/export-notebooks.sh` writes today from
/// datasets/<name>/: the test rebuilds each report in-process, exactly as `tenure report
/// datasets/<name> --formats ipynb` does, and compares every file. Numbers are compared to 1e-6
/// relative so a different BLAS kernel on another CPU does not count as stale (the sample's BG/NBD
/// fit sits at its boundary, where the optimum is flat: across two machines its CLV moved by 8e-9,
/// and the Poisson GLM stopped after 12 IRLS iterations on one and 13 on the other, which is also
/// allowed); any other difference does. Regenerate with `make notebooks`.
@Suite struct NotebookExportTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Sample datasets: directories under datasets/ holding transactions.csv.
    static func datasets() -> [String] {
        let dir = root.appendingPathComponent("datasets").path
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
        return names.filter { FileManager.default.fileExists(atPath: "\(dir)/\($0)/transactions.csv") }.sorted()
    }

    static func exports() -> [String] {
        let dir = root.appendingPathComponent("notebooks-export").path
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
        return names.filter { var d: ObjCBool = false; return FileManager.default.fileExists(atPath: "\(dir)/\($0)", isDirectory: &d) && d.boolValue }.sorted()
    }

    @Test func everySampleDatasetHasItsNotebookAndNoOther() {
        #expect(Self.exports() == Self.datasets(), "notebooks-export/ does not match datasets/: run `make notebooks`")
    }

    @Test(arguments: datasets())
    func exportedNotebookIsCurrent(name: String) throws {
        BLASThreads.limit(to: 1)   // as the `tenure` executable runs (threaded BLAS sums in another order)
        let dataDir = Self.root.appendingPathComponent("datasets/\(name)").path
        let exportDir = Self.root.appendingPathComponent("notebooks-export/\(name)").path
        let ds = try DatasetLoader.load(directory: dataDir).dataset
        let options = try ReportOptions.standard(dataPath: "datasets/\(name)", directory: dataDir)
        let doc = ReportBuilder.build(ds, options: options)
        let tmp = FileManager.default.temporaryDirectory.appendingPathComponent("tenure-export-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: tmp) }
        let written = try ReportWriter.write(doc, to: tmp, formats: [.ipynb])
        let fresh = Set(written.map { String($0.dropFirst(tmp.count + 1)) })
        let committed = Set(Self.files(under: exportDir))
        #expect(committed == fresh, "files differ: run `make notebooks` (stale: \(committed.subtracting(fresh).sorted()), new: \(fresh.subtracting(committed).sorted()))")
        for rel in fresh.intersection(committed).sorted() {
            let a = try String(contentsOfFile: "\(exportDir)/\(rel)", encoding: .utf8)
            let b = try String(contentsOfFile: "\(tmp)/\(rel)", encoding: .utf8)
            if a == b { continue }
            let diff = Self.firstDifference(a, b)
            #expect(diff == nil, "notebooks-export/\(name)/\(rel) is stale (run `make notebooks`): \(diff ?? "")")
        }
    }

    static func files(under dir: String) -> [String] {
        guard let e = FileManager.default.enumerator(atPath: dir) else { return [] }
        var out: [String] = []
        while let rel = e.nextObject() as? String {
            var d: ObjCBool = false
            if FileManager.default.fileExists(atPath: dir + "/" + rel, isDirectory: &d), !d.boolValue { out.append(rel) }
        }
        return out
    }

    /// nil when `a` and `b` are equal up to numbers within 1e-6 relative; else where they differ.
    static func firstDifference(_ a: String, _ b: String) -> String? {
        let ta = tokens(a), tb = tokens(b)
        for i in 0..<min(ta.count, tb.count) where ta[i] != tb[i] {
            if let x = Double(ta[i]), let y = Double(tb[i]), abs(x - y) <= 1e-6 * max(abs(x), abs(y)) { continue }
            // an iteration count may stop one step apart when the convergence test sits at its threshold
            if let x = Int(ta[i]), let y = Int(tb[i]), abs(x - y) <= 1, i + 1 < ta.count,
               ta[i + 1].hasPrefix(" IRLS iterations") || ta[i + 1].hasPrefix(" iterations") { continue }
            return "token \(i): committed '\(ta[i].prefix(80))', fresh '\(tb[i].prefix(80))'"
        }
        return ta.count == tb.count ? nil : "lengths differ (\(ta.count) vs \(tb.count) tokens)"
    }

    /// Splits text into numbers (`-1.25e-3`) and runs of everything else.
    static func tokens(_ s: String) -> [String] {
        var out: [String] = [], cur = "", inNumber = false
        for ch in s {
            let numeric = ch.isASCII && (ch.isNumber || ch == "." || ch == "e" && inNumber || ch == "-" && (!inNumber || cur.last == "e") || ch == "+" && cur.last == "e")
            if numeric != inNumber && !cur.isEmpty { out.append(cur); cur = "" }
            inNumber = numeric
            cur.append(ch)
        }
        if !cur.isEmpty { out.append(cur) }
        return out
    }
}
