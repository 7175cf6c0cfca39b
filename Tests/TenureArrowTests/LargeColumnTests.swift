import Foundation
import Testing
@testable import TenureArrow

/// A million-row int64 column: the pyarrow stream of 4 rows with its lengths patched and its body
/// replaced by 8 MB of values.
@Suite struct LargeColumnTests {
    static func stream(rows: Int, nulls: Bool = false) throws -> [UInt8] {
        let bytes = try Fixtures.bytes("int64-column.arrows")
        let b = try StreamLayout(bytes).batches[0]
        #expect(b.buffers.count == 2 && bytes.int64(at: b.buffers[0] + 8) == 0)   // no validity buffer
        var head = Array(bytes[..<b.bodyStart])
        let bitmap = nulls ? (rows + 63) / 64 * 8 : 0
        for pos in [b.length!, b.nodes[0]] { head.put(Int64(rows), at: pos) }
        head.put(Int64(nulls ? rows / 2 : 0), at: b.nodes[0] + 8)                  // every other row null
        head.put(Int64(0), at: b.buffers[0])
        head.put(Int64(bitmap), at: b.buffers[0] + 8)
        head.put(Int64(bitmap), at: b.buffers[1])
        head.put(Int64(8 * rows), at: b.buffers[1] + 8)
        head.put(Int64(bitmap + 8 * rows), at: b.bodyLengthField!)
        var body = [UInt8](repeating: nulls ? 0x55 : 0, count: bitmap)
        body.reserveCapacity(bitmap + 8 * rows)
        for i in 0 ..< rows { withUnsafeBytes(of: Int64(i * 3 - 7).littleEndian) { body.append(contentsOf: $0) } }
        return head + body + [0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0]
    }

    @Test func millionRowInt64Column() throws {
        let rows = 1_000_000
        for nulls in [false, true] {
            let bytes = try Self.stream(rows: rows, nulls: nulls)
            let clock = ContinuousClock()
            var table: ArrowTable?
            let elapsed = try clock.measure { table = try ArrowStream.read(bytes, requireEndMarker: true) }
            print("TenureArrow: \(rows) int64 rows\(nulls ? " with nulls" : "") read in \(elapsed)")
            guard case .int64(let v)? = table?.columns.first else { Issue.record("no int64 column"); return }
            #expect(v.count == rows && table?.rowCount == rows)
            // value i is 3i - 7; with nulls, the bitmap 0x55… leaves the odd rows null
            #expect(v[0] == -7 && v[2] == -1)
            #expect(v[rows - 1] == (nulls ? nil : Int64(3 * (rows - 1) - 7)))
            #expect(v[1] == (nulls ? nil : -4))
            #expect(table?.columns.first?.nullCount == (nulls ? rows / 2 : 0))
            #expect(elapsed < .seconds(5))     // a debug build; a release build takes a few milliseconds
        }
    }
}
