/// The one CSV quoting rule of every file tenure writes (report tables, `--scores`, `rejects.csv`,
/// the generator's tables): RFC 4180, decided on the UTF-8 bytes.
///
/// A field is written in double quotes, with each inner quote doubled, when it holds a comma, a
/// quote, a CR or an LF, or when it starts or ends with a space or a tab (padding that a reader
/// which trims unquoted fields — as ours does for ids and labels — would otherwise drop or could
/// not tell from the separator). Every other field is written as it is.
public enum CSVField {
    /// Whether `b` must be quoted.
    @inlinable public static func needsQuotes(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let first = b.first, let last = b.last else { return false }
        if first == 32 || first == 9 || last == 32 || last == 9 { return true }
        for c in b where c == 44 || c == 34 || c == 10 || c == 13 { return true }
        return false
    }

    /// Appends the field's bytes (quoted when needed) to `out`.
    @inlinable public static func append(_ s: String, to out: inout [UInt8]) {
        var s = s
        s.withUTF8 { b in
            guard needsQuotes(b) else { out.append(contentsOf: b); return }
            out.append(34)
            for c in b { out.append(c); if c == 34 { out.append(34) } }
            out.append(34)
        }
    }

    /// The field's bytes, quoted when needed.
    public static func bytes(_ s: String) -> [UInt8] {
        var out: [UInt8] = []
        append(s, to: &out)
        return out
    }

    /// The field as text, quoted when needed.
    public static func text(_ s: String) -> String { String(decoding: bytes(s), as: UTF8.self) }
}
