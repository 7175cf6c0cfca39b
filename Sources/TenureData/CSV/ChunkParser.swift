import Foundation
import TenureNumerics

extension TableReader {
    /// Stage 3 (parse) for one chunk: records → typed values in rows `rowBase ..< rowBase + capacity`
    /// of the storage, interned columns through chunk-local interners.
    ///
    /// Per record: check it (scan problem, invalid UTF-8, field count), store the typed values that
    /// are not interned, check the row (empty customer id, the spec's cross-column check), then
    /// queue the interned ones. A bad record is reported by `fail` according to the mode.
    struct ChunkParser {
        /// What to do with the current record after a step.
        enum Verdict { case accept, skip, stop }

        let ctx: Context
        let out = ChunkOutput()
        let base: UnsafePointer<UInt8>
        let mode: Mode
        let capacity: Int
        let rowBase: Int
        let lines: UnsafeMutablePointer<Int32>?
        var tok: Tokenizer
        var fields: FieldList
        /// Offsets of invalid UTF-8 bytes in the chunk (when validated), and the next one to meet.
        var badUTF8: [Int] = []
        var nextBad = 0
        /// Per column: this chunk's first row of its buffer (nil when not stored that way).
        let i32: UnsafeMutablePointer<UnsafeMutablePointer<Int32>?>
        let f64: UnsafeMutablePointer<UnsafeMutablePointer<Double>?>
        let kh: UnsafeMutablePointer<UnsafeMutablePointer<UInt64>?>
        let kr: UnsafeMutablePointer<UnsafeMutablePointer<UInt64>?>
        var scratch: [UInt8] = []
        /// Interners: 0 = customers, 1 + k = category column k.
        let internerCount: Int
        let interners: UnsafeMutablePointer<ByteInterner>
        /// Interned values per record, and the queue of keys to intern (`flush`).
        let internedCount: Int
        let pendCap: Int
        let pend: UnsafeMutablePointer<Pending>
        var npend = 0
        /// Sum of the cache-warming loads (kept alive, never read).
        var touched: UInt64 = 0
        /// Interners whose table still fits in cache (a few thousand keys: segments, products) take
        /// their keys at once; the queue only pays off for big ones (customers). Decided at each
        /// flush, when the queue is empty, so every interner still sees its keys in row order.
        let direct: UnsafeMutablePointer<Bool>
        var row = 0
        /// Keys of each interner at rows 2^15 … 2^19 (`resizeInterners`).
        var keysAt: [Int]
        let byteCount: Int
        var released: Int
        let secondsRange: Range<Double>

        init(_ ctx: Context, store: Storage, range: Range<Int>, line: Int, rowBase: Int, capacity: Int, mode: Mode) {
            self.ctx = ctx
            self.base = ctx.base
            self.mode = mode
            self.capacity = capacity
            self.rowBase = rowBase
            lines = store.lines
            out.categories = [ByteInterner](repeating: ByteInterner(capacity: 64), count: ctx.categoryCount)
            tok = Tokenizer(base: base, start: range.lowerBound, end: range.upperBound, line: line)
            fields = FieldList(capacity: max(32, ctx.headerFields + 4))
            let ncol = ctx.ncol
            i32 = .allocate(capacity: max(ncol, 1))
            f64 = .allocate(capacity: max(ncol, 1))
            kh = .allocate(capacity: max(ncol, 1))
            kr = .allocate(capacity: max(ncol, 1))
            for c in 0 ..< ncol {
                i32[c] = store.i32[c].map { $0 + rowBase }
                f64[c] = store.f64[c].map { $0 + rowBase }
                kh[c] = store.keyHash[c].map { $0 + rowBase }
                kr[c] = store.keyRef[c].map { $0 + rowBase }
            }
            internerCount = 1 + ctx.categoryCount
            interners = .allocate(capacity: internerCount)
            interners.initialize(to: ByteInterner(capacity: 1024))
            for k in 1 ..< internerCount { (interners + k).initialize(to: ByteInterner(capacity: 64)) }
            internedCount = max(1, ctx.sinks.filter { $0.kind.isInterned }.count)
            pendCap = 64 * internedCount
            pend = .allocate(capacity: pendCap)
            direct = .allocate(capacity: internerCount)
            direct.initialize(repeating: true, count: internerCount)
            keysAt = [Int](repeating: 0, count: internerCount * 5)
            byteCount = ctx.bytes.count
            released = range.lowerBound
            let dates = ctx.dates
            secondsRange = Double(dates.lowerBound) * 86400 ..< Double(Int(dates.upperBound) + 1) * 86400
        }

        func free() {
            fields.free()
            i32.deallocate(); f64.deallocate(); kh.deallocate(); kr.deallocate()
            interners.deinitialize(count: internerCount); interners.deallocate()
            pend.deallocate()
            direct.deallocate()
        }

        /// Every record of the chunk; the output with the chunk's interners.
        mutating func run() -> ChunkOutput {
            let releaseEvery = 8 << 20
            records: while true {
                let step = tok.next(&fields)
                if step == .end { break }
                if tok.pos - released > releaseEvery {
                    ctx.bytes.release(released ..< tok.recordStart)
                    released = tok.recordStart
                }
                var verdict = step == .problem ? scanProblem() : checkRecord()
                if verdict == .accept { verdict = storeValues() }
                if verdict == .accept { verdict = checkRow() }
                switch verdict {
                case .stop: break records
                case .skip: continue records
                case .accept: break
                }
                queueInterned()
                if npend > pendCap - internedCount || row & 1023 == 0 { flush() }
                if row & (row - 1) == 0 && row >= 32_768 && row <= 524_288 { resizeInterners() }
                if let lines { lines[rowBase + row] = Int32(truncatingIfNeeded: tok.recordLine) }
                row += 1
            }
            flush()
            keepAlive(touched)
            ctx.bytes.release(released ..< tok.pos)
            out.rows = row
            out.endPos = tok.pos
            out.customers = interners[0]
            out.categories = (0 ..< ctx.categoryCount).map { interners[$0 + 1] }
            return out
        }

        /// A bad record: in parallel the chunk gives up (the table is re-read in one pass); under
        /// `.fail` the error ends the pass; under `.skip` the record is a reject and the pass goes on.
        func fail(_ e: DataError) -> Verdict {
            switch mode {
            case .parallel: out.ok = false; return .stop
            case .fail: out.error = e; return .stop
            case .skip:
                var s = tok.recordStart
                var e2 = tok.pos
                while e2 > s && (base[e2 - 1] == 10 || base[e2 - 1] == 13) { e2 -= 1 }
                if e2 - s > 4096 { e2 = s + 4096 }
                if s > e2 { s = e2 }
                out.rejects.append(RejectedRow(error: e, record: String(decoding: UnsafeBufferPointer(start: base + s, count: e2 - s), as: UTF8.self)))
                return .skip
            }
        }

        /// The tokenizer stopped on a stray or unterminated quote or an enormous field.
        mutating func scanProblem() -> Verdict {
            let p = tok.problem!
            let col = columnName(ofOffset: problemOffset(p), fields: fields, ctx: ctx)
            let e = scanError(p, tok: tok, display: ctx.display, column: col, base: base)
            if case .unterminatedQuote = p {} else { tok.skipLine() }
            return fail(e)
        }

        /// Invalid UTF-8 in the record, a field count unlike the header's, or no room left.
        mutating func checkRecord() -> Verdict {
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
                    return fail(e)
                }
            }
            let expectedFields = ctx.headerFields
            if fields.count != expectedFields {
                let rec = recordText(base, tok.recordStart, tok.pos)
                let e = DataError(.wrongFieldCount, file: ctx.display, line: tok.recordLine, value: rec,
                                  expected: "\(expectedFields) fields like the header, got \(fields.count)",
                                  hint: fields.count > expectedFields ? "quote fields that contain commas: \"1,234\"" : "every row needs a value (possibly empty) for every column")
                return fail(e)
            }
            if row >= capacity {   // cannot happen: capacity is the line count + 1
                out.ok = false
                if mode != .parallel { out.error = DataError(.other, file: ctx.display, line: tok.recordLine, expected: "lines ending in LF or CRLF",
                                                               hint: "a line here ends with CR alone (classic Mac OS line ends); convert the file") }
                return .stop
            }
            return .accept
        }

        /// The typed values that are not interned (a bad row must not intern anything).
        mutating func storeValues() -> Verdict {
            let dateRange = ctx.dates
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
                    return .stop
                }
                if !ok { return fail(valueError(ctx, sink: s, field: f, line: tok.recordLine)) }
            }
            return .accept
        }

        /// Customer ids may not be empty unless allowed; then the spec's check across the row.
        func checkRow() -> Verdict {
            for s in ctx.sinks where s.kind == .customer && !s.allowEmpty {
                let f = fields.ptr[s.field]
                if f.end == f.start || isBlank(base + f.start, f.end - f.start) {
                    return fail(DataError(.badValue, file: ctx.display, line: tok.recordLine, column: ctx.names[s.column],
                                          value: "", expected: "a customer id", hint: "every row of \(ctx.spec.file) must name its customer"))
                }
            }
            if let check = ctx.spec.check, let bad = check(RowView(i32: i32, f64: f64, row: row)) {
                let s = ctx.sinks.first { $0.column == bad.column }
                let value = s.map { fieldString(base, fields.ptr[$0.field]) }
                return fail(DataError(.badValue, file: ctx.display, line: tok.recordLine, column: ctx.names[bad.column],
                                      value: value, expected: bad.expected, hint: bad.hint))
            }
            return .accept
        }

        /// Interned values: queued, so that a batch of hash-table slots is fetched from memory
        /// together; small interners and escaped fields take theirs at once.
        mutating func queueInterned() {
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
        }

        /// Interns the queued keys, first loading every queued key's home slot (independent loads:
        /// the cache misses overlap).
        mutating func flush() {
            defer { for j in 0 ..< internerCount { direct[j] = interners[j].count < 4096 } }
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

        /// At rows 2^15 … 2^19: big tables are sized from how fast new keys arrive, instead of being
        /// rebuilt at every doubling. At 64k rows: the rate over rows 32k–64k carried on (the table
        /// for at most 4× the keys so far). At 512k rows (chunks of over 1M rows): `projectedKeys`,
        /// since keys repeat more and more as a file goes on (a date-ordered export meets most
        /// customers early) and a table several times too big costs its size in zeroed pages.
        mutating func resizeInterners() {
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
                    interners[j].reserve(projectedKeys(keysAt[j * 5 + 2], keysAt[j * 5 + 3], have, rows: row, capacity: capacity))
                }
            }
        }
    }
}
