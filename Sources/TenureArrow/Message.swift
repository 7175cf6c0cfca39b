/// The encapsulated messages of an IPC stream (Arrow's "Encapsulated message format"):
///
///     0xFFFFFFFF            continuation marker (absent in the pre-0.15 "legacy" format)
///     int32                 metadata length L, little-endian (flatbuffer + padding to 8 bytes)
///     L bytes               the flatbuffer `Message` (format/Message.fbs)
///     bodyLength bytes      the body: the buffers the metadata points into
///
/// and the end-of-stream marker `0xFFFFFFFF 0x00000000` (legacy: `0x00000000`). A stream that
/// simply ends after a whole message is accepted too, as Arrow's own readers do.
///
/// Message fields: 0 version (short, V1 = 0 … V5 = 4), 1 header_type (u8), 2 header, 3 bodyLength
/// (long), 4 custom_metadata. Header union: 1 Schema, 2 DictionaryBatch, 3 RecordBatch, 4 Tensor,
/// 5 SparseTensor.
struct Message {
    enum Header {
        case schema(FlatTable)
        case recordBatch(FlatTable)
    }

    /// 1-based number of the message in the stream, and the byte it starts at.
    let number: Int
    let start: Int
    /// The `Message` table (its fields' positions are what the tests patch).
    let root: FlatTable
    let header: Header
    let body: UnsafeRawBufferPointer
    let bodyStart: Int
}

/// Walks the messages of one stream; each call to `next` consumes at least four bytes, so a
/// stream of n bytes has at most n/4 messages.
struct MessageScanner {
    let bytes: UnsafeRawBufferPointer
    private(set) var cursor = 0
    private(set) var count = 0
    private(set) var sawEndMarker = false

    init(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    var remaining: Int { bytes.count - cursor }

    private func u32(_ pos: Int) -> UInt32 {
        UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: pos, as: UInt32.self))
    }

    /// The next message; nil at the end marker or at the end of the bytes.
    mutating func next() throws -> Message? {
        if sawEndMarker || remaining == 0 { return nil }
        let start = cursor
        let number = count + 1
        guard remaining >= 4 else {
            throw ArrowError.truncated("the stream ends \(remaining) byte(s) into the length of message \(number) (byte \(start))")
        }
        var length = Int32(bitPattern: u32(cursor))
        if length == -1 {                                   // 0xFFFFFFFF: continuation marker
            guard remaining >= 8 else {
                throw ArrowError.truncated("the stream ends inside the length of message \(number) (byte \(start))")
            }
            length = Int32(bitPattern: u32(cursor + 4))
            cursor += 8
        } else {
            cursor += 4                                     // legacy format: the length alone
        }
        if length == 0 {
            sawEndMarker = true
            return nil
        }
        guard length > 0 else {
            throw ArrowError.malformed("message \(number) (byte \(start)) has a negative metadata length \(length)")
        }
        guard Int(length) <= remaining else {
            throw ArrowError.truncated("message \(number) (byte \(start)) has \(length) bytes of metadata, "
                + "but the stream ends after \(remaining)")
        }
        let metadata = FlatBuffer(bytes: UnsafeRawBufferPointer(rebasing: bytes[cursor ..< cursor + Int(length)]), base: cursor)
        cursor += Int(length)
        count += 1

        let root = try metadata.root()
        let version = try root.scalar(0, default: Int16(0))
        guard version == 3 || version == 4 else {
            throw ArrowError.unsupported("message \(number) (byte \(start)) has metadata version "
                + (version >= 0 && version < 5 ? "V\(version + 1)" : "\(version)") + "; V4 and V5 are read")
        }
        let (type, table) = try root.union(1)
        let bodyLength = try root.scalar(3, default: Int64(0))
        guard bodyLength >= 0 else {
            throw ArrowError.malformed("message \(number) (byte \(start)) has a negative body length \(bodyLength)")
        }
        guard bodyLength <= Int64(remaining) else {
            throw ArrowError.truncated("message \(number) (byte \(start)) has a body of \(bodyLength) bytes, "
                + "but the stream ends after \(remaining)")
        }
        let bodyStart = cursor
        let body = UnsafeRawBufferPointer(rebasing: bytes[cursor ..< cursor + Int(bodyLength)])
        cursor += Int(bodyLength)

        let header: Message.Header
        switch type {
        case 1, 3:
            guard let table else {
                throw ArrowError.malformed("message \(number) (byte \(start)) has no header table")
            }
            header = type == 1 ? .schema(table) : .recordBatch(table)
        case 2:
            throw ArrowError.unsupported("message \(number) (byte \(start)) is a dictionary batch: "
                + "dictionary-encoded columns are not supported")
        case 4, 5:
            throw ArrowError.unsupported("message \(number) (byte \(start)) is a "
                + (type == 4 ? "tensor" : "sparse tensor") + "; only schema and record batch messages are read")
        default:
            throw ArrowError.malformed("message \(number) (byte \(start)) has an unknown header type \(type)")
        }
        return Message(number: number, start: start, root: root, header: header, body: body, bodyStart: bodyStart)
    }
}
