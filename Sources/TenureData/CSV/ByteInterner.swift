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
/// Layout: open addressing with linear probing. A slot holds the key's first 8 bytes (zero
/// padded) and a word packing the entry index, the key length and 11 bits of the hash, so keys of
/// up to 8 bytes (`C0001234`) are compared without leaving the slot. Keys of 9 to 16 bytes
/// (`C00000042`, most exported ids) are compared with one more word, their bytes 8–15 kept per
/// entry (`tails`): one load instead of the key's offset and then its bytes in the arena. Longer
/// keys are compared against the arena that holds every key's bytes. Load factor at most 0.5.
public struct ByteInterner: Sendable {
    @usableFromInline struct Slot: Sendable {
        @usableFromInline var word: UInt64
        /// 0 = empty; else entry+1 (bits 0–31), min(length, 2^21-1) (bits 32–52), hash tag (bits 53–63).
        @usableFromInline var meta: UInt64
        @usableFromInline init(word: UInt64, meta: UInt64) { self.word = word; self.meta = meta }
    }
    @usableFromInline var slots: [Slot]
    @usableFromInline var hashes: [UInt64] = []
    /// Bytes 8 ..< 16 of key i (zero padded) when it has 9 to 16 bytes, else 0.
    @usableFromInline var tails: [UInt64] = []
    @usableFromInline var offsets: [Int] = [0]    // key i is arena[offsets[i] ..< offsets[i+1]]
    @usableFromInline var arena: [UInt8] = []

    public init(capacity: Int = 16) {
        var n = 16
        while n < capacity * 2 { n <<= 1 }
        slots = Self.emptySlots(n)
    }

    /// `n` empty slots. (Advising large tables onto transparent huge pages was tried: peak RSS rose
    /// by ~25 % at 8M rows with no CPU gain on this machine, so plain pages it is.)
    @usableFromInline static func emptySlots(_ n: Int) -> [Slot] {
        [Slot](repeating: Slot(word: 0, meta: 0), count: n)
    }

    public var count: Int { hashes.count }

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

    @inlinable @inline(__always) static func metaKey(_ n: Int, _ h: UInt64) -> UInt64 {
        (UInt64(min(n, 0x1F_FFFF)) << 32) | ((h >> 53) << 53)
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

    /// Linear probing from the home slot of `h` for a slot holding `want` (length and hash tag)
    /// and first word `w` whose entry `rest` accepts (bytes beyond the first word): (entry, slot),
    /// or (−1, the empty slot that ended the probe).
    @inlinable @inline(__always)
    func probe(_ h: UInt64, _ want: UInt64, _ w: UInt64, rest: (Int) -> Bool) -> (entry: Int32, slot: Int) {
        slots.withUnsafeBufferPointer { t in
            let mask = t.count - 1
            var s = Int(truncatingIfNeeded: h) & mask
            while true {
                let slot = t[s]
                if slot.meta == 0 { return (-1, s) }
                if slot.meta & ~0xFFFF_FFFF == want && slot.word == w {
                    let e = Int(UInt32(truncatingIfNeeded: slot.meta)) - 1
                    if rest(e) { return (Int32(e), s) }
                }
                s = (s + 1) & mask
            }
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
        let o = offsets[e], len = offsets[e + 1] - o
        guard len == n else { return false }
        return arena.withUnsafeBufferPointer { a in
            memcmp((a.baseAddress ?? ByteInterner.empty) + o, p, n) == 0
        }
    }

    /// Reads the home slot of `hash` (to bring it into cache ahead of `intern`).
    @inlinable @inline(__always) public func touch(_ h: UInt64) -> UInt64 {
        slots.withUnsafeBufferPointer { t in t[Int(truncatingIfNeeded: h) & (t.count - 1)].meta }
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
        let e = Int32(hashes.count)
        hashes.append(h)
        tails.append(n > 8 && n <= 16 ? Self.tailWord(p, n) : 0)
        arena.append(contentsOf: UnsafeBufferPointer(start: p, count: n))
        offsets.append(arena.count)
        slots[slot] = Slot(word: word, meta: meta | UInt64(UInt32(e) + 1))
        if hashes.count * 2 > slots.count { grow() }
        return e
    }

    mutating func grow() { rebuild(slotCount: slots.count * 2) }

    /// Makes room for `keys` keys in all (one rehash now instead of one per doubling later); the
    /// hash table only for `tableKeys` of them when given (the key storage costs no memory until
    /// used, the table is zeroed at once).
    public mutating func reserve(_ keys: Int, tableKeys: Int? = nil) {
        var n = slots.count
        while n < (tableKeys ?? keys) * 2 { n <<= 1 }
        if n > slots.count { rebuild(slotCount: n) }
        hashes.reserveCapacity(keys)
        tails.reserveCapacity(keys)
        offsets.reserveCapacity(keys + 1)
        if count > 0 { arena.reserveCapacity(arena.count / count * keys + 64) }
    }

    /// Re-inserts every key into a table of `n` slots, reading the keys in index order (sequential
    /// memory) so that only the writes into the new table are random.
    mutating func rebuild(slotCount n: Int) {
        var fresh = Self.emptySlots(n)
        let mask = n - 1
        fresh.withUnsafeMutableBufferPointer { f in
            hashes.withUnsafeBufferPointer { hs in
                offsets.withUnsafeBufferPointer { os in
                    arena.withUnsafeBufferPointer { a in
                        let base = a.baseAddress ?? ByteInterner.empty
                        for e in 0 ..< hs.count {
                            let h = hs[e], o = os[e], len = os[e + 1] - o
                            var s = Int(truncatingIfNeeded: h) & mask
                            while f[s].meta != 0 { s = (s + 1) & mask }
                            f[s] = Slot(word: Self.firstWord(base + o, len),
                                        meta: Self.metaKey(len, h) | UInt64(UInt32(e) + 1))
                        }
                    }
                }
            }
        }
        slots = fresh
    }

    /// Calls `body` with the bytes of key `i`.
    @inlinable public func withKey<R>(_ i: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        try arena.withUnsafeBufferPointer { a in
            try body(UnsafeBufferPointer(rebasing: a[offsets[i] ..< offsets[i + 1]]))
        }
    }

    /// Key `i` as a `String` (keys are validated UTF-8 by the reader).
    public func string(_ i: Int) -> String { withKey(i) { String(decoding: $0, as: UTF8.self) } }

    /// All keys as strings, in index order.
    public var strings: [String] {
        var out = [String]()
        out.reserveCapacity(count)
        arena.withUnsafeBufferPointer { a in
            for i in 0 ..< count {
                out.append(String(decoding: UnsafeBufferPointer(rebasing: a[offsets[i] ..< offsets[i + 1]]), as: UTF8.self))
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
        if n > 8192 {
            var new = 0
            other.arena.withUnsafeBufferPointer { a in
                let base = a.baseAddress ?? ByteInterner.empty
                for k in 0 ..< 1024 {
                    let i = k * (n / 1024), o = other.offsets[i]
                    if find(base + o, other.offsets[i + 1] - o, hash: other.hashes[i]) == nil { new += 1 }
                }
            }
            reserve(count + (n * (new + 8) / 1024) * 21 / 20)
        }
        var map = [Int32](repeating: 0, count: n)
        var touched: UInt64 = 0
        other.arena.withUnsafeBufferPointer { a in
            let base = a.baseAddress ?? ByteInterner.empty
            var start = 0
            while start < n {
                let end = min(n, start + 256)
                for i in start ..< end { touched &+= touch(other.hashes[i]) }
                for i in start ..< end {
                    let o = other.offsets[i]
                    map[i] = intern(base + o, other.offsets[i + 1] - o, hash: other.hashes[i])
                }
                start = end
            }
        }
        keepAlive(touched)   // keeps the cache-warming loads
        return map
    }
}
