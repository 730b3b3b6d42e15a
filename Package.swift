// swift-tools-version: 6.1
import PackageDescription

// The architecture, from the inside out:
//   AduanCore      pure domain: routing, tickets, templates, SMS encoding, deadlines (no I/O)
//   AduanConfig    the TOML configuration, validated into core values, with file:line errors
//   AduanStore     SQLite through GRDB: complaints, events, inbound messages, the outbox
//   AduanGateways  one file per gateway format, plus the spool and inotify edges
//   AduanDaemon    the pipeline that joins them, the spooler, signals, sd_notify, logging
//   aduan          the CLI and `aduan serve`
let package = Package(
    name: "aduan",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "aduan", targets: ["aduan"]),
        .executable(name: "aduan-bench", targets: ["aduan-bench"]),
        .executable(name: "aduan-scale", targets: ["aduan-scale"]),
        // For Fuzz/Package.swift, which depends on this package by path.
        .library(name: "AduanParsers", targets: ["AduanCore", "AduanConfig", "AduanGateways"]),
        .executable(name: "aduan-crash", targets: ["aduan-crash"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", exact: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", exact: "2.13.0"),
        .package(url: "https://github.com/LebJe/TOMLKit", exact: "0.6.0"),
    ],
    targets: [
        .target(name: "AduanCore"),
        .target(
            name: "AduanConfig",
            dependencies: ["AduanCore", .product(name: "TOMLKit", package: "TOMLKit")]
        ),
        .target(
            name: "AduanStore",
            dependencies: [
                "AduanCore", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ]
        ),
        // What Swift's Glibc module leaves out (sync_file_range, syncfs, renameat2,
        // mallopt's arena limit), the global executor's hooks (no CPU while idle),
        // and SQLite's process-wide settings, made in the same system library GRDB
        // links.
        .target(name: "CLinuxExtras", linkerSettings: [.linkedLibrary("sqlite3")]),
        .target(name: "AduanGateways", dependencies: ["AduanCore", "CLinuxExtras"]),
        .target(
            name: "AduanDaemon",
            dependencies: [
                "AduanCore", "AduanConfig", "AduanStore", "AduanGateways",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ]
        ),
        .executableTarget(
            name: "aduan",
            dependencies: [
                "AduanCore", "AduanConfig", "AduanStore", "AduanGateways", "AduanDaemon", "CLinuxExtras",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ]
        ),
        .executableTarget(name: "aduan-bench", dependencies: ["AduanGateways"]),
        // A year of stored complaints at 10k, 100k or 1M, and the §10 figures on it.
        .executableTarget(
            name: "aduan-scale",
            dependencies: [
                "AduanCore", "AduanConfig", "AduanStore", "AduanGateways", "AduanDaemon",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // kill -9 at random moments while messages arrive; checks the guarantees of §8.
        .executableTarget(
            name: "aduan-crash",
            dependencies: ["AduanCore", "AduanGateways", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        .testTarget(name: "AduanCoreTests", dependencies: ["AduanCore"]),
        .testTarget(name: "AduanConfigTests", dependencies: ["AduanConfig"]),
        .testTarget(name: "AduanGatewaysTests", dependencies: ["AduanGateways", "AduanCore"]),
        .testTarget(
            name: "AduanStoreTests",
            dependencies: ["AduanStore", "AduanCore", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        .testTarget(
            name: "AduanScaleTests",
            dependencies: [
                "aduan-scale", "AduanConfig", "AduanCore", "AduanDaemon", "AduanStore",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        .testTarget(
            name: "AduanDaemonTests",
            dependencies: ["AduanDaemon", "AduanConfig", "AduanStore", "AduanGateways", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        .testTarget(name: "AduanIntegrationTests", dependencies: ["AduanCore"]),
        // Round trips through the real gateway daemons (gammu-smsd, smstools3 smsd),
        // which .ci/run installs; skipped with a message where they are missing.
        .testTarget(name: "AduanE2ETests", dependencies: ["AduanCore"]),
    ]
)
