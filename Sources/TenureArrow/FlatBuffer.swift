/// A minimal, bounds-checked reader of one flatbuffer (the metadata of one IPC message).
///
/// Layout (flatbuffers' binary format, little-endian): the buffer starts with a `uoffset` (u32) to
/// the root table. A table starts with an `soffset` (i32): its vtable is at `table - soffset`. A
/// vtable is `u16 vtableSize, u16 tableSize, u16 fieldOffset[...]`, field `i` at slot `i`
/// (0 = absent, so the default applies), offsets relative to the table's start. A field holding a
/// table, vector or string holds a u32 offset relative to the field's own position; a vector or
/// string starts with a u32 element count; a union is two fields, a u8 type then the table offset.
///
/// Every position and length is checked against the buffer before it is read, in `Int`
/// arithmetic (no overflow from 32-bit values), so hostile bytes give an `ArrowError`, never a
/// trap or a read outside the buffer. Nothing here loops except over a vector whose count has been
/// checked against the bytes that remain. The buffer is borrowed: a `FlatBuffer` must not outlive
/// the `withUnsafeBytes` call it was made in.
struct FlatBuffer {
    let bytes: UnsafeRawBufferPointer
    /// Position of `bytes[0]` in the whole stream, for error messages.
    let base: Int

    func fail(_ what: String, _ pos: Int) -> ArrowError {
        .malformed("metadata flatbuffer at byte \(base): \(what) (at offset \(pos) of \(bytes.count))")
    }

    @inline(__always)
    func contains(_ pos: Int, _ size: Int) -> Bool {
        pos >= 0 && size >= 0 && pos <= bytes.count - size
    }

    func load<T: FixedWidthInteger>(_ pos: Int, as type: T.Type, _ what: @autoclosure () -> String) throws -> T {
        guard contains(pos, MemoryLayout<T>.size) else { throw fail("\(what()) is outside the buffer", pos) }
        return T(littleEndian: bytes.loadUnaligned(fromByteOffset: pos, as: T.self))
    }

    /// The root table (the u32 at offset 0 points to it).
    func root() throws -> FlatTable {
        let offset = try load(0, as: UInt32.self, "root offset")
        return try table(at: Int(offset))
    }

    /// The table starting at `pos`, with its vtable checked to lie in the buffer.
    func table(at pos: Int) throws -> FlatTable {
        let soffset = try load(pos, as: Int32.self, "table")
        let vtable = pos - Int(soffset)
        let vtableSize = Int(try load(vtable, as: UInt16.self, "vtable"))
        let tableSize = Int(try load(vtable + 2, as: UInt16.self, "vtable"))
        guard vtableSize >= 4, vtableSize % 2 == 0, contains(vtable, vtableSize) else {
            throw fail("vtable of size \(vtableSize) does not fit", vtable)
        }
        guard tableSize >= 4, contains(pos, tableSize) else { throw fail("table of size \(tableSize) does not fit", pos) }
        return FlatTable(buffer: self, pos: pos, vtable: vtable, vtableSize: vtableSize, tableSize: tableSize)
    }

    /// The bytes of the string (u32 length, then the bytes) at `pos`.
    func stringBytes(at pos: Int) throws -> UnsafeRawBufferPointer {
        let count = Int(try load(pos, as: UInt32.self, "string length"))
        guard contains(pos + 4, count) else { throw fail("string of \(count) bytes does not fit", pos) }
        return UnsafeRawBufferPointer(rebasing: bytes[(pos + 4) ..< (pos + 4 + count)])
    }

    /// The vector at `pos` (u32 count, then `count` elements of `elementSize` bytes).
    func vector(at pos: Int, elementSize: Int) throws -> FlatVector {
        let count = Int(try load(pos, as: UInt32.self, "vector length"))
        let start = pos + 4
        guard start <= bytes.count, count <= (bytes.count - start) / elementSize else {
            throw fail("vector of \(count) elements of \(elementSize) bytes does not fit", pos)
        }
        return FlatVector(buffer: self, start: start, count: count, elementSize: elementSize)
    }
}

/// One table of a `FlatBuffer`; fields are looked up by their id (their index in the schema,
/// a union counting as two: its type, then its value).
struct FlatTable {
    let buffer: FlatBuffer
    let pos: Int
    let vtable: Int
    let vtableSize: Int
    let tableSize: Int

    /// The absolute position (in the flatbuffer) of field `id`, nil when absent; a field of `size`
    /// bytes must lie inside the table.
    func fieldPosition(_ id: Int, size: Int) throws -> Int? {
        let slot = 4 + 2 * id
        guard slot + 2 <= vtableSize else { return nil }
        let offset = Int(try buffer.load(vtable + slot, as: UInt16.self, "vtable slot"))
        if offset == 0 { return nil }
        guard offset >= 4, offset + size <= tableSize else {
            throw buffer.fail("field \(id) at \(offset) lies outside its \(tableSize)-byte table", pos)
        }
        return pos + offset
    }

    func scalar<T: FixedWidthInteger>(_ id: Int, default value: T) throws -> T {
        guard let p = try fieldPosition(id, size: MemoryLayout<T>.size) else { return value }
        return try buffer.load(p, as: T.self, "field \(id)")
    }

    func bool(_ id: Int, default value: Bool) throws -> Bool {
        try scalar(id, default: UInt8(value ? 1 : 0)) != 0
    }

    /// The target of the u32 offset held by field `id`, nil when absent.
    func target(_ id: Int) throws -> Int? {
        guard let p = try fieldPosition(id, size: 4) else { return nil }
        let offset = try buffer.load(p, as: UInt32.self, "offset field \(id)")
        let target = p + Int(offset)
        guard buffer.contains(target, 4) else { throw buffer.fail("field \(id) points outside the buffer", p) }
        return target
    }

    func table(_ id: Int) throws -> FlatTable? {
        guard let t = try target(id) else { return nil }
        return try buffer.table(at: t)
    }

    func vector(_ id: Int, elementSize: Int) throws -> FlatVector? {
        guard let t = try target(id) else { return nil }
        return try buffer.vector(at: t, elementSize: elementSize)
    }

    func stringBytes(_ id: Int) throws -> UnsafeRawBufferPointer? {
        guard let t = try target(id) else { return nil }
        return try buffer.stringBytes(at: t)
    }

    /// A string field as a Swift string (nil when absent); invalid UTF-8 is malformed.
    func string(_ id: Int, what: String) throws -> String? {
        guard let raw = try stringBytes(id) else { return nil }
        guard UTF8Check.isValid(raw) else { throw buffer.fail("\(what) is not valid UTF-8", pos) }
        return String(decoding: raw.assumingMemoryBound(to: UInt8.self), as: UTF8.self)
    }

    /// A union: the type (field `id`, a u8, 0 = none) and its table (field `id + 1`).
    func union(_ id: Int) throws -> (type: UInt8, table: FlatTable?) {
        let type = try scalar(id, default: UInt8(0))
        if type == 0 { return (0, nil) }
        return (type, try table(id + 1))
    }
}

/// A vector of a `FlatBuffer`, its count checked against the bytes that follow it.
struct FlatVector {
    let buffer: FlatBuffer
    let start: Int
    let count: Int
    let elementSize: Int

    /// Element `i` of a vector of tables (u32 offsets relative to each element).
    func table(_ i: Int) throws -> FlatTable {
        precondition(i >= 0 && i < count && elementSize == 4)
        let p = start + 4 * i
        let offset = try buffer.load(p, as: UInt32.self, "vector element")
        return try buffer.table(at: p + Int(offset))
    }

    /// A scalar at `offset` inside element `i` of a vector of structs (or of scalars).
    func scalar<T: FixedWidthInteger>(_ i: Int, at offset: Int = 0, as type: T.Type) throws -> T {
        precondition(i >= 0 && i < count && offset + MemoryLayout<T>.size <= elementSize)
        return try buffer.load(start + elementSize * i + offset, as: T.self, "vector element")
    }
}
