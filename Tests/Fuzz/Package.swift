// swift-tools-version:6.0
// tenure's libFuzzer targets: their own package (it depends on the root by path, as Benchmarks/ does),
// so `swift build` / `swift test` at the root never build them. Built and run by scripts/fuzz.sh
// (`make fuzz`, and a bounded run in `make test`); by hand, from the repository root:
//   swift build -c debug -Xswiftc -O -j 1 --package-path Tests/Fuzz --scratch-path .build-fuzz \
//     -Xswiftc -sanitize=fuzzer -Xcc -fsanitize=fuzzer-no-link -Xswiftc -use-ld=lld --product FuzzCSV
//   .build-fuzz/debug/FuzzCSV -max_total_time=60 -dict=Tests/Fuzz/csv.dict /tmp/corpus Tests/Fuzz/corpus/csv
// (debug with -O, not release: the root's release settings are -Ounchecked, which drops the bounds
// and overflow checks the fuzzer needs to see a bug.)
import PackageDescription

let package = Package(
    name: "TenureFuzz",
    platforms: [.macOS(.v13)],
    dependencies: [.package(name: "tenure", path: "../..")],
    targets: [
        .target(name: "FuzzSupport"),
        // The CSV reader and the checks of `tenure validate`, one table at a time.
        .executableTarget(name: "FuzzCSV", dependencies: ["FuzzSupport", .product(name: "TenureData", package: "tenure")]),
        // The three YAML files: --schema, --targets, --scenarios.
        .executableTarget(name: "FuzzYAML", dependencies: ["FuzzSupport", .product(name: "TenureData", package: "tenure"),
                                                           .product(name: "TenureModels", package: "tenure")]),
        // Arrow IPC streams (Spark Connect's arrow_batch.data): ArrowStream.read lenient and strict, read(streams:).
        .executableTarget(name: "FuzzArrow", dependencies: ["FuzzSupport", .product(name: "TenureArrow", package: "tenure")]),
    ],
    swiftLanguageModes: [.v5]
)
