/// Reads Arrow IPC streams (what Spark Connect returns in each `arrow_batch.data`): a schema message,
/// then record batch messages, then an optional end-of-stream marker.
public enum ArrowStream {
    /// Reads one stream into a table. With `requireEndMarker`, a stream that stops after a whole
    /// message without the end-of-stream marker is reported as truncated (otherwise it is accepted,
    /// as Arrow's own readers do). Bytes after the end marker are not read.
    public static func read(_ bytes: UnsafeRawBufferPointer, requireEndMarker: Bool = false) throws -> ArrowTable {
        var scanner = MessageScanner(bytes)
        guard let first = try scanner.next() else {
            throw ArrowError.truncated(scanner.sawEndMarker ? "the stream ends before its schema message"
                                                            : "the stream is empty: no schema message")
        }
        guard case .schema(let schema) = first.header else {
            throw ArrowError.malformed("the stream's first message (byte \(first.start)) is not a schema")
        }
        let fields = try SchemaReader.fields(schema)
        var table = ArrowTable(fields: fields)
        var batches = 0
        while let message = try scanner.next() {
            switch message.header {
            case .schema:
                throw ArrowError.malformed("message \(message.number) (byte \(message.start)) is a second schema")
            case .recordBatch(let batch):
                batches += 1
                let (rows, columns) = try RecordBatchReader.read(batch, message: message, fields: fields, batchNumber: batches)
                try table.appendBatch(rows: rows, columns: columns)
            }
        }
        if requireEndMarker && !scanner.sawEndMarker {
            throw ArrowError.truncated("the stream ends after \(scanner.count) message(s) without an end-of-stream marker")
        }
        return table
    }

    /// Reads one stream from any bytes (`[UInt8]`, `Data`, `ArraySlice<UInt8>`, ...); contiguous
    /// storage is read in place.
    public static func read<Bytes: Sequence>(_ bytes: Bytes, requireEndMarker: Bool = false) throws -> ArrowTable
        where Bytes.Element == UInt8 {
        if let table = try bytes.withContiguousStorageIfAvailable({
            try read(UnsafeRawBufferPointer($0), requireEndMarker: requireEndMarker)
        }) {
            return table
        }
        return try Array(bytes).withUnsafeBytes { try read($0, requireEndMarker: requireEndMarker) }
    }

    /// Reads several streams (e.g. every `arrow_batch.data` of one Spark Connect response) into one
    /// table; their schemas must agree. Throws when `streams` is empty.
    public static func read<Streams: Sequence>(streams: Streams, requireEndMarker: Bool = false) throws -> ArrowTable
        where Streams.Element: Sequence, Streams.Element.Element == UInt8 {
        var table: ArrowTable?
        for (i, stream) in streams.enumerated() {
            let next: ArrowTable
            do {
                next = try read(stream, requireEndMarker: requireEndMarker)
            } catch let error as ArrowError {
                throw ArrowError(error.kind, "stream \(i + 1): \(error.message)", column: error.column)
            }
            if table == nil { table = next } else { try table!.append(next) }
        }
        guard let table else { throw ArrowError.truncated("no stream to read") }
        return table
    }
}
