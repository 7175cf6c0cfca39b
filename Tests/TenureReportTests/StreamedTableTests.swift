import Foundation
import Testing
@testable import TenureReport

/// A table laid out on demand (`RowSource`) is the same table as its cells: equal, the same JSON,
/// the same CSV, whether rendered into memory or streamed to a file in batches (`CSVWriter.write`).
@Suite struct StreamedTableTests {
    static func cells(_ i: Int) -> [Cell] {
        [.text(i % 7 == 0 ? "a, \"quoted\" label" : "L\(i)"), .int(i - 20_000), .number(Double(i) / 3, decimals: 2),
         .percent(Double(i % 100) / 100, decimals: 1), .missing("not observed"), .number(Double(i) * 0.01, decimals: 2),
         .number(i % 11 == 0 ? 1e300 : 1e-7 * Double(i), decimals: 4)]
    }

    static let count = 40_000   // more than two batches of 16,384 rows
    static let columns: [ReportTable.Column] = ["label", "n", "third", "share", "blank", "cents", "tiny"].map { .init($0) }

    @Test func streamedEqualsCells() throws {
        let held = ReportTable(id: "t", title: "T", columns: Self.columns, rows: (0..<Self.count).map(Self.cells), note: "n")
        let streamed = ReportTable(id: "t", title: "T", columns: Self.columns, note: "n", source: RowSource { sink in
            for i in 0..<Self.count { for c in Self.cells(i) { sink.put(c) }; sink.endRow() }
        })
        #expect(CSVWriter.render(streamed) == CSVWriter.render(held))
        // The one rule of a CSV field: `Cell.raw`, quoted by `CSVField`.
        let expected = ([Self.columns.map(\.csvHeader)] + (0..<Self.count).map { Self.cells($0).map { CSVWriter.field($0.raw) } })
            .map { $0.joined(separator: ",") + "\n" }.joined()
        #expect(CSVWriter.render(held) == expected)

        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("streamed-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try AtomicFile.stream(to: dir + "/t.csv") { try CSVWriter.write(streamed, to: &$0) }
        #expect(try String(contentsOfFile: dir + "/t.csv", encoding: .utf8) == expected)

        let enc = JSONOutput.encoder()
        #expect(try enc.encode(streamed) == enc.encode(held))
        #expect(streamed == held)
        #expect(try JSONDecoder().decode(ReportTable.self, from: enc.encode(streamed)) == held)
    }

    /// A failure while streaming leaves the target as it was and no temporary file.
    @Test func failedStreamLeavesTheOldFile() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("streamed-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try AtomicFile.write("old\n", to: dir + "/t.csv")
        struct Stop: Error {}
        #expect(throws: Stop.self) {
            try AtomicFile.stream(to: dir + "/t.csv") { w in
                w.buffer.append(contentsOf: Array(repeating: 65, count: 3 << 20)); try w.flushIfFull(); throw Stop()
            }
        }
        #expect(try String(contentsOfFile: dir + "/t.csv", encoding: .utf8) == "old\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["t.csv"])
    }
}
