// package-benchmark suite for tenure's ingestion and numerics kernels (in-process: wall clock,
// throughput, allocations, peak memory). The whole-process comparison with DuckDB and polars is
// Benchmarks/cases/10-ingest.sh.
//
//   cd Benchmarks && swift package --allow-writing-to-package-directory benchmark --filter 'ingest.*'
//
// Environment: TENURE_BENCH_ROWS (default 1_000_000) rows of generated transactions.
import Benchmark
import Foundation
import TenureData
import TenureNumerics

/// A deterministic transactions.csv like the generator's: ids, ISO dates, amounts with cents,
/// channel and product text (SplitMix64, so the bytes never change).
func transactionsCSV(rows: Int, seed: UInt64 = 7) -> [UInt8] {
    var state = seed
    func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    let channels = ["web", "store", "app", "phone"]
    var out = Array("customer_id,date,amount,order_id,segment,channel,product\n".utf8)
    out.reserveCapacity(rows * 64)
    let customers = max(1, rows / 8)
    for r in 0 ..< rows {
        let c = Int(next() % UInt64(customers))
        let day = Day(18_262 + Int(next() % 1461))
        let cents = Int(next() % 40_000) + 100
        let line = "C\(c),\(Civil.iso(day)),\(cents / 100).\(cents % 100 < 10 ? "0" : "")\(cents % 100),O\(r),"
            + "\(c % 3 == 0 ? "retail" : "wholesale"),\(channels[Int(next() % 4)]),P\(next() % 500)\n"
        out.append(contentsOf: line.utf8)
    }
    return out
}

/// Writes the CSV into a fresh dataset directory once per process.
let datasetDirectory: String = {
    let rows = Int(ProcessInfo.processInfo.environment["TENURE_BENCH_ROWS"] ?? "") ?? 1_000_000
    let dir = NSTemporaryDirectory() + "tenure-bench-ingest-\(rows)"
    let path = dir + "/transactions.csv"
    if !FileManager.default.fileExists(atPath: path) {
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: path, contents: Data(transactionsCSV(rows: rows)))
    }
    return dir
}()

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, .throughput, .mallocCountTotal, .peakMemoryResident],
        warmupIterations: 1,
        maxDuration: .seconds(10),
        maxIterations: 10
    )

    // CSV ingestion: the whole reader (mmap, tokenize, parse, intern) into typed columns.
    for threads in [1, 2] {
        Benchmark("ingest.transactions threads=\(threads)",
                  configuration: .init(scalingFactor: .one)) { benchmark in
            let dir = datasetDirectory
            for _ in benchmark.scaledIterations {
                let loaded = try DatasetLoader.load(directory: dir, options: LoadOptions(threads: threads))
                blackHole(loaded.dataset.transactions.count)
            }
        }
    }

    // Numerics kernels used by the model fits (one call = one iteration unit of 1000 evaluations).
    Benchmark("numerics.logGamma+digamma x1000", configuration: .init(scalingFactor: .kilo, maxDuration: .seconds(2))) { benchmark in
        for i in benchmark.scaledIterations {
            let x = 0.1 + Double(i % 1000) * 0.37
            blackHole(Special.logGamma(x) + Special.digamma(x))
        }
    }
    Benchmark("numerics.betaRegularized x1000", configuration: .init(scalingFactor: .kilo, maxDuration: .seconds(2))) { benchmark in
        for i in benchmark.scaledIterations {
            let k = Double(i % 1000)
            blackHole(Special.betaRegularized(0.5 + k * 0.05, 2 + k * 0.01, 0.001 + 0.998 * (k / 1000)))
        }
    }
    Benchmark("numerics.gammaP x1000", configuration: .init(scalingFactor: .kilo, maxDuration: .seconds(2))) { benchmark in
        for i in benchmark.scaledIterations {
            let k = Double(i % 1000)
            blackHole(Special.gammaP(0.5 + k * 0.3, 1 + k * 0.29))
        }
    }
    Benchmark("numerics.hyp2f1 pareto-nbd x1000", configuration: .init(scalingFactor: .kilo, maxDuration: .seconds(2))) { benchmark in
        for i in benchmark.scaledIterations {
            let x = Double(i % 40)
            blackHole(Special.logHyp2f1(0.55 + 0.6 + x, 1.6, 1.55 + 0.6 + x, 0.3 + Double(i % 60) * 0.01))
        }
    }
    Benchmark("numerics.choleskySolve 200x200") { benchmark in
        var rng = RNG(seed: 1)
        let a = Matrix(rows: 400, cols: 200, data: (0 ..< 80_000).map { _ in rng.normal() })
        let g = a.gram()
        let b = (0 ..< 200).map { _ in rng.normal() }
        for _ in benchmark.scaledIterations {
            blackHole(try LinearAlgebra.choleskySolve(g, b))
        }
    }
}
