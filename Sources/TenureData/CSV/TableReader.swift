import Dispatch
import Foundation

/// How the text of a column becomes a typed value.
public enum ColumnKind: Sendable, Equatable {
    /// A customer id, interned into the dataset-wide `CustomerIndex` (Int32). Empty = -1 when allowed.
    case customer
    /// Text interned per column into a `CategoricalColumn` (Int32 codes, -1 = empty).
    case category
    /// An identifier only compared for equality (order ids): dense Int32 codes (`KeyCodes`), -1 =
    /// empty; the text is not kept.
    case key
    /// An ISO date or datetime → `Day` (UTC). Empty = `Day.missing` when allowed.
    case day
    /// `YYYY-MM` (first day of the month) or an ISO date → `Day`.
    case period
    /// An ISO datetime (or date = midnight UTC) → seconds since the epoch. Empty = `.nan` when allowed.
    case timestamp
    /// A decimal number → `Double`. Empty = `.nan` when allowed.
    case number
    /// csat | nps | ces (any case) → `SurveyKind` code 0, 1, 2.
    case surveyKind
    /// true/false (also yes/no, 1/0, any case) → 1/0; empty = -1.
    case bool

    var isInterned: Bool { self == .customer || self == .category }
    var storesDouble: Bool { self == .timestamp || self == .number }

    public var expected: String {
        switch self {
        case .customer: return "a customer id"
        case .category: return "text"
        case .key: return "an identifier"
        case .day: return "an ISO 8601 date such as 2024-03-01 or 2024-03-01T12:30:00Z"
        case .period: return "a month such as 2024-03 or an ISO date such as 2024-03-01"
        case .timestamp: return "an ISO 8601 datetime such as 2024-03-01T12:30:00Z or a date such as 2024-03-01"
        case .number: return "a number such as 19.99"
        case .surveyKind: return "one of csat, nps, ces"
        case .bool: return "true or false"
        }
    }
}

/// One column a table knows about.
public struct ColumnSpec: Sendable {
    public var name: String
    public var kind: ColumnKind
    /// The header must have it.
    public var required: Bool
    /// An empty value is allowed (and means missing).
    public var allowEmpty: Bool
    /// Other header names accepted for it (`period` for marketing_spend's `date`).
    public var aliases: [String]
    public init(_ name: String, _ kind: ColumnKind, required: Bool = false, allowEmpty: Bool = true, aliases: [String] = []) {
        self.name = name; self.kind = kind; self.required = required; self.allowEmpty = allowEmpty; self.aliases = aliases
    }
}

/// A parsed row's values, by column index (spec columns first, then extra columns), for row checks.
public struct RowView {
    let i32: UnsafeMutablePointer<UnsafeMutablePointer<Int32>?>
    let f64: UnsafeMutablePointer<UnsafeMutablePointer<Double>?>
    let row: Int
    public func int(_ column: Int) -> Int32? { i32[column].map { $0[row] } }
    public func double(_ column: Int) -> Double? { f64[column].map { $0[row] } }
}

/// A failed cross-column check: which column to blame, what was expected.
public struct RowCheckFailure: Sendable {
    public var column: Int
    public var expected: String
    public var hint: String?
    public init(column: Int, expected: String, hint: String? = nil) { self.column = column; self.expected = expected; self.hint = hint }
}

/// A table of SPEC §1 as the reader sees it.
public struct TableSpec: @unchecked Sendable {
    /// Schema key and name used in messages: "transactions".
    public var table: String
    /// "transactions.csv"
    public var file: String
    public var columns: [ColumnSpec]
    /// Header columns no spec names become categorical `extra` columns (customers.csv attributes);
    /// otherwise they are ignored.
    public var keepExtraColumns: Bool
    /// A check across the columns of one parsed row (score within its survey kind's range, …).
    public var check: ((RowView) -> RowCheckFailure?)?
    /// A column whose values must be unique (first occurrence wins). Such tables are read in
    /// one pass with line numbers kept, so duplicates can be reported by line.
    public var uniqueColumn: Int?
    public init(table: String, file: String, columns: [ColumnSpec], keepExtraColumns: Bool = false,
                uniqueColumn: Int? = nil, check: ((RowView) -> RowCheckFailure?)? = nil) {
        self.table = table; self.file = file; self.columns = columns
        self.keepExtraColumns = keepExtraColumns; self.uniqueColumn = uniqueColumn; self.check = check
    }
}

/// The typed columns of one table, in file order.
public struct TableColumns: Sendable {
    public var file: String
    public var rows: Int = 0
    /// Header names as written.
    public var header: [String] = []
    /// Per spec column: was it in the header?
    public var present: [Bool] = []
    /// Per column (spec columns, then extras): Int32 values (ids, codes, days), empty if not stored so.
    public var ints: [[Int32]] = []
    /// Per column: Double values (numbers, timestamps), empty if not stored so.
    public var doubles: [[Double]] = []
    /// Per column: category levels (for `.category` columns).
    public var levels: [[String]] = []
    /// Per column: the number of distinct keys (for `.key` columns; codes are `0 ..< keyCounts[c]`).
    public var keyCounts: [Int] = []
    /// Names of the extra columns (header order), stored after the spec columns.
    public var extraNames: [String] = []
    public var rejects: [RejectedRow] = []
    /// Chunks parsed in parallel (1 = single-threaded pass).
    public var chunks: Int = 1

    public func has(_ column: Int) -> Bool { column < present.count ? present[column] : true }
    public func categorical(_ column: Int) -> CategoricalColumn { CategoricalColumn(codes: ints[column], levels: levels[column]) }
    public func key(_ column: Int) -> KeyColumn { KeyColumn(codes: ints[column], count: keyCounts[column]) }
}

/// The CSV reader: RFC 4180, UTF-8 validated, typed columns built straight from the bytes,
/// both cores on large files.
///
/// Contract: the result is identical (values, interning order, rejects) whatever `threads` is.
/// Large inputs are split into one chunk per thread at record boundaries (line feeds outside quoted
/// fields, found from the parity of the quotes counted in the first pass, so multi-line quoted
/// fields stay parallel); every chunk is parsed in parallel into its slice of preallocated columns
/// with chunk-local interning, and the chunks' interned keys are then merged in chunk order, which
/// reproduces first-appearance order. A chunk that hits anything unusual (any bad value, unpaired
/// quotes) makes the table be re-read in one single-threaded pass, which is the one that reports
/// problems with exact line numbers.
public enum TableReader {
    /// Largest magnitude of a number (1e15: sums of a billion of them stay finite and exact to the
    /// cent up to 1e13); beyond, a value is a bad value, never an `inf` in a total.
    public static let maxMagnitude = 1e15

    /// Inputs at least this large are parsed in parallel.
    public static var parallelThreshold = 1 << 20

    enum Mode { case parallel, fail, skip }

    public static func read(_ spec: TableSpec, path: String, display: String, schema: Schema,
                            customers: inout ByteInterner, onInvalid: LoadOptions.OnInvalid, threads: Int,
                            dates: ClosedRange<Day> = PlausibleDates.range()) throws -> TableColumns {
        let bytes = try CSVBytes(path: path, displayName: display)
        return try read(spec, bytes: bytes, display: display, schema: schema, customers: &customers,
                        onInvalid: onInvalid, threads: threads, dates: dates)
    }

    /// `textFields`: header positions of extra columns read as text even when they look numeric
    /// (set on the re-read after a value of a column sniffed as numeric turned out not to be).
    public static func read(_ spec: TableSpec, bytes: CSVBytes, display: String, schema: Schema,
                            customers: inout ByteInterner, onInvalid: LoadOptions.OnInvalid, threads: Int,
                            dates: ClosedRange<Day> = PlausibleDates.range(), textFields: Set<Int> = []) throws -> TableColumns {
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

        // Header.
        var tok = Tokenizer(base: base, start: start, end: n, line: 1)
        var fields = FieldList()
        defer { fields.free() }
        switch tok.next(&fields) {
        case .record: break
        case .end: throw DataError(.emptyFile, file: display, expected: "a header line naming the columns")
        case .problem: throw scanError(tok.problem!, tok: tok, display: display, column: nil, base: base)
        }
        let headerEnd = tok.pos
        if headerEnd > start, base[headerEnd - 1] == 13 {
            throw DataError(.other, file: display, line: 1, expected: "lines ending in LF or CRLF",
                            hint: "this file ends its lines with CR alone (classic Mac OS); convert it, e.g. `tr '\\r' '\\n' < in.csv > transactions.csv`")
        }
        if let bad = invalidUTF8Offsets(base, start ..< headerEnd, limit: 1).first {
            throw DataError(.invalidUTF8, file: display, line: 1, value: nil,
                            expected: "UTF-8 text (byte 0x\(hex(base[bad])) at byte offset \(bad) is not valid UTF-8)",
                            hint: "re-export the file as UTF-8, e.g. `iconv -f latin1 -t utf-8`", offset: bad)
        }
        var header: [String] = []
        for k in 0 ..< fields.count { header.append(fieldString(base, fields.ptr[k])) }
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

        // Map spec columns to header positions.
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
        let ncol = spec.columns.count + extraNames.count
        // Extra columns whose first records all hold numbers are read as numbers (no dictionary of
        // a million distinct strings for a numeric covariate); should a later value not be a number,
        // the table is read again with that column as text.
        let numericExtras = sniffNumeric(base, from: headerEnd, end: n, fields: extraFields.filter { !textFields.contains($0) })
        var kinds = spec.columns.map(\.kind) + extraFields.map { numericExtras.contains($0) ? ColumnKind.number : .category }
        var allowEmpty = spec.columns.map(\.allowEmpty) + extraNames.map { _ in true }
        var names = spec.columns.map { schema.name(of: $0.name, in: spec.table) } + extraNames
        var fieldOf = fieldOfColumn + extraFields
        for c in 0 ..< spec.columns.count where fieldOf[c] >= 0 { names[c] = header[fieldOf[c]].trimmingSpaces }
        _ = (kinds, allowEmpty)

        // Sinks for present columns.
        var sinks: [Sink] = []
        var categoryCount = 0
        for c in 0 ..< ncol where fieldOf[c] >= 0 {
            var s = Sink(column: c, field: fieldOf[c], kind: kinds[c], allowEmpty: allowEmpty[c], interner: -1,
                         sniffed: c >= spec.columns.count && kinds[c] == .number)
            if kinds[c] == .category { s.interner = categoryCount; categoryCount += 1 }
            sinks.append(s)
        }
        kinds = kinds.map { $0 }; allowEmpty = allowEmpty.map { $0 }; fieldOf = fieldOf.map { $0 }
        let ctx = Context(spec: spec, display: display, names: names, sinks: sinks, ncol: ncol,
                          headerFields: header.count, header: header, categoryCount: categoryCount, base: base, bytes: bytes,
                          dates: dates)

        // Phase 1: count lines (capacity) and look for non-ASCII bytes, in parallel on big inputs.
        let dataStart = headerEnd
        let size = n - dataStart
        let nchunks = size >= parallelThreshold && spec.uniqueColumn == nil ? max(1, threads) : 1
        var nominal: [Int] = (0 ... nchunks).map { dataStart + size * $0 / nchunks }
        nominal[nchunks] = n
        var counts = [(Int, Bool, Int)](repeating: (0, false, 0), count: nchunks)
        counts.withUnsafeMutableBufferPointer { out in
            let o = out
            DispatchQueue.concurrentPerform(iterations: nchunks) { k in
                var lines = 0, quotes = 0, nonASCII = false
                var i = nominal[k]
                let e = nominal[k + 1]
                let block = 8 << 20
                while i < e {
                    let j = min(e, i + block)
                    let r = countNewlines(base, i ..< j)
                    lines += r.newlines; quotes += r.quotes; nonASCII = nonASCII || r.nonASCII
                    bytes.release(i ..< j)
                    i = j
                }
                o[k] = (lines, nonASCII, quotes)
            }
        }
        let totalLines = counts.reduce(0) { $0 + $1.0 }
        let anyNonASCII = counts.contains { $0.1 }

        // Storage: preallocated to the line count (an upper bound on records).
        let store = Storage(ncol: ncol, kinds: kinds, present: (0 ..< ncol).map { fieldOf[$0] >= 0 }, capacity: totalLines + 2 * nchunks)
        if spec.uniqueColumn != nil { store.lines = .allocate(capacity: totalLines + 2) }
        defer { store.free() }

        var outputs: [ChunkOutput] = []
        var chunkRanges: [Range<Int>] = []
        var rowBases: [Int] = []
        if nchunks > 1 {
            // Split points: the first record boundary after each nominal point. The parity of the
            // quotes before it (counted in phase 1) tells whether that point is inside a quoted field,
            // so a quoted line break never splits a record. (A file whose quotes are not paired is
            // invalid; some chunk then fails and the whole table is re-read in one pass.)
            var b = [dataStart]
            var quotesBefore = 0
            for k in 1 ..< nchunks {
                quotesBefore += counts[k - 1].2
                let p = recordBoundary(base, from: nominal[k], end: n, insideQuotes: quotesBefore & 1 == 1)
                b.append(min(n, max(p, b.last!)))
            }
            b.append(n)
            var bases = [0]
            for k in 0 ..< nchunks { bases.append(bases[k] + counts[k].0 + 2) }
            chunkRanges = (0 ..< nchunks).map { b[$0] ..< b[$0 + 1] }
            rowBases = Array(bases.prefix(nchunks))
            var outs = [ChunkOutput?](repeating: nil, count: nchunks)
            outs.withUnsafeMutableBufferPointer { o in
                let o = o
                DispatchQueue.concurrentPerform(iterations: nchunks) { k in
                    o[k] = parseChunk(ctx, store: store, range: chunkRanges[k], line: 0, rowBase: rowBases[k],
                                      capacity: counts[k].0 + 2, mode: .parallel, validateUTF8: anyNonASCII)
                }
            }
            let all = outs.map { $0! }
            let notNumeric = Set(all.flatMap(\.notNumeric))
            if !notNumeric.isEmpty {
                store.free()
                return try read(spec, bytes: bytes, display: display, schema: schema, customers: &customers, onInvalid: onInvalid,
                                threads: threads, dates: dates, textFields: textFields.union(notNumeric.map { fieldOf[$0] }))
            }
            if all.allSatisfy({ $0.ok }) && zip(all, chunkRanges).allSatisfy({ $0.endPos == $1.upperBound }) {
                outputs = all
            } else {
                outputs = []
            }
        }
        if outputs.isEmpty {
            // The single-threaded pass: exact line numbers, every problem reported.
            chunkRanges = [dataStart ..< n]
            rowBases = [0]
            let out = parseChunk(ctx, store: store, range: dataStart ..< n, line: tok.line, rowBase: 0,
                                 capacity: totalLines + 1, mode: onInvalid == .skip ? .skip : .fail, validateUTF8: anyNonASCII)
            if !out.notNumeric.isEmpty {
                store.free()
                return try read(spec, bytes: bytes, display: display, schema: schema, customers: &customers, onInvalid: onInvalid,
                                threads: threads, dates: dates, textFields: textFields.union(out.notNumeric.map { fieldOf[$0] }))
            }
            if let e = out.error { throw e }
            outputs = [out]
        }

        // Order-id codes depend on no interner: close their gaps now and compute them on another
        // thread while the interners merge.
        let keyColumns = (0 ..< ncol).filter { store.keyHash[$0] != nil }
        let keyCounts = UnsafeMutablePointer<Int>.allocate(capacity: max(ncol, 1))
        keyCounts.initialize(repeating: 0, count: max(ncol, 1))
        defer { keyCounts.deallocate() }
        let keysDone = DispatchGroup()
        if !keyColumns.isEmpty {
            var at = 0
            for (k, out) in outputs.enumerated() {
                for c in keyColumns where rowBases[k] != at {
                    (store.keyHash[c]! + at).update(from: store.keyHash[c]! + rowBases[k], count: out.rows)
                    (store.keyRef[c]! + at).update(from: store.keyRef[c]! + rowBases[k], count: out.rows)
                }
                at += out.rows
            }
            let job = KeyJob(columns: keyColumns, store: store, rows: at, base: base, counts: keyCounts)
            DispatchQueue.global().async(group: keysDone) { job.run() }
        }
        // Merge interning in chunk order (= first appearance order), remap codes, close gaps.
        var result = TableColumns(file: display)
        result.header = header
        result.present = (0 ..< spec.columns.count).map { fieldOf[$0] >= 0 }
        result.extraNames = extraNames
        result.chunks = outputs.count
        // [chunk][interner: 0 = customers, 1+ = categories]; nil = identity (the chunk's own table
        // became the global one because nothing was interned before it).
        let internerCount = 1 + categoryCount
        var globals = [customers] + [ByteInterner](repeating: ByteInterner(), count: categoryCount)
        customers = ByteInterner()
        var mapSlots = [[Int32]?](repeating: nil, count: outputs.count * internerCount)
        let outs0 = outputs
        globals.withUnsafeMutableBufferPointer { g in
            mapSlots.withUnsafeMutableBufferPointer { m in
                let g = g, m = m
                // One interner after the other: run concurrently, the rehash transients of the big
                // tables (order ids, customers) overlapped and raised peak memory by ~25 % for no
                // measurable gain on 2 cores.
                for j in 0 ..< internerCount {
                    for (k, out) in outs0.enumerated() {
                        let src = j == 0 ? out.customers : out.categories[j - 1]
                        // Drop the chunk's reference first: a table taken over as the global one must
                        // be uniquely referenced, or the next merge into it copies it whole.
                        if j == 0 { out.customers = ByteInterner() } else { out.categories[j - 1] = ByteInterner() }
                        if g[j].count == 0 { g[j] = src } else { m[k * internerCount + j] = g[j].merge(src) }
                    }
                }
            }
        }
        for out in outputs { out.customers = ByteInterner(); out.categories = [] }
        customers = globals[0]
        globals[0] = ByteInterner()   // `customers` must stay uniquely referenced (the caller goes on interning)
        let globalCats = Array(globals.dropFirst())
        let maps: [[[Int32]?]] = (0 ..< outputs.count).map { k in Array(mapSlots[(k * internerCount) ..< ((k + 1) * internerCount)]) }
        let internedSinks = sinks.filter { $0.kind.isInterned }
        let outs = outputs
        DispatchQueue.concurrentPerform(iterations: outs.count) { k in
            for s in internedSinks {
                guard let map = maps[k][s.kind == .customer ? 0 : s.interner + 1] else { continue }
                let p = store.i32[s.column]! + rowBases[k]
                map.withUnsafeBufferPointer { mp in
                    for r in 0 ..< outs[k].rows {
                        let v = p[r]
                        if v >= 0 { p[r] = mp[Int(v)] }
                    }
                }
            }
        }
        var dest = 0
        for (k, out) in outputs.enumerated() {
            if rowBases[k] != dest {
                for c in 0 ..< ncol where store.keyHash[c] == nil {   // key columns are already in place
                    if let p = store.i32[c] { (p + dest).update(from: p + rowBases[k], count: out.rows) }
                    if let p = store.f64[c] { (p + dest).update(from: p + rowBases[k], count: out.rows) }
                }
            }
            dest += out.rows
            result.rejects += out.rejects
        }
        result.rows = dest
        keysDone.wait()
        result.keyCounts = (0 ..< ncol).map { keyCounts[$0] }
        store.freeKeys()
        // Columns into arrays, two at a time.
        var ints = [[Int32]](repeating: [], count: ncol), doubles = [[Double]](repeating: [], count: ncol)
        ints.withUnsafeMutableBufferPointer { ip in
            doubles.withUnsafeMutableBufferPointer { dp in
                let ip = ip, dp = dp, rows = dest
                DispatchQueue.concurrentPerform(iterations: ncol) { c in
                    if let p = store.i32[c] { ip[c] = Array(UnsafeBufferPointer(start: p, count: rows)); p.deallocate() }
                    if let p = store.f64[c] { dp[c] = Array(UnsafeBufferPointer(start: p, count: rows)); p.deallocate() }
                }
            }
        }
        store.i32 = store.i32.map { _ in nil }; store.f64 = store.f64.map { _ in nil }
        result.ints = ints; result.doubles = doubles
        for c in 0 ..< ncol {
            if kinds[c] == .category, let s = sinks.first(where: { $0.column == c }) {
                result.levels.append(globalCats[s.interner].strings)
            } else {
                result.levels.append([])
            }
        }
        if let u = spec.uniqueColumn, result.has(u), let lines = store.lines {
            try removeDuplicates(&result, column: u, name: names[u], lines: UnsafeBufferPointer(start: lines, count: dest),
                                 onInvalid: onInvalid, spec: spec, customers: customers)
        }
        return result
    }

    /// Keeps the first row of every value of `column`; later ones are errors (or rejects).
    static func removeDuplicates(_ t: inout TableColumns, column u: Int, name: String, lines: UnsafeBufferPointer<Int32>,
                                 onInvalid: LoadOptions.OnInvalid, spec: TableSpec, customers: ByteInterner) throws {
        let codes = t.ints[u]
        let keyCount = (codes.max() ?? -1) + 1
        guard keyCount > 0 else { return }
        var firstRow = [Int32](repeating: -1, count: Int(keyCount))
        var drop: [Int] = []
        let isCustomer = spec.columns[u].kind == .customer
        let levels = t.levels[u]
        func keyName(_ code: Int32) -> String { isCustomer ? customers.string(Int(code)) : levels[Int(code)] }
        for (r, c) in codes.enumerated() where c >= 0 {
            if firstRow[Int(c)] < 0 { firstRow[Int(c)] = Int32(r); continue }
            let e = DataError(.duplicateKey, file: t.file, line: Int(lines[r]), column: name, value: keyName(c),
                              expected: "each \(name) once (first seen on line \(lines[Int(firstRow[Int(c)])]))",
                              hint: "remove or merge the repeated row")
            if onInvalid == .fail { throw e }
            t.rejects.append(RejectedRow(error: e, record: ""))
            drop.append(r)
        }
        guard !drop.isEmpty else { return }
        var keep = [Bool](repeating: true, count: t.rows)
        for r in drop { keep[r] = false }
        for c in 0 ..< t.ints.count where !t.ints[c].isEmpty {
            t.ints[c] = t.ints[c].indices.compactMap { keep[$0] ? t.ints[c][$0] : nil }
        }
        for c in 0 ..< t.doubles.count where !t.doubles[c].isEmpty {
            t.doubles[c] = t.doubles[c].indices.compactMap { keep[$0] ? t.doubles[c][$0] : nil }
        }
        t.rows -= drop.count
        t.rejects.sort { $0.error.line < $1.error.line }
    }

    // MARK: - internals

    struct Sink {
        var column: Int
        var field: Int
        var kind: ColumnKind
        var allowEmpty: Bool
        var interner: Int
        /// An extra column read as numbers because its first values were.
        var sniffed = false
    }

    struct Context {
        let spec: TableSpec
        let display: String
        let names: [String]
        let sinks: [Sink]
        let ncol: Int
        let headerFields: Int
        let header: [String]
        let categoryCount: Int
        let base: UnsafePointer<UInt8>
        let bytes: CSVBytes
        /// Plausible dates (`PlausibleDates`): a date outside is a bad value.
        let dates: ClosedRange<Day>
    }

    final class Storage: @unchecked Sendable {
        var i32: [UnsafeMutablePointer<Int32>?]
        var f64: [UnsafeMutablePointer<Double>?]
        var lines: UnsafeMutablePointer<Int32>?
        /// `.key` columns: each row's hash and `KeyCodes.ref` until the codes are assigned.
        var keyHash: [UnsafeMutablePointer<UInt64>?]
        var keyRef: [UnsafeMutablePointer<UInt64>?]
        init(ncol: Int, kinds: [ColumnKind], present: [Bool], capacity: Int) {
            i32 = (0 ..< ncol).map { c in present[c] && !kinds[c].storesDouble ? .allocate(capacity: max(capacity, 1)) : nil }
            f64 = (0 ..< ncol).map { c in present[c] && kinds[c].storesDouble ? .allocate(capacity: max(capacity, 1)) : nil }
            keyHash = (0 ..< ncol).map { c in present[c] && kinds[c] == .key ? .allocate(capacity: max(capacity, 1)) : nil }
            keyRef = (0 ..< ncol).map { c in present[c] && kinds[c] == .key ? .allocate(capacity: max(capacity, 1)) : nil }
        }
        func freeKeys() {
            for p in keyHash { p?.deallocate() }
            for p in keyRef { p?.deallocate() }
            keyHash = keyHash.map { _ in nil }; keyRef = keyRef.map { _ in nil }
        }
        func free() {
            for p in i32 { p?.deallocate() }
            for p in f64 { p?.deallocate() }
            freeKeys()
            lines?.deallocate()
            i32 = []; f64 = []; lines = nil
        }
    }

    /// `KeyCodes.assign` for every key column of `store`, run off the reading thread.
    struct KeyJob: @unchecked Sendable {
        let columns: [Int], store: Storage, rows: Int, base: UnsafePointer<UInt8>, counts: UnsafeMutablePointer<Int>
        func run() {
            for c in columns {
                counts[c] = KeyCodes.assign(hash: store.keyHash[c]!, ref: store.keyRef[c]!, rows: rows, bytes: base, codes: store.i32[c]!)
            }
        }
    }

    struct Pending {
        var ptr: UnsafePointer<UInt8>
        var len: Int
        var hash: UInt64
        /// The key's bytes as a little-endian word when it has at most 8 (else 0).
        var word: UInt64
        var dest: UnsafeMutablePointer<Int32>
        var interner: Int
    }

    final class ChunkOutput: @unchecked Sendable {
        var touched: UInt64 = 0
        var rows = 0
        var customers = ByteInterner(capacity: 1024)
        var categories: [ByteInterner] = []
        var rejects: [RejectedRow] = []
        var error: DataError?
        var ok = true
        var endPos = 0
        /// Columns sniffed as numeric that hold something else: the table is read again.
        var notNumeric: [Int] = []
    }

    /// Parses `range` into rows `rowBase ..< rowBase + capacity` of the storage.
    static func parseChunk(_ ctx: Context, store: Storage, range: Range<Int>, line: Int, rowBase: Int, capacity: Int,
                           mode: Mode, validateUTF8: Bool) -> ChunkOutput {
        let out = ChunkOutput()
        out.categories = [ByteInterner](repeating: ByteInterner(capacity: 64), count: ctx.categoryCount)
        let base = ctx.base
        var badUTF8: [Int] = []
        if validateUTF8 {
            badUTF8 = invalidUTF8Offsets(base, range, limit: mode == .skip ? 1_000_000 : 1)
            if !badUTF8.isEmpty && mode == .parallel { out.ok = false; return out }
        }
        var nextBad = 0
        var tok = Tokenizer(base: base, start: range.lowerBound, end: range.upperBound, line: line)
        var fields = FieldList(capacity: max(32, ctx.headerFields + 4))
        defer { fields.free() }
        let ncol = ctx.ncol
        let i32 = UnsafeMutablePointer<UnsafeMutablePointer<Int32>?>.allocate(capacity: max(ncol, 1))
        let f64 = UnsafeMutablePointer<UnsafeMutablePointer<Double>?>.allocate(capacity: max(ncol, 1))
        defer { i32.deallocate(); f64.deallocate() }
        let kh = UnsafeMutablePointer<UnsafeMutablePointer<UInt64>?>.allocate(capacity: max(ncol, 1))
        let kr = UnsafeMutablePointer<UnsafeMutablePointer<UInt64>?>.allocate(capacity: max(ncol, 1))
        defer { kh.deallocate(); kr.deallocate() }
        for c in 0 ..< ncol {
            i32[c] = store.i32[c].map { $0 + rowBase }
            f64[c] = store.f64[c].map { $0 + rowBase }
            kh[c] = store.keyHash[c].map { $0 + rowBase }
            kr[c] = store.keyRef[c].map { $0 + rowBase }
        }
        var scratch: [UInt8] = []
        // Interners: 0 = customers, 1 + k = category column k.
        let internerCount = 1 + ctx.categoryCount
        let interners = UnsafeMutablePointer<ByteInterner>.allocate(capacity: internerCount)
        interners.initialize(to: ByteInterner(capacity: 1024))
        for k in 1 ..< internerCount { (interners + k).initialize(to: ByteInterner(capacity: 64)) }
        defer { interners.deinitialize(count: internerCount); interners.deallocate() }
        let internedCount = max(1, ctx.sinks.filter { $0.kind.isInterned }.count)
        let pendCap = 64 * internedCount
        let pend = UnsafeMutablePointer<Pending>.allocate(capacity: pendCap)
        defer { pend.deallocate() }
        var npend = 0
        var touched: UInt64 = 0
        // Interners whose table still fits in cache (a few thousand keys: segments, products) take
        // their keys at once; the queue only pays off for big ones (customers). Decided at each
        // flush, when the queue is empty, so every interner still sees its keys in row order.
        let direct = UnsafeMutablePointer<Bool>.allocate(capacity: internerCount)
        direct.initialize(repeating: true, count: internerCount)
        defer { direct.deallocate() }
        func flush() {
            defer { for j in 0 ..< internerCount { direct[j] = interners[j].count < 4096 } }
            // Independent loads of every queued key's home slot: the cache misses overlap.
            var acc: UInt64 = 0
            for k in 0 ..< npend { acc &+= interners[pend[k].interner].touch(pend[k].hash) }
            touched &+= acc
            for k in 0 ..< npend {
                let q = pend[k]
                q.dest.pointee = q.len <= 8 ? interners[q.interner].intern(word: q.word, length: q.len, hash: q.hash)
                                            : interners[q.interner].intern(q.ptr, q.len, hash: q.hash)
            }
            npend = 0
        }
        var row = 0
        var keysAt = [Int](repeating: 0, count: internerCount * 5)   // keys at rows 2^15 … 2^19
        let byteCount = ctx.bytes.count
        var released = range.lowerBound
        let releaseEvery = 8 << 20
        let expectedFields = ctx.headerFields
        let check = ctx.spec.check
        let dateRange = ctx.dates
        let secondsRange = Double(dateRange.lowerBound) * 86400 ..< Double(Int(dateRange.upperBound) + 1) * 86400

        func fail(_ e: DataError, recordEnd: Int) -> Bool {
            switch mode {
            case .parallel: out.ok = false; return false
            case .fail: out.error = e; return false
            case .skip:
                var s = tok.recordStart
                var e2 = recordEnd
                while e2 > s && (base[e2 - 1] == 10 || base[e2 - 1] == 13) { e2 -= 1 }
                if e2 - s > 4096 { e2 = s + 4096 }
                if s > e2 { s = e2 }
                out.rejects.append(RejectedRow(error: e, record: String(decoding: UnsafeBufferPointer(start: base + s, count: e2 - s), as: UTF8.self)))
                return true
            }
        }

        sinks: while true {
            let step = tok.next(&fields)
            if step == .end { break }
            if tok.pos - released > releaseEvery {
                ctx.bytes.release(released ..< tok.recordStart)
                released = tok.recordStart
            }
            if step == .problem {
                let p = tok.problem!
                let col = columnName(ofOffset: problemOffset(p), fields: fields, ctx: ctx)
                let e = scanError(p, tok: tok, display: ctx.display, column: col, base: base)
                if case .unterminatedQuote = p {} else { tok.skipLine() }
                if !fail(e, recordEnd: tok.pos) { break }
                continue
            }
            // Invalid UTF-8 inside this record?
            if nextBad < badUTF8.count {
                while nextBad < badUTF8.count && badUTF8[nextBad] < tok.recordStart { nextBad += 1 }
                if nextBad < badUTF8.count && badUTF8[nextBad] < tok.pos {
                    let off = badUTF8[nextBad]
                    let col = columnName(ofOffset: off, fields: fields, ctx: ctx)
                    var lineOfBad = tok.recordLine
                    for q in tok.recordStart ..< off where base[q] == 10 { lineOfBad += 1 }
                    let e = DataError(.invalidUTF8, file: ctx.display, line: lineOfBad, column: col,
                                      expected: "UTF-8 text (byte 0x\(hex(base[off])) at byte offset \(off) is not valid UTF-8)",
                                      hint: "re-export the file as UTF-8, e.g. `iconv -f latin1 -t utf-8`", offset: off)
                    while nextBad < badUTF8.count && badUTF8[nextBad] < tok.pos { nextBad += 1 }
                    if !fail(e, recordEnd: tok.pos) { break }
                    continue
                }
            }
            if fields.count != expectedFields {
                let rec = recordText(base, tok.recordStart, tok.pos)
                let e = DataError(.wrongFieldCount, file: ctx.display, line: tok.recordLine, value: rec,
                                  expected: "\(expectedFields) fields like the header, got \(fields.count)",
                                  hint: fields.count > expectedFields ? "quote fields that contain commas: \"1,234\"" : "every row needs a value (possibly empty) for every column")
                if !fail(e, recordEnd: tok.pos) { break }
                continue
            }
            if row >= capacity {   // cannot happen: capacity is the line count + 1
                out.ok = false
                if mode != .parallel { out.error = DataError(.other, file: ctx.display, line: tok.recordLine, expected: "lines ending in LF or CRLF",
                                                               hint: "a line here ends with CR alone (classic Mac OS line ends); convert the file") }
                break
            }
            // Typed, non-interned values first (a bad row must not intern anything).
            for s in ctx.sinks where !s.kind.isInterned {
                let f = fields.ptr[s.field]
                let p = base + f.start
                let len = f.end - f.start
                var ok = true
                switch s.kind {
                case .day:
                    if len == 10, let d = DateParser.day10(p), dateRange.contains(d) { i32[s.column]![row] = d }
                    else if len == 0 && s.allowEmpty { i32[s.column]![row] = Day.missing }
                    else if len > 0, let d = parseTrimmed(p, len, { DateParser.day(bytes: UnsafeBufferPointer(start: $0, count: $1)) }),
                            dateRange.contains(d) { i32[s.column]![row] = d }
                    else { ok = false }
                case .period:
                    if len == 0 && s.allowEmpty { i32[s.column]![row] = Day.missing }
                    else if len > 0, let d = parseTrimmed(p, len, { DateParser.periodStart(bytes: UnsafeBufferPointer(start: $0, count: $1)) }),
                            dateRange.contains(d) { i32[s.column]![row] = d }
                    else { ok = false }
                case .number:
                    if let v = NumberParser.double(p, len), abs(v) <= maxMagnitude { f64[s.column]![row] = v }
                    else if len == 0 && s.allowEmpty { f64[s.column]![row] = .nan }
                    else if len > 0, let v = parseTrimmed(p, len, { NumberParser.double($0, $1) }), abs(v) <= maxMagnitude { f64[s.column]![row] = v }
                    else { ok = false }
                case .timestamp:
                    if len == 0 && s.allowEmpty { f64[s.column]![row] = .nan }
                    else if len > 0, let v = parseTrimmed(p, len, { DateParser.timestamp(bytes: UnsafeBufferPointer(start: $0, count: $1)) }),
                            v >= secondsRange.lowerBound, v < secondsRange.upperBound { f64[s.column]![row] = v }
                    else { ok = false }
                case .surveyKind:
                    if let k = surveyKind(p, len) { i32[s.column]![row] = k } else { ok = false }
                case .bool:
                    if len == 0 && s.allowEmpty { i32[s.column]![row] = -1 }
                    else if let v = boolValue(p, len) { i32[s.column]![row] = v } else { ok = false }
                case .key:
                    let (ks, ke) = trimmedSpan(base, f)
                    if ke == ks { kr[s.column]![row] = KeyCodes.empty; kh[s.column]![row] = 0 }
                    else { kr[s.column]![row] = KeyCodes.ref(offset: ks, length: ke - ks); kh[s.column]![row] = ByteInterner.hash(base + ks, ke - ks) }
                case .customer, .category: break
                }
                if !ok && s.sniffed {
                    out.notNumeric.append(s.column); out.ok = false
                    break sinks
                }
                if !ok {
                    let e = valueError(ctx, sink: s, field: f, line: tok.recordLine)
                    if !fail(e, recordEnd: tok.pos) { break sinks }
                    continue sinks
                }
            }
            // Customer ids may not be empty unless allowed.
            for s in ctx.sinks where s.kind == .customer && !s.allowEmpty {
                let f = fields.ptr[s.field]
                if f.end == f.start || isBlank(base + f.start, f.end - f.start) {
                    let e = DataError(.badValue, file: ctx.display, line: tok.recordLine, column: ctx.names[s.column],
                                      value: "", expected: "a customer id", hint: "every row of \(ctx.spec.file) must name its customer")
                    if !fail(e, recordEnd: tok.pos) { break sinks }
                    continue sinks
                }
            }
            if let check, let bad = check(RowView(i32: i32, f64: f64, row: row)) {
                let s = ctx.sinks.first { $0.column == bad.column }
                let value = s.map { fieldString(base, fields.ptr[$0.field]) }
                let e = DataError(.badValue, file: ctx.display, line: tok.recordLine, column: ctx.names[bad.column],
                                  value: value, expected: bad.expected, hint: bad.hint)
                if !fail(e, recordEnd: tok.pos) { break }
                continue
            }
            // Intern: queued, so that a batch of hash-table slots is fetched from memory together.
            for s in ctx.sinks where s.kind.isInterned {
                let f = fields.ptr[s.field]
                // Ids and labels are trimmed like dates and amounts: `C1 ` is `C1`.
                let (fs, fe) = trimmedSpan(base, f)
                let p = base + fs
                var len = fe - fs
                let dest = i32[s.column]! + row
                if len == 0 { dest.pointee = -1; continue }
                let which = s.kind == .customer ? 0 : s.interner + 1
                if f.escaped {
                    flush()
                    scratch.removeAll(keepingCapacity: true)
                    var q = 0
                    while q < len { scratch.append(p[q]); q += p[q] == 34 ? 2 : 1 }
                    len = scratch.count
                    dest.pointee = scratch.withUnsafeBufferPointer { sb in interners[which].intern(sb.baseAddress!, len) }
                    continue
                }
                // Keys of at most 8 bytes are read as one word (when 8 bytes can be read there).
                var word: UInt64 = 0, hash: UInt64
                if len <= 8 && fs + 8 <= byteCount {
                    word = UnsafeRawPointer(p).loadUnaligned(as: UInt64.self) & (len == 8 ? ~0 : (1 << UInt64(8 * len)) - 1)
                    hash = ByteInterner.shortHash(word, len)
                    if direct[which] { dest.pointee = interners[which].intern(word: word, length: len, hash: hash); continue }
                } else {
                    if len <= 8 { for q in 0 ..< len { word |= UInt64(p[q]) << UInt64(8 * q) } }
                    hash = ByteInterner.hash(p, len)
                    if direct[which] { dest.pointee = interners[which].intern(p, len, hash: hash); continue }
                }
                pend[npend] = Pending(ptr: p, len: len, hash: hash, word: word, dest: dest, interner: which)
                npend += 1
            }
            if npend > pendCap - internedCount || row & 1023 == 0 { flush() }
            if row & (row - 1) == 0 && row >= 32_768 && row <= 524_288 {
                // Big tables are sized from how fast new keys arrive, instead of being rebuilt at every
                // doubling. At 64k rows: the rate over rows 32k–64k carried on (the table for at most
                // 4× the keys so far). At 512k rows (chunks of over 1M rows): `projectedKeys`, since
                // keys repeat more and more as a file goes on (a date-ordered export meets most
                // customers early) and a table several times too big costs its size in zeroed pages.
                flush()
                let step = row.trailingZeroBitCount - 15
                for j in 0 ..< internerCount {
                    let have = interners[j].count
                    keysAt[j * 5 + step] = have
                    guard have > 4096 else { continue }
                    if row == 65_536 {
                        let linear = min(capacity, have + (have - keysAt[j * 5]) * (capacity - row) / 32_768)
                        interners[j].reserve(linear, tableKeys: min(linear, 4 * have))
                    } else if row == 524_288 && capacity > 2 * row {
                        interners[j].reserve(Self.projectedKeys(keysAt[j * 5 + 2], keysAt[j * 5 + 3], have, rows: row, capacity: capacity))
                    }
                }
            }
            if let lines = store.lines { lines[rowBase + row] = Int32(truncatingIfNeeded: tok.recordLine) }
            row += 1
        }
        flush()
        ctx.bytes.release(released ..< tok.pos)
        out.rows = row
        out.endPos = tok.pos
        out.touched = touched
        out.customers = interners[0]
        out.categories = (0 ..< ctx.categoryCount).map { interners[$0 + 1] }
        return out
    }

    /// Distinct keys expected by row `capacity` from the counts `k1`, `k2`, `k3` at rows n/4, n/2
    /// and n: the growth per doubling of the rows, less one, keeps shrinking by the ratio seen
    /// between the last two doublings (at most 1: keys never arrive faster than so far); 10 % margin.
    /// Unique keys (growth 2 per doubling) project to one per row. On generated files the projection
    /// was within 25 % of the count reached (636k keys for 4M date-ordered rows, where carrying the
    /// early rate on gave 3.5M).
    static func projectedKeys(_ k1: Int, _ k2: Int, _ k3: Int, rows n: Int, capacity: Int) -> Int {
        guard k1 > 0, k2 > 0 else { return capacity }
        let e1 = Double(k2) / Double(k1) - 1, e2 = Double(k3) / Double(k2) - 1
        let r = e1 > 0 ? min(max(e2 / e1, 0), 1) : 1
        var keys = Double(k3), g = e2, at = n
        while at < capacity {
            g *= r
            let next = min(2 * at, capacity)
            keys *= pow(1 + g, log2(Double(next) / Double(at)))
            at = next
        }
        return min(capacity, Int(keys * 1.1))
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

    @inline(__always) static func parseTrimmed<T>(_ p: UnsafePointer<UInt8>, _ n: Int, _ f: (UnsafePointer<UInt8>, Int) -> T?) -> T? {
        if let v = f(p, n) { return v }
        var s = 0, e = n
        while s < e && (p[s] == 32 || p[s] == 9) { s += 1 }
        while e > s && (p[e - 1] == 32 || p[e - 1] == 9) { e -= 1 }
        guard s > 0 || e < n, e > s else { return nil }
        return f(p + s, e - s)
    }

    /// The field's span without leading and trailing spaces and tabs.
    @inline(__always) static func trimmedSpan(_ base: UnsafePointer<UInt8>, _ f: FieldSpan) -> (Int, Int) {
        var s = f.start, e = f.end
        guard s < e, base[s] == 32 || base[s] == 9 || base[e - 1] == 32 || base[e - 1] == 9 else { return (s, e) }
        while s < e && (base[s] == 32 || base[s] == 9) { s += 1 }
        while e > s && (base[e - 1] == 32 || base[e - 1] == 9) { e -= 1 }
        return (s, e)
    }

    static func isBlank(_ p: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        for i in 0 ..< n where p[i] != 32 && p[i] != 9 { return false }
        return true
    }

    @inline(__always) static func lower(_ c: UInt8) -> UInt8 { c >= 65 && c <= 90 ? c + 32 : c }

    static func matches(_ p: UnsafePointer<UInt8>, _ n: Int, _ word: StaticString) -> Bool {
        guard n == word.utf8CodeUnitCount else { return false }
        let w = word.utf8Start
        for i in 0 ..< n where lower(p[i]) != w[i] { return false }
        return true
    }

    static func surveyKind(_ p: UnsafePointer<UInt8>, _ n: Int) -> Int32? {
        if matches(p, n, "csat") { return 0 }
        if matches(p, n, "nps") { return 1 }
        if matches(p, n, "ces") { return 2 }
        return nil
    }

    static func boolValue(_ p: UnsafePointer<UInt8>, _ n: Int) -> Int32? {
        if matches(p, n, "true") || matches(p, n, "yes") || matches(p, n, "1") || matches(p, n, "t") || matches(p, n, "y") { return 1 }
        if matches(p, n, "false") || matches(p, n, "no") || matches(p, n, "0") || matches(p, n, "f") || matches(p, n, "n") { return 0 }
        return nil
    }

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
                if trimmed.contains(",") { hint = "use '.' as the decimal point and no thousands separator (1234.56)" }
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
                if trimmed.contains("/") { hint = "write dates as year-month-day (2024-03-01); 03/01/2024 is ambiguous" }
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

    static func problemOffset(_ p: ScanProblem) -> Int {
        switch p {
        case .strayQuote(let o): return o
        case .unterminatedQuote(_, let o): return o
        case .fieldTooLong(let o, _): return o
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
        switch p {
        case .strayQuote(let o):
            var line = tok.recordLine
            for q in tok.recordStart ..< o where base[q] == 10 { line += 1 }
            var ls = o
            while ls > 0 && base[ls - 1] != 10 && o - ls < 40 { ls -= 1 }
            var le = o + 1
            while le < tok.end && base[le] != 10 && base[le] != 13 && le - o < 40 { le += 1 }
            return DataError(.unterminatedQuote, file: display, line: line, column: column,
                             value: String(decoding: UnsafeBufferPointer(start: base + ls, count: le - ls), as: UTF8.self),
                             expected: "a '\"' only around a whole field (a stray quote at byte offset \(o))",
                             hint: "quote the whole field and double the quotes inside it: \"say \"\"hi\"\"\"", offset: o)
        case .unterminatedQuote(let line, let o):
            var le = o + 1
            while le < tok.end && base[le] != 10 && base[le] != 13 && le - o < 40 { le += 1 }
            return DataError(.unterminatedQuote, file: display, line: line, column: column,
                             value: String(decoding: UnsafeBufferPointer(start: base + o, count: le - o), as: UTF8.self),
                             expected: "a closing '\"' for the quoted field opened here (it runs to the end of the file)",
                             hint: "close the quote, or double any '\"' inside the field", offset: o)
        case .fieldTooLong(let o, let len):
            var line = tok.recordLine
            for q in tok.recordStart ..< o where base[q] == 10 { line += 1 }
            return DataError(.badValue, file: display, line: line, column: column,
                             value: String(decoding: UnsafeBufferPointer(start: base + o, count: min(len, 40)), as: UTF8.self),
                             expected: "a field of at most \(Tokenizer.maxFieldBytes) bytes (this one has \(len))",
                             hint: "usually a quote that is never closed, or a file that is not comma-separated", offset: o)
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
}

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" { s = s.dropLast() }
        return String(s)
    }
}
