import Foundation
import TenureData
import TenureNumerics

/// Group layout of a KPI run: index 0 = overall, then one per period, per segment, per channel.
struct Layout {
    let P: Int, S: Int, C: Int
    var G: Int { 1 + P + S + C }
    @inline(__always) func period(_ p: Int) -> Int { 1 + p }
    @inline(__always) func segment(_ s: Int) -> Int { 1 + P + s }
    @inline(__always) func channel(_ c: Int) -> Int { 1 + P + S + c }
}

/// One `Double` per group; `add` credits a row to overall, its period, its segment and its channel.
struct Acc {
    var v: [Double]
    let L: Layout
    init(_ L: Layout) { self.L = L; v = [Double](repeating: 0, count: L.G) }
    @inline(__always) mutating func add(p: Int, s: Int32, c: Int32, _ x: Double) {
        v[0] += x
        if p >= 0 { v[1 + p] += x }
        if s >= 0 { v[1 + L.P + Int(s)] += x }
        if c >= 0 { v[1 + L.P + L.S + Int(c)] += x }
    }
    subscript(g: Int) -> Double { v[g] }
}

/// Rows of a table grouped by customer (CSR), each customer's rows in ascending `key` order
/// (ties keep file order). `rows[offsets[c] ..< offsets[c + 1]]`.
struct ByCustomer {
    var offsets: [Int]
    var rows: [Int32]

    init<K: Comparable>(customer: [Int32], customers n: Int, key: [K]) {
        var counts = [Int](repeating: 0, count: n + 1)
        customer.withUnsafeBufferPointer { cb in
            for c in cb where c >= 0 { counts[Int(c) + 1] += 1 }
        }
        for i in 0..<n { counts[i + 1] += counts[i] }
        offsets = counts
        var next = counts
        var rows = [Int32](repeating: 0, count: counts[n])
        customer.withUnsafeBufferPointer { cb in
            for (r, c) in cb.enumerated() where c >= 0 {
                rows[next[Int(c)]] = Int32(r); next[Int(c)] += 1
            }
        }
        key.withUnsafeBufferPointer { kb in
            rows.withUnsafeMutableBufferPointer { rb in
                for c in 0..<n {
                    let lo = counts[c], hi = counts[c + 1]
                    if hi - lo < 2 { continue }
                    if hi - lo <= 32 {
                        // insertion sort: stable, fast for the handful of rows a customer has
                        for i in (lo + 1)..<hi {
                            let r = rb[i], k = kb[Int(r)]
                            var j = i - 1
                            while j >= lo && kb[Int(rb[j])] > k { rb[j + 1] = rb[j]; j -= 1 }
                            rb[j + 1] = r
                        }
                    } else {
                        let sorted = rb[lo..<hi].sorted { let a = kb[Int($0)], b = kb[Int($1)]; return a < b || (a == b && $0 < $1) }
                        for (i, r) in sorted.enumerated() { rb[lo + i] = r }
                    }
                }
            }
        }
        self.rows = rows
    }
}

/// Per-key count, median, p90 and mean of `values` grouped by `keys` (key < 0 = left out).
func groupedSummaries(_ values: [Double], keys: [Int32], nKeys: Int) -> [DurationSummary] {
    var counts = [Int](repeating: 0, count: nKeys + 1)
    for k in keys where k >= 0 { counts[Int(k) + 1] += 1 }
    for i in 0..<nKeys { counts[i + 1] += counts[i] }
    var next = counts
    var buf = [Double](repeating: 0, count: counts[nKeys])
    for (i, k) in keys.enumerated() where k >= 0 { buf[next[Int(k)]] = values[i]; next[Int(k)] += 1 }
    var out: [DurationSummary] = []
    out.reserveCapacity(nKeys)
    buf.withUnsafeMutableBufferPointer { b in
        for k in 0..<nKeys {
            let lo = counts[k], n = counts[k + 1] - lo
            if n == 0 { out.append(.empty); continue }
            var slice = UnsafeMutableBufferPointer(rebasing: b[lo..<(lo + n)])
            slice.sort()
            var s = 0.0
            for v in slice { s += v }
            let sorted = UnsafeBufferPointer(slice)
            out.append(DurationSummary(n: n, median: Stats.quantile(sorted: sorted, 0.5), p90: Stats.quantile(sorted: sorted, 0.9), mean: s / Double(n)))
        }
    }
    return out
}
