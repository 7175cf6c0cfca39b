/// A JSON value written byte-for-byte the way `nbformat.write` writes a notebook
/// (`json.dumps(nb, sort_keys=True, indent=1, ensure_ascii=False)` plus a final newline), so a
/// notebook tenure writes is unchanged when Jupyter or nbformat re-saves it, and the same report
/// always gives the same bytes.
public indirect enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public func serialized() -> String {
        var out = ""
        out.reserveCapacity(64 * 1024)
        write(into: &out, indent: 0)
        return out + "\n"
    }

    func write(into out: inout String, indent: Int) {
        switch self {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .int(let i): out += String(i)
        case .string(let s): JSONValue.quote(s, into: &out)
        case .array(let a):
            if a.isEmpty { out += "[]"; return }
            out += "[\n"
            for (k, v) in a.enumerated() {
                out += String(repeating: " ", count: indent + 1)
                v.write(into: &out, indent: indent + 1)
                out += k == a.count - 1 ? "\n" : ",\n"
            }
            out += String(repeating: " ", count: indent) + "]"
        case .object(let o):
            if o.isEmpty { out += "{}"; return }
            out += "{\n"
            // Python sorts str keys by code point; Swift's String < is by Unicode scalar values of the
            // canonical form, so compare scalars explicitly.
            let keys = o.keys.sorted { $0.unicodeScalars.lexicographicallyPrecedes($1.unicodeScalars) }
            for (k, key) in keys.enumerated() {
                out += String(repeating: " ", count: indent + 1)
                JSONValue.quote(key, into: &out)
                out += ": "
                o[key]!.write(into: &out, indent: indent + 1)
                out += k == keys.count - 1 ? "\n" : ",\n"
            }
            out += String(repeating: " ", count: indent) + "}"
        }
    }

    /// Python's `json` string escaping with `ensure_ascii=False`.
    static func quote(_ s: String, into out: inout String) {
        out += "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            default:
                if u.value < 0x20 {
                    out += "\\u00" + (u.value < 16 ? "0" : "") + String(u.value, radix: 16)
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        out += "\""
    }

    /// Python's `str.splitlines(keepends=True)`, the form nbformat stores multi-line text in.
    public static func lines(_ s: String) -> JSONValue {
        var parts: [JSONValue] = []
        var cur = String.UnicodeScalarView()
        var it = Array(s.unicodeScalars)[...]
        while let u = it.first {
            it = it.dropFirst()
            cur.append(u)
            switch u.value {
            case 0x0D:
                if it.first == "\n" { cur.append("\n"); it = it.dropFirst() }
                parts.append(.string(String(cur))); cur = String.UnicodeScalarView()
            case 0x0A, 0x0B, 0x0C, 0x1C, 0x1D, 0x1E, 0x85, 0x2028, 0x2029:
                parts.append(.string(String(cur))); cur = String.UnicodeScalarView()
            default: break
            }
        }
        if !cur.isEmpty { parts.append(.string(String(cur))) }
        return .array(parts)
    }
}
