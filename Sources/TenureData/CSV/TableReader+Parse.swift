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

    /// A key waiting to be interned (see `ChunkParser.flush`).
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
    static func parseChunk(_ ctx: Context, store: Storage, range: Range<Int>, line: Int, rowBase: Int, capacity: Int,
                           mode: Mode, validateUTF8: Bool) -> ChunkOutput {
        var parser = ChunkParser(ctx, store: store, range: range, line: line, rowBase: rowBase, capacity: capacity, mode: mode)
        defer { parser.free() }
        if validateUTF8 {
            parser.badUTF8 = invalidUTF8Offsets(ctx.base, range, limit: mode == .skip ? 1_000_000 : 1)
            if !parser.badUTF8.isEmpty && mode == .parallel { parser.out.ok = false; return parser.out }
        }
        return parser.run()
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
