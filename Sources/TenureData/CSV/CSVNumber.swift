/// Numbers as tenure writes them into CSV files, straight into a byte buffer (no `String` per value).
///
/// Contract: `append(_ x: Double, …)` writes exactly `x.description` — Swift's shortest form that
/// reads back to the same `Double` (`31895.56`, `1.0`, `0.016830294530154277`, `1e-05`) — and
/// `append(_ i: Int, …)` exactly `String(i)`. Non-finite values are the caller's business (report
/// tables write them as empty fields).
///
/// Why not `description` for every value: it builds a `String`; money and counts (most cells of a
/// cohort or scores table) have at most four decimals, and for those the shortest form is found
/// directly: the smallest `k ≤ 4` for which `round(|x|·10^k) / 10^k == |x|` (a correctly rounded
/// division, so the decimal reads back exactly) gives the digits, when no neighbour of that numerator
/// also reads back (then the closest of two candidates would have to be chosen: left to
/// `description`). Anything else — 17-digit fractions, `|x| < 10⁻³`, `|x| ≥ 10¹⁵` — goes to
/// `description`. `Tests/TenureDataTests/CSVNumberTests` compares both on millions of values.
public enum CSVNumber {
    @usableFromInline static let powers: [Double] = [1, 10, 100, 1000, 10000]

    @inlinable public static func append(_ x: Double, to out: inout [UInt8]) {
        if x == 0 {
            if x.sign == .minus { out.append(45) }
            out.append(48); out.append(46); out.append(48)   // "0.0"
            return
        }
        let a = abs(x)
        if a >= 1e-3 && a < 1e15 {
            for k in 0 ... 4 {
                let p = powers[k]
                let v = a * p
                guard v < 0x1p51 else { break }   // below 2^51 the rounded product is the nearest numerator
                let s = Double(Int64(v + 0.5))
                if s / p == a {
                    if (s + 1) / p == a || (s - 1) / p == a { break }
                    if x < 0 { out.append(45) }
                    let whole = UInt64(s) / UInt64(p)
                    appendDigits(whole, to: &out)
                    out.append(46)
                    if k == 0 { out.append(48); return }
                    var frac = UInt64(s) % UInt64(p)
                    var digits: (UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0)
                    withUnsafeMutableBytes(of: &digits) { d in
                        for j in stride(from: k - 1, through: 0, by: -1) { d[j] = UInt8(48 + frac % 10); frac /= 10 }
                        for j in 0 ..< k { out.append(d[j]) }
                    }
                    return
                }
            }
        }
        out.append(contentsOf: x.description.utf8)
    }

    @inlinable public static func append(_ i: Int, to out: inout [UInt8]) {
        if i < 0 { out.append(45) }
        appendDigits(UInt64(i.magnitude), to: &out)
    }

    /// The decimal digits of `v` (no sign).
    @inlinable static func appendDigits(_ v: UInt64, to out: inout [UInt8]) {
        if v < 10 { out.append(UInt8(48 + v)); return }
        var x = v
        var tmp: (UInt64, UInt64, UInt64) = (0, 0, 0)   // 24 bytes ≥ the 20 digits of UInt64.max
        withUnsafeMutableBytes(of: &tmp) { t in
            var n = 0
            while x > 0 { t[n] = UInt8(48 + x % 10); x /= 10; n += 1 }
            while n > 0 { n -= 1; out.append(t[n]) }
        }
    }
}
