#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import TenureNumerics
import Dispatch

/// Dense codes for a column of identifiers that are only ever compared for equality (`order_id`):
/// equal text ⟺ equal code, exactly — a 64-bit hash only narrows the search, the bytes decide.
///
/// The reader records per row the key's hash and where its bytes lie in the file (`ref`); no key is
/// copied and no dictionary of the whole column is built. Rows are then split into 64 partitions by
/// the hash's top bits (a stable counting scatter), and each partition is deduplicated on its own
/// — in parallel, in a table that fits in cache. Codes are numbered partition after partition, by
/// first appearance within a partition. The partition count is fixed, so the codes do not depend
/// on the thread count. The text itself is not kept: nothing shows an order id.
///
/// Raw bytes are compared as they stand in the file, between the quotes: a quoted field and an
/// unquoted one with the same text compare equal, and a field with doubled quotes (`a""b`) can only
/// equal another field written the same way, since an unquoted field cannot hold a quote.
enum KeyCodes {
    static let partitionBits = 6
    /// `ref` of an empty field (code −1).
    static let empty = UInt64.max

    /// A key's place in the file: byte offset and length (fields hold at most `Tokenizer.maxFieldBytes`).
    @inline(__always) static func ref(offset: Int, length: Int) -> UInt64 { UInt64(offset) << 24 | UInt64(length) }

    /// Writes `codes[r]` (−1 where `ref[r]` is `empty`) and returns the number of distinct keys.
    static func assign(hash: UnsafePointer<UInt64>, ref: UnsafePointer<UInt64>, rows n: Int,
                       bytes base: UnsafePointer<UInt8>, codes: UnsafeMutablePointer<Int32>) -> Int {
        let P = 1 << partitionBits, shift = UInt64(64 - partitionBits)
        let blocks = max(1, min(16, n / 65_536))
        let bounds = (0...blocks).map { n * $0 / blocks }
        // Rows per (block, partition), then each block's start in every partition: rows stay in file order.
        let start = UnsafeMutablePointer<Int>.allocate(capacity: blocks * P)
        defer { start.deallocate() }
        start.initialize(repeating: 0, count: blocks * P)
        Parallel.forEach(blocks) { b in
            let c = start + b * P
            for r in bounds[b]..<bounds[b + 1] where ref[r] != empty { c[Int(hash[r] >> shift)] += 1 }
        }
        var partitionStart = [Int](repeating: 0, count: P + 1)
        var total = 0
        for p in 0..<P {
            partitionStart[p] = total
            for b in 0..<blocks { let c = start[b * P + p]; start[b * P + p] = total; total += c }
        }
        partitionStart[P] = total
        // Partition order: each row's number and hash, so that deduplication reads them in sequence.
        let rowsOf = UnsafeMutablePointer<Int32>.allocate(capacity: max(total, 1))
        let hashOf = UnsafeMutablePointer<UInt64>.allocate(capacity: max(total, 1))
        let localCode = UnsafeMutablePointer<Int32>.allocate(capacity: max(total, 1))
        defer { rowsOf.deallocate(); hashOf.deallocate(); localCode.deallocate() }
        Parallel.forEach(blocks) { b in
            let c = start + b * P
            for r in bounds[b]..<bounds[b + 1] {
                if ref[r] == empty { codes[r] = -1; continue }
                let h = hash[r], p = Int(h >> shift), k = c[p]
                rowsOf[k] = Int32(r); hashOf[k] = h; c[p] = k + 1
            }
        }
        // Deduplicate each partition: open addressing on the hash, bytes compared on a hash match.
        let distinct = UnsafeMutablePointer<Int>.allocate(capacity: P)
        defer { distinct.deallocate() }
        Parallel.forEach(P) { p in
            let lo = partitionStart[p], m = partitionStart[p + 1] - lo
            var size = 16
            while size < 2 * m { size <<= 1 }
            let mask = size - 1
            let slotHash = UnsafeMutablePointer<UInt64>.allocate(capacity: size)
            let slotCode = UnsafeMutablePointer<Int32>.allocate(capacity: size)
            var firstRow = [Int32]()
            firstRow.reserveCapacity(m)
            defer { slotHash.deallocate(); slotCode.deallocate() }
            slotCode.initialize(repeating: -1, count: size)
            for k in lo..<(lo + m) {
                let h = hashOf[k]
                var s = Int(truncatingIfNeeded: h) & mask
                var code: Int32 = -1
                while slotCode[s] >= 0 {
                    if slotHash[s] == h && sameBytes(ref[Int(rowsOf[k])], ref[Int(firstRow[Int(slotCode[s])])], base) { code = slotCode[s]; break }
                    s = (s + 1) & mask
                }
                if code < 0 {
                    code = Int32(firstRow.count)
                    firstRow.append(rowsOf[k])
                    slotHash[s] = h; slotCode[s] = code
                }
                localCode[k] = code
            }
            distinct[p] = firstRow.count
        }
        var offset = [Int32](repeating: 0, count: P)
        var count = 0
        for p in 0..<P { offset[p] = Int32(count); count += distinct[p] }
        Parallel.forEach(P) { p in
            let o = offset[p]
            for k in partitionStart[p]..<partitionStart[p + 1] { codes[Int(rowsOf[k])] = localCode[k] + o }
        }
        return count
    }

    @inline(__always) static func sameBytes(_ a: UInt64, _ b: UInt64, _ base: UnsafePointer<UInt8>) -> Bool {
        let la = Int(a & 0xFF_FFFF), lb = Int(b & 0xFF_FFFF)
        guard la == lb else { return false }
        return memcmp(base + Int(a >> 24), base + Int(b >> 24), la) == 0
    }
}
