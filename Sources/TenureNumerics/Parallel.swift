import Dispatch

/// Parallel loops: the one place the package calls `DispatchQueue.concurrentPerform`.
///
/// Contract: every helper returns after all its calls of `body` have returned; calls may run on
/// any thread in any order, so each must write only its own slice of shared storage. Results that
/// add up floating-point terms (`blockSum`) use a fixed split of the work, so they are the same
/// bits on one core or many.
public enum Parallel {
    /// `body(i)` for every `i` in `0 ..< iterations`, on every core.
    public static func forEach(_ iterations: Int, _ body: (Int) -> Void) {
        withoutActuallyEscaping(body) { body in
            let job = Job(body: body)
            DispatchQueue.concurrentPerform(iterations: iterations) { job.body($0) }
        }
    }

    /// `body(i)` for every `i` in `0 ..< count`, on every core, the results in index order.
    public static func map<T>(_ count: Int, _ body: (Int) -> T) -> [T] {
        let out = UnsafeMutablePointer<T?>.allocate(capacity: max(count, 1))
        out.initialize(repeating: nil, count: count)
        defer { out.deinitialize(count: count); out.deallocate() }
        let slots = Slots(p: out)
        forEach(count) { slots.p[$0] = body($0) }
        return (0 ..< count).map { out[$0]! }
    }

    // MARK: fixed blocks

    /// Blocks of the fixed split (`forEachBlock`, `blockSum`).
    public static let blocks = 8
    /// Fewer than twice this many items are one block (a serial loop).
    public static let minimumPerBlock = 32_768

    /// Number of blocks `0 ..< n` is split into: one below `2 m` items, else `blocks`.
    public static func blockCount(_ n: Int, minimumPerBlock m: Int = minimumPerBlock) -> Int {
        n >= 2 * m ? blocks : 1
    }

    /// `body(block, range)` for each block of the fixed split of `0 ..< n` (`blockCount` equal
    /// ranges), on every core; with one block, on the calling thread.
    public static func forEachBlock(count n: Int, minimumPerBlock m: Int = minimumPerBlock,
                                    _ body: (Int, Range<Int>) -> Void) {
        let k = blockCount(n, minimumPerBlock: m)
        if k == 1 { body(0, 0 ..< n); return }
        forEach(k) { b in body(b, (n * b / k) ..< (n * (b + 1) / k)) }
    }

    /// A sum over `0 ..< n` of `width` terms. `body(range, acc)` adds the terms of `range` into
    /// `acc[0 ..< width]` (zeroed before the call); the block sums are added in block order, so the
    /// rounding is the same on one core or many, and with one block exactly a serial loop's.
    /// `minimumPerBlock` as in `forEachBlock` (lower it when each item is costly).
    public static func blockSum(count n: Int, width: Int, minimumPerBlock m: Int = minimumPerBlock,
                                _ body: (Range<Int>, UnsafeMutablePointer<Double>) -> Void) -> [Double] {
        let k = blockCount(n, minimumPerBlock: m)
        let acc = UnsafeMutablePointer<Double>.allocate(capacity: k * width)
        defer { acc.deallocate() }
        acc.initialize(repeating: 0, count: k * width)
        forEachBlock(count: n, minimumPerBlock: m) { b, range in body(range, acc + b * width) }
        var total = [Double](repeating: 0, count: width)
        for b in 0 ..< k { for j in 0 ..< width { total[j] += acc[b * width + j] } }
        return total
    }

    /// A non-escaping closure handed to worker threads (each call touches only its own data).
    private struct Job: @unchecked Sendable {
        let body: (Int) -> Void
    }

    private struct Slots<T>: @unchecked Sendable {
        let p: UnsafeMutablePointer<T?>
    }
}

/// Keeps `value` alive as far as the optimiser can tell: for loads done only for their side effect
/// on the cache (touching the hash-table slots of the next keys so that their misses overlap),
/// whose results would otherwise be removed as unused. Costs one call.
@inline(never) @_optimize(none)
public func keepAlive<T>(_ value: T) {
    withExtendedLifetime(value) {}
}
