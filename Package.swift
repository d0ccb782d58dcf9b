// swift-tools-version:6.0
import PackageDescription

// Layers (each may use only those below it; the compiler enforces it):
//
//   executables: generate train predict augment | aenet-compat make-reference-inputs
//        │                                              │
//   AenetShell  (decks, aenet's stdout text, errors, progress, thread policy, commands)
//        │                 │                 │
//   AenetTraining    AenetAugment       AenetTestSupport (reference potential, comparisons)
//        │                 │                 │
//   AenetCore   (Fortran records, formats, structures, neighbours, descriptors, networks, potentials)
//        │
//   COpenBLAS, CVecMath (system BLAS/LAPACK, glibc's vector math)

/// The command-line tools: thin executables over AenetShell.
let tools = ["generate", "train", "predict", "augment"]

let argumentParser = Target.Dependency.product(name: "ArgumentParser", package: "swift-argument-parser")

let package = Package(
    name: "aenet-swift",
    products: (tools + ["aenet-compat", "make-reference-inputs"]).map { .executable(name: $0, targets: [$0]) },
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
        .target(name: "AenetCore", dependencies: ["COpenBLAS", "CVecMath"]),
        .target(name: "AenetTraining", dependencies: ["AenetCore", "COpenBLAS"]),
        .target(name: "AenetAugment", dependencies: ["AenetCore"]),
        .target(name: "AenetShell", dependencies: ["AenetCore", "AenetTraining", "AenetAugment", "COpenBLAS"]),
        .target(name: "AenetTestSupport", dependencies: ["AenetCore"]),
        .executableTarget(name: "make-reference-inputs", dependencies: ["AenetCore", "AenetTestSupport"]),
        .executableTarget(name: "aenet-compat", dependencies: ["AenetCore", "AenetShell", "AenetTestSupport", argumentParser]),
        // The tests run the tools as a user would, so they are built with the tests.
        .testTarget(name: "AenetTests",
                    dependencies: ["AenetCore", "AenetTraining", "AenetAugment", "AenetShell", "AenetTestSupport"]
                        + tools.map { .target(name: $0) }),
    ] + tools.map { .executableTarget(name: $0, dependencies: ["AenetShell", argumentParser]) }
)
