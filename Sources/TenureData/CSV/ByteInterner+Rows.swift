#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import TenureNumerics

/// One column's keys interned on every thread into the one table, with the indices a single
/// thread interning the rows in order would give (first appearance).
///
/// The parallel reader leaves each row's key where it lies in the file (`KeyCodes.ref`). Here the
/// table is split into 64 regions by the hash's top bits and each thread owns some of them: every
/// thread reads all rows in order, hashes each key, and interns the keys of its own regions. No
/// table is shared between threads, so there are no locks, and no per-chunk tables to merge
/// afterwards: 10M distinct keys cost one table of 10M, not two of 5M and a third of 10M.
///
/// A key new to the table first gets a provisional index (the thread's own count). Each thread
/// meets its new keys in row order, so merging the threads' lists of first rows gives the order in
/// which one thread would have met them; the keys' bytes are appended in that order, and the
/// provisional indices in the slots and in `codes` are replaced by the final ones.
extension ByteInterner {
    /// Writes into `codes[r]` the index of row `r`'s key (`KeyCodes.empty`: −1), interning new keys.
    mutating func internRows(refs: UnsafePointer<UInt64>, regions regionOfRow: UnsafePointer<UInt8>, rows n: Int, bytes base: UnsafePointer<UInt8>, byteCount: Int,
                             codes: UnsafeMutablePointer<Int32>, threads: Int) {
        let lanes = max(1, min(threads, 16))
        if regionBits != Self.rowRegionBits { partition(bits: Self.rowRegionBits, expected: count) }
        let regionCount = regions.count
        let count0 = count
        let laneBits = UInt64((lanes - 1).bitWidth - (lanes - 1).leadingZeroBitCount)
        // Regions move to raw storage so that each thread can replace its own while growing them.
        let tables = UnsafeMutablePointer<[Slot]>.allocate(capacity: regionCount)
        tables.initialize(from: regions, count: regionCount)
        let fill = UnsafeMutablePointer<Int>.allocate(capacity: regionCount)
        fill.initialize(from: filled, count: regionCount)
        regions = []
        defer { tables.deinitialize(count: regionCount); tables.deallocate(); fill.deallocate() }
        let shared = Shared(refs: refs, regionOfRow: regionOfRow, base: base, byteCount: byteCount, codes: codes, tables: tables, fill: fill,
                            count0: count0, laneBits: laneBits, regionBits: regionBits, lanes: lanes)
        let results = Parallel.map(lanes) { t in
            tails.withUnsafeBufferPointer { tl in
                arena.withUnsafeBufferPointer { a in
                    shared.run(lane: t, rows: n, globalTails: tl, arena: a.baseAddress ?? ByteInterner.empty, start: { start($0) })
                }
            }
        }
        // The new keys in order of first appearance: merge the lanes' first rows.
        var total = 0, bytes = 0
        for l in results { total += l.count; bytes += l.bytes }
        precondition(count0 + total < Int(Int32.max), "more than 2^31 distinct keys")
        offsets.reserveCapacity(count0 + total + 1)
        arena.reserveCapacity(arena.count + bytes)
        // Tails: kept once any key has 9–16 bytes (then for every key).
        if !tails.isEmpty || results.contains(where: { $0.tails != nil }) {
            tails.reserveCapacity(count0 + total)
            tails.append(contentsOf: repeatElement(0, count: count0 + total - tails.count))
        }
        let bytesAt = arena.count
        arena.append(contentsOf: repeatElement(0, count: bytes))
        offsets.append(contentsOf: repeatElement(0, count: total))
        var newWraps: [Int] = []
        var unquoted = Unquoted()
        defer { unquoted.free() }
        arena.withUnsafeMutableBufferPointer { a in
            offsets.withUnsafeMutableBufferPointer { o in
                tails.withUnsafeMutableBufferPointer { tl in
                    var heads = [Int](repeating: 0, count: lanes)
                    var at = bytesAt
                    for i in count0 ..< count0 + total {
                        var best = 0, bestRow = Int32.max
                        for l in 0 ..< lanes where heads[l] < results[l].count && results[l].rows[heads[l]] < bestRow {
                            best = l; bestRow = results[l].rows[heads[l]]
                        }
                        let lane = results[best], k = heads[best]
                        heads[best] = k + 1
                        lane.rows[k] = Int32(i)   // from now on: the key's final index
                        let (p, len) = unquoted.key(refs[Int(bestRow)], base)
                        memcpy(a.baseAddress! + at, p, len)
                        at += len
                        if at >> 32 > wraps.count + newWraps.count { newWraps.append(i + 1) }
                        o[i + 1] = UInt32(truncatingIfNeeded: at)
                        if let lt = lane.tails { tl[i] = lt[k] }
                    }
                }
            }
        }
        wraps += newWraps
        // Provisional indices → final ones, in the slots (each lane its regions) and in the codes.
        // (The lanes own the buffers `finals` points into: they must outlive their last use.)
        let finals = results.map(\.rows)
        defer { withExtendedLifetime(results) {} }
        Parallel.forEach(lanes) { t in
            for r in 0 ..< regionCount where shared.owner(r) == t {
                tables[r].withUnsafeMutableBufferPointer { tb in
                    for s in 0 ..< tb.count where tb[s].meta != 0 && tb[s].entry >= count0 {
                        let v = tb[s].entry - count0
                        let final = finals[v & (1 << laneBits - 1)][v >> laneBits]
                        tb[s].meta = (tb[s].meta & ~0xFFFF_FFFF) | UInt64(UInt32(final) + 1)
                    }
                }
            }
        }
        Parallel.forEachBlock(count: n) { _, range in
            for r in range where Int(codes[r]) >= count0 {
                let v = Int(codes[r]) - count0
                codes[r] = finals[v & (1 << laneBits - 1)][v >> laneBits]
            }
        }
        regions = (0 ..< regionCount).map { tables[$0] }
        filled = (0 ..< regionCount).map { fill[$0] }
    }

    /// Regions of the table while rows are interned on several threads.
    static let rowRegionBits = 6

    /// The region of a key with hash `h` among the `1 << rowRegionBits` of `internRows`, worked out
    /// by the reader's threads so that each of `internRows`' threads reads only its own rows.
    @inline(__always) static func regionOf(_ h: UInt64) -> UInt8 { UInt8(truncatingIfNeeded: h >> UInt64(64 - rowRegionBits)) }
    /// A row whose region the reader did not work out (empty or quoted-quote ids): every thread looks.
    static let unknownRegion: UInt8 = 0xFF

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

    /// One thread's new keys: the row where each was first seen (then its final index) and, once
    /// it met a key of 9–16 bytes, every key's tail word.
    final class Lane: @unchecked Sendable {
        /// Per new key: its first row, then (after the merge) its final index.
        private(set) var rows: UnsafeMutablePointer<Int32>
        /// Per new key its tail word, once the lane has met a key of 9–16 bytes (else nil).
        private(set) var tails: UnsafeMutablePointer<UInt64>?
        private(set) var count = 0
        private var capacity: Int
        /// The new keys' bytes in all.
        private(set) var bytes = 0
        /// Room for `capacity` keys: untouched capacity costs no memory, and nothing is copied
        /// while the lane stays within it.
        init(capacity: Int) { self.capacity = max(capacity, 16); rows = .allocate(capacity: self.capacity) }
        deinit { rows.deallocate(); tails?.deallocate() }
        @inline(__always) func append(row: Int, length: Int, tail: UInt64) {
            if count == capacity { grow() }
            rows[count] = Int32(row)
            if length > 8 && length <= 16 && tails == nil {
                tails = .allocate(capacity: capacity)
                tails!.initialize(repeating: 0, count: count)
            }
            tails?[count] = tail
            count += 1
            bytes += length
        }
        private func grow() {
            let more = capacity * 2
            let r = UnsafeMutablePointer<Int32>.allocate(capacity: more)
            r.moveInitialize(from: rows, count: count)
            rows.deallocate(); rows = r
            if let t = tails {
                let u = UnsafeMutablePointer<UInt64>.allocate(capacity: more)
                u.moveInitialize(from: t, count: count)
                t.deallocate(); tails = u
            }
            capacity = more
        }
    }

    /// What every thread reads, and the tables each writes only in its own regions.
    struct Shared: @unchecked Sendable {
        let refs: UnsafePointer<UInt64>, regionOfRow: UnsafePointer<UInt8>, base: UnsafePointer<UInt8>, byteCount: Int
        let codes: UnsafeMutablePointer<Int32>
        let tables: UnsafeMutablePointer<[Slot]>, fill: UnsafeMutablePointer<Int>
        let count0: Int, laneBits: UInt64, regionBits: Int, lanes: Int

        /// The lane that owns region `r` (contiguous blocks of regions).
        @inline(__always) func owner(_ r: Int) -> Int { (r * lanes) >> regionBits }

        /// A queued key: its row, hash, first word, length.
        struct Pending { var row: Int; var hash: UInt64; var word: UInt64; var length: Int }

        /// Interns the keys of lane `t`'s regions, rows in order; returns its new keys.
        func run(lane t: Int, rows n: Int, globalTails: UnsafeBufferPointer<UInt64>, arena: UnsafePointer<UInt8>,
                 start: (Int) -> Int) -> Lane {
            let lane = Lane(capacity: n / lanes + n / (8 * lanes) + 1024)   // the lane's share of the rows and a margin
            let shift = UInt64(64 - regionBits)
            let queue = UnsafeMutablePointer<Pending>.allocate(capacity: 64)
            defer { queue.deallocate() }
            var queued = 0
            var touched: UInt64 = 0

            var unquoted = Unquoted(), entryUnquoted = Unquoted()
            defer { unquoted.free(); entryUnquoted.free() }
            /// Bytes of the key with (provisional or final) index `e`.
            func keyBytes(_ e: Int) -> (UnsafePointer<UInt8>, Int) {
                if e < count0 { let o = start(e); return (arena + o, start(e + 1) - o) }
                return entryUnquoted.key(refs[Int(lane.rows[(e - count0) >> Int(laneBits)])], base)
            }
            @inline(__always) func tail(_ e: Int) -> UInt64 { e < count0 ? globalTails[e] : lane.tails![(e - count0) >> Int(laneBits)] }
            func hashOf(_ slot: Slot) -> UInt64 {
                ByteInterner.keyHash(slot.word, slot.length, tail: { tail(slot.entry) }, long: {
                    let (p, m) = keyBytes(slot.entry)
                    return ByteInterner.hash(p, m)
                })
            }
            func intern(_ q: Pending, _ p: UnsafePointer<UInt8>) {
                let r = Int(truncatingIfNeeded: q.hash >> shift)
                let want = ByteInterner.metaKey(q.length, q.hash)
                let tailWord = q.length > 8 && q.length <= 16 ? ByteInterner.tailWord(p, q.length) : 0
                let (found, at) = tables[r].withUnsafeBufferPointer { tb in
                    ByteInterner.probe(tb, q.hash, want, q.word) { e in
                        if q.length <= 8 { return true }
                        if q.length <= 16 { return tail(e) == tailWord }
                        let (kp, m) = keyBytes(e)
                        return m == q.length && memcmp(kp, p, m) == 0
                    }
                }
                if found >= 0 { codes[q.row] = found; return }
                let k = lane.count
                let e = count0 + (k << Int(laneBits) | t)
                precondition(e < Int(Int32.max), "more than 2^31 distinct keys")
                lane.append(row: q.row, length: q.length, tail: tailWord)
                tables[r][at] = Slot(word: q.word, meta: want | UInt64(UInt32(e) + 1))
                codes[q.row] = Int32(e)
                fill[r] += 1
                if fill[r] * 10 > tables[r].count * 7 {
                    tables[r] = ByteInterner.rehashed(tables[r], slotCount: tables[r].count * 2, hashOf: hashOf)
                }
            }
            func flush() {
                for k in 0 ..< queued {
                    let h = queue[k].hash
                    touched &+= tables[Int(truncatingIfNeeded: h >> shift)].withUnsafeBufferPointer { tb in
                        tb[Int(truncatingIfNeeded: h) & (tb.count - 1)].meta
                    }
                }
                // Keys of 9–16 bytes: the tail word of the entry in their home slot, fetched together too.
                for k in 0 ..< queued where queue[k].length > 8 && queue[k].length <= 16 {
                    let q = queue[k]
                    let slot = tables[Int(truncatingIfNeeded: q.hash >> shift)].withUnsafeBufferPointer { tb in
                        tb[Int(truncatingIfNeeded: q.hash) & (tb.count - 1)]
                    }
                    if slot.meta != 0 && slot.word == q.word { touched &+= tail(slot.entry) }
                }
                for k in 0 ..< queued { intern(queue[k], base + Int(refs[queue[k].row] >> 24)) }
                queued = 0
            }
            /// At rows 2¹⁵ … 2¹⁹ the lane's regions are sized for the keys expected by the last row
            /// (`TableReader.expectedKeys`, as a chunk's table is), instead of doubling all the way.
            var keysAt = [Int](repeating: 0, count: 5)
            let owned = (0 ..< (1 << regionBits)).filter { owner($0) == t }
            func resize(atRow row: Int) {
                keysAt[row.trailingZeroBitCount - 15] = lane.count
                guard lane.count > 4096, let e = TableReader.expectedKeys(keysAt, row: row, capacity: n) else { return }
                let want = ByteInterner.slotCount(forKeys: min(e.table, n / lanes + n / (8 * lanes)) / owned.count + 16)
                for r in owned where want > tables[r].count {
                    tables[r] = ByteInterner.rehashed(tables[r], slotCount: want, hashOf: hashOf)
                }
            }
            for row in 0 ..< n {
                // (Before the skip below: every lane passes every checkpoint row.)
                if TableReader.isSizingRow(row) { flush(); resize(atRow: row) }
                let known = regionOfRow[row]
                if known != unknownRegion && owner(Int(known)) != t { continue }
                let ref = refs[row]
                if ref == KeyCodes.empty { if t == 0 { codes[row] = -1 }; continue }
                if ref & escapedRef != 0 {   // doubled quotes: the key is the unquoted bytes, interned at once
                    let (p, len) = unquoted.key(ref, base)
                    let h = ByteInterner.hash(p, len)
                    guard owner(Int(truncatingIfNeeded: h >> shift)) == t else { continue }
                    flush()
                    intern(Pending(row: row, hash: h, word: ByteInterner.firstWord(p, len), length: len), p)
                    continue
                }
                let off = Int(ref >> 24), len = Int(ref & refLength)
                let p = base + off
                var word: UInt64 = 0
                let h: UInt64
                if len <= 8 {
                    if off + 8 <= byteCount {
                        word = UnsafeRawPointer(p).loadUnaligned(as: UInt64.self) & (len == 8 ? ~0 : (1 << UInt64(8 * len)) - 1)
                    } else {
                        for q in 0 ..< len { word |= UInt64(p[q]) << UInt64(8 * q) }
                    }
                    h = ByteInterner.shortHash(word, len)
                } else {
                    word = UnsafeRawPointer(p).loadUnaligned(as: UInt64.self)
                    h = ByteInterner.hash(p, len)
                }
                guard owner(Int(truncatingIfNeeded: h >> shift)) == t else { continue }
                queue[queued] = Pending(row: row, hash: h, word: word, length: len)
                queued += 1
                if queued == 64 { flush() }
            }
            flush()
            keepAlive(touched)
            return lane
        }
    }
}
