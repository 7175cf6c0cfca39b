#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Decimal numbers straight from UTF-8 bytes, correctly rounded.
///
/// Accepts an optional sign, digits with an optional `.` fraction and an optional exponent
/// (`19.99`, `-5`, `.5`, `1e3`). Rejects empty text, thousands separators, currency symbols,
/// `nan` and `inf`. Up to 19 significant digits and 22 fraction digits take an exact fast path
/// (an integer mantissa divided by an exact power of ten: one correctly rounded division);
/// anything else goes through `strtod`, which is correctly rounded too.
public enum NumberParser {
    @usableFromInline static let pow10: [Double] = (0 ... 22).map { i in
        var v = 1.0
        for _ in 0 ..< i { v *= 10 }
        return v
    }

    /// 10^k for 0 ≤ k ≤ 22 (exact doubles); the common small powers without touching the table.
    @inlinable @inline(__always) static func exactPowerOfTen(_ k: Int) -> Double {
        switch k {
        case 0: return 1
        case 1: return 10
        case 2: return 100
        case 3: return 1000
        default: return pow10[k]
        }
    }

    @inlinable @inline(__always)
    public static func double(_ p: UnsafePointer<UInt8>, _ n: Int) -> Double? {
        var i = 0
        guard n > 0 else { return nil }
        var neg = false
        if p[0] == 45 { neg = true; i = 1 } else if p[0] == 43 { i = 1 }
        var mant: UInt64 = 0
        var digits = 0        // significant digits accumulated
        var any = false
        var frac = 0
        while i < n {
            let d = UInt64(p[i]) &- 48
            if d > 9 { break }
            if mant != 0 || d != 0 { digits += 1 }
            mant = mant &* 10 &+ d
            any = true
            i += 1
        }
        if i < n && p[i] == 46 {
            i += 1
            while i < n {
                let d = UInt64(p[i]) &- 48
                if d > 9 { break }
                if mant != 0 || d != 0 { digits += 1 }
                mant = mant &* 10 &+ d
                frac += 1
                any = true
                i += 1
            }
        }
        guard any else { return nil }
        if i == n && digits <= 19 && frac <= 22 && mant <= (1 << 53) {
            let v = Double(mant) / exactPowerOfTen(frac)
            return neg ? -v : v
        }
        if i < n && (p[i] == 101 || p[i] == 69) || digits > 15 || frac > 22 || mant > (1 << 53) {
            return slow(p, n)
        }
        return nil
    }

    @usableFromInline static func slow(_ p: UnsafePointer<UInt8>, _ n: Int) -> Double? {
        // Only digits, sign, '.', 'e' may reach strtod (it would also accept hex, inf, nan, spaces).
        for k in 0 ..< n {
            let c = p[k]
            guard (c >= 48 && c <= 57) || c == 43 || c == 45 || c == 46 || c == 101 || c == 69 else { return nil }
        }
        let buf = UnsafeMutablePointer<CChar>.allocate(capacity: n + 1)
        defer { buf.deallocate() }
        UnsafeMutableRawPointer(buf).copyMemory(from: p, byteCount: n)
        buf[n] = 0
        var end: UnsafeMutablePointer<CChar>?
        let v = strtod(buf, &end)
        guard let end, end == buf + n, v.isFinite else { return nil }
        return v
    }

    /// Convenience for tests and small inputs.
    public static func double(_ s: String) -> Double? {
        var s = s
        return s.withUTF8 { b in b.baseAddress.flatMap { double($0, b.count) } }
    }
}
