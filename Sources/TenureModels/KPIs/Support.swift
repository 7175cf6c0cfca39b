import Foundation
import TenureData

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

/// Intervals used by the KPIs. Kept here (not in TenureNumerics) because they are the only
/// statistics the KPI suite needs: closed forms, no iteration.
enum Interval {
    /// Standard normal quantile (Acklam's rational approximation refined by one Halley step
    /// on `erfc`; |error| < 1e-15 over (1e-300, 1 − 1e-16)).
    static func normalQuantile(_ p: Double) -> Double {
        precondition(p > 0 && p < 1)
        let a = [-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00]
        let b = [-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01, -1.328068155288572e+01]
        let c = [-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00]
        let d = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00]
        var x: Double
        if p < 0.02425 {
            let q = (-2 * log(p)).squareRoot()
            x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
        } else if p <= 1 - 0.02425 {
            let q = p - 0.5, r = q * q
            x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1)
        } else {
            let q = (-2 * log(1 - p)).squareRoot()
            x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
        }
        let e = 0.5 * erfc(-x / 2.0.squareRoot()) - p
        let u = e * (2 * Double.pi).squareRoot() * exp(x * x / 2)
        x = x - u / (1 + x * u / 2)
        return x
    }

    /// Wilson score interval for `k` successes in `n` trials.
    static func wilson(_ k: Double, _ n: Double, z: Double) -> (Double, Double) {
        guard n > 0 else { return (.nan, .nan) }
        let p = k / n, z2 = z * z
        let denom = 1 + z2 / n
        let centre = (p + z2 / (2 * n)) / denom
        let half = z / denom * (p * (1 - p) / n + z2 / (4 * n * n)).squareRoot()
        return (max(0, centre - half), min(1, centre + half))
    }
}

/// Linear-interpolation quantile of sorted values (numpy's default, Hyndman–Fan type 7).
@inline(__always) func quantileSorted(_ x: UnsafeMutableBufferPointer<Double>, _ lo: Int, _ n: Int, _ q: Double) -> Double {
    let h = Double(n - 1) * q
    let i = Int(h.rounded(.down))
    let f = h - Double(i)
    if i + 1 >= n { return x[lo + n - 1] }
    return x[lo + i] + f * (x[lo + i + 1] - x[lo + i])
}

/// Per-key count, median, p90 and mean of `values` grouped by `keys` (key < 0 = left out).
func groupedSummaries(_ values: [Double], keys: [Int32], nKeys: Int) -> [(n: Int, median: Double, p90: Double, mean: Double)] {
    var counts = [Int](repeating: 0, count: nKeys + 1)
    for k in keys where k >= 0 { counts[Int(k) + 1] += 1 }
    for i in 0..<nKeys { counts[i + 1] += counts[i] }
    var next = counts
    var buf = [Double](repeating: 0, count: counts[nKeys])
    for (i, k) in keys.enumerated() where k >= 0 { buf[next[Int(k)]] = values[i]; next[Int(k)] += 1 }
    var out: [(n: Int, median: Double, p90: Double, mean: Double)] = []
    out.reserveCapacity(nKeys)
    buf.withUnsafeMutableBufferPointer { b in
        for k in 0..<nKeys {
            let lo = counts[k], n = counts[k + 1] - lo
            if n == 0 { out.append((0, .nan, .nan, .nan)); continue }
            var slice = UnsafeMutableBufferPointer(rebasing: b[lo..<(lo + n)])
            slice.sort()
            var s = 0.0
            for v in slice { s += v }
            out.append((n, quantileSorted(b, lo, n, 0.5), quantileSorted(b, lo, n, 0.9), s / Double(n)))
        }
    }
    return out
}
