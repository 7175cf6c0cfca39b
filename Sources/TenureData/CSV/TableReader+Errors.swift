import Foundation

/// Stage 5: the errors a read reports — a `DataError` with file, line, column, value, what was
/// expected and a hint — and the text they quote.
extension TableReader {
    static func valueError(_ ctx: Context, sink s: Sink, field f: FieldSpan, line: Int) -> DataError {
        let value = fieldString(ctx.base, f)
        let trimmed = value.trimmingSpaces
        var hint: String?
        if trimmed.isEmpty {
            hint = "this column may not be empty"
        } else {
            switch s.kind {
            case .number:
                if let v = Double(trimmed), v.isFinite || trimmed.lowercased().contains("e"), !(abs(v) <= maxMagnitude) {
                    return DataError(.badValue, file: ctx.display, line: line, column: ctx.names[s.column], value: value,
                                     expected: "a number of at most 1e15 in magnitude",
                                     hint: "a value this large is not an amount; sums of it would overflow")
                }
                if trimmed.contains(","), NumberFormat().parse(trimmed) != nil || NumberFormat(decimal: ",").parse(trimmed) != nil {
                    let comma = NumberFormat().parse(trimmed) == nil
                    hint = "use '.' as the decimal point and no thousands separator (1234.56), or read it as written: "
                        + mappingHint(ctx, s, rule: comma ? "decimal: \",\"" : nil)
                } else if NumberFormat().parse(trimmed) != nil {
                    hint = "drop the currency symbol, or read it as written: " + mappingHint(ctx, s, rule: nil)
                }
                else if trimmed.contains(",") { hint = "use '.' as the decimal point and no thousands separator (1234.56)" }
                else if trimmed.unicodeScalars.contains(where: { "$€£¥".unicodeScalars.contains($0) }) { hint = "drop the currency symbol" }
                else if ["nan", "inf", "-inf", "infinity", "null", "na", "n/a", "none"].contains(trimmed.lowercased()) {
                    hint = s.allowEmpty ? "leave the field empty for a missing value" : "this column needs a number on every row"
                }
            case .day, .timestamp, .period:
                if let d = DateParser.day(from: trimmed) ?? (s.kind == .period ? DateParser.day(from: trimmed + "-01") : nil),
                   !ctx.dates.contains(d) {
                    return DataError(.badValue, file: ctx.display, line: line, column: ctx.names[s.column], value: value,
                                     expected: PlausibleDates.expected(ctx.dates),
                                     hint: "a date this far off is usually a placeholder or a typo; fix or remove the row (--on-invalid skip leaves it out)")
                }
                if let f = DateFormat.guess(trimmed), f != "iso" {
                    let rule = mappingHint(ctx, s, rule: "format: \"\(f)\"")
                    hint = trimmed.contains("/") ? "write dates as year-month-day (2024-03-01); 03/01/2024 is ambiguous — or say how yours are written: " + rule
                                                 : "say how these dates are written: " + rule
                } else if trimmed.contains("/") { hint = "write dates as year-month-day (2024-03-01); 03/01/2024 is ambiguous" }
                else if trimmed.count >= 10, DateParser.day(from: String(trimmed.prefix(10))) == nil,
                        trimmed.utf8.count >= 10, Array(trimmed.utf8)[4] == 45, Array(trimmed.utf8)[7] == 45 {
                    hint = "no such day in the calendar"
                }
            case .surveyKind: hint = "survey kinds are csat (1–5), nps (0–10) and ces (1–7)"
            default: break
            }
        }
        return DataError(.badValue, file: ctx.display, line: line, column: ctx.names[s.column], value: value,
                         expected: s.kind.expected, hint: hint)
    }

    /// "read it with a mapping file (--schema): `transactions: {columns: {date: {column: Created at, format: "…"}}}`".
    static func mappingHint(_ ctx: Context, _ s: Sink, rule: String?) -> String {
        let canonical = s.column < ctx.spec.columns.count ? ctx.spec.columns[s.column].name : ctx.names[s.column]
        let field = ctx.fieldOf[s.column]
        let mine = field >= 0 && field < ctx.header.count ? ctx.header[field] : canonical
        let r = rule.map { ", \($0)" } ?? ""
        return "describe the column in a mapping file (--schema): "
            + "`\(ctx.spec.table): {columns: {\(canonical): {column: \(mine)\(r)}}}` (tenure help schema)"
    }

    static func problemOffset(_ p: ScanProblem) -> Int {
        switch p {
        case .strayQuote(let o): return o
        case .unterminatedQuote(_, let o): return o
        case .fieldTooLong(let o, _): return o
        case .crAlone(let o): return o
        }
    }

    /// The header name of the field holding `offset` in the current (possibly partial) record.
    static func columnName(ofOffset off: Int, fields: FieldList, ctx: Context) -> String? {
        var k = fields.count   // the field being read when the problem showed up
        for j in 0 ..< fields.count {
            let f = fields.ptr[j]
            if off >= f.start - (f.quoted ? 1 : 0) && off <= f.end + (f.quoted ? 1 : 0) - (f.quoted ? 0 : 1) { k = j; break }
        }
        if let c = ctx.sinks.first(where: { $0.field == k })?.column { return ctx.names[c] }
        return k < ctx.header.count ? ctx.header[k].trimmingSpaces : nil
    }

    static func scanError(_ p: ScanProblem, tok: Tokenizer, display: String, column: String?, base: UnsafePointer<UInt8>) -> DataError {
        // the line of byte offset `o` inside the current record
        func line(at o: Int) -> Int {
            var line = tok.recordLine
            for q in tok.recordStart ..< o where base[q] == 10 { line += 1 }
            return line
        }
        // the text from `start` to at most 40 bytes past `o`, stopping at a line break
        func excerpt(from start: Int, around o: Int) -> String {
            var le = o + 1
            while le < tok.end && base[le] != 10 && base[le] != 13 && le - o < 40 { le += 1 }
            return String(decoding: UnsafeBufferPointer(start: base + start, count: le - start), as: UTF8.self)
        }
        switch p {
        case .strayQuote(let o):
            var ls = o
            while ls > 0 && base[ls - 1] != 10 && o - ls < 40 { ls -= 1 }
            return DataError(.unterminatedQuote, file: display, line: line(at: o), column: column,
                             value: excerpt(from: ls, around: o),
                             expected: "a '\"' only around a whole field (a stray quote at byte offset \(o))",
                             hint: "quote the whole field and double the quotes inside it: \"say \"\"hi\"\"\"", offset: o)
        case .unterminatedQuote(let line, let o):
            return DataError(.unterminatedQuote, file: display, line: line, column: column,
                             value: excerpt(from: o, around: o),
                             expected: "a closing '\"' for the quoted field opened here (it runs to the end of the file)",
                             hint: "close the quote, or double any '\"' inside the field", offset: o)
        case .fieldTooLong(let o, let len):
            return DataError(.badValue, file: display, line: line(at: o), column: column,
                             value: String(decoding: UnsafeBufferPointer(start: base + o, count: min(len, 40)), as: UTF8.self),
                             expected: "a field of at most \(Tokenizer.maxFieldBytes) bytes (this one has \(len))",
                             hint: "usually a quote that is never closed, or a file that is not comma-separated", offset: o)
        case .crAlone(let o):
            return DataError(.other, file: display, line: line(at: o), expected: "lines ending in LF or CRLF",
                             hint: "a line here ends with CR alone (classic Mac OS line ends); convert the file", offset: o)
        }
    }

    static func fieldString(_ base: UnsafePointer<UInt8>, _ f: FieldSpan) -> String {
        let s = String(decoding: UnsafeBufferPointer(start: base + f.start, count: f.end - f.start), as: UTF8.self)
        return f.escaped ? s.replacingOccurrences(of: "\"\"", with: "\"") : s
    }

    static func recordText(_ base: UnsafePointer<UInt8>, _ s: Int, _ e: Int) -> String {
        var e = e
        while e > s && (base[e - 1] == 10 || base[e - 1] == 13) { e -= 1 }
        return String(decoding: UnsafeBufferPointer(start: base + s, count: min(e - s, 200)), as: UTF8.self)
    }

    static func hex(_ b: UInt8) -> String {
        let d = Array("0123456789ABCDEF")
        return String([d[Int(b >> 4)], d[Int(b & 15)]])
    }

    /// Invalid UTF-8 at byte `off` of the current record.
    static func utf8Error(_ ctx: Context, at off: Int, tok: Tokenizer, fields: FieldList) -> DataError {
        let base = ctx.base
        let col = columnName(ofOffset: off, fields: fields, ctx: ctx)
        var lineOfBad = tok.recordLine
        for q in tok.recordStart ..< off where base[q] == 10 { lineOfBad += 1 }
        return DataError(.invalidUTF8, file: ctx.display, line: lineOfBad, column: col,
                         expected: "UTF-8 text (byte 0x\(hex(base[off])) at byte offset \(off) is not valid UTF-8)",
                         hint: "re-export the file as UTF-8, e.g. `iconv -f latin1 -t utf-8`", offset: off)
    }

    /// A record with `got` fields where the header has `ctx.headerFields`.
    static func fieldCountError(_ ctx: Context, tok: Tokenizer, got: Int) -> DataError {
        let expected = ctx.headerFields
        return DataError(.wrongFieldCount, file: ctx.display, line: tok.recordLine, value: recordText(ctx.base, tok.recordStart, tok.pos),
                         expected: "\(expected) fields like the header, got \(got)",
                         hint: got > expected ? "quote fields that contain commas: \"1,234\"" : "every row needs a value (possibly empty) for every column")
    }
}
