import Foundation
import Testing
@testable import TenureArrow

/// The streams pyarrow wrote (scripts/fixtures/arrow.py) read back to the values pyarrow reads.
@Suite struct FixtureTests {
    @Test func everyReadableFixtureMatchesPyarrow() throws {
        #expect(Fixtures.streams.count >= 12)
        for (name, expected) in Fixtures.streams.sorted(by: { $0.key < $1.key }) {
            let table = try Fixtures.read(name)
            Expect.table(table, expected, name)
            // the same, required to end with the end-of-stream marker (pyarrow writes one)
            let strict = try Fixtures.read(name, requireEndMarker: true)
            #expect(strict.fields == table.fields && strict.rowCount == table.rowCount, "\(name)")
        }
    }

    @Test func everyFixtureIsReadOrRejected() {
        let known = Set(Fixtures.streams.keys).union(Fixtures.rejects.keys)
        #expect(Set(Fixtures.allNames) == known)
    }

    @Test func everySupportedTypeWithNulls() throws {
        let t = try Fixtures.read("types.arrows")
        #expect(t.rowCount == 5)
        #expect(t.fields.map(\.type.description) == [
            "int64", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64", "float32", "float64",
            "utf8", "large_utf8", "bool", "date32", "date64", "timestamp[s]", "timestamp[ms, tz=UTC]",
            "timestamp[us, tz=Europe/Paris]", "timestamp[ns]", "decimal128(10, 2)", "decimal128(38, 0)",
            "decimal128(38, 36)"])
        #expect(t.fields[0].nullable == false && t.fields[1].nullable)
        #expect(t.column(named: "i64") == .int64([.min, .max, nil, 0, 42]))
        #expect(t.column(named: "u32") == .int64([4_294_967_295, 0, 7, nil, 1]))
        #expect(t.column(named: "s") == .text(["alpha", nil, "", "ünïcødé ✓ 🎉", "a,b\"c\nd"]))
        #expect(t.column(named: "b") == .bool([true, false, nil, true, true]))
        #expect(t.column(named: "d64") == .date32([19000, nil, 0, -1, 1]))
        #expect(t.column(named: "ts_us") == .timestamp([1_700_000_000_123_456, 0, nil, -86_400_000_000, 1],
                                                        unit: .micros, timezone: "Europe/Paris"))
        guard case .double(let f32)? = t.column(named: "f32") else { Issue.record("f32"); return }
        let widened = Double(Float(-0.1))
        #expect(f32[0] == 1.5 && f32[1] == nil && f32[2] == widened)
        #expect(f32[3] == .infinity && f32[4]?.isNaN == true)
        guard case .decimal128(let d, 10, 2)? = t.column(named: "dec") else { Issue.record("dec"); return }
        #expect(d.map { $0?.string(scale: 2) } == ["123.45", "-0.01", nil, "99999999.99", "0.00"])
        #expect(d[0]?.doubleValue(scale: 2) == 123.45)
        guard case .decimal128(let big, 38, 0)? = t.column(named: "dec38") else { Issue.record("dec38"); return }
        #expect(big[0]?.description == String(repeating: "9", count: 38))
        #expect(big[1]?.description == "-" + String(repeating: "9", count: 38))
        #expect(big[4] == ArrowDecimal128(-1))
    }

    @Test func severalBatchesAndEmptyOnes() throws {
        let t = try Fixtures.read("batches.arrows")
        #expect(t.batchCount == 3 && t.rowCount == 7)
        #expect(t.column(named: "id") == .int64([1, 2, nil, 4, 5, 6, 7]))
        let empty = try Fixtures.read("empty.arrows")
        #expect(empty.rowCount == 0 && empty.batchCount == 0 && empty.fields == t.fields)
        #expect(empty.columns == [.int64([]), .text([]), .double([]), .timestamp([], unit: .micros, timezone: "UTC")])
        let emptyBatch = try Fixtures.read("empty-batch.arrows")
        #expect(emptyBatch.rowCount == 0 && emptyBatch.batchCount == 1 && emptyBatch.columns == empty.columns)
        let none = try Fixtures.read("no-columns.arrows")
        #expect(none.fields.isEmpty && none.columns.isEmpty && none.rowCount == 3)
    }

    @Test func legacyFormatAndMetadataV4() throws {
        let legacy = try Fixtures.bytes("legacy.arrows")
        #expect(legacy.prefix(4) != [0xFF, 0xFF, 0xFF, 0xFF])   // no continuation markers
        let t = try ArrowStream.read(legacy, requireEndMarker: true)
        #expect(t.rowCount == 7 && t.batchCount == 2)
        #expect(t.columns == (try Fixtures.read("batches.arrows")).columns)
        #expect(try Fixtures.read("v4.arrows").columns == (try Fixtures.read("part-a.arrows")).columns)
    }

    @Test func absentValidityBuffersAndSlices() throws {
        let t = try Fixtures.read("no-nulls.arrows")
        #expect(t.columns.allSatisfy { $0.nullCount == 0 })
        #expect(t.column(named: "n") == .int64((0 ..< 10).map { Int64($0) }))
        let s = try Fixtures.read("sliced.arrows")
        let v: [Int64?] = (3 ..< 33).map { (i: Int) -> Int64? in i % 5 == 0 ? nil : Int64(i) }
        let text: [String?] = (3 ..< 33).map { (i: Int) -> String? in i % 7 == 0 ? nil : String(repeating: "s", count: i % 4) }
        let flags: [Bool?] = (3 ..< 33).map { (i: Int) -> Bool? in i % 3 == 0 ? nil : i % 2 == 0 }
        #expect(s.column(named: "v") == .int64(v))
        #expect(s.column(named: "s") == .text(text))
        #expect(s.column(named: "b") == .bool(flags))
    }

    @Test func inputsOfEveryByteContainer() throws {
        let bytes = try Fixtures.bytes("batches.arrows")
        let expected = try ArrowStream.read(bytes)
        #expect(try ArrowStream.read(Data(bytes)) == expected)
        #expect(try ArrowStream.read(bytes[...]) == expected)
        #expect(try ArrowStream.read(AnySequence(bytes)) == expected)    // not contiguous: copied
        #expect(try bytes.withUnsafeBytes { try ArrowStream.read($0) } == expected)
        // a stream inside a larger buffer (e.g. a protobuf message)
        let padded = [1, 2, 3] + bytes + [4]
        #expect(try ArrowStream.read(padded[3 ..< 3 + bytes.count]) == expected)
    }

    @Test func endMarkerAndTrailingBytes() throws {
        let bytes = try Fixtures.bytes("batches.arrows")
        #expect(Array(bytes.suffix(8)) == [0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0])
        let full = try ArrowStream.read(bytes)
        // without the end-of-stream marker: read, unless the marker is required
        let cut = Array(bytes.dropLast(8))
        #expect(try ArrowStream.read(cut) == full)
        #expect(Fixtures.error(cut, requireEndMarker: true)?.kind == .truncated)
        // bytes after the marker are not read
        #expect(try ArrowStream.read(bytes + [0xDE, 0xAD, 0xBE, 0xEF, 1]) == full)
    }
}
