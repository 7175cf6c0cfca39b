/// The byte range of one field: `start..<end` inside the file buffer, quotes excluded.
@usableFromInline struct FieldSpan {
    @usableFromInline var start: Int
    @usableFromInline var end: Int
    /// The field was quoted and holds doubled quotes (`""`) that must be collapsed.
    @usableFromInline var escaped: Bool
    @usableFromInline var quoted: Bool
}

/// A reusable list of field spans (no allocation per record).
@usableFromInline struct FieldList {
    @usableFromInline var ptr: UnsafeMutablePointer<FieldSpan>
    @usableFromInline var count = 0
    @usableFromInline var capacity: Int

    init(capacity: Int = 32) {
        self.capacity = capacity
        ptr = .allocate(capacity: capacity)
    }

    @inline(__always) mutating func append(_ s: Int, _ e: Int, quoted: Bool, escaped: Bool) {
        if count == capacity {
            let n = capacity * 2
            let p = UnsafeMutablePointer<FieldSpan>.allocate(capacity: n)
            p.moveInitialize(from: ptr, count: count)
            ptr.deallocate()
            ptr = p
            capacity = n
        }
        ptr[count] = FieldSpan(start: s, end: e, escaped: escaped, quoted: quoted)
        count += 1
    }

    func free() { ptr.deallocate() }
}

/// What went wrong while splitting a record into fields.
enum ScanProblem {
    /// A `"` inside an unquoted field, or text right after a closing quote.
    case strayQuote(offset: Int)
    /// A quoted field that runs to the end of the input; `line` is where it opened.
    case unterminatedQuote(line: Int, offset: Int)
    /// A field longer than `Tokenizer.maxFieldBytes`.
    case fieldTooLong(offset: Int, length: Int)
    /// A record ended by CR alone (not CR LF, not the last byte of the input).
    case crAlone(offset: Int)
}

/// Splits RFC 4180 records (comma separated, `"` quoting with `""` escapes, LF or CRLF line ends,
/// quoted fields may span lines) out of a byte buffer. Blank lines are skipped. Never copies text.
struct Tokenizer {
    /// Longest field accepted (1 MiB): anything longer is almost always a quote that never closed.
    static let maxFieldBytes = 1 << 20

    let base: UnsafePointer<UInt8>
    let end: Int
    var pos: Int
    /// 1-based physical line of `pos`.
    var line: Int
    /// Offset and line where the last record started.
    var recordStart = 0
    var recordLine = 0
    var problem: ScanProblem?

    init(base: UnsafePointer<UInt8>, start: Int, end: Int, line: Int) {
        self.base = base; self.pos = start; self.end = end; self.line = line
    }

    enum Step { case record, end, problem }

    @inline(__always)
    mutating func next(_ f: inout FieldList) -> Step {
        let b = base
        let end = self.end
        // Skip blank lines.
        while pos < end {
            let c = b[pos]
            if c == 10 { pos += 1; line += 1; continue }
            if c == 13 { pos += (pos + 1 < end && b[pos + 1] == 10) ? 2 : 1; line += 1; continue }
            break
        }
        if pos >= end { return .end }
        recordStart = pos
        recordLine = line
        f.count = 0
        var i = pos
        while true {
            if i < end && b[i] == 34 {
                // Quoted field.
                let openLine = line
                let fs = i + 1
                var j = fs
                var escaped = false
                while true {
                    guard j < end else {
                        problem = .unterminatedQuote(line: openLine, offset: i)
                        pos = end
                        return .problem
                    }
                    let c = b[j]
                    if c == 34 {
                        if j + 1 < end && b[j + 1] == 34 { escaped = true; j += 2; continue }
                        break
                    }
                    if c == 10 { line += 1 }
                    j += 1
                }
                if j - fs > Tokenizer.maxFieldBytes {
                    problem = .fieldTooLong(offset: fs, length: j - fs)
                    pos = j + 1
                    return .problem
                }
                f.append(fs, j, quoted: true, escaped: escaped)
                i = j + 1
                if i >= end { pos = i; return .record }
                let c = b[i]
                if c == 44 { i += 1; continue }
                if c == 10 { pos = i + 1; line += 1; return .record }
                if c == 13 {
                    if i + 1 < end && b[i + 1] != 10 { problem = .crAlone(offset: i); pos = i; return .problem }
                    pos = i + 1 < end ? i + 2 : i + 1; line += 1; return .record
                }
                problem = .strayQuote(offset: i)
                pos = i
                return .problem
            }
            // Unquoted field: bytes above ',' (44) are never special. Eight bytes at a time: the
            // lowest flagged byte of `below` is exactly the first byte < 45 (flags above it may be
            // spurious borrows, and are never read).
            var j = i
            let raw = UnsafeRawPointer(b)
            scan: while true {
                while j + 8 <= end {
                    let w = raw.loadUnaligned(fromByteOffset: j, as: UInt64.self)
                    let below = (w &- 0x2D2D_2D2D_2D2D_2D2D) & ~w & 0x8080_8080_8080_8080
                    if below == 0 { j += 8; continue }
                    j += below.trailingZeroBitCount >> 3
                    let c = b[j]
                    if c == 44 || c == 10 || c == 13 || c == 34 { break scan }
                    j += 1
                }
                while j < end {
                    let c = b[j]
                    if c > 44 { j += 1; continue }
                    if c == 44 || c == 10 || c == 13 || c == 34 { break scan }
                    j += 1
                }
                break
            }
            if j - i > Tokenizer.maxFieldBytes {
                problem = .fieldTooLong(offset: i, length: j - i)
                pos = j
                return .problem
            }
            if j < end && b[j] == 34 {
                problem = .strayQuote(offset: j)
                pos = j
                return .problem
            }
            f.append(i, j, quoted: false, escaped: false)
            if j >= end { pos = j; return .record }
            let c = b[j]
            if c == 44 { i = j + 1; continue }
            // A CR ends a record only as CR LF or as the input's last byte; a lone CR elsewhere is an
            // error here, in every reader (the chunked reader used to take it as a line end).
            if c == 13 && j + 1 < end && b[j + 1] != 10 { problem = .crAlone(offset: j); pos = j; return .problem }
            pos = (c == 13 && j + 1 < end && b[j + 1] == 10) ? j + 2 : j + 1
            line += 1
            return .record
        }
    }

    /// After a problem: moves past the end of the current physical line (where `pos` is), so that
    /// reading can go on with the next one.
    mutating func skipLine() {
        while pos < end {
            let c = base[pos]
            pos += 1
            if c == 10 { line += 1; return }
        }
    }
}

/// One pass over a byte range: counts line feeds and double quotes and tells whether any byte is
/// non-ASCII. Eight bytes at a time (SWAR), exact.
func countNewlines(_ base: UnsafePointer<UInt8>, _ range: Range<Int>) -> (newlines: Int, quotes: Int, nonASCII: Bool) {
    var i = range.lowerBound
    let e = range.upperBound
    var n = 0, q = 0
    var high: UInt64 = 0
    let raw = UnsafeRawPointer(base)
    let lf: UInt64 = 0x0A0A_0A0A_0A0A_0A0A, dq: UInt64 = 0x2222_2222_2222_2222, lo7: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
    while i + 32 <= e {
        var acc = 0, accq = 0
        for k in 0 ..< 4 {
            let w = raw.loadUnaligned(fromByteOffset: i + 8 * k, as: UInt64.self)
            high |= w
            // A byte of x is zero exactly where w holds the byte looked for; ~y & ~lo7 marks those.
            let x = w ^ lf
            let y = ((x & lo7) &+ lo7) | x
            acc += (~y & ~lo7).nonzeroBitCount
            let xq = w ^ dq
            let yq = ((xq & lo7) &+ lo7) | xq
            accq += (~yq & ~lo7).nonzeroBitCount
        }
        n += acc
        q += accq
        i += 32
    }
    while i < e {
        let c = base[i]
        high |= UInt64(c)
        if c == 10 { n += 1 }
        if c == 34 { q += 1 }
        i += 1
    }
    return (n, q, high & 0x8080_8080_8080_8080 != 0)
}

/// The first record boundary (the offset just past a line feed outside any quoted field) at or
/// after `from`, given whether `from` lies inside a quoted field (the parity of the quotes before
/// it: RFC 4180 quoting keeps quotes paired, `""` included). `end` when there is none.
func recordBoundary(_ base: UnsafePointer<UInt8>, from: Int, end: Int, insideQuotes: Bool) -> Int {
    var inside = insideQuotes
    var p = from
    while p < end {
        let c = base[p]
        if c == 34 { inside.toggle() } else if c == 10 && !inside { return p + 1 }
        p += 1
    }
    return end
}

/// Offsets of every byte that starts an invalid UTF-8 sequence in `range` (at most `limit`).
func invalidUTF8Offsets(_ b: UnsafePointer<UInt8>, _ range: Range<Int>, limit: Int = 100_000) -> [Int] {
    var out: [Int] = []
    var i = range.lowerBound
    let e = range.upperBound
    while i < e {
        let c = b[i]
        if c < 0x80 { i += 1; continue }
        var need = 0
        var minNext: UInt8 = 0x80, maxNext: UInt8 = 0xBF
        switch c {
        case 0xC2 ... 0xDF: need = 1
        case 0xE0: need = 2; minNext = 0xA0
        case 0xE1 ... 0xEC, 0xEE ... 0xEF: need = 2
        case 0xED: need = 2; maxNext = 0x9F
        case 0xF0: need = 3; minNext = 0x90
        case 0xF1 ... 0xF3: need = 3
        case 0xF4: need = 3; maxNext = 0x8F
        default: need = -1
        }
        var ok = need > 0
        if ok {
            for k in 1 ... need {
                guard i + k < e else { ok = false; break }
                let d = b[i + k]
                let lo: UInt8 = k == 1 ? minNext : 0x80, hi: UInt8 = k == 1 ? maxNext : 0xBF
                if d < lo || d > hi { ok = false; break }
            }
        }
        if ok { i += need + 1 } else {
            out.append(i)
            if out.count >= limit { return out }
            i += 1
        }
    }
    return out
}
