import Testing
@testable import TenureNumerics

/// `Parallel.blockSum`: the same bits as a serial loop below two blocks' worth of items, and above it the
/// same bits as the fixed 8-block split summed in block order (so no dependence on the cores).
@Suite struct ParallelTests {
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
        let got = Parallel.blockSum(count: v.count, width: 2) { range, acc in
            for i in range { acc[0] += v[i]; acc[1] += v[i] * v[i] }
        }
        #expect(got == [serial, squares])
    }

    @Test func largeInputsSumByFixedBlocks() {
        let n = 100_003
        let v = Self.terms(n)
        var total = 0.0
        for b in 0..<Parallel.blocks {
            var s = 0.0
            for i in (n * b / Parallel.blocks)..<(n * (b + 1) / Parallel.blocks) { s += v[i] }
            total += s
        }
        for _ in 0..<5 {   // whatever the scheduling
            let got = Parallel.blockSum(count: n, width: 1) { range, acc in
                var s = 0.0
                for i in range { s += v[i] }
                acc[0] = s
            }
            #expect(got == [total])
        }
    }

    @Test func blocksSplitTheRangeInOrder() {
        var seen = [Range<Int>](repeating: 0..<0, count: Parallel.blocks)
        seen.withUnsafeMutableBufferPointer { s in
            let s = s
            Parallel.forEachBlock(count: 100_000) { b, r in s[b] = r }
        }
        #expect(seen.first?.lowerBound == 0 && seen.last?.upperBound == 100_000)
        #expect(zip(seen, seen.dropFirst()).allSatisfy { $0.upperBound == $1.lowerBound })
        var one: [Range<Int>] = []
        Parallel.forEachBlock(count: 10) { _, r in one.append(r) }
        #expect(one == [0..<10])
    }

    @Test func mapKeepsIndexOrder() {
        #expect(Parallel.map(1000) { $0 * $0 } == (0..<1000).map { $0 * $0 })
        #expect(Parallel.map(0) { $0 }.isEmpty)
    }
}
