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
/// `description`). Anything else with 1e-4 ≤ |x| < 2⁵³ (17-digit fractions) gets its shortest
/// digits by exact integer arithmetic (`shortest`: ~3× faster than `description`, no allocation);
/// beyond that range (exponent notation) `description` itself. `CSVNumberTests` compares both on
/// millions of values.
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
        if a >= 1e-4 && a < 0x1p53 { appendShortest(x, to: &out); return }
        out.append(contentsOf: x.description.utf8)
    }

    /// `x.description` for 1e-4 ≤ |x| < 2⁵³, where it is plain decimal (`0.016830294530154277`,
    /// `4503599627370496.0`): the digits from `shortest`, the point placed by the exponent.
    @usableFromInline static func appendShortest(_ x: Double, to out: inout [UInt8]) {
        let (d, e) = shortest(abs(x))
        if x < 0 { out.append(45) }
        withDigits(d) { digits in
            let n = digits.count, point = digits.startIndex + n + e
            if e >= 0 {
                out.append(contentsOf: digits)
                for _ in 0 ..< e { out.append(48) }
                out.append(46); out.append(48)
            } else if n > -e {
                out.append(contentsOf: digits[..<point])
                out.append(46)
                out.append(contentsOf: digits[point...])
            } else {
                out.append(48); out.append(46)
                for _ in 0 ..< (-e - n) { out.append(48) }
                out.append(contentsOf: digits)
            }
        }
    }

    /// The shortest decimal `d · 10^e` that reads back to `a` (1e-4 ≤ a < 2⁵³), and of those the
    /// closest to `a` (ties to an even last digit): what `description` prints.
    ///
    /// Exact integer arithmetic, no table beyond 5^k: with `a = m·2^q` and `k` chosen so that
    /// `a·10^k ∈ [10^17, 10^19)`, `a·10^k = m·5^k·2^(q+k)`, and the ends of the interval of reals
    /// that round to `a` (half an ulp either side, a quarter below a power of two; both ends
    /// belong to it when m is even, as round-half-even reads them) are computed exactly in 128
    /// bits and brought to integers, rounded inwards. The interval is then at least 11 units wide;
    /// digits are dropped while it still holds a multiple of the next power of ten, and of the
    /// candidates left the one nearest to `a·10^k` is taken. `CSVNumberTests` holds this to
    /// `description` on millions of values, among them every power of two in the range and its
    /// neighbours.
    @usableFromInline static func shortest(_ a: Double) -> (digits: UInt64, exponent: Int) {
        let bits = a.bitPattern
        let fraction = bits & ((1 << 52) - 1)
        let biased = Int((bits >> 52) & 0x7ff)
        let m = fraction | (1 << 52)
        // floor(log2 a · log10 2) ≤ floor(log10 a) ≤ it + 1, so a·10^k ∈ [10^17, 10^19)
        let k = 17 - (((biased - 1023) * 78913) >> 18)
        let p5 = UInt128(pow5[k])
        let m4 = UInt128(m) << 2
        let lo4 = (m4 - (fraction == 0 && biased > 1 ? 1 : 2)) * p5, hi4 = (m4 + 2) * p5, c4 = m4 * p5
        let shift = biased - 1075 + k - 2
        let even = m & 1 == 0
        var lo: UInt64, hi: UInt64, c: UInt64, cRest: UInt128 = 0, t = 0
        if shift >= 0 {
            lo = UInt64(lo4 << shift); hi = UInt64(hi4 << shift); c = UInt64(c4 << shift)
            if !even { lo += 1; hi -= 1 }
        } else {
            t = -shift
            let mask = (UInt128(1) << t) - 1
            let lf = UInt64(lo4 >> t), hf = UInt64(hi4 >> t)
            lo = lo4 & mask == 0 && even ? lf : lf + 1
            hi = hi4 & mask == 0 && !even ? hf - 1 : hf
            c = UInt64(c4 >> t); cRest = c4 & mask
        }
        var p = 0, scale: UInt64 = 1
        while true {
            let nlo = (lo + 9) / 10, nhi = hi / 10
            if nlo > nhi { break }
            lo = nlo; hi = nhi; p += 1; scale *= 10
        }
        // the candidate nearest a·10^k / 10^p: twice the remainder against the divisor
        let q = c / scale, rem = c % scale
        let twice = ((UInt128(rem) << t) + cRest) << 1, whole = UInt128(scale) << t
        var d = q
        if twice > whole || (twice == whole && q & 1 == 1) { d += 1 }
        return (min(max(d, lo), hi), p - k)
    }

    /// 5^k for the k of `shortest` (2 … 22).
    @usableFromInline static let pow5: [UInt64] = (0 ... 27).map { n in (0 ..< n).reduce(UInt64(1)) { v, _ in v * 5 } }

    @inlinable public static func append(_ i: Int, to out: inout [UInt8]) {
        if i < 0 { out.append(45) }
        appendDigits(UInt64(i.magnitude), to: &out)
    }

    /// The decimal digits of `v` (no sign).
    @inlinable static func appendDigits(_ v: UInt64, to out: inout [UInt8]) {
        if v < 10 { out.append(UInt8(48 + v)); return }
        withDigits(v) { out.append(contentsOf: $0) }
    }

    /// Calls `body` with the decimal digits of `v`, most significant first (no sign; `0` for 0).
    @inlinable static func withDigits<R>(_ v: UInt64, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        var tmp: (UInt64, UInt64, UInt64) = (0, 0, 0)   // 24 bytes ≥ the 20 digits of UInt64.max
        return withUnsafeMutableBytes(of: &tmp) { t in
            var n = 0, x = v
            repeat { t[23 - n] = UInt8(48 + x % 10); x /= 10; n += 1 } while x > 0
            return body(UnsafeRawBufferPointer(rebasing: t[(24 - n) ..< 24]))
        }
    }
}
