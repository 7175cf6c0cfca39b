import Foundation

/// Stage 1: the header line → which field holds which column, and how each is parsed.
extension TableReader {
    /// Where a column's values go: its column index, header field, kind and interner.
    struct Sink {
        var column: Int
        var field: Int
        var kind: ColumnKind
        var allowEmpty: Bool
        var interner: Int
        /// An extra column read as numbers because its first values were.
        var sniffed = false
    }

    /// The column layout of one table, as the header gave it, shared by every stage after it.
    struct Context {
        let spec: TableSpec
        let display: String
        let bytes: CSVBytes
        let base: UnsafePointer<UInt8>
        /// Header names as written, and their number (every record must have as many fields).
        let header: [String]
        let headerFields: Int
        /// First byte after the header line, and the line number of the first record.
        let dataStart: Int
        let dataLine: Int
        /// Per column (spec columns, then extras): name for messages, kind, header field (-1 = absent).
        let names: [String]
        let kinds: [ColumnKind]
        let fieldOf: [Int]
        let extraNames: [String]
        let ncol: Int
        /// The present columns.
        let sinks: [Sink]
        let categoryCount: Int
        /// Plausible dates (`PlausibleDates`): a date outside is a bad value.
        let dates: ClosedRange<Day>
    }

    /// Reads and checks the header (BOM skipped; empty file, CR line ends, invalid UTF-8, repeated
    /// or missing columns are errors) and lays out the columns: spec columns by name or alias
    /// (through `schema`), then — when the spec keeps them — the extra columns, numeric when their
    /// first values are (`sniffNumeric`) unless listed in `textFields`.
    static func readHeader(_ spec: TableSpec, bytes: CSVBytes, display: String, schema: Schema,
                           dates: ClosedRange<Day>, textFields: Set<Int>) throws -> Context {
        let base = bytes.base
        let n = bytes.count
        var start = 0
        if n >= 3 && base[0] == 0xEF && base[1] == 0xBB && base[2] == 0xBF { start = 3 }
        var firstText = start
        while firstText < n, base[firstText] == 10 || base[firstText] == 13 || base[firstText] == 32 || base[firstText] == 9 { firstText += 1 }
        let wanted = spec.columns.filter(\.required).map { schema.name(of: $0.name, in: spec.table) }
        if firstText >= n {
            throw DataError(.emptyFile, file: display, expected: "a header line naming the columns (\(wanted.joined(separator: ",")))",
                            hint: n == 0 ? "the file is empty (0 bytes)" : "the file holds no text")
        }
        var tok = Tokenizer(base: base, start: start, end: n, line: 1)
        var fields = FieldList()
        defer { fields.free() }
        switch tok.next(&fields) {
        case .record: break
        case .end: throw DataError(.emptyFile, file: display, expected: "a header line naming the columns")
        case .problem:
            if case .crAlone = tok.problem! { throw crOnlyFile(display) }
            throw scanError(tok.problem!, tok: tok, display: display, column: nil, base: base)
        }
        let headerEnd = tok.pos
        if headerEnd > start, base[headerEnd - 1] == 13 { throw crOnlyFile(display) }
        if let bad = invalidUTF8Offsets(base, start ..< headerEnd, limit: 1).first {
            throw DataError(.invalidUTF8, file: display, line: 1, value: nil,
                            expected: "UTF-8 text (byte 0x\(hex(base[bad])) at byte offset \(bad) is not valid UTF-8)",
                            hint: "re-export the file as UTF-8, e.g. `iconv -f latin1 -t utf-8`", offset: bad)
        }
        let header = (0 ..< fields.count).map { fieldString(base, fields.ptr[$0]) }
        let (fieldOfColumn, extraFields, extraNames) = try mapColumns(spec, header: header, display: display, schema: schema)

        // Extra columns whose first records all hold numbers are read as numbers (no dictionary of
        // a million distinct strings for a numeric covariate); should a later value not be a number,
        // the table is read again with that column as text.
        let numericExtras = sniffNumeric(base, from: headerEnd, end: n, fields: extraFields.filter { !textFields.contains($0) })
        let kinds = spec.columns.map(\.kind) + extraFields.map { numericExtras.contains($0) ? ColumnKind.number : .category }
        let allowEmpty = spec.columns.map(\.allowEmpty) + extraNames.map { _ in true }
        var names = spec.columns.map { schema.name(of: $0.name, in: spec.table) } + extraNames
        let fieldOf = fieldOfColumn + extraFields
        for c in 0 ..< spec.columns.count where fieldOf[c] >= 0 { names[c] = header[fieldOf[c]].trimmingSpaces }
        let ncol = spec.columns.count + extraNames.count
        var sinks: [Sink] = []
        var categoryCount = 0
        for c in 0 ..< ncol where fieldOf[c] >= 0 {
            var s = Sink(column: c, field: fieldOf[c], kind: kinds[c], allowEmpty: allowEmpty[c], interner: -1,
                         sniffed: c >= spec.columns.count && kinds[c] == .number)
            if kinds[c] == .category { s.interner = categoryCount; categoryCount += 1 }
            sinks.append(s)
        }
        return Context(spec: spec, display: display, bytes: bytes, base: base, header: header, headerFields: header.count,
                       dataStart: headerEnd, dataLine: tok.line, names: names, kinds: kinds, fieldOf: fieldOf,
                       extraNames: extraNames, ncol: ncol, sinks: sinks, categoryCount: categoryCount, dates: dates)
    }

    /// The header field of each spec column (-1 = absent), then the extra columns kept (field,
    /// name). Throws for a column named twice and for a required column that is missing.
    static func mapColumns(_ spec: TableSpec, header: [String], display: String,
                           schema: Schema) throws -> (fieldOf: [Int], extraFields: [Int], extraNames: [String]) {
        let normalized = header.map { $0.trimmingSpaces.lowercased() }
        var firstOf: [String: Int] = [:]
        for (k, name) in normalized.enumerated() where !name.isEmpty {
            if let j = firstOf[name] {
                throw DataError(.badSchema, file: display, line: 1, column: header[k].trimmingSpaces,
                                expected: "each column name once in the header (column \(k + 1) repeats column \(j + 1))",
                                hint: "rename or drop one of them; tenure will not guess which one holds the data")
            }
            firstOf[name] = k
        }
        var fieldOfColumn = [Int](repeating: -1, count: spec.columns.count)
        var used = Set<Int>()
        for (c, col) in spec.columns.enumerated() {
            let names = ([col.name] + col.aliases).map { schema.name(of: $0, in: spec.table).lowercased() }
            for name in names {
                if let k = normalized.firstIndex(of: name), !used.contains(k) { fieldOfColumn[c] = k; used.insert(k); break }
            }
            if fieldOfColumn[c] < 0 && col.required {
                let mine = schema.name(of: col.name, in: spec.table)
                var hint = "name the column '\(mine)' or map it with --schema FILE.yaml, e.g. `\(spec.table): {\(col.name): your_column}`"
                if header.count == 1, let h = header.first {
                    if h.contains(";") { hint = "the file seems to use ';' between fields; tenure reads comma-separated files" }
                    else if h.contains("\t") { hint = "the file seems to use tabs between fields; tenure reads comma-separated files" }
                }
                throw DataError(.missingColumn, file: display, line: 1, column: mine,
                                expected: "a column named '\(mine)' (found: \(header.joined(separator: ", ")))", hint: hint)
            }
        }
        var extraNames: [String] = []
        var extraFields: [Int] = []
        if spec.keepExtraColumns {
            for k in 0 ..< header.count where !used.contains(k) {
                let name = header[k].trimmingSpaces
                guard !name.isEmpty, !extraNames.contains(name) else { continue }
                extraNames.append(name); extraFields.append(k)
            }
        }
        return (fieldOfColumn, extraFields, extraNames)
    }

    /// A header ended by CR alone: the whole file uses classic Mac OS line ends.
    static func crOnlyFile(_ display: String) -> DataError {
        DataError(.other, file: display, line: 1, expected: "lines ending in LF or CRLF",
                  hint: "this file ends its lines with CR alone (classic Mac OS); convert it, e.g. `tr '\\r' '\\n' < in.csv > transactions.csv`")
    }

    /// Of `fields` (header positions), those whose values in the first records (up to 1,000) are
    /// all numbers or empty, with at least one number.
    static func sniffNumeric(_ base: UnsafePointer<UInt8>, from start: Int, end: Int, fields: [Int]) -> Set<Int> {
        guard !fields.isEmpty else { return [] }
        var tok = Tokenizer(base: base, start: start, end: end, line: 2)
        var list = FieldList()
        defer { list.free() }
        var candidate = Set(fields), seen = Set<Int>()
        for _ in 0 ..< 1000 {
            guard !candidate.isEmpty, tok.next(&list) == .record else { break }
            for k in candidate where k < list.count {
                let f = list.ptr[k]
                let len = f.end - f.start
                if len == 0 { continue }
                if f.escaped || parseTrimmed(base + f.start, len, { NumberParser.double($0, $1) }) == nil { candidate.remove(k) }
                else { seen.insert(k) }
            }
        }
        return candidate.intersection(seen)
    }
}

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" { s = s.dropLast() }
        return String(s)
    }
}
