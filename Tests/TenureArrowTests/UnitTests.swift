import Foundation
import Testing
@testable import TenureArrow

/// The pieces: the flatbuffer reader on hand-made bytes, UTF-8 validation, decimal formatting.
@Suite struct UnitTests {
    /// Root offset, a vtable of two slots, a table whose field 0 is an int64 and field 1 absent.
    @Test func flatbufferTable() throws {
        let bytes: [UInt8] = [
            12, 0, 0, 0,                 // root: the table at 12
            8, 0, 12, 0, 4, 0, 0, 0,     // vtable at 4: 8 bytes, a table of 12; field 0 at +4, field 1 absent
            8, 0, 0, 0,                  // the table: soffset 8 (vtable at 12 - 8)
            42, 0, 0, 0, 0, 0, 0, 0,     // field 0: int64 42
        ]
        try bytes.withUnsafeBytes { raw in
            let t = try FlatBuffer(bytes: raw, base: 0).root()
            #expect(t.pos == 12 && t.vtable == 4 && t.tableSize == 12)
            #expect(try t.scalar(0, default: Int64(0)) == 42)
            #expect(try t.scalar(1, default: Int64(7)) == 7)          // absent: the default
            #expect(try t.scalar(9, default: Int16(3)) == 3)          // past the vtable: the default
            #expect(throws: ArrowError.self) { _ = try t.table(0) }   // 42 points past the end
            #expect(throws: ArrowError.self) { _ = try t.vector(0, elementSize: 16) }
            #expect(throws: ArrowError.self) { _ = try t.string(0, what: "a name") }
        }
        var bad = bytes
        bad[8] = 8                                                    // field 0 at +8: past the 12-byte table
        try bad.withUnsafeBytes { raw in
            let t = try FlatBuffer(bytes: raw, base: 0).root()
            #expect(throws: ArrowError.self) { _ = try t.scalar(0, default: Int64(0)) }
        }
    }

    @Test func flatbufferBounds() throws {
        // root offset past the end; vtable outside; vector and string lengths past the end
        for bytes: [UInt8] in [[], [1, 0], [200, 0, 0, 0], [4, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0x7F], [4, 0, 0, 0, 0, 0, 0, 0]] {
            #expect(throws: ArrowError.self) { try bytes.withUnsafeBytes { _ = try FlatBuffer(bytes: $0, base: 0).root() } }
        }
        let vector: [UInt8] = [0xFF, 0xFF, 0xFF, 0xFF, 1, 2, 3]
        vector.withUnsafeBytes { raw in
            let fb = FlatBuffer(bytes: raw, base: 0)
            #expect(throws: ArrowError.self) { _ = try fb.vector(at: 0, elementSize: 4) }
            #expect(throws: ArrowError.self) { _ = try fb.stringBytes(at: 0) }
            #expect(throws: ArrowError.self) { _ = try fb.vector(at: 5, elementSize: 1) }
            #expect(throws: ArrowError.self) { _ = try fb.load(Int.max - 2, as: UInt32.self, "x") }
            #expect(throws: ArrowError.self) { _ = try fb.load(-1, as: UInt8.self, "x") }
        }
    }

    @Test func utf8Validation() {
        func valid(_ b: [UInt8]) -> Bool { b.withUnsafeBytes { UTF8Check.isValid($0) } }
        #expect(valid([]) && valid(Array("plain ascii, longer than eight bytes".utf8)))
        #expect(valid(Array("ünïcødé ✓ 🎉 日本語 \u{10FFFF}".utf8)))
        for bad: [UInt8] in [[0x80], [0xC0, 0x80], [0xC1, 0xBF], [0xE0, 0x80, 0x80], [0xED, 0xA0, 0x80], [0xF0, 0x80, 0x80, 0x80],
                             [0xF4, 0x90, 0x80, 0x80], [0xF5, 0x80, 0x80, 0x80], [0xFF], [0xC3], [0xE2, 0x9C], [0xF0, 0x9F, 0x8E],
                             Array("12345678".utf8) + [0xC3, 0x28], [0x61, 0xE2, 0x28, 0xA1]] {
            #expect(!valid(bad), "\(bad)")
        }
        // every 1-3 byte sequence agrees with the standard library's decoder
        for a in 0 ... 255 {
            for b in stride(from: 0, through: 255, by: 3) {
                for seq in [[UInt8(a), UInt8(b)], [UInt8(a), UInt8(b), 0x80], [UInt8(a), UInt8(b), 0x80, 0x80]] {
                    let std = String(validatingCString: (seq + [0]).map { CChar(bitPattern: $0) }) != nil && !seq.contains(0)
                    var ok = true
                    var it = seq.makeIterator()
                    var decoder = UTF8()
                    loop: while true {
                        switch decoder.decode(&it) {
                        case .scalarValue: continue
                        case .emptyInput: break loop
                        case .error: ok = false; break loop
                        }
                    }
                    if !seq.contains(0) { #expect(valid(seq) == ok, "\(seq) std \(std)") }
                }
            }
        }
    }

    @Test func decimalFormatting() {
        #expect(ArrowDecimal128(0).description == "0")
        #expect(ArrowDecimal128(-1).description == "-1")
        #expect(ArrowDecimal128(Int64.min).description == "-9223372036854775808")
        #expect(ArrowDecimal128(high: 0, low: .max).description == "18446744073709551615")
        #expect(ArrowDecimal128(high: 1, low: 0).description == "18446744073709551616")
        #expect(ArrowDecimal128(high: .max, low: .max).description == "170141183460469231731687303715884105727")
        #expect(ArrowDecimal128(high: .min, low: 0).description == "-170141183460469231731687303715884105728")
        #expect(ArrowDecimal128(high: 0, low: 10_000_000_000_000_000_000).description == "10000000000000000000")
        #expect(ArrowDecimal128(12345).string(scale: 2) == "123.45")
        #expect(ArrowDecimal128(-5).string(scale: 3) == "-0.005")
        #expect(ArrowDecimal128(0).string(scale: 2) == "0.00")
        #expect(ArrowDecimal128(12).string(scale: -2) == "1200")
        #expect(ArrowDecimal128(0).string(scale: -2) == "0")
        #expect(ArrowDecimal128(-12345).doubleValue(scale: 2) == -123.45)
        if #available(macOS 15.0, iOS 18.0, watchOS 11.0, tvOS 18.0, visionOS 2.0, *) {
            for v: Int128 in [0, 1, -1, .max, .min, Int128(Int64.min) - 1, 1 << 64, -(1 << 64)] {
                #expect(ArrowDecimal128(int128: v).int128 == v)
                #expect(ArrowDecimal128(int128: v).description == String(v))
            }
        }
    }

    @Test func typeNames() {
        #expect(ArrowType.int(bitWidth: 16, signed: false).description == "uint16")
        #expect(ArrowType.timestamp(.nanos, timezone: nil).description == "timestamp[ns]")
        #expect(ArrowType.timestamp(.millis, timezone: "+01:00").description == "timestamp[ms, tz=+01:00]")
        #expect(ArrowField(name: "x", type: .date32, nullable: false).description == "x: date32 not null")
        #expect(ArrowTimeUnit.micros.perSecond == 1_000_000)
    }
}
