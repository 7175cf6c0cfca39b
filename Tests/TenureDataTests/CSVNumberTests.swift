import Testing
@testable import TenureData

/// `CSVNumber` must write exactly what `description` / `String(i)` write: the files are compared
/// byte for byte with earlier output and with the peers' readers.
@Suite struct CSVNumberTests {
    static func text(_ x: Double) -> String {
        var b: [UInt8] = []
        CSVNumber.append(x, to: &b)
        return String(decoding: b, as: UTF8.self)
    }

    @Test func edgeValues() {
        let xs: [Double] = [0, -0.0, 1, -1, 0.1, 0.2, 0.1 + 0.2, 1e-3, 0.0015, 9.99e-4, 1e-5, 0.5, 2.5, 1e15, 1e15 - 1, 999_999_999_999_999.9,
                            9_007_199_254_740_992, 9_007_199_254_740_994, 123_456_789_012.3456, 1e14 + 0.5, 31895.56, 559.74,
                            0.016830294530154277, .pi, -.pi, Double.ulpOfOne, 1 + .ulpOfOne, 4.35, 0.07, 1e300, -1e-300,
                            Double.leastNonzeroMagnitude, Double.greatestFiniteMagnitude, 100.0, 1e4, 12345.6789, 0.0001]
        for x in xs { #expect(Self.text(x) == x.description, "\(x)") }
    }

    /// Money (cents), shares, counts and arbitrary bit patterns.
    @Test func matchesDescription() {
        var g = TestRNG(state: 20261204)
        for i in 0 ..< 2_000_000 {
            let x: Double
            switch i % 6 {
            case 0: x = Double(Int64(g.next() % 100_000_000_000) - 1_000_000_000) / 100        // cents
            case 1: x = Double(g.next() % 10_000) / Double(1 + g.next() % 10_000)              // ratios of counts
            case 2: x = Double(Int64(g.next() % 2_000_000_000_000)) / 10_000                   // four decimals
            case 3: x = Double(bitPattern: g.next())                                            // anything
            case 4: x = Double(g.next() % 1_000_000_000) * 1e-3 + Double(g.next() % 7) * 1e-4  // mixed
            default: x = Double(g.next() >> 11) * 0x1p-53 * Self.pow10(Int(g.next() % 20) - 4)      // every scale
            }
            guard x.isFinite else { continue }
            let got = Self.text(x)
            if got != x.description { Issue.record("\(x.bitPattern): \(got) vs \(x.description)"); return }
        }
    }

    /// The exact shortest-digits path (1e-4 ≤ |x| < 2⁵³): random bit patterns at every binary
    /// exponent of the range, every power of two in it with its neighbours (where the interval below
    /// is half as wide), powers of ten and their neighbours, and 17-digit ratios.
    @Test func shortestDigitsMatchDescription() {
        var xs: [Double] = []
        for e in -14 ... 52 {
            let b = Self.pow2(e)
            xs += [b, b.nextUp, b.nextDown, -b, 1.5 * b, (2 * b).nextDown]
        }
        for e in -4 ... 15 { let b = Self.pow10(e); xs += [b, b.nextUp, b.nextDown] }
        var g = TestRNG(state: 53)
        for i in 0 ..< 1_000_000 {
            let exponent = UInt64(1023 - 14 + Int(g.next() % 67))
            let sign: UInt64 = i % 5 == 0 ? 1 << 63 : 0
            xs.append(Double(bitPattern: sign | exponent << 52 | g.next() >> 12))
            xs.append(Double(1 + g.next() % 1_000_000) / Double(1 + g.next() % 1_000_000))
        }
        var checked = 0
        for x in xs where abs(x) >= 1e-4 && abs(x) < 0x1p53 {
            checked += 1
            let got = Self.text(x)
            if got != x.description { Issue.record("\(x.bitPattern): \(got) vs \(x.description)"); return }
        }
        #expect(checked > 1_900_000)
    }

    @Test func integers() {
        for i in [0, 7, -7, 10, 99, 100, Int.max, Int.min, 1_234_567_890, -1_000_000] {
            var b: [UInt8] = []
            CSVNumber.append(i, to: &b)
            #expect(String(decoding: b, as: UTF8.self) == String(i))
        }
    }

    static func pow2(_ k: Int) -> Double { Double(sign: .plus, exponent: k, significand: 1) }
    static func pow10(_ k: Int) -> Double { var p = 1.0; for _ in 0 ..< abs(k) { p *= 10 }; return k < 0 ? 1 / p : p }
}
