import Foundation
import TenureNumerics

/// Deterministic parallelism for the generator.
///
/// Work is cut into **fixed-size blocks** (of customers or of rows) that do not depend on the
/// number of cores; block `b` of table `k` draws from its own random stream `Synth.stream(seed, k, b)`
/// and writes its own output, and the outputs are concatenated in block order. So the bytes are
/// the same with 1 core or 64, and each block can run on any thread.
enum Blocks {
    /// Customers per block (a multiple of 64 so nothing depends on the tail).
    static let customers = 1 << 15
    /// Rows per block when a table is derived from another table's rows (surveys from transactions).
    static let rows = 1 << 16

    /// A cap on the worker threads for the current task (tests use it to show the bytes do not
    /// depend on it).
    @TaskLocal static var threadLimit: Int?

    /// Worker threads: the active processor count, at least 1 (capped by `TENURE_THREADS` or `threadLimit`).
    static var threads: Int {
        if let n = threadLimit { return max(1, n) }
        if let s = ProcessInfo.processInfo.environment["TENURE_THREADS"], let n = Int(s), n >= 1 { return n }
        return max(1, ProcessInfo.processInfo.activeProcessorCount)
    }

    /// Ranges of `0..<n` cut every `size`.
    static func ranges(_ n: Int, _ size: Int) -> [Range<Int>] {
        stride(from: 0, to: n, by: size).map { $0..<min(n, $0 + size) }
    }

    /// Runs `body` on every block (in parallel when there is more than one) and returns the
    /// results in block order.
    static func map<T>(_ count: Int, _ body: (Int) -> T) -> [T] {
        guard count > 1, threads > 1 else { return (0..<count).map(body) }
        return Parallel.map(count, body)
    }
}

extension Array {
    /// Concatenation of `parts` in order, with one allocation.
    static func joined(_ parts: [[Element]]) -> [Element] {
        var out = [Element]()
        out.reserveCapacity(parts.reduce(0) { $0 + $1.count })
        for p in parts { out.append(contentsOf: p) }
        return out
    }
}

extension Synth {
    /// Independent stream for block `b` of table `k`.
    static func stream(_ seed: UInt64, _ k: UInt64, block b: Int) -> RNG {
        stream(seed &+ 0xD1B5_4A32_D192_ED03 &* UInt64(b + 1), k)
    }
}
