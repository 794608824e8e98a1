// swift-tools-version:6.1
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "stampede",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "stampede", targets: ["stampede"]),
        .library(name: "Server", targets: ["Server"]),
        .library(name: "LoadGen", targets: ["LoadGen"]),
        .library(name: "Analysis", targets: ["Analysis"]),
        .library(name: "Orchestration", targets: ["Orchestration"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-atomics.git", from: "1.3.0"),
        .package(url: "https://github.com/apple/swift-collections.git", from: "1.6.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift.git", from: "0.2.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
    ],
    // Dependencies point one way (docs/architecture.md):
    // stampede → Orchestration → Reports → Analysis → ServerConfig → Backends → C modules, SystemSupport;
    // Server → ServerConfig, Backends; LoadGen → CCurl, CZlib. Analysis and Reports do no I/O of their own.
    targets: [
        // C libraries (system packages: libcurl4-openssl-dev, libhiredis-dev, libpq-dev, zlib1g-dev).
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "CHiredis", pkgConfig: "hiredis", providers: [.apt(["libhiredis-dev"])]),
        .systemLibrary(name: "CLibPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),

        // Process-level facts shared by the server and the load generator: rlimits, /proc readings.
        .target(name: "SystemSupport", swiftSettings: swiftSettings),

        // Redis (hiredis) and PostgreSQL (libpq) connections, URL parsing, the sessions schema.
        .target(name: "Backends", dependencies: ["CHiredis", "CLibPQ", "SystemSupport"], swiftSettings: swiftSettings),

        // Every `stampede serve` knob, declared once (ServerKnobs), and the configuration it resolves to.
        .target(name: "ServerConfig", dependencies: ["Backends"], swiftSettings: swiftSettings),

        .target(
            name: "Server",
            dependencies: [
                "Backends", "ServerConfig", "SystemSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Atomics", package: "swift-atomics"),
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "LoadGen",
            dependencies: [
                "CCurl", "CZlib", "SystemSupport", .product(name: "Histogram", package: "hdrhistogram-swift"),
            ],
            swiftSettings: swiftSettings
        ),
        // The fault proxy: TCP links with latency, jitter and bandwidth per direction, up or down.
        .target(
            name: "Proxy",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            swiftSettings: swiftSettings
        ),
        // Pure: scenario model and loader, built-in scenarios, the metric catalog, results, claims and
        // thresholds (one engine), baselines, USL, capacity plans.
        .target(
            name: "Simulation",
            dependencies: [
                "ServerConfig", "LoadGen",
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Analysis",
            dependencies: [
                "ServerConfig", "LoadGen", "Simulation",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ],
            swiftSettings: swiftSettings
        ),
        // Pure: report.json/md/html/junit/csv/hgrm writers.
        .target(name: "Reports", dependencies: ["Analysis", "SystemSupport"], swiftSettings: swiftSettings),
        // Embedded services, fleets, samplers, phases and the run.
        .target(
            name: "Orchestration",
            dependencies: [
                "Analysis", "Reports", "Backends", "ServerConfig", "LoadGen", "SystemSupport", "Proxy",
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "stampede",
            dependencies: [
                "Orchestration", "Reports", "Analysis", "Server", "ServerConfig", "LoadGen", "SystemSupport", "Proxy",
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            swiftSettings: swiftSettings
        ),

        // Fuzz targets (scripts/fuzz.sh builds them with -sanitize=fuzzer in .build-fuzz); in a
        // normal build, a replayer of fuzz inputs (`StampedeFuzz TARGET FILE...`).
        .executableTarget(
            name: "StampedeFuzz", dependencies: ["Analysis", "LoadGen", "Server"], swiftSettings: swiftSettings),

        // Launchers and helpers shared by the test targets: the embedded Redis and PostgreSQL, the
        // built binary, the process table.
        .target(
            name: "StampedeTestSupport", dependencies: ["Orchestration", "SystemSupport"],
            path: "Tests/StampedeTestSupport",
            swiftSettings: swiftSettings),
        // Pure tests, and the built binary's commands that need no services (CLI/): no Redis,
        // PostgreSQL or server needed, so `swift test --filter AnalysisTests` runs anywhere.
        .testTarget(
            name: "AnalysisTests",
            dependencies: [
                "Analysis", "Reports", "ServerConfig", "LoadGen", "StampedeTestSupport", "Simulation",
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ],
            swiftSettings: swiftSettings
        ),
        // The server's pure parts (backoff, pool and stream-buffer state machines, wire format,
        // configuration, request decoding): no Redis or PostgreSQL either.
        .testTarget(
            name: "ServerUnitTests", dependencies: ["Server", "ServerConfig", "Backends", "SystemSupport"],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "SimulationTests", dependencies: ["Simulation", "ServerConfig"], swiftSettings: swiftSettings),
        .testTarget(
            name: "LoadGenTests", dependencies: ["LoadGen", "SystemSupport"], swiftSettings: swiftSettings),
        // The proxy's schedule (pure) and the proxy over loopback sockets.
        .testTarget(
            name: "ProxyTests",
            dependencies: [
                "Proxy", .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "ServerTests",
            dependencies: [
                "Server", "ServerConfig", "Backends", "StampedeTestSupport", "SystemSupport", "LoadGen",
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "OrchestrationTests",
            dependencies: [
                "Orchestration", "Analysis", "Reports", "Backends", "StampedeTestSupport", "SystemSupport",
                "Simulation",
                "ServerConfig",
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
