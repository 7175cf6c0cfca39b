#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import TenureNumerics

/// An insertion-ordered set of byte strings: `intern` returns a dense index in first-appearance
/// order. This is what makes id interning cheap on the CSV hot path: no `String` is created per
/// lookup, and a lookup usually touches one 16-byte slot.
///
/// Layout: open addressing with linear probing, in `1 << regionBits` independent regions chosen by
/// the hash's top bits (one region unless `partition` asked for more: the parallel reader gives each
/// thread its own regions, `ByteInterner+Rows.swift`). A slot holds the key's first 8 bytes (zero
/// padded) and a word packing the entry index, the key length and 11 bits of the hash, so keys of
/// up to 8 bytes (`C0001234`) are compared without leaving the slot. Keys of 9 to 16 bytes
/// (`C00000042`, most exported ids) are compared with one more word, their bytes 8–15 kept per
/// entry (`tails`): one load instead of the key's offset and then its bytes in the arena. Longer
/// keys are compared against the arena that holds every key's bytes. Load factor at most 0.7.
///
/// Memory per key: the slots (16 B / load, 23–46 B), the key's bytes, a 4-byte offset, and 8 bytes
/// of tail only once some key has 9–16 bytes. No hash is stored: a region that grows hashes its
/// keys again (from the slot alone for keys of up to 16 bytes).
public struct ByteInterner: Sendable {
    @usableFromInline struct Slot: Sendable {
        @usableFromInline var word: UInt64
        /// 0 = empty; else entry+1 (bits 0–31), min(length, 2^21-1) (bits 32–52), hash tag (bits 53–63).
        @usableFromInline var meta: UInt64
        @usableFromInline init(word: UInt64, meta: UInt64) { self.word = word; self.meta = meta }
        @inlinable var entry: Int { Int(UInt32(truncatingIfNeeded: meta)) - 1 }
        @inlinable var length: Int { Int((meta >> 32) & 0x1F_FFFF) }
    }
    /// The hash table's regions, each a power of two of slots.
    @usableFromInline var regions: [[Slot]]
    /// Keys per region.
    @usableFromInline var filled: [Int]
    /// log2 of the region count: a key's region is its hash's top `regionBits` bits.
    @usableFromInline var regionBits = 0
    /// Bytes 8 ..< 16 of key i (zero padded) when it has 9 to 16 bytes, else 0; empty until the
    /// first such key (then one word per key).
    @usableFromInline var tails: [UInt64] = []
    /// Key i is arena[start(i) ..< start(i + 1)]: offsets modulo 2^32, and the entries from which
    /// each further 2^32 is added (`wraps`, empty below 4 GiB of keys).
    @usableFromInline var offsets: [UInt32] = [0]
    @usableFromInline var wraps: [Int] = []
    @usableFromInline var arena: [UInt8] = []

    public init(capacity: Int = 16) {
        regions = [Self.emptySlots(Self.slotCount(forKeys: capacity))]
        filled = [0]
    }

    /// `n` empty slots. (Advising large tables onto transparent huge pages was tried: peak RSS rose
    /// by ~25 % at 8M rows with no CPU gain on this machine, so plain pages it is.)
    @usableFromInline static func emptySlots(_ n: Int) -> [Slot] {
        [Slot](repeating: Slot(word: 0, meta: 0), count: n)
    }

    /// The smallest power of two (at least 16) that holds `keys` keys at load 0.7.
    @usableFromInline static func slotCount(forKeys keys: Int) -> Int {
        var n = 16
        while n * 7 < keys * 10 { n <<= 1 }
        return n
    }

    public var count: Int { offsets.count - 1 }

    /// The region of a key with hash `h`.
    @inlinable @inline(__always) func region(_ h: UInt64) -> Int {
        regionBits == 0 ? 0 : Int(truncatingIfNeeded: h >> UInt64(64 - regionBits))
    }

    /// Where key `i` starts in the arena (`i` ≤ `count`).
    @inlinable @inline(__always) func start(_ i: Int) -> Int { Self.start(i, offsets, wraps) }

    /// Where key `i` starts in an arena whose key offsets are `offsets` (modulo 2³²) and `wraps`.
    @inlinable @inline(__always) static func start(_ i: Int, _ offsets: [UInt32], _ wraps: [Int]) -> Int {
        let lo = Int(offsets[i])
        if wraps.isEmpty { return lo }
        var k = 0
        while k < wraps.count && wraps[k] <= i { k += 1 }
        return lo + k << 32
    }

    /// A fast 64-bit hash of `n` bytes (8-byte words folded through a 128-bit multiply).
    @inlinable @inline(__always)
    public static func hash(_ p: UnsafePointer<UInt8>, _ n: Int) -> UInt64 {
        @inline(__always) func mix(_ x: UInt64) -> UInt64 {
            let m = x.multipliedFullWidth(by: 0x9E37_79B9_7F4A_7C15)
            return m.high ^ m.low
        }
        var h: UInt64 = 0xA076_1D64_78BD_642F &+ UInt64(truncatingIfNeeded: n)
        var i = 0
        let raw = UnsafeRawPointer(p)
        while i + 8 <= n {
            h = mix(h ^ raw.loadUnaligned(fromByteOffset: i, as: UInt64.self))
            i += 8
        }
        if i < n {
            var w: UInt64 = 0
            var s: UInt64 = 0
            while i < n { w |= UInt64(p[i]) << s; s += 8; i += 1 }
            h = mix(h ^ w ^ 0xE703_7ED1_A0B4_28DB)
        }
        return mix(h ^ (h >> 29))
    }

    /// `hash(p, n)` of a key of at most 8 bytes given as its little-endian word `w` (zero padded):
    /// the same value, without reading the bytes one by one.
    @inlinable @inline(__always)
    public static func shortHash(_ w: UInt64, _ n: Int) -> UInt64 {
        @inline(__always) func mix(_ x: UInt64) -> UInt64 {
            let m = x.multipliedFullWidth(by: 0x9E37_79B9_7F4A_7C15)
            return m.high ^ m.low
        }
        var h: UInt64 = 0xA076_1D64_78BD_642F &+ UInt64(truncatingIfNeeded: n)
        if n == 8 { h = mix(h ^ w) } else if n > 0 { h = mix(h ^ w ^ 0xE703_7ED1_A0B4_28DB) }
        return mix(h ^ (h >> 29))
    }

    /// Index of the key of `n` ≤ 8 bytes whose little-endian word is `w` (zero padded), inserting
    /// it when new; `h` = `shortHash(w, n)`.
    @inlinable @inline(__always)
    public mutating func intern(word w: UInt64, length n: Int, hash h: UInt64) -> Int32 {
        let want = Self.metaKey(n, h)
        let (found, at) = probe(h, want, w) { _ in true }   // the whole key is in the slot
        if found >= 0 { return found }
        return withUnsafeBytes(of: w) { b in
            insert(b.baseAddress!.assumingMemoryBound(to: UInt8.self), n, hash: h, slot: at, word: w, meta: want)
        }
    }

    @inlinable @inline(__always) static func firstWord(_ p: UnsafePointer<UInt8>, _ n: Int) -> UInt64 {
        if n >= 8 { return UnsafeRawPointer(p).loadUnaligned(as: UInt64.self) }
        var w: UInt64 = 0
        var s: UInt64 = 0
        for i in 0 ..< n { w |= UInt64(p[i]) << s; s += 8 }
        return w
    }

    /// `hash(p, n)` of a key of 9 to 16 bytes given as its first word and its tail word (`tailWord`).
    @inlinable @inline(__always)
    public static func wordsHash(_ w: UInt64, _ tail: UInt64, _ n: Int) -> UInt64 {
        @inline(__always) func mix(_ x: UInt64) -> UInt64 {
            let m = x.multipliedFullWidth(by: 0x9E37_79B9_7F4A_7C15)
            return m.high ^ m.low
        }
        var h: UInt64 = 0xA076_1D64_78BD_642F &+ UInt64(truncatingIfNeeded: n)
        h = mix(h ^ w)
        h = n == 16 ? mix(h ^ tail) : mix(h ^ tail ^ 0xE703_7ED1_A0B4_28DB)
        return mix(h ^ (h >> 29))
    }

    /// `hash(p, n)` of a key from what the table keeps of it: its first word `w` (keys of up to 8
    /// bytes), with its `tail` word (9–16 bytes), else its bytes (`long` hashes them). The one rule
    /// every rebuild of a table places keys by.
    @inlinable @inline(__always)
    static func keyHash(_ w: UInt64, _ n: Int, tail: () -> UInt64, long: () -> UInt64) -> UInt64 {
        if n <= 8 { return shortHash(w, n) }
        if n <= 16 { return wordsHash(w, tail(), n) }
        return long()
    }

    /// Length and hash tag of a key as a slot's `meta` holds them. The tag comes from bits 32–42 of
    /// the hash: the region takes the top bits and the slot the low ones.
    @inlinable @inline(__always) static func metaKey(_ n: Int, _ h: UInt64) -> UInt64 {
        (UInt64(min(n, 0x1F_FFFF)) << 32) | (((h >> 32) & 0x7FF) << 53)
    }

    /// Bytes 8 ..< n of a key of 9 to 16 bytes as a little-endian word (zero padded): the word
    /// ending at the key's last byte, shifted down past the bytes the first word already holds.
    @inlinable @inline(__always) static func tailWord(_ p: UnsafePointer<UInt8>, _ n: Int) -> UInt64 {
        UnsafeRawPointer(p + n - 8).loadUnaligned(as: UInt64.self) >> UInt64(8 * (16 - n))
    }

    /// Index of the key, or nil.
    @inlinable public func find(_ p: UnsafePointer<UInt8>, _ n: Int, hash h: UInt64) -> Int32? {
        let e: Int32
        if n <= 8 {
            e = probe(h, Self.metaKey(n, h), Self.firstWord(p, n)) { _ in true }.entry
        } else if n <= 16 {
            let t = Self.tailWord(p, n)
            e = tails.withUnsafeBufferPointer { tl in probe(h, Self.metaKey(n, h), Self.firstWord(p, n)) { tl[$0] == t }.entry }
        } else {
            e = probe(h, Self.metaKey(n, h), Self.firstWord(p, n)) { tailEquals($0, p, n) }.entry
        }
        return e >= 0 ? e : nil
    }

    /// Linear probing from the home slot of `h` in its region for a slot holding `want` (length
    /// and hash tag) and first word `w` whose entry `rest` accepts (bytes beyond the first word):
    /// (entry, slot), or (−1, the empty slot that ended the probe).
    @inlinable @inline(__always)
    func probe(_ h: UInt64, _ want: UInt64, _ w: UInt64, rest: (Int) -> Bool) -> (entry: Int32, slot: Int) {
        regions.withUnsafeBufferPointer { rs in
            rs[region(h)].withUnsafeBufferPointer { t in
                Self.probe(t, h, want, w, rest: rest)
            }
        }
    }

    @inlinable @inline(__always)
    static func probe(_ t: UnsafeBufferPointer<Slot>, _ h: UInt64, _ want: UInt64, _ w: UInt64,
                      rest: (Int) -> Bool) -> (entry: Int32, slot: Int) {
        let mask = t.count - 1
        var s = Int(truncatingIfNeeded: h) & mask
        while true {
            let slot = t[s]
            if slot.meta == 0 { return (-1, s) }
            if slot.meta & ~0xFFFF_FFFF == want && slot.word == w {
                let e = slot.entry
                if rest(e) { return (Int32(e), s) }
            }
            s = (s + 1) & mask
        }
    }

    public func find(_ key: String) -> Int32? {
        var k = key
        return k.withUTF8 { b in
            let p = b.baseAddress ?? ByteInterner.empty
            return find(p, b.count, hash: Self.hash(p, b.count))
        }
    }

    @usableFromInline static let empty: UnsafePointer<UInt8> = {
        let p = UnsafeMutablePointer<UInt8>.allocate(capacity: 8); p.initialize(repeating: 0, count: 8); return UnsafePointer(p)
    }()

    @inlinable func tailEquals(_ e: Int, _ p: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        let o = start(e), len = start(e + 1) - o
        guard len == n else { return false }
        return arena.withUnsafeBufferPointer { a in
            memcmp((a.baseAddress ?? ByteInterner.empty) + o, p, n) == 0
        }
    }

    /// Reads the home slot of `hash` (to bring it into cache ahead of `intern`).
    @inlinable @inline(__always) public func touch(_ h: UInt64) -> UInt64 {
        regions.withUnsafeBufferPointer { rs in
            rs[region(h)].withUnsafeBufferPointer { t in t[Int(truncatingIfNeeded: h) & (t.count - 1)].meta }
        }
    }

    /// Index of the key, inserting it (at the end) when new.
    @inlinable @inline(__always)
    public mutating func intern(_ p: UnsafePointer<UInt8>, _ n: Int, hash h: UInt64) -> Int32 {
        let w = Self.firstWord(p, n)
        if n <= 8 { return intern(word: w, length: n, hash: h) }
        let want = Self.metaKey(n, h)
        let (found, at): (Int32, Int)
        if n <= 16 {
            let t = Self.tailWord(p, n)
            (found, at) = tails.withUnsafeBufferPointer { tl in probe(h, want, w) { tl[$0] == t } }
        } else {
            (found, at) = probe(h, want, w) { tailEquals($0, p, n) }
        }
        if found >= 0 { return found }
        return insert(p, n, hash: h, slot: at, word: w, meta: want)
    }

    @inlinable public mutating func intern(_ p: UnsafePointer<UInt8>, _ n: Int) -> Int32 {
        intern(p, n, hash: Self.hash(p, n))
    }

    public mutating func intern(_ key: String) -> Int32 {
        var k = key
        return k.withUTF8 { b in
            let p = b.baseAddress ?? ByteInterner.empty
            return intern(p, b.count)
        }
    }

    @usableFromInline mutating func insert(_ p: UnsafePointer<UInt8>, _ n: Int, hash h: UInt64, slot: Int, word: UInt64, meta: UInt64) -> Int32 {
        let e = count
        append(p, n)
        let r = region(h)
        regions[r][slot] = Slot(word: word, meta: meta | UInt64(UInt32(e) + 1))
        filled[r] += 1
        if filled[r] * 10 > regions[r].count * 7 { regions[r] = rehashed(regions[r], slotCount: regions[r].count * 2) }
        return Int32(e)
    }

    /// Adds a key's bytes as entry `count` (its tail word, its bytes and its end offset).
    @usableFromInline mutating func append(_ p: UnsafePointer<UInt8>, _ n: Int) {
        if n > 8 && n <= 16 {
            if tails.isEmpty { tails = [UInt64](repeating: 0, count: count) }
            tails.append(Self.tailWord(p, n))
        } else if !tails.isEmpty {
            tails.append(0)
        }
        arena.append(contentsOf: UnsafeBufferPointer(start: p, count: n))
        let end = arena.count
        if end >> 32 > wraps.count { wraps.append(offsets.count) }
        offsets.append(UInt32(truncatingIfNeeded: end))
    }

    /// The hash of entry `e`, from its slot (keys of up to 16 bytes) or its bytes.
    @usableFromInline func hash(of slot: Slot) -> UInt64 {
        let e = slot.entry
        return Self.keyHash(slot.word, slot.length, tail: { tails[e] }, long: {
            arena.withUnsafeBufferPointer { a in Self.hash(a.baseAddress! + start(e), start(e + 1) - start(e)) }
        })
    }

    /// `table`'s keys in a fresh table of `n` slots (hashes from `hash(of:)`). A table of one
    /// region is rebuilt from the keys in index order instead: their bytes and tails are read in
    /// sequence, not at random (9-byte ids, 3M keys: the random tail reads were 15 % of a load).
    @usableFromInline func rehashed(_ table: [Slot], slotCount n: Int) -> [Slot] {
        guard regionBits == 0 else { return Self.rehashed(table, slotCount: n) { hash(of: $0) } }
        var fresh = Self.emptySlots(n)
        let mask = n - 1
        fresh.withUnsafeMutableBufferPointer { f in
            arena.withUnsafeBufferPointer { a in
                let base = a.baseAddress ?? ByteInterner.empty
                var lo = start(0)
                for e in 0 ..< count {
                    let hi = start(e + 1), len = hi - lo
                    let w = Self.firstWord(base + lo, min(len, 8))
                    let h = Self.keyHash(w, len, tail: { tails[e] }, long: { Self.hash(base + lo, len) })
                    var s = Int(truncatingIfNeeded: h) & mask
                    while f[s].meta != 0 { s = (s + 1) & mask }
                    f[s] = Slot(word: w, meta: Self.metaKey(len, h) | UInt64(UInt32(e) + 1))
                    lo = hi
                }
            }
        }
        return fresh
    }

    /// `table`'s keys in a fresh table of `n` slots, each placed by `hashOf(slot)`.
    static func rehashed(_ table: [Slot], slotCount n: Int, hashOf: (Slot) -> UInt64) -> [Slot] {
        var fresh = emptySlots(n)
        let mask = n - 1
        fresh.withUnsafeMutableBufferPointer { f in
            for slot in table where slot.meta != 0 {
                var s = Int(truncatingIfNeeded: hashOf(slot)) & mask
                while f[s].meta != 0 { s = (s + 1) & mask }
                f[s] = slot
            }
        }
        return fresh
    }

    /// Spreads the keys over `1 << bits` regions (each sized for its keys and room for
    /// `expected` keys in all); what the parallel reader needs before each thread takes its regions.
    mutating func partition(bits: Int, expected: Int) {
        let all = regions.flatMap { $0 }
        regionBits = bits
        let r = 1 << bits
        var buckets = [[Slot]](repeating: [], count: r)
        for slot in all where slot.meta != 0 { buckets[region(hash(of: slot))].append(slot) }
        filled = buckets.map(\.count)
        let each = max(expected, count) / r + 16
        regions = buckets.map { Self.rehashed($0, slotCount: Self.slotCount(forKeys: max(each, $0.count + 16))) { hash(of: $0) } }
    }

    /// Makes room for `keys` keys in all (one rehash now instead of one per doubling later); the
    /// hash table only for `tableKeys` of them when given (the key storage costs no memory until
    /// used, the table is zeroed at once).
    public mutating func reserve(_ keys: Int, tableKeys: Int? = nil) {
        let r = regions.count
        let want = Self.slotCount(forKeys: ((tableKeys ?? keys) + r - 1) / r + (r > 1 ? 16 : 0))
        for k in 0 ..< r where want > regions[k].count { regions[k] = rehashed(regions[k], slotCount: want) }
        if !tails.isEmpty { tails.reserveCapacity(keys) }
        offsets.reserveCapacity(keys + 1)
        if count > 0 { arena.reserveCapacity(arena.count / count * keys + 64) }
    }

    /// Calls `body` with the bytes of key `i`.
    @inlinable public func withKey<R>(_ i: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        let lo = start(i), hi = start(i + 1)
        return try arena.withUnsafeBufferPointer { a in try body(UnsafeBufferPointer(rebasing: a[lo ..< hi])) }
    }

    /// Key `i` as a `String` (keys are validated UTF-8 by the reader).
    public func string(_ i: Int) -> String { withKey(i) { String(decoding: $0, as: UTF8.self) } }

    /// All keys as strings, in index order.
    public var strings: [String] {
        var out = [String]()
        out.reserveCapacity(count)
        arena.withUnsafeBufferPointer { a in
            var lo = start(0)
            for i in 0 ..< count {
                let hi = start(i + 1)
                out.append(String(decoding: UnsafeBufferPointer(rebasing: a[lo ..< hi]), as: UTF8.self))
                lo = hi
            }
        }
        return out
    }

    /// Interns every key of `other` in its order and returns, for each of its indices, the index here.
    ///
    /// Big merges size the table once, for the share of `other`'s keys that a sample of 1,024 of
    /// them finds new, and look keys up 256 at a time, their home slots read first so that the
    /// cache misses overlap (10M distinct customer ids: the merge was a third of the load).
    public mutating func merge(_ other: ByteInterner) -> [Int32] {
        let n = other.count
        func key(_ i: Int) -> (Int, Int) { let o = other.start(i); return (o, other.start(i + 1) - o) }
        if n > 8192 {
            var new = 0
            other.arena.withUnsafeBufferPointer { a in
                let base = a.baseAddress ?? ByteInterner.empty
                for k in 0 ..< 1024 {
                    let (o, len) = key(k * (n / 1024))
                    if find(base + o, len, hash: Self.hash(base + o, len)) == nil { new += 1 }
                }
            }
            reserve(count + (n * (new + 8) / 1024) * 21 / 20)
        }
        var map = [Int32](repeating: 0, count: n)
        var hashes = [UInt64](repeating: 0, count: 256)
        var touched: UInt64 = 0
        other.arena.withUnsafeBufferPointer { a in
            let base = a.baseAddress ?? ByteInterner.empty
            var begin = 0
            while begin < n {
                let end = min(n, begin + 256)
                for i in begin ..< end {
                    let (o, len) = key(i)
                    hashes[i - begin] = Self.hash(base + o, len)
                    touched &+= touch(hashes[i - begin])
                }
                for i in begin ..< end {
                    let (o, len) = key(i)
                    map[i] = intern(base + o, len, hash: hashes[i - begin])
                }
                begin = end
            }
        }
        keepAlive(touched)   // keeps the cache-warming loads
        return map
    }
}
