// swift-tools-version:6.1
// The tenure benchmark harness: its own package, so that `swift test` at the root never builds it.
// Run from this directory:
//   swift package --allow-writing-to-package-directory benchmark            (all benchmarks)
//   swift package benchmark --filter 'ingest.*'
// The side-by-side comparisons with DuckDB, polars, pandas, … are the scripts in cases/ (`make bench`).
import PackageDescription

let package = Package(
    name: "TenureBenchmarks",
    platforms: [.macOS(.v13)],
    dependencies: [
        .package(name: "tenure", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        // package-benchmark finds benchmark executables by their folder's parent being named "Benchmarks".
        .executableTarget(
            name: "Ingest",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "TenureData", package: "tenure"),
                .product(name: "TenureNumerics", package: "tenure"),
            ],
            path: "Sources/Benchmarks/Ingest",
            swiftSettings: [.unsafeFlags(["-Ounchecked"])],
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ],
    swiftLanguageModes: [.v5]
)
