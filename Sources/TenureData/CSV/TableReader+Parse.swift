import Foundation
import TenureNumerics

/// Stage 3: the records of a chunk → typed values in the chunk's rows of the preallocated storage,
/// interned columns through chunk-local interners.
extension TableReader {
    /// The typed columns while a table is read: one buffer per column sized for every line, each
    /// chunk writing its own rows.
    final class Storage: @unchecked Sendable {
        var i32: [UnsafeMutablePointer<Int32>?]
        var f64: [UnsafeMutablePointer<Double>?]
        var lines: UnsafeMutablePointer<Int32>?
        /// `.key` columns: each row's hash and `KeyCodes.ref` until the codes are assigned.
        var keyHash: [UnsafeMutablePointer<UInt64>?]
        var keyRef: [UnsafeMutablePointer<UInt64>?]
        /// A read in parallel chunks: the customer column, the regions its keys are interned in
        /// (`ByteInterner.internRows`), and per row its key's `KeyCodes.ref` and `ByteInterner.partOf`
        /// its hash.
        var customerColumn: Int?
        var regionBits = 0
        var customerRef: UnsafeMutablePointer<UInt64>?
        var customerPart: UnsafeMutablePointer<UInt16>?
        let capacity: Int
        init(ncol: Int, kinds: [ColumnKind], present: [Bool], capacity: Int) {
            self.capacity = capacity
            i32 = (0 ..< ncol).map { c in present[c] && !kinds[c].storesDouble ? .allocate(capacity: max(capacity, 1)) : nil }
            f64 = (0 ..< ncol).map { c in present[c] && kinds[c].storesDouble ? .allocate(capacity: max(capacity, 1)) : nil }
            keyHash = (0 ..< ncol).map { c in present[c] && kinds[c] == .key ? .allocate(capacity: max(capacity, 1)) : nil }
            keyRef = (0 ..< ncol).map { c in present[c] && kinds[c] == .key ? .allocate(capacity: max(capacity, 1)) : nil }
        }
        /// Customer ids interned after a parallel read, in `1 << bits` regions.
        func internCustomersAfterwards(_ kinds: [ColumnKind], bits: Int) {
            guard let c = kinds.indices.first(where: { kinds[$0] == .customer && i32[$0] != nil }) else { return }
            customerColumn = c
            regionBits = bits
            customerRef = .allocate(capacity: max(capacity, 1))
            customerPart = .allocate(capacity: max(capacity, 1))
        }
        func freeCustomerRefs() {
            customerRef?.deallocate()
            customerRef = nil
        }
        func freeKeys() {
            for p in keyHash { p?.deallocate() }
            for p in keyRef { p?.deallocate() }
            keyHash = keyHash.map { _ in nil }; keyRef = keyRef.map { _ in nil }
        }
        func freeCustomerParts() {
            customerPart?.deallocate()
            customerPart = nil
            freeCustomerRefs()
        }
        func free() {
            for p in i32 { p?.deallocate() }
            for p in f64 { p?.deallocate() }
            freeKeys()
            freeCustomerParts()
            lines?.deallocate()
            i32 = []; f64 = []; lines = nil
        }
    }

    /// The last `YYYY-MM-DD` field read and its day (valid and in range), by its ten bytes.
    struct LastDate {
        var word: UInt64 = 0, tail: UInt16 = 0, day: Day = 0, valid = false
        @inline(__always) func `is`(_ p: UnsafePointer<UInt8>) -> Bool {
            valid && UnsafeRawPointer(p).loadUnaligned(as: UInt64.self) == word
                && UnsafeRawPointer(p + 8).loadUnaligned(as: UInt16.self) == tail
        }
        @inline(__always) mutating func set(_ p: UnsafePointer<UInt8>, _ d: Day) {
            word = UnsafeRawPointer(p).loadUnaligned(as: UInt64.self)
            tail = UnsafeRawPointer(p + 8).loadUnaligned(as: UInt16.self)
            day = d; valid = true
        }
    }

    /// A key waiting to be interned (see `flush` in `parseChunk`).
    struct Pending {
        var ptr: UnsafePointer<UInt8>
        var len: Int
        var hash: UInt64
        /// The key's bytes as a little-endian word when it has at most 8 (else 0).
        var word: UInt64
        var dest: UnsafeMutablePointer<Int32>
        var interner: Int
    }

    /// What parsing one chunk left besides the values written to the storage.
    final class ChunkOutput: @unchecked Sendable {
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
    ///
    /// Per record: check it (scan problem, invalid UTF-8, field count), store the typed values that
    /// are not interned, check the row (empty customer id, the spec's cross-column check), then
    /// queue the interned values; `fail` reports a bad record according to the mode.
    ///
    /// Why one long function: this loop is the hottest path of the program, and its state (row,
    /// queue length, tokenizer, column pointers) stays in registers only as locals of one function.
    /// Split into methods of a parser struct it took 8 % more CPU on `tenure validate` of 300k
    /// generated customers (the state went through memory, with retains of the layout per record).
    /// The cold parts (error messages, interner sizing) are functions of their own.
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
        // Customer ids of a parallel read are left in the file with their hash's region, and
        // interned afterwards (`ByteInterner.internRows`).
        let customerColumn = mode == .parallel && store.customerPart != nil ? store.customerColumn ?? -1 : -1
        let parts = customerColumn >= 0 ? store.customerPart! + rowBase : nil
        let refs = customerColumn >= 0 ? store.customerRef! + rowBase : nil
        var unquoted = ByteInterner.Unquoted()
        defer { unquoted.free() }
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
        var sameDate = LastDate()

        func fail(_ e: DataError, recordEnd: Int) -> Bool {
            switch mode {
            case .parallel: out.ok = false; return false
            case .fail: out.error = e; return false
            case .skip:
                out.rejects.append(RejectedRow(error: e, record: rejectedText(base, tok.recordStart, recordEnd)))
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
                    let e = utf8Error(ctx, at: badUTF8[nextBad], tok: tok, fields: fields)
                    while nextBad < badUTF8.count && badUTF8[nextBad] < tok.pos { nextBad += 1 }
                    if !fail(e, recordEnd: tok.pos) { break }
                    continue
                }
            }
            if fields.count != expectedFields {
                let e = fieldCountError(ctx, tok: tok, got: fields.count)
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
                    // The last date read, by its bytes: files come in date order, so most rows repeat it.
                    if len == 10 && sameDate.is(p) { i32[s.column]![row] = sameDate.day }
                    else if len == 10, let d = DateParser.day10(p), dateRange.contains(d) { i32[s.column]![row] = d; sameDate.set(p, d) }
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
                if s.column == customerColumn, let refs, let parts {
                    if len == 0 { parts[row] = ByteInterner.noPart; continue }
                    var (kp, kl, readable) = (p, len, fs + 8 <= byteCount)
                    if f.escaped { (kp, kl) = unquoted.unquote(p, len); readable = true }
                    let ref = KeyCodes.ref(offset: fs, length: len) | (f.escaped ? ByteInterner.escapedRef : 0)
                    refs[row] = ref
                    parts[row] = ByteInterner.partOf(ByteInterner.rowHash(ByteInterner.rowKey(kp, kl, ref: ref, wordReadable: readable), kp, kl))
                    continue
                }
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
            if isSizingRow(row) {
                // Big tables are sized from how fast new keys arrive, instead of being rebuilt at every
                // doubling. At 64k rows: the rate over rows 32k–64k carried on (the table for at most
                // 4× the keys so far). At 512k rows (chunks of over 1M rows): `projectedKeys`, since
                // keys repeat more and more as a file goes on (a date-ordered export meets most
                // customers early) and a table several times too big costs its size in zeroed pages.
                flush()
                resizeInterners(interners, count: internerCount, keysAt: &keysAt, row: row, capacity: capacity)
            }
            if let lines = store.lines { lines[rowBase + row] = Int32(truncatingIfNeeded: tok.recordLine) }
            row += 1
        }
        flush()
        ctx.bytes.release(released ..< tok.pos)
        out.rows = row
        out.endPos = tok.pos
        keepAlive(touched)
        out.customers = interners[0]
        out.categories = (0 ..< ctx.categoryCount).map { interners[$0 + 1] }
        return out
    }

    /// The record as text for a reject (line end dropped, at most 4,096 bytes).
    static func rejectedText(_ base: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> String {
        var s = start
        var e = end
        while e > s && (base[e - 1] == 10 || base[e - 1] == 13) { e -= 1 }
        if e - s > 4096 { e = s + 4096 }
        if s > e { s = e }
        return String(decoding: UnsafeBufferPointer(start: base + s, count: e - s), as: UTF8.self)
    }

    /// At rows 2^15 … 2^19: big tables are sized from how fast new keys arrive, instead of being
    /// rebuilt at every doubling. At 64k rows: the rate over rows 32k–64k carried on (the table for
    /// at most 4× the keys so far). At 512k rows (chunks of over 1M rows): `projectedKeys`, since
    /// keys repeat more and more as a file goes on (a date-ordered export meets most customers
    /// early) and a table several times too big costs its size in zeroed pages.
    static func resizeInterners(_ interners: UnsafeMutablePointer<ByteInterner>, count: Int, keysAt: inout [Int],
                                row: Int, capacity: Int) {
        let step = row.trailingZeroBitCount - 15
        for j in 0 ..< count {
            let have = interners[j].count
            keysAt[j * 5 + step] = have
            guard have > 4096 else { continue }
            if let e = expectedKeys(Array(keysAt[j * 5 ..< j * 5 + 5]), row: row, capacity: capacity) {
                interners[j].reserve(e.keys, tableKeys: e.table)
            }
        }
    }

    /// Rows 2¹⁵ … 2¹⁹, where growing key tables are sized (`expectedKeys`).
    @inline(__always) static func isSizingRow(_ row: Int) -> Bool {
        row & (row - 1) == 0 && row >= 32_768 && row <= 524_288
    }

    /// The keys to make room for at row `row` of `capacity` rows, from the key counts `k` at rows
    /// 2¹⁵ … 2¹⁹ (`k` holds the count at `row` already): at 2¹⁶ the rate over rows 2¹⁵–2¹⁶ carried
    /// on (the hash table for at most 4× the keys so far), at 2¹⁹ `projectedKeys` when over twice
    /// as many rows remain; nil at the other rows.
    static func expectedKeys(_ k: [Int], row: Int, capacity: Int) -> (keys: Int, table: Int)? {
        let have = k[row.trailingZeroBitCount - 15]
        if row == 65_536 {
            let linear = min(capacity, have + (have - k[0]) * (capacity - row) / 32_768)
            return (linear, min(linear, 4 * have))
        }
        if row == 524_288 && capacity > 2 * row {
            let p = projectedKeys(k[2], k[3], have, rows: row, capacity: capacity)
            return (p, p)
        }
        return nil
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

    // MARK: values

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
}
