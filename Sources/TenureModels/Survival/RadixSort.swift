/// Stable LSD radix sorts used to order subjects without comparison sorts (O(n) passes).
enum RadixSort {
    /// Order-preserving map of a Double to UInt64 (−0 and +0 map together; NaN sorts last).
    @inline(__always) static func key(_ x: Double) -> UInt64 {
        let b = (x == 0 ? 0.0 : x).bitPattern
        return b & (1 << 63) != 0 ? ~b : b | (1 << 63)
    }

    /// The sorting permutation and the order-preserving keys in sorted order (equal keys ⟺ equal
    /// values), so callers can find runs of ties without gathering the values again.
    static func orderAndKeys(_ values: [Double]) -> (order: [Int32], keys: [UInt64]) {
        guard let o = countingOrder(values) else { return radixOrder(values) }
        var k = [UInt64](repeating: 0, count: o.count)
        values.withUnsafeBufferPointer { v in
            o.withUnsafeBufferPointer { op in
                k.withUnsafeMutableBufferPointer { kp in for q in 0..<op.count { kp[q] = key(v[Int(op[q])]) } }
            }
        }
        return (o, k)
    }

    /// Permutation that sorts `values` ascending, stable. Whole numbers in a compact range (survival
    /// times in days) take one counting-sort pass; anything else an LSD radix sort on 11-bit digits.
    static func order(_ values: [Double]) -> [Int32] {
        if let o = countingOrder(values) { return o }
        return radixOrder(values).order
    }

    /// LSD radix sort on 11-bit digits of the order-preserving keys; also returns the sorted keys
    /// (minus the smallest one).
    static func radixOrder(_ values: [Double]) -> (order: [Int32], keys: [UInt64]) {
        let n = values.count
        var keys = [UInt64](repeating: 0, count: n)
        var lo = UInt64.max, hi = UInt64.min
        values.withUnsafeBufferPointer { v in
            for i in 0..<n { let k = key(v[i]); keys[i] = k; if k < lo { lo = k }; if k > hi { hi = k } }
        }
        var idx = [Int32](repeating: 0, count: n)
        for i in 0..<n { idx[i] = Int32(i) }
        if n < 2 { return (idx, keys) }
        let span = hi &- lo
        for i in 0..<n { keys[i] = keys[i] &- lo }
        var bitsNeeded = 0
        while bitsNeeded < 64 && (span >> UInt64(bitsNeeded)) != 0 { bitsNeeded += 1 }
        // 16-bit digits (4 passes over a full 64-bit span) once n dwarfs the 64k-bucket count table
        let digit = n >= 1 << 18 ? 16 : 11, buckets = 1 << digit
        var tmpIdx = idx, tmpKey = keys
        var count = [Int](repeating: 0, count: buckets)
        var shift = 0
        while shift < bitsNeeded {
            for b in 0..<buckets { count[b] = 0 }
            keys.withUnsafeBufferPointer { kp in
                for i in 0..<n { count[Int((kp[i] >> UInt64(shift)) & UInt64(buckets - 1))] += 1 }
            }
            var sum = 0
            for b in 0..<buckets { let c = count[b]; count[b] = sum; sum += c }
            keys.withUnsafeBufferPointer { kp in
                idx.withUnsafeBufferPointer { ip in
                    tmpKey.withUnsafeMutableBufferPointer { tk in
                        tmpIdx.withUnsafeMutableBufferPointer { ti in
                            for i in 0..<n {
                                let b = Int((kp[i] >> UInt64(shift)) & UInt64(buckets - 1))
                                let pos = count[b]; count[b] = pos + 1
                                tk[pos] = kp[i]; ti[pos] = ip[i]
                            }
                        }
                    }
                }
            }
            swap(&keys, &tmpKey); swap(&idx, &tmpIdx)
            shift += digit
        }
        return (idx, keys)
    }

    /// Counting sort when every value is a whole number and max − min ≤ max(2²², 4n); nil otherwise.
    static func countingOrder(_ values: [Double]) -> [Int32]? {
        let n = values.count
        guard n > 1 else { return n == 1 ? [0] : [] }
        return values.withUnsafeBufferPointer { v -> [Int32]? in
            var lo = v[0], hi = v[0]
            for i in 0..<n {
                let x = v[i]
                guard x == x.rounded(.down), abs(x) < 1e15 else { return nil }   // NaN fails too
                if x < lo { lo = x } else if x > hi { hi = x }
            }
            guard hi - lo <= Double(max(1 << 22, 4 * n)) else { return nil }
            let base = Int(lo), range = Int(hi) - base + 1
            var start = [Int](repeating: 0, count: range + 1)
            start.withUnsafeMutableBufferPointer { sp in
                for i in 0..<n { sp[Int(v[i]) - base + 1] += 1 }
                for k in 0..<range { sp[k + 1] += sp[k] }
            }
            var out = [Int32](repeating: 0, count: n)
            out.withUnsafeMutableBufferPointer { op in
                start.withUnsafeMutableBufferPointer { sp in
                    for i in 0..<n { let k = Int(v[i]) - base; op[sp[k]] = Int32(i); sp[k] += 1 }
                }
            }
            return out
        }
    }

    /// Stable counting sort of the permutation `order` by small non-negative integer `bucket` keys.
    static func stableBy(_ order: [Int32], bucket: [Int32], buckets: Int) -> [Int32] {
        var count = [Int](repeating: 0, count: buckets + 1)
        for i in order { count[Int(bucket[Int(i)]) + 1] += 1 }
        for b in 0..<buckets { count[b + 1] += count[b] }
        var out = [Int32](repeating: 0, count: order.count)
        for i in order { let b = Int(bucket[Int(i)]); out[count[b]] = i; count[b] += 1 }
        return out
    }
}
