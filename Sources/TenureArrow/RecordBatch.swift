/// Reading one `RecordBatch` message (format/Message.fbs) against the stream's schema.
///
/// RecordBatch fields: 0 length (long), 1 nodes [FieldNode {length: long, null_count: long}],
/// 2 buffers [Buffer {offset: long, length: long}], 3 compression (BodyCompression: 0 codec, byte,
/// LZ4_FRAME = 0, ZSTD = 1), 4 variadicBufferCounts. Each field of a flat schema has one node and
/// its buffers in order: validity then values (validity, offsets, data for utf8). Buffer offsets
/// are relative to the start of the body.
enum RecordBatchReader {
    /// The buffers each supported type has.
    static func bufferCount(_ type: ArrowType) -> Int {
        switch type {
        case .utf8, .largeUtf8: return 3
        default: return 2
        }
    }

    static func read(_ batch: FlatTable, message: Message, fields: [ArrowField], batchNumber: Int) throws
        -> (rows: Int, columns: [ArrowColumn]) {
        let context = "record batch \(batchNumber) (message \(message.number), byte \(message.start))"
        let length = try batch.scalar(0, default: Int64(0))
        guard length >= 0 else { throw ArrowError.malformed("\(context) has a negative length \(length)") }

        if let compression = try batch.table(3) {
            let codec = try compression.scalar(0, default: Int8(0))
            let name = codec == 0 ? "LZ4_FRAME" : codec == 1 ? "ZSTD" : "codec \(codec)"
            throw ArrowError.unsupported("\(context) is compressed with \(name); compressed IPC bodies are not "
                + "supported (columns \(fields.map(\.name).joined(separator: ", "))): write the stream uncompressed",
                column: fields.first.map { SchemaReader.label($0.name, 0) })
        }

        let nodes = try batch.vector(1, elementSize: 16)
        let nodeCount = nodes?.count ?? 0
        guard nodeCount == fields.count else {
            throw ArrowError.malformed("\(context) has \(nodeCount) field nodes for a schema of \(fields.count) columns")
        }
        let buffers = try batch.vector(2, elementSize: 16)
        let expected = fields.reduce(0) { $0 + bufferCount($1.type) }
        guard (buffers?.count ?? 0) == expected else {
            throw ArrowError.malformed("\(context) has \(buffers?.count ?? 0) buffers; its \(fields.count) columns have \(expected)")
        }

        // Every buffer inside the body, and the non-empty ones in order without overlapping, so that
        // the values decoded from a body never exceed a fixed multiple of its size.
        let body = message.body
        var ranges: [Range<Int>] = []
        ranges.reserveCapacity(expected)
        var end = 0
        for i in 0 ..< expected {
            let offset = try buffers!.scalar(i, at: 0, as: Int64.self)
            let size = try buffers!.scalar(i, at: 8, as: Int64.self)
            guard offset >= 0, size >= 0, offset <= Int64(body.count), size <= Int64(body.count) - offset else {
                throw ArrowError.malformed("\(context): buffer \(i) (offset \(offset), length \(size)) is outside "
                    + "the \(body.count)-byte body")
            }
            if size > 0 {
                guard Int(offset) >= end else {
                    throw ArrowError.malformed("\(context): buffer \(i) (offset \(offset)) overlaps the buffer before it")
                }
                end = Int(offset + size)
            }
            ranges.append(Int(offset) ..< Int(offset + size))
        }

        var columns: [ArrowColumn] = []
        columns.reserveCapacity(fields.count)
        var next = 0
        for (index, field) in fields.enumerated() {
            let column = SchemaReader.label(field.name, index)
            let rows = try nodes!.scalar(index, at: 0, as: Int64.self)
            let nulls = try nodes!.scalar(index, at: 8, as: Int64.self)
            guard rows == length else {
                throw ArrowError.malformed("\(context) has \(length) rows but the column has \(rows)", column: column)
            }
            guard nulls >= 0, nulls <= rows else {
                throw ArrowError.malformed("\(context): a null count of \(nulls) for \(rows) rows", column: column)
            }
            let count = bufferCount(field.type)
            let parts = ranges[next ..< next + count].map { UnsafeRawBufferPointer(rebasing: body[$0]) }
            next += count
            let decoder = ColumnDecoder(rows: Int(rows), nulls: Int(nulls), buffers: parts, column: column, context: context)
            columns.append(try decoder.decode(field.type))
        }
        return (Int(length), columns)
    }
}
