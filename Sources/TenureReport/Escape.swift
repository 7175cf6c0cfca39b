/// The one home of escaping. Every string that reaches a rendered document and did not come from
/// tenure's own source code (segment names, column names, file paths, scenario names, …) passes
/// through exactly one of these functions for the context it lands in.
///
/// Contract, per context:
/// - `html` / `attribute`: the result contains no `<`, `>`, `&` (except entity starts), `"` or `'`;
///   it is safe as element text and inside a double- or single-quoted attribute. Characters XML 1.0
///   forbids (C0 controls other than tab/LF/CR) become U+FFFD, so the same text is valid in SVG
///   files parsed as XML.
/// - `markdown`: no Markdown or HTML metacharacter survives unescaped and newlines become spaces, so
///   a label can neither break a table row nor inject markup.
/// - `python`: a double-quoted Python 3 string literal that evaluates to exactly the input.
/// - `fileName`: a file-name-safe slug (`[A-Za-z0-9_-]`, at most 80 characters, never empty).
public enum Escape {
    /// Text content of an HTML or SVG element.
    public static func html(_ s: String) -> String {
        var r = ""
        r.reserveCapacity(s.utf8.count + 8)
        for u in s.unicodeScalars {
            switch u {
            case "&": r += "&amp;"
            case "<": r += "&lt;"
            case ">": r += "&gt;"
            case "\"": r += "&quot;"
            case "'": r += "&#39;"
            default:
                if isXMLForbidden(u) { r.unicodeScalars.append("\u{FFFD}") } else { r.unicodeScalars.append(u) }
            }
        }
        return r
    }

    /// Value of a quoted HTML/SVG attribute. Like `html`, and line breaks are kept as character
    /// references so a tooltip (`<title>`, `title=`) can still show them.
    public static func attribute(_ s: String) -> String {
        var r = ""
        r.reserveCapacity(s.utf8.count + 8)
        for u in s.unicodeScalars {
            switch u {
            case "\n": r += "&#10;"
            case "\r": r += "&#13;"
            case "\t": r += "&#9;"
            default: r += html(String(u))
            }
        }
        return r
    }

    /// SVG text is XML text: the HTML rules apply (they are a superset of what XML needs).
    public static func svg(_ s: String) -> String { html(s) }

    /// GitHub-flavoured Markdown inline text (also inside a table cell).
    public static func markdown(_ s: String) -> String {
        var r = ""
        for ch in s {
            switch ch {
            case "|": r += "\\|"
            case "<": r += "&lt;"
            case ">": r += "&gt;"
            case "&": r += "&amp;"
            case "\\", "`", "*", "_", "[", "]", "#", "!", "~", "$": r += "\\" + String(ch)
            case "\n", "\r", "\r\n": r += " "
            default:
                if ch.unicodeScalars.count == 1, let u = ch.unicodeScalars.first, isXMLForbidden(u) {
                    r += " "
                } else {
                    r.append(ch)
                }
            }
        }
        return r
    }

    /// A Python 3 string literal (with its double quotes) that evaluates to `s` exactly.
    public static func python(_ s: String) -> String {
        var r = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\\": r += "\\\\"
            case "\"": r += "\\\""
            case "\n": r += "\\n"
            case "\r": r += "\\r"
            case "\t": r += "\\t"
            default:
                if u.value < 0x20 || u.value == 0x7F {
                    r += "\\x" + hex(u.value, width: 2)
                } else if u.value == 0x2028 || u.value == 0x2029 || u.value == 0x85 {
                    // line separators: Python accepts them in a literal, editors do not
                    r += "\\u" + hex(u.value, width: 4)
                } else {
                    r.unicodeScalars.append(u)
                }
            }
        }
        return r + "\""
    }

    /// A file-name-safe slug of an identifier; deterministic, never empty, never `.`/`..`.
    public static func fileName(_ s: String) -> String {
        var r = ""
        var lastUnderscore = false
        for u in s.unicodeScalars {
            let ok = (u >= "a" && u <= "z") || (u >= "A" && u <= "Z") || (u >= "0" && u <= "9") || u == "-" || u == "_"
            if ok { r.unicodeScalars.append(u); lastUnderscore = u == "_" } else if !lastUnderscore { r += "_"; lastUnderscore = true }
            if r.count >= 80 { break }
        }
        while r.hasPrefix("_") && r.count > 1 { r.removeFirst() }
        while r.hasSuffix("_") && r.count > 1 { r.removeLast() }
        return r.isEmpty || r == "_" ? "table" : r
    }

    /// An HTML `id` / notebook cell id (`[A-Za-z0-9_-]{1,64}`).
    public static func identifier(_ s: String) -> String {
        String(fileName(s).prefix(64))
    }

    /// True for characters XML 1.0 does not allow in a document.
    @inline(__always) static func isXMLForbidden(_ u: Unicode.Scalar) -> Bool {
        let v = u.value
        return (v < 0x20 && v != 0x09 && v != 0x0A && v != 0x0D) || v == 0xFFFE || v == 0xFFFF
    }

    static func hex(_ v: UInt32, width: Int) -> String {
        var s = String(v, radix: 16)
        while s.count < width { s = "0" + s }
        return s
    }
}
