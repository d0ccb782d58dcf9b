// swift-tools-version:6.0
import PackageDescription

/// The command-line tools: thin executables over AenetKit.
let tools = ["generate", "train", "predict", "augment"]

let argumentParser = Target.Dependency.product(name: "ArgumentParser", package: "swift-argument-parser")

let package = Package(
    name: "aenet-swift",
    products: [.library(name: "AenetKit", targets: ["AenetKit"])]
        + (tools + ["aenet-compat", "make-reference-inputs", "kim-model"]).map { .executable(name: $0, targets: [$0]) },
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        .systemLibrary(
            name: "COpenBLAS",
            path: "Sources/COpenBLAS",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]
        ),
        // Vectorised tanh/exp through glibc's libmvec (runtime CPU dispatch, no compiler flags).
        .target(name: "CVecMath", linkerSettings: [.linkedLibrary("mvec"), .linkedLibrary("m")]),
        .target(name: "AenetKit", dependencies: ["COpenBLAS", "CVecMath"]),
        .executableTarget(name: "make-reference-inputs", dependencies: ["AenetKit"]),
        .executableTarget(name: "aenet-compat", dependencies: ["AenetKit", argumentParser]),
        // KIM portable-model folders for the KIM model driver in kim/driver.
        .executableTarget(name: "kim-model", dependencies: ["AenetKit", argumentParser]),
        // The tests run the tools as a user would, so they are built with the tests.
        .testTarget(name: "AenetKitTests", dependencies: ["AenetKit"] + tools.map { .target(name: $0) }),
    ] + tools.map { .executableTarget(name: $0, dependencies: ["AenetKit", "COpenBLAS", argumentParser]) }
)
