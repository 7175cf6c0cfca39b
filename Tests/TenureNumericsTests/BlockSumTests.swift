import Testing
@testable import TenureNumerics

/// `BlockSum`: the same bits as a serial loop below two blocks' worth of items, and above it the
/// same bits as the fixed 8-block split summed in block order (so no dependence on the cores).
@Suite struct BlockSumTests {
    static func terms(_ n: Int) -> [Double] {
        (0..<n).map { (i: Int) -> Double in
            let head: Double = 1 / Double(i + 1)
            return head + Double(i % 7) * 1e-3
        }
    }

    @Test func smallInputsSumLikeASerialLoop() {
        let v = Self.terms(1000)
        var serial = 0.0, squares = 0.0
        for x in v { serial += x; squares += x * x }
        let got = BlockSum.sum(count: v.count, width: 2) { range, acc in
            for i in range { acc[0] += v[i]; acc[1] += v[i] * v[i] }
        }
        #expect(got == [serial, squares])
    }

    @Test func largeInputsSumByFixedBlocks() {
        let n = 100_003
        let v = Self.terms(n)
        var total = 0.0
        for b in 0..<BlockSum.blocks {
            var s = 0.0
            for i in (n * b / BlockSum.blocks)..<(n * (b + 1) / BlockSum.blocks) { s += v[i] }
            total += s
        }
        for _ in 0..<5 {   // whatever the scheduling
            let got = BlockSum.sum(count: n, width: 1) { range, acc in
                var s = 0.0
                for i in range { s += v[i] }
                acc[0] = s
            }
            #expect(got == [total])
        }
    }
}
