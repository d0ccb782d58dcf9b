// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "aenet-swift",
    products: [
        .library(name: "AenetKit", targets: ["AenetKit"]),
        .executable(name: "generate", targets: ["generate"]),
        .executable(name: "augment", targets: ["augment"]),
        .executable(name: "make-reference-inputs", targets: ["make-reference-inputs"]),
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
        .target(name: "AenetKit", dependencies: ["COpenBLAS"]),
        .executableTarget(
            name: "generate",
            dependencies: ["AenetKit", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .executableTarget(
            name: "augment",
            dependencies: ["AenetKit", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .executableTarget(name: "make-reference-inputs", dependencies: ["AenetKit"]),
        .executableTarget(
            name: "aenet-compat",
            dependencies: ["AenetKit", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .testTarget(name: "AenetKitTests", dependencies: ["AenetKit", "generate"]),
    ]
)
