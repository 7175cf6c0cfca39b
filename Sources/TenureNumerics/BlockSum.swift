import Dispatch

/// Work over `0 ..< n` on every core, split the same way whatever the core count.
///
/// Contract: the ranges are a fixed split of `0 ..< n` — one block below `minimumPerBlock` × 2
/// items, else `BlockSum.blocks` equal blocks. `sum`'s `body(range, acc)` adds its terms for
/// `range` into `acc[0 ..< width]` (zeroed before the call) and the block sums are added in block
/// order, so the rounding is the same on one core or many; with one block it is exactly a serial
/// loop's. `forEach` runs `body(block, range)` for each block (independent per-item work).
public enum BlockSum {
    public static let blocks = 8
    public static let minimumPerBlock = 32_768

    /// Number of blocks `0 ..< n` is split into.
    public static func blockCount(_ n: Int, minimumPerBlock m: Int = minimumPerBlock) -> Int {
        n >= 2 * m ? blocks : 1
    }

    /// `body(block, range)` for each block of the fixed split of `0 ..< n`, on every core.
    public static func forEach(count n: Int, minimumPerBlock m: Int = minimumPerBlock,
                               _ body: (Int, Range<Int>) -> Void) {
        let k = blockCount(n, minimumPerBlock: m)
        if k == 1 { body(0, 0 ..< n); return }
        withoutActuallyEscaping(body) { body in
            let job = Job(body: body)
            DispatchQueue.concurrentPerform(iterations: k) { b in job.body(b, (n * b / k) ..< (n * (b + 1) / k)) }
        }
    }

    public static func sum(count n: Int, width: Int, _ body: (Range<Int>, UnsafeMutablePointer<Double>) -> Void) -> [Double] {
        let k = blockCount(n)
        let acc = UnsafeMutablePointer<Double>.allocate(capacity: k * width)
        defer { acc.deallocate() }
        acc.initialize(repeating: 0, count: k * width)
        forEach(count: n) { b, range in body(range, acc + b * width) }
        var total = [Double](repeating: 0, count: width)
        for b in 0 ..< k { for j in 0 ..< width { total[j] += acc[b * width + j] } }
        return total
    }

    private struct Job: @unchecked Sendable {
        let body: (Int, Range<Int>) -> Void
    }
}
