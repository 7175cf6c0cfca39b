/// Whole records of a small CSV text as strings, split by the one tokenizer the table reader uses
/// (RFC 4180: `"` quoting with `""` escapes, LF or CRLF, blank lines skipped). For small files
/// (statistics read back with `--aggregates`), not for datasets: those go through `TableReader`.
public enum CSVRecords {
    /// The records with their 1-based physical line. Throws the table reader's `DataError` naming
    /// `file`, the line and the byte offset on a stray or unclosed quote, a field over 1 MiB or a
    /// line ended by CR alone.
    public static func parse(_ text: String, file: String) throws -> [(line: Int, fields: [String])] {
        var bytes = Array(text.utf8)
        if bytes.isEmpty { return [] }
        return try bytes.withUnsafeMutableBufferPointer { buf -> [(line: Int, fields: [String])] in
            let base = UnsafePointer(buf.baseAddress!)
            var tok = Tokenizer(base: base, start: 0, end: buf.count, line: 1)
            var fields = FieldList()
            defer { fields.free() }
            var out: [(line: Int, fields: [String])] = []
            while true {
                switch tok.next(&fields) {
                case .end: return out
                case .record:
                    out.append((tok.recordLine, (0..<fields.count).map { TableReader.fieldString(base, fields.ptr[$0]) }))
                case .problem:
                    throw TableReader.scanError(tok.problem!, tok: tok, display: file, column: nil, base: base)
                }
            }
        }
    }
}
