// swift-tools-version: 6.1
import PackageDescription

// Coverage-guided fuzzing of aduan's parsers with libFuzzer, kept off the main
// package's build and test path. Build and run with `Fuzz/run SECONDS`.
//
// Each target is one executable whose entry point is libFuzzer's own `main`;
// the Swift code only defines `LLVMFuzzerTestOneInput`. `-sanitize=fuzzer` is
// passed on the command line (`-Xswiftc`, see Fuzz/run) rather than here, so
// that the main package's modules are instrumented too: coverage inside the
// parsers is what steers the fuzzer.
let fuzzTargets: [(name: String, product: String)] = [
    ("FuzzSmstools", "AduanParsers"),
    ("FuzzGammuDetail", "AduanParsers"),
    ("FuzzJsonl", "AduanParsers"),
    ("FuzzConfig", "AduanParsers"),
    ("FuzzRouter", "AduanParsers"),
]

let package = Package(
    name: "aduan-fuzz",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(name: "aduan", path: ".."),
    ],
    targets: fuzzTargets.map { target in
        .executableTarget(
            name: target.name,
            dependencies: [.product(name: target.product, package: "aduan")],
            swiftSettings: [.unsafeFlags(["-parse-as-library"])]
        )
    }
)
