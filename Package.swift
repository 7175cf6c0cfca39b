// swift-tools-version:6.0
import PackageDescription

// Each analysis is its own target (under Sources/TenureModels/<Name>) so that the models
// compile and test independently; only TenureNumerics imports the C module.
let package = Package(
    name: "tenure",
    platforms: [.macOS(.v15)],   // gRPC Swift 2 (the Spark Connect client) needs macOS 15
    products: [
        .executable(name: "tenure", targets: ["tenure"]),
        .library(name: "TenureNumerics", targets: ["TenureNumerics"]),
        .library(name: "TenureData", targets: ["TenureData"]),
        .library(name: "TenureModels", targets: ["TenureCohorts", "TenureSurvival", "TenureLifetime",
                                                 "TenureRegression", "TenureKPIs", "TenureROI"]),
        .library(name: "TenureReport", targets: ["TenureReport"]),
        .library(name: "TenureArrow", targets: ["TenureArrow"]),
        .library(name: "TenureSparkConnect", targets: ["TenureSparkConnect"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.1"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        // Spark Connect: gRPC over HTTP/2 with protobuf messages (generated code committed)
        .package(url: "https://github.com/grpc/grpc-swift-2", from: "2.4.3"),
        .package(url: "https://github.com/grpc/grpc-swift-nio-transport", from: "2.9.2"),
        .package(url: "https://github.com/grpc/grpc-swift-protobuf", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
    ],
    targets: [
        .systemLibrary(name: "CLAPACK", path: "Sources/CLAPACK"),
        .systemLibrary(name: "CMalloc", path: "Sources/CMalloc"),
        .target(name: "TenureNumerics", dependencies: ["CLAPACK"], exclude: ["README.md"], swiftSettings: fast),
        .target(name: "TenureData", dependencies: ["TenureNumerics", "Yams"], exclude: ["README.md"], swiftSettings: fast),
        .target(name: "TenureSynth", dependencies: ["TenureData", "TenureNumerics"], exclude: ["README.md"], swiftSettings: fast),
        .target(name: "TenureCohorts", dependencies: ["TenureData", "TenureNumerics"],
                path: "Sources/TenureModels/Cohorts", exclude: ["README.md"], swiftSettings: fast),
        .target(name: "TenureSurvival", dependencies: ["TenureData", "TenureNumerics"],
                path: "Sources/TenureModels/Survival", exclude: ["README.md"], swiftSettings: fast),
        .target(name: "TenureLifetime", dependencies: ["TenureData", "TenureNumerics"],
                path: "Sources/TenureModels/Lifetime", exclude: ["README.md"], swiftSettings: fast),
        .target(name: "TenureRegression", dependencies: ["TenureData", "TenureNumerics", "TenureLifetime"],
                path: "Sources/TenureModels/Regression", exclude: ["README.md"]),
        .target(name: "TenureKPIs", dependencies: ["TenureData", "TenureNumerics", "TenureLifetime", "Yams"],
                path: "Sources/TenureModels/KPIs", exclude: ["README.md"], swiftSettings: fast),
        .target(name: "TenureROI", dependencies: ["TenureData", "TenureNumerics", "TenureLifetime", "TenureCohorts", "Yams"],
                path: "Sources/TenureModels/ROI", exclude: ["README.md"]),
        // Arrow IPC streams (Spark Connect results): reads untrusted bytes, so not `fast` (-Ounchecked
        // would drop the overflow checks).
        .target(name: "TenureArrow", exclude: ["README.md"]),
        .target(name: "TenureWarehouse",
                dependencies: ["TenureData", "TenureCohorts", "TenureSurvival", "TenureLifetime", "TenureROI", "TenureKPIs",
                               .product(name: "PostgresNIO", package: "postgres-nio"),
                               .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
                               .product(name: "NIOSSL", package: "swift-nio-ssl"), .product(name: "Logging", package: "swift-log")],
                exclude: ["README.md"]),
        // The `sc://` executor: the trimmed protocol's generated Swift (scripts/spark/generate-proto.sh),
        // a blocking client over gRPC Swift 2, results read by TenureArrow.
        .target(name: "TenureSparkConnect",
                dependencies: ["TenureWarehouse", "TenureArrow",
                               .product(name: "GRPCCore", package: "grpc-swift-2"),
                               .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
                               .product(name: "GRPCProtobuf", package: "grpc-swift-protobuf"),
                               .product(name: "SwiftProtobuf", package: "swift-protobuf")],
                exclude: ["README.md", "Proto"]),
        .target(name: "TenureReport",
                dependencies: ["TenureData", "TenureCohorts", "TenureSurvival", "TenureLifetime",
                               "TenureRegression", "TenureKPIs", "TenureROI"],
                exclude: ["README.md", "Report/README.md"]),
        .executableTarget(name: "tenure",
                          dependencies: ["TenureNumerics", "TenureData", "TenureSynth", "TenureCohorts", "TenureSurvival",
                                         "TenureLifetime", "TenureRegression", "TenureKPIs", "TenureROI",
                                         "TenureReport", "TenureWarehouse", "TenureSparkConnect", "CMalloc",
                                         .product(name: "ArgumentParser", package: "swift-argument-parser")]),
        .testTarget(name: "TenureNumericsTests", dependencies: ["TenureNumerics"]),
        .testTarget(name: "TenureDataTests", dependencies: ["TenureData", "TenureSynth"]),
        .testTarget(name: "TenureCohortsTests", dependencies: ["TenureCohorts", "TenureSynth"]),
        .testTarget(name: "TenureSurvivalTests", dependencies: ["TenureSurvival", "TenureSynth"]),
        .testTarget(name: "TenureLifetimeTests", dependencies: ["TenureLifetime", "TenureRegression", "TenureSynth"]),
        .testTarget(name: "TenureKPIsTests", dependencies: ["TenureKPIs", "TenureSynth"]),
        .testTarget(name: "TenureROITests", dependencies: ["TenureROI", "TenureSynth", "TenureCohorts", "TenureData", "TenureNumerics"]),
        .testTarget(name: "TenureReportTests", dependencies: ["TenureReport", "TenureSynth"]),
        .testTarget(name: "TenureWarehouseTests", dependencies: ["TenureWarehouse", "TenureSynth"]),
        .testTarget(name: "TenureArrowTests", dependencies: ["TenureArrow"]),
        .testTarget(name: "TenureSparkConnectTests", dependencies: ["TenureSparkConnect"]),
        .testTarget(name: "TenureCLITests", dependencies: ["tenure"]),
    ],
    swiftLanguageModes: [.v5]
)

/// `-Ounchecked` (no overflow or bounds traps) in release builds, only on the targets that hold
/// the hot loops: the numerics, the CSV reader, the generator and the cohort, survival, lifetime
/// and KPI passes. Not on the report, ROI (scenario YAML, a simulation that
/// spends its time in TenureLifetime), the regressions or the CLI, where a trap is worth more than
/// the time. SwiftPM refuses `unsafeFlags` in a package used as a versioned dependency: a package
/// depending on the tenure libraries builds them with `TENURE_SAFE_FLAGS=1` set (plain `-O`).
var fast: [SwiftSetting] {
    if Context.environment["TENURE_SAFE_FLAGS"] != nil { return [] }
    return [.unsafeFlags(["-Ounchecked"], .when(configuration: .release))]
}
