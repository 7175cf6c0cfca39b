import Dispatch

/// Sums over `0 ..< n` computed on every core with a result that does not depend on the core count.
///
/// Contract: `body(range, acc)` adds its terms for `range` into `acc[0 ..< width]` (zeroed before
/// the call). The ranges are a fixed split of `0 ..< n` — one block below `BlockSum.minimumPerBlock`
/// × 2 items, else `BlockSum.blocks` equal blocks — and the block sums are added in block order, so
/// the rounding is the same on one core or many; with one block it is exactly a serial loop's.
public enum BlockSum {
    public static let blocks = 8
    public static let minimumPerBlock = 32_768

    public static func sum(count n: Int, width: Int, _ body: (Range<Int>, UnsafeMutablePointer<Double>) -> Void) -> [Double] {
        let k = n >= 2 * minimumPerBlock ? blocks : 1
        let acc = UnsafeMutablePointer<Double>.allocate(capacity: k * width)
        defer { acc.deallocate() }
        acc.initialize(repeating: 0, count: k * width)
        if k == 1 {
            body(0 ..< n, acc)
        } else {
            withoutActuallyEscaping(body) { body in
                let job = Job(body: body)
                DispatchQueue.concurrentPerform(iterations: k) { b in
                    job.body((n * b / k) ..< (n * (b + 1) / k), acc + b * width)
                }
            }
        }
        var total = [Double](repeating: 0, count: width)
        for b in 0 ..< k { for j in 0 ..< width { total[j] += acc[b * width + j] } }
        return total
    }

    private struct Job: @unchecked Sendable {
        let body: (Range<Int>, UnsafeMutablePointer<Double>) -> Void
    }
}
