#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import TenureNumerics

/// One column's keys, read in parallel chunks, interned on every thread into the one table with
/// the indices a single thread interning the rows in order would give (first appearance).
///
/// The table is split into regions by the hash's top bits, enough of them that a region holds a
/// few thousand keys and its table stays in a core's L2 cache (`rowRegionBits`). The parsing
/// chunks leave each row's key where it lies in the file with the top bits of its hash
/// (`partOf`); then:
///
/// 0. scatter (chunks in parallel): each chunk copies its keys, in row order, into one run per
///    region (`RegionRuns`: the key's bytes when it has at most 15, else its place in the file);
/// 1. intern (regions spread over the threads): each region looks its runs' keys up in its own
///    small table, chunk after chunk, so in row order. A key found gets its index written over
///    the run entry (existing, or local to the region); a new key is added with the next local
///    index and its entry is left as it is: its first appearance.
/// 2. number (chunks in parallel): each chunk walks its rows in order, each row taking the next
///    entry of its region's run. The new keys of chunk k get the next indices in the order the
///    walk meets them, after those of the chunks before it (their counts came out of step 1), so
///    a key's index is its first appearance; their bytes and tail words are written in that order.
/// 3. resolve (regions in parallel): every run entry holding a local index gets the final one,
///    and so does every slot of the region's table.
/// 4. codes (chunks in parallel): the same walk as step 2 writes each row's index.
///
/// Looking keys up region by region is what makes many distinct keys cheap: a table of 3M keys
/// is ~90 MB, so interning the rows in file order misses the cache on nearly every row, while a
/// region's table of a few thousand keys is read from L2.
extension ByteInterner {
    /// A key as a run holds it. Keys of at most 15 bytes: `word` = bytes 0 ..< 8, `aux` = bytes
    /// 8 ..< 15 (bits 0–55) and the length (bits 56–59). Longer keys: `word` = its `KeyCodes.ref`
    /// (with `escapedRef` when it holds doubled quotes), `aux` = `longKey`. Step 1 replaces `word`
    /// by the key's index (`resolved`: local to the region, or `final`) unless the key is new.
    struct RowKey {
        var word: UInt64, aux: UInt64
        static let longKey: UInt64 = 1 << 60
        /// `word` is the key's final index (an existing key's from step 1, a new key's from step 2 or 3).
        static let final: UInt64 = 1 << 61
        /// `word` is an index (else the entry is its key's first appearance, until step 2).
        static let resolved: UInt64 = 1 << 62
        @inline(__always) static func short(word: UInt64, tail: UInt64, length: Int) -> RowKey {
            RowKey(word: word, aux: tail | UInt64(length) << 56)
        }
        @inline(__always) var isLong: Bool { aux & Self.longKey != 0 }
        /// The length of a key of at most 15 bytes.
        @inline(__always) var length: Int { Int(truncatingIfNeeded: (aux >> 56) & 0xF) }
        @inline(__always) var tail: UInt64 { aux & 0x00FF_FFFF_FFFF_FFFF }
    }

    /// The key of `n` bytes at `p` as a run entry (`ref`: its place in the file, kept for keys of
    /// 16 bytes or more). `p` is read 8 bytes from its start (keys of up to 8 bytes are read as one
    /// word) only where `wordReadable`.
    @inline(__always) static func rowKey(_ p: UnsafePointer<UInt8>, _ n: Int, ref: UInt64, wordReadable: Bool) -> RowKey {
        if n <= 8 {
            let w = wordReadable ? UnsafeRawPointer(p).loadUnaligned(as: UInt64.self) & (n == 8 ? ~0 : (1 << UInt64(8 * n)) - 1)
                : firstWord(p, n)
            return .short(word: w, tail: 0, length: n)
        }
        if n <= 15 { return .short(word: UnsafeRawPointer(p).loadUnaligned(as: UInt64.self), tail: tailWord(p, n), length: n) }
        return RowKey(word: ref, aux: RowKey.longKey)
    }

    /// `hash(p, n)` of a run entry's key (`keyHash`: from the entry when it holds the bytes; else
    /// from the key's `n` bytes at `p`).
    @inline(__always) static func rowHash(_ key: RowKey, _ p: UnsafePointer<UInt8>, _ n: Int) -> UInt64 {
        key.isLong ? hash(p, n) : keyHash(key.word, key.length, tail: { key.tail }, long: { hash(p, n) })
    }

    /// Regions for interning `n` rows: about 8,192 rows each (2⁶ … 2¹⁵ regions).
    static func rowRegionBits(rows n: Int) -> Int {
        min(15, max(6, (n.bitWidth - n.leadingZeroBitCount) - 13))
    }

    /// The top 15 bits of a key's hash: its region for every region count up to 2¹⁵.
    @inline(__always) static func partOf(_ h: UInt64) -> UInt16 { UInt16(truncatingIfNeeded: h >> 49) }
    /// A row without a key (empty).
    static let noPart: UInt16 = 0xFFFF

    /// Gives the whole pages between `from` and `to` back to the system (their contents are lost:
    /// for buffers that are read once and freed afterwards).
    static func releasePages(_ from: UnsafeRawPointer, _ to: UnsafeRawPointer) {
        let page = 4096
        let lo = (Int(bitPattern: from) + page - 1) & ~(page - 1), hi = Int(bitPattern: to) & ~(page - 1)
        if hi > lo { _ = madvise(UnsafeMutableRawPointer(bitPattern: lo), hi - lo, MADV_DONTNEED) }
    }

    /// A `KeyCodes.ref` flag: the field holds doubled quotes (`"a""b"`), the key is its unquoted bytes.
    static let escapedRef: UInt64 = 1 << 23
    /// The length bits of a ref (fields are at most `Tokenizer.maxFieldBytes` long).
    static let refLength: UInt64 = escapedRef - 1

    /// A key's bytes from its ref: in the file, or unquoted into a buffer of its own (valid until
    /// the next call).
    struct Unquoted {
        var buffer: UnsafeMutablePointer<UInt8>?
        var capacity = 0
        mutating func key(_ ref: UInt64, _ base: UnsafePointer<UInt8>) -> (UnsafePointer<UInt8>, Int) {
            let p = base + Int(ref >> 24), n = Int(ref & refLength)
            guard ref & escapedRef != 0 else { return (p, n) }
            return unquote(p, n)
        }
        /// The field's `n` bytes at `p` with each doubled quote made one (8 zero bytes after them).
        mutating func unquote(_ p: UnsafePointer<UInt8>, _ n: Int) -> (UnsafePointer<UInt8>, Int) {
            if capacity < n + 8 {
                buffer?.deallocate()
                capacity = 2 * n + 8
                buffer = .allocate(capacity: capacity)
            }
            let b = buffer!
            var q = 0, m = 0
            while q < n { b[m] = p[q]; m += 1; q += p[q] == 34 ? 2 : 1 }
            (b + m).initialize(repeating: 0, count: 8)   // an 8-byte word can be read at any byte of the key
            return (UnsafePointer(b), m)
        }
        mutating func free() { buffer?.deallocate(); buffer = nil; capacity = 0 }
    }

    /// One chunk's keys, per region in row order. Each region's run is contiguous: first in one
    /// shared allocation with room for 5/4 of the rows expected per region (untouched room costs
    /// no memory), moved to one of its own if it outgrows that.
    final class RegionRuns: @unchecked Sendable {
        let regionCount: Int, shift: Int
        /// Per region: its run, its length, its room.
        let runs: UnsafeMutablePointer<UnsafeMutablePointer<RowKey>>
        let counts: UnsafeMutablePointer<Int>
        private let room: UnsafeMutablePointer<Int>
        private let shared: UnsafeMutablePointer<RowKey>
        private let each: Int
        /// Some key is longer than 15 bytes (read in the file by `internRows`).
        private(set) var hasLong = false

        init(bits: Int, rows: Int) {
            regionCount = 1 << bits
            shift = 15 - bits
            each = rows / regionCount * 5 / 4 + 16
            shared = .allocate(capacity: each * regionCount)
            runs = .allocate(capacity: regionCount)
            for r in 0 ..< regionCount { (runs + r).initialize(to: shared + r * each) }
            counts = .allocate(capacity: regionCount)
            counts.initialize(repeating: 0, count: regionCount)
            room = .allocate(capacity: regionCount)
            room.initialize(repeating: each, count: regionCount)
        }
        /// The keys of `n` rows (`refs`, `parts` as the reader left them) in their regions' runs.
        /// `releaseFile`: nothing but these keys reads this chunk's part of the file any more, so
        /// its pages go back as the scatter passes them, until a key longer than 15 bytes (which
        /// stays a ref into the file) is met.
        convenience init(bits: Int, refs: UnsafePointer<UInt64>, parts: UnsafePointer<UInt16>, rows n: Int,
                         bytes base: UnsafePointer<UInt8>, byteCount: Int, releaseFile: Bool) {
            self.init(bits: bits, rows: n)
            var unquoted = Unquoted()
            defer { unquoted.free() }
            var released = 0, fileFrom = -1, fileAt = 0
            for i in 0 ..< n {
                // The refs read so far are not read again: their pages go back as the runs grow.
                if i & 0x3FFFF == 0x3FFFF {
                    releasePages(UnsafeRawPointer(refs + released), UnsafeRawPointer(refs + i)); released = i
                    if releaseFile && !hasLong && fileFrom >= 0 {
                        releasePages(UnsafeRawPointer(base + fileFrom), UnsafeRawPointer(base + fileAt)); fileFrom = fileAt
                    }
                }
                let part = parts[i]
                if part == noPart { continue }
                let ref = refs[i]
                let off = Int(ref >> 24)
                if fileFrom < 0 { fileFrom = off }
                fileAt = off
                var (p, len, readable) = (base + off, Int(ref & refLength), off + 8 <= byteCount)
                if ref & escapedRef != 0 { (p, len) = unquoted.key(ref, base); readable = true }
                let key = rowKey(p, len, ref: ref, wordReadable: readable)
                if key.isLong { hasLong = true }
                append(key, part: part)
            }
        }
        deinit {
            for r in 0 ..< regionCount where !inShared(r) { runs[r].deallocate() }
            shared.deallocate(); runs.deallocate(); counts.deallocate(); room.deallocate()
        }
        private func inShared(_ r: Int) -> Bool { runs[r] == shared + r * each }
        @inline(__always) func region(_ part: UInt16) -> Int { Int(part) >> shift }
        @inline(__always) func append(_ key: RowKey, part: UInt16) {
            let r = region(part)
            if counts[r] == room[r] { grow(r) }
            runs[r][counts[r]] = key
            counts[r] += 1
        }
        private func grow(_ r: Int) {
            let more = 2 * room[r]
            let b = UnsafeMutablePointer<RowKey>.allocate(capacity: more)
            b.moveInitialize(from: runs[r], count: counts[r])
            if !inShared(r) { runs[r].deallocate() }
            runs[r] = b
            room[r] = more
        }
    }

    /// A region's new keys: per local index its final index (from step 2), and its tail word
    /// (9–15 bytes) or ref (16 or more), kept only once some key of the region is longer than 8
    /// bytes (ids of up to 8 bytes need nothing beyond their slot). Raw storage: step 1 appends
    /// on its hot path.
    struct LocalKeys {
        private(set) var aux: UnsafeMutablePointer<UInt64>? = nil
        private(set) var final: UnsafeMutablePointer<Int32>? = nil
        private(set) var count = 0
        private var capacity = 0
        /// Some key has 9–16 bytes (the interner then keeps a tail word per key).
        var tails = false
        /// Adds a key (`a`: its tail word or ref; nil for a key of up to 8 bytes); its local index.
        @inline(__always) mutating func append(_ a: UInt64?) -> Int {
            if count == capacity { grow() }
            if let a {
                if aux == nil {
                    aux = .allocate(capacity: capacity)
                    aux!.initialize(repeating: 0, count: count)
                }
                aux![count] = a
            } else if let aux {
                aux[count] = 0
            }
            count += 1
            return count - 1
        }
        private mutating func grow() {
            let more = max(64, 2 * capacity)
            let f = UnsafeMutablePointer<Int32>.allocate(capacity: more)
            if count > 0 { f.moveInitialize(from: final!, count: count) }
            final?.deallocate()
            final = f
            if let old = aux {
                let a = UnsafeMutablePointer<UInt64>.allocate(capacity: more)
                a.moveInitialize(from: old, count: count)
                old.deallocate()
                aux = a
            }
            capacity = more
        }
        mutating func free() { aux?.deallocate(); final?.deallocate(); aux = nil; final = nil; count = 0; capacity = 0 }
    }

    /// Interns the keys of `runs` (one per chunk, in chunk order) and writes into
    /// `codes + rowBases[k] + i` the index of row `i` of chunk `k` (−1 where `parts` says it has no
    /// key). The table is spread over as many regions as the runs have first.
    mutating func internRows(runs: [RegionRuns], parts: UnsafePointer<UInt16>, rowBases: [Int], rows: [Int],
                             bytes base: UnsafePointer<UInt8>, codes: UnsafeMutablePointer<Int32>) {
        guard let regionCount = runs.first?.regionCount else { return }
        let bits = regionCount.trailingZeroBitCount
        if regionBits != bits { partition(bits: bits, expected: count) }
        let count0 = count, chunks = runs.count
        // Regions move to raw storage so that each thread can replace the ones it works on.
        let tables = UnsafeMutablePointer<[Slot]>.allocate(capacity: regionCount)
        tables.initialize(from: regions, count: regionCount)
        let fill = UnsafeMutablePointer<Int>.allocate(capacity: regionCount)
        fill.initialize(from: filled, count: regionCount)
        let locals = UnsafeMutablePointer<LocalKeys>.allocate(capacity: regionCount)
        locals.initialize(repeating: LocalKeys(), count: regionCount)
        // Per chunk and region: the keys added and their bytes (step 1), then the local index of
        // the chunk's first new key.
        let added = UnsafeMutablePointer<Int>.allocate(capacity: 2 * chunks * regionCount)
        added.initialize(repeating: 0, count: 2 * chunks * regionCount)
        regions = []
        defer {
            tables.deinitialize(count: regionCount); tables.deallocate(); fill.deallocate()
            for r in 0 ..< regionCount { locals[r].free() }
            locals.deinitialize(count: regionCount); locals.deallocate()
            added.deallocate()
        }
        var job = RowJob(runs: runs, parts: parts, rowBases: rowBases, rows: rows, base: base, codes: codes,
                         tables: tables, fill: fill, locals: locals, added: added, count0: count0)
        // 1. Each region's runs through its table.
        tails.withUnsafeBufferPointer { tl in
            arena.withUnsafeBufferPointer { a in
                let global = Global(tails: tl, arena: a.baseAddress ?? ByteInterner.empty, offsets: offsets, wraps: wraps)
                Parallel.forEach(regionCount) { r in job.intern(region: r, global: global) }
            }
        }
        // Where each chunk's new keys and their bytes go; each region's first local index per chunk.
        var keysBefore = [Int](repeating: 0, count: chunks + 1), bytesBefore = [Int](repeating: arena.count, count: chunks + 1)
        for k in 0 ..< chunks {
            var n = 0, b = 0
            for r in 0 ..< regionCount {
                let at = (k * regionCount + r) * 2
                n += added[at]; b += added[at + 1]
            }
            keysBefore[k + 1] = keysBefore[k] + n
            bytesBefore[k + 1] = bytesBefore[k] + b
        }
        for r in 0 ..< regionCount {
            var v = 0
            for k in 0 ..< chunks {
                let at = (k * regionCount + r) * 2
                let n = added[at]
                added[at] = v
                v += n
            }
        }
        let newKeys = keysBefore[chunks]
        precondition(count0 + newKeys < Int(Int32.max), "more than 2^31 distinct keys")
        job.keysBefore = keysBefore
        job.bytesBefore = bytesBefore
        // 2. Number the new keys in row order, their bytes after the arena's.
        offsets.append(contentsOf: repeatElement(0, count: newKeys))
        arena.append(contentsOf: repeatElement(0, count: bytesBefore[chunks] - arena.count))
        if !tails.isEmpty || (0 ..< regionCount).contains(where: { locals[$0].tails }) {   // (kept once a key has 9–16 bytes)
            tails.append(contentsOf: repeatElement(0, count: count0 + newKeys - tails.count))
        }
        if newKeys > 0 {
            let numbered = arena.withUnsafeMutableBufferPointer { a in
                offsets.withUnsafeMutableBufferPointer { o in
                    tails.withUnsafeMutableBufferPointer { tl in
                        let out = KeyBytes(arena: a.baseAddress!, offsets: o.baseAddress!, tails: tl.baseAddress)
                        return Parallel.map(chunks) { k in job.number(chunk: k, into: out) }
                    }
                }
            }
            for w in numbered { wraps += w.wraps }
            // 3. Final indices in the runs and the slots.
            Parallel.forEach(regionCount) { r in job.resolve(region: r) }
        }
        // 4. The codes.
        Parallel.forEach(chunks) { k in job.codes(chunk: k) }
        regions = (0 ..< regionCount).map { tables[$0] }
        filled = (0 ..< regionCount).map { fill[$0] }
    }

    /// The keys interned before `internRows`: what step 1 compares against.
    struct Global: @unchecked Sendable {
        let tails: UnsafeBufferPointer<UInt64>, arena: UnsafePointer<UInt8>, offsets: [UInt32], wraps: [Int]
        @inline(__always) func start(_ e: Int) -> Int { ByteInterner.start(e, offsets, wraps) }
    }

    /// Where step 2 writes the new keys: bytes, end offsets (`offsets[i + 1]`), tail words.
    struct KeyBytes: @unchecked Sendable {
        /// (`tails` is nil when no key has 9–16 bytes: then nothing is written to it.)
        let arena: UnsafeMutablePointer<UInt8>, offsets: UnsafeMutablePointer<UInt32>, tails: UnsafeMutablePointer<UInt64>?
    }

    /// What step 2 of one chunk found: the entries from which another 2³² bytes are added to
    /// the offsets (`ByteInterner.wraps`).
    struct Numbered: Sendable { var wraps: [Int] = [] }

    /// What the steps share; each thread writes only its own region or chunk.
    struct RowJob: @unchecked Sendable {
        let runs: [RegionRuns], parts: UnsafePointer<UInt16>, rowBases: [Int], rows: [Int]
        let base: UnsafePointer<UInt8>, codes: UnsafeMutablePointer<Int32>
        let tables: UnsafeMutablePointer<[Slot]>, fill: UnsafeMutablePointer<Int>
        let locals: UnsafeMutablePointer<LocalKeys>
        /// Per chunk k and region r at `2 (k · regions + r)`: keys added, bytes added (step 1);
        /// then the local index of the first.
        let added: UnsafeMutablePointer<Int>
        let count0: Int
        /// Per chunk: new keys, and arena bytes, before its own.
        var keysBefore: [Int] = [], bytesBefore: [Int] = []

        /// Step 1: region `r`'s runs, chunk after chunk, looked up in its table.
        func intern(region r: Int, global: Global) {
            var unquoted = Unquoted(), other = Unquoted()
            defer { unquoted.free(); other.free() }
            let count0 = self.count0, base = self.base
            let local = locals + r
            // This region's keys and fill count live in locals while it is interned: the
            // neighbouring regions' are written by the other threads, on the same cache lines.
            var keys = local.pointee, filled = fill[r]
            defer { local.pointee = keys; fill[r] = filled }
            func hashOf(_ slot: Slot) -> UInt64 {
                let e = slot.entry
                if e < count0 {
                    return ByteInterner.keyHash(slot.word, slot.length, tail: { global.tails[e] }, long: {
                        let o = global.start(e)
                        return ByteInterner.hash(global.arena + o, global.start(e + 1) - o)
                    })
                }
                // A new key's tail word or ref (none for keys of up to 8 bytes: `keyHash` asks for neither).
                let aux = { local.pointee.aux![e - count0] }
                return ByteInterner.keyHash(slot.word, slot.length, tail: {
                    slot.length <= 15 ? aux() : ByteInterner.tailWord(other.key(aux(), base).0, 16)
                }, long: {
                    let (p, m) = other.key(aux(), base)
                    return ByteInterner.hash(p, m)
                })
            }
            for (k, run) in runs.enumerated() {
                let entries = run.runs[r], n = run.counts[r]
                let before = keys.count
                var bytes = 0
                var i = 0
                while i < n {
                    var full = false
                    tables[r].withUnsafeMutableBufferPointer { tb in
                        let table = UnsafeBufferPointer(tb)
                        while i < n {
                            let key = entries[i]
                            var len = key.length, w = key.word, tail = key.tail
                            var keyBytes = ByteInterner.empty
                            if key.isLong {
                                (keyBytes, len) = unquoted.key(key.word, base)
                                w = UnsafeRawPointer(keyBytes).loadUnaligned(as: UInt64.self)
                                tail = len == 16 ? ByteInterner.tailWord(keyBytes, 16) : 0
                            }
                            let h = ByteInterner.rowHash(key, keyBytes, len)
                            let want = ByteInterner.metaKey(len, h)
                            let (found, at) = ByteInterner.probe(table, h, want, w) { e in
                                if len <= 8 { return true }
                                if e < count0 {
                                    if len <= 16 { return global.tails[e] == tail }
                                    return memcmp(global.arena + global.start(e), keyBytes, len) == 0
                                }
                                let aux = keys.aux![e - count0]
                                if len <= 15 { return aux == tail }
                                let (p, m) = other.key(aux, base)
                                return m == len && memcmp(p, keyBytes, len) == 0
                            }
                            if found >= 0 {
                                let e = Int(found)
                                entries[i].word = e < count0 ? UInt64(e) : UInt64(e - count0)
                                entries[i].aux |= e < count0 ? RowKey.resolved | RowKey.final : RowKey.resolved
                                i += 1
                                continue
                            }
                            let v = keys.append(key.isLong ? key.word : len > 8 ? tail : nil)
                            bytes += len
                            if len > 8 && len <= 16 { keys.tails = true }
                            tb[at] = Slot(word: w, meta: want | UInt64(UInt32(truncatingIfNeeded: count0 + v) + 1))
                            filled += 1
                            i += 1
                            if filled * 10 > tb.count * 7 { full = true; return }
                        }
                    }
                    if full {
                        local.pointee = keys   // (`hashOf` reads it)
                        tables[r] = ByteInterner.rehashed(tables[r], slotCount: tables[r].count * 2, hashOf: hashOf)
                    }
                }
                let at = (k * runs[0].regionCount + r) * 2
                added[at] = keys.count - before
                added[at + 1] = bytes
            }
        }

        /// Step 2: chunk `k`'s rows in order. A row whose entry is unresolved is its key's first
        /// appearance: the key gets the next index, written over the entry, and its bytes and tail
        /// word are written.
        func number(chunk k: Int, into out: KeyBytes) -> Numbered {
            let run = runs[k], regionCount = run.regionCount
            let n = rows[k], parts = self.parts + rowBases[k]
            let cursor = UnsafeMutablePointer<UnsafeMutablePointer<RowKey>>.allocate(capacity: regionCount)
            let next = UnsafeMutablePointer<Int>.allocate(capacity: regionCount)   // per region: its next local index
            defer { cursor.deallocate(); next.deallocate() }
            cursor.initialize(from: run.runs, count: regionCount)
            for r in 0 ..< regionCount { next[r] = added[(k * regionCount + r) * 2] }
            var unquoted = Unquoted()
            defer { unquoted.free() }
            var index = count0 + keysBefore[k], at = bytesBefore[k]
            var result = Numbered()
            for i in 0 ..< n {
                let part = parts[i]
                if part == noPart { continue }
                let r = run.region(part)
                let e = cursor[r]
                cursor[r] = e + 1
                let key = e.pointee
                if key.aux & RowKey.resolved != 0 { continue }
                // First appearance.
                locals[r].final![next[r]] = Int32(truncatingIfNeeded: index)
                next[r] += 1
                e.pointee = RowKey(word: UInt64(index), aux: RowKey.resolved | RowKey.final)
                let start = at
                if key.isLong {
                    let (p, m) = unquoted.key(key.word, base)
                    memcpy(out.arena + at, p, m)
                    at += m
                    if m == 16 { out.tails![index] = ByteInterner.tailWord(p, 16) }
                } else {
                    let len = key.length
                    var w = key.word
                    for q in 0 ..< min(len, 8) { out.arena[at + q] = UInt8(truncatingIfNeeded: w); w >>= 8 }
                    if len > 8 {
                        var t = key.tail
                        for q in 8 ..< len { out.arena[at + q] = UInt8(truncatingIfNeeded: t); t >>= 8 }
                        out.tails![index] = key.tail
                    }
                    at += len
                }
                if at >> 32 != start >> 32 { result.wraps.append(index + 1) }
                out.offsets[index + 1] = UInt32(truncatingIfNeeded: at)
                index += 1
            }
            return result
        }

        /// Step 3: region `r`'s run entries and slots get the final indices.
        func resolve(region r: Int) {
            guard let final = locals[r].final else { return }
            for run in runs {
                let entries = run.runs[r]
                for i in 0 ..< run.counts[r] where entries[i].aux & RowKey.final == 0 {
                    entries[i] = RowKey(word: UInt64(final[Int(truncatingIfNeeded: entries[i].word)]), aux: RowKey.resolved | RowKey.final)
                }
            }
            tables[r].withUnsafeMutableBufferPointer { tb in
                for s in 0 ..< tb.count where tb[s].meta != 0 && tb[s].entry >= count0 {
                    tb[s].meta = (tb[s].meta & ~0xFFFF_FFFF) | UInt64(UInt32(final[tb[s].entry - count0]) + 1)
                }
            }
        }

        /// Step 4: chunk `k`'s codes, its rows in order.
        func codes(chunk k: Int) {
            let run = runs[k], regionCount = run.regionCount
            let n = rows[k], parts = self.parts + rowBases[k], codes = self.codes + rowBases[k]
            let cursor = UnsafeMutablePointer<UnsafeMutablePointer<RowKey>>.allocate(capacity: regionCount)
            defer { cursor.deallocate() }
            cursor.initialize(from: run.runs, count: regionCount)
            for i in 0 ..< n {
                let part = parts[i]
                if part == noPart { codes[i] = -1; continue }
                let r = run.region(part)
                let e = cursor[r]
                cursor[r] = e + 1
                codes[i] = Int32(truncatingIfNeeded: e.pointee.word)
            }
        }
    }
}
