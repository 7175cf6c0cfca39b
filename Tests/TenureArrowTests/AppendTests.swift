import Foundation
import Testing
@testable import TenureArrow

/// Several streams (as Spark Connect sends them, one per `arrow_batch`) into one table.
@Suite struct AppendTests {
    @Test func streamsAppendInOrder() throws {
        let a = try Fixtures.bytes("part-a.arrows"), b = try Fixtures.bytes("part-b.arrows")
        let t = try ArrowStream.read(streams: [a, b])
        let whole = try Fixtures.read("batches.arrows")          // the same three batches in one stream
        #expect(t.fields == whole.fields && t.columns == whole.columns)
        #expect(t.rowCount == 7 && t.batchCount == 3)
        var appended = try ArrowStream.read(a)
        try appended.append(try ArrowStream.read(b))
        #expect(appended == t)
        // an empty stream (schema only) appends nothing
        try appended.append(try Fixtures.read("empty.arrows"))
        #expect(appended.columns == t.columns && appended.rowCount == 7)
        // into an empty table
        var fromEmpty = ArrowTable(fields: whole.fields)
        try fromEmpty.append(whole)
        try fromEmpty.append(whole)
        #expect(fromEmpty.rowCount == 14 && fromEmpty.column(named: "id") == .int64([1, 2, nil, 4, 5, 6, 7, 1, 2, nil, 4, 5, 6, 7]))
        #expect(try ArrowStream.read(streams: [Data(a), Data(b)]) == t)
    }

    @Test func schemasMustAgree() throws {
        let a = try Fixtures.bytes("part-a.arrows"), other = try Fixtures.bytes("other-schema.arrows")
        do {
            _ = try ArrowStream.read(streams: [a, other])
            Issue.record("read streams with different schemas")
        } catch let e as ArrowError {
            #expect(e.kind == .schemaMismatch && e.column == "amount")
            #expect(e.description.contains("amount: decimal128(12, 2) against amount: float64"))
        }
        var t = try ArrowStream.read(a)
        #expect(throws: ArrowError.self) { try t.append(try Fixtures.read("types.arrows")) }
        #expect(throws: ArrowError.self) { try t.append(try Fixtures.read("no-columns.arrows")) }
        #expect(t == (try ArrowStream.read(a)))                   // unchanged by the refused appends
    }

    @Test func errorsNameTheStream() throws {
        let a = try Fixtures.bytes("part-a.arrows")
        do {
            _ = try ArrowStream.read(streams: [a, Array(a.dropLast(20))])
            Issue.record("read a truncated stream")
        } catch let e as ArrowError {
            #expect(e.kind == .truncated && e.message.hasPrefix("stream 2: "))
        }
        #expect(throws: ArrowError.self) { try ArrowStream.read(streams: [[UInt8]]()) }
    }

    @Test func manyBatchesOfOneStream() throws {
        // a stream of 3 batches read 50 times into one table
        let bytes = try Fixtures.bytes("batches.arrows")
        let t = try ArrowStream.read(streams: Array(repeating: bytes, count: 50))
        #expect(t.rowCount == 350 && t.batchCount == 150)
        guard case .text(let names)? = t.column(named: "name") else { Issue.record("name"); return }
        #expect(names.count == 350 && names[343 ..< 350] == ["a", nil, "ccc", "dd", "é", "", nil])
    }
}
