/// A validity bitmap: bit i (least significant first) set when row i holds a value.
struct Bitmap {
    let bits: UnsafeRawBufferPointer

    @inline(__always)
    subscript(i: Int) -> Bool { bits[i &>> 3] & (1 << UInt8(i & 7)) != 0 }
}

/// Decodes the buffers of one column of one record batch: straight loops of unaligned
/// little-endian loads, after checking each buffer holds what `rows` needs.
struct ColumnDecoder {
    let rows: Int
    let nulls: Int
    /// validity, then values (utf8: offsets, then data); each already checked to lie in the body.
    let buffers: [UnsafeRawBufferPointer]
    let column: String
    let context: String

    /// Bytes of a bitmap of `rows` bits (`(rows + 7) / 8` without overflow: `rows` comes from the stream).
    var bitmapBytes: Int { rows / 8 + (rows % 8 == 0 ? 0 : 1) }

    func malformed(_ message: String) -> ArrowError { .malformed("\(context): \(message)", column: column) }

    /// The validity bitmap; nil when every row holds a value (null count 0: the buffer may be absent,
    /// and is ignored when present, as Arrow's readers do).
    func validity() throws -> Bitmap? {
        guard nulls > 0 else { return nil }
        let bits = buffers[0]
        guard bits.count >= bitmapBytes else {
            throw malformed("\(nulls) nulls but a validity bitmap of \(bits.count) bytes for \(rows) rows")
        }
        var unset = 0
        let whole = rows / 8
        for i in 0 ..< whole { unset += (~bits[i]).nonzeroBitCount }
        if rows % 8 != 0 {
            let mask = UInt8((1 << (rows % 8)) - 1)
            unset += (~bits[whole] & mask).nonzeroBitCount
        }
        guard unset == nulls else { throw malformed("the null count says \(nulls) but the validity bitmap has \(unset)") }
        return Bitmap(bits: bits)
    }

    /// The values buffer, checked to hold `rows` values of `width` bytes.
    func values(width: Int) throws -> UnsafeRawBufferPointer {
        let values = buffers[1]
        guard values.count / width >= rows else {
            throw malformed("\(rows) rows need \(rows) × \(width) bytes of values; the buffer has \(values.count)")
        }
        return values
    }

    func decode(_ type: ArrowType) throws -> ArrowColumn {
        switch type {
        case .int(8, true): return .int64(try integers(Int8.self))
        case .int(16, true): return .int64(try integers(Int16.self))
        case .int(32, true): return .int64(try integers(Int32.self))
        case .int(8, false): return .int64(try integers(UInt8.self))
        case .int(16, false): return .int64(try integers(UInt16.self))
        case .int(32, false): return .int64(try integers(UInt32.self))
        case .int(64, false): return .int64(try unsigned64())
        case .int: return .int64(try integers(Int64.self))
        case .float32:
            let valid = try validity(), v = try values(width: 4)
            return .double(Self.build(rows, valid) { Double(Float(bitPattern: UInt32(littleEndian: v.loadUnaligned(fromByteOffset: 4 &* $0, as: UInt32.self)))) })
        case .float64:
            let valid = try validity(), v = try values(width: 8)
            return .double(Self.build(rows, valid) { Double(bitPattern: UInt64(littleEndian: v.loadUnaligned(fromByteOffset: 8 &* $0, as: UInt64.self))) })
        case .bool:
            let valid = try validity()
            guard buffers[1].count >= bitmapBytes else {
                throw malformed("\(rows) rows need \(bitmapBytes) bytes of bits; the buffer has \(buffers[1].count)")
            }
            let bits = Bitmap(bits: buffers[1])
            return .bool(Self.build(rows, valid) { bits[$0] })
        case .date32:
            let valid = try validity(), v = try values(width: 4)
            return .date32(Self.build(rows, valid) { Int32(littleEndian: v.loadUnaligned(fromByteOffset: 4 &* $0, as: Int32.self)) })
        case .date64:
            return .date32(try date64())
        case .timestamp(let unit, let tz):
            return .timestamp(try integers(Int64.self), unit: unit, timezone: tz)
        case .decimal128(let p, let s):
            let valid = try validity(), v = try values(width: 16)
            return .decimal128(Self.build(rows, valid) {
                ArrowDecimal128(high: Int64(littleEndian: v.loadUnaligned(fromByteOffset: 16 &* $0 &+ 8, as: Int64.self)),
                                low: UInt64(littleEndian: v.loadUnaligned(fromByteOffset: 16 &* $0, as: UInt64.self)))
            }, precision: p, scale: s)
        case .utf8: return .text(try strings(Int32.self))
        case .largeUtf8: return .text(try strings(Int64.self))
        }
    }

    /// `[E?]` of `rows` elements, written in place: `value(i)` for the rows that hold a value.
    @inline(__always)
    static func build<E>(_ rows: Int, _ validity: Bitmap?, _ value: (Int) -> E) -> [E?] {
        if rows == 0 { return [] }
        return [E?](unsafeUninitializedCapacity: rows) { buffer, count in
            let p = buffer.baseAddress!
            if let validity {
                for i in 0 ..< rows { (p + i).initialize(to: validity[i] ? value(i) : nil) }
            } else {
                for i in 0 ..< rows { (p + i).initialize(to: value(i)) }
            }
            count = rows
        }
    }

    func integers<T: FixedWidthInteger>(_: T.Type) throws -> [Int64?] {
        let width = MemoryLayout<T>.size
        let valid = try validity(), v = try values(width: width)
        return Self.build(rows, valid) { Int64(truncatingIfNeeded: T(littleEndian: v.loadUnaligned(fromByteOffset: width &* $0, as: T.self))) }
    }

    /// uint64, when every value fits an Int64.
    func unsigned64() throws -> [Int64?] {
        let valid = try validity(), v = try values(width: 8)
        for i in 0 ..< rows where valid?[i] ?? true {
            let x = UInt64(littleEndian: v.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self))
            if x > UInt64(Int64.max) {
                throw ArrowError.unsupported("\(context): the uint64 value \(x) in row \(i + 1) does not fit an Int64", column: column)
            }
        }
        return Self.build(rows, valid) { Int64(bitPattern: UInt64(littleEndian: v.loadUnaligned(fromByteOffset: 8 &* $0, as: UInt64.self))) }
    }

    /// date64 (milliseconds) as days, when every value is a whole number of days.
    func date64() throws -> [Int32?] {
        let valid = try validity(), v = try values(width: 8)
        let day: Int64 = 86_400_000
        for i in 0 ..< rows where valid?[i] ?? true {
            let ms = Int64(littleEndian: v.loadUnaligned(fromByteOffset: 8 * i, as: Int64.self))
            guard ms % day == 0, Int32(exactly: ms / day) != nil else {
                throw ArrowError.unsupported("\(context): the date64 value \(ms) ms in row \(i + 1) is not a whole number "
                    + "of days within the range of date32", column: column)
            }
        }
        return Self.build(rows, valid) { Int32(truncatingIfNeeded: Int64(littleEndian: v.loadUnaligned(fromByteOffset: 8 &* $0, as: Int64.self)) / day) }
    }

    /// utf8 (Int32 offsets) and large_utf8 (Int64 offsets): rows + 1 offsets, non-decreasing, within
    /// the data buffer; each value valid UTF-8.
    func strings<O: FixedWidthInteger & SignedInteger>(_: O.Type) throws -> [String?] {
        let valid = try validity()
        if rows == 0 { return [] }
        let width = MemoryLayout<O>.size
        let offsets = buffers[1], data = buffers[2]
        guard offsets.count / width > rows else {
            throw malformed("\(rows) rows need \(rows + 1) offsets of \(width) bytes; the buffer has \(offsets.count) bytes")
        }
        @inline(__always) func offset(_ i: Int) -> Int64 {
            Int64(O(littleEndian: offsets.loadUnaligned(fromByteOffset: width &* i, as: O.self)))
        }
        var previous = offset(0)
        guard previous >= 0 else { throw malformed("the first string offset is negative (\(previous))") }
        for i in 1 ... rows {
            let o = offset(i)
            guard o >= previous else { throw malformed("string offsets decrease at row \(i) (\(previous), then \(o))") }
            previous = o
        }
        guard previous <= Int64(data.count) else {
            throw malformed("string offsets reach \(previous), past the \(data.count)-byte data buffer")
        }
        var out: [String?] = []
        out.reserveCapacity(rows)
        for i in 0 ..< rows {
            if let valid, !valid[i] { out.append(nil); continue }
            let bytes = UnsafeRawBufferPointer(rebasing: data[Int(offset(i)) ..< Int(offset(i + 1))])
            guard UTF8Check.isValid(bytes) else { throw malformed("the string in row \(i + 1) is not valid UTF-8") }
            out.append(String(decoding: bytes.assumingMemoryBound(to: UInt8.self), as: UTF8.self))
        }
        return out
    }
}
