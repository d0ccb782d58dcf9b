// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "aenet-swift",
    products: [
        .library(name: "AenetKit", targets: ["AenetKit"]),
        .executable(name: "generate", targets: ["generate"]),
        .executable(name: "predict", targets: ["predict"]),
        .executable(name: "train", targets: ["train"]),
    ],
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
        .executableTarget(
            name: "generate",
            dependencies: ["AenetKit", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .executableTarget(
            name: "predict",
            dependencies: ["AenetKit", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .executableTarget(
            name: "aenet-compat",
            dependencies: ["AenetKit", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .executableTarget(
            name: "train",
            dependencies: ["AenetKit", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .testTarget(name: "AenetKitTests", dependencies: ["AenetKit", "generate", "train", "predict"]),
    ]
)
