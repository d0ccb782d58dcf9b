// swift-tools-version:6.0
import PackageDescription
import Foundation
#if canImport(Glibc)
import Glibc
#endif

// Layers (each may use only those below it; the compiler enforces it):
//
//   executables: generate train predict augment | aenet-compat make-reference-inputs kim-model
//        │                                              │
//   AenetShell  (decks, aenet's stdout text, errors, progress, thread policy, commands)
//        │                 │                 │
//   AenetTraining    AenetAugment       AenetTestSupport (reference potential, comparisons)
//        │                 │                 │
//   AenetCore   (Fortran records, formats, structures, neighbours, descriptors, networks, potentials)
//               AenetWorld (generate/train/predict's `world`: SerialCommunicator, or MPI with AENET_MPI=1)
//        │
//   COpenBLAS, CVecMath (system BLAS/LAPACK, glibc's vector math)
//
//   libaenet (aenet's C library interface, libaenet/aenet.h): AenetCore, plus AenetShell for aenet_print_info.

/// The command-line tools: thin executables over AenetShell.
let tools = ["generate", "train", "predict", "augment"]
// predict links the Swift runtime and Foundation statically: workflow tools (abICS, Monte-Carlo
// drivers) start it once per step, and resolving the shared Swift libraries' symbols at start-up
// was most of its per-invocation cost (docs/benchmarks.md, "predict per invocation").
// The static archives' autolink entries are incomplete and their order matters to GNU ld, so the
// toolchain's lld links them, named in full. A toolchain without static archives links dynamically.
let staticRuntimeLibraries = ["Foundation", "FoundationInternationalization", "FoundationEssentials",
    "CoreFoundation", "_FoundationICU", "_FoundationCShims", "_FoundationCollections", "swiftSynchronization",
    "swiftDispatch", "dispatch", "BlocksRuntime", "swift_StringProcessing", "swift_RegexParser",
    "swift_Concurrency", "swiftGlibc"]
let staticRuntime: [LinkerSetting] = {
    guard let swiftc = ProcessInfo.processInfo.environment["PATH"]?.split(separator: ":")
            .map({ "\($0)/swiftc" }).first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else { return [] }
    let toolchain = URL(fileURLWithPath: swiftc).resolvingSymlinksInPath()
        .deletingLastPathComponent().deletingLastPathComponent()
    let archives = toolchain.appendingPathComponent("lib/swift_static/linux").path
    let lld = toolchain.appendingPathComponent("bin/ld.lld").path
    guard staticRuntimeLibraries.allSatisfy({ FileManager.default.fileExists(atPath: "\(archives)/lib\($0).a") }),
          FileManager.default.isExecutableFile(atPath: lld) else { return [] }
    return [.unsafeFlags(["-static-stdlib", "-use-ld=lld"] + staticRuntimeLibraries.map { "-l\($0)" })]
}()

let argumentParser = Target.Dependency.product(name: "ArgumentParser", package: "swift-argument-parser")

// MPI builds (issue 13): `AENET_MPI=1 swift build -c release --build-path .build-mpi` (scripts/build-mpi.sh)
// adds Open MPI (CMPI, AenetMPI) under AenetWorld (the `world` communicator of generate, train and
// predict) and defines AENET_MPI for AenetWorld only. Without it nothing refers to MPI, so machines
// without Open MPI build and test as before.
let mpi = Context.environment["AENET_MPI"] == "1"
let mpiTools: Set<String> = ["generate", "train", "predict"]
let mpiTargets: [Target] = mpi ? [
    .systemLibrary(name: "CMPI", path: "Sources/CMPI", pkgConfig: "ompi-c", providers: [.apt(["libopenmpi-dev", "openmpi-bin"])]),
    .target(name: "AenetMPI", dependencies: ["AenetCore", "CMPI"], path: "Sources/AenetMPI"),
] : []


// Target CPU of the hot Swift targets (issue 11, docs/benchmarks.md "Target CPU"). The default is
// `haswell` (AVX2 + FMA: SIMD4<Double> in one register) when the build machine's /proc/cpuinfo
// shows those instructions, else the compiler's generic x86-64 (SSE2). AENET_TARGET_CPU overrides
// it: `generic` for binaries that must run on any x86-64, or a CPU name (`haswell`, `native`,
// `skylake-avx512`, …). The arithmetic is the same either way (Swift does not contract a*b+c into FMA).
func defaultTargetCPU() -> String {
    #if arch(x86_64) && canImport(Glibc)
    guard let f = fopen("/proc/cpuinfo", "r") else { return "generic" }
    defer { fclose(f) }
    var line = [CChar](repeating: 0, count: 1 << 16)
    while fgets(&line, Int32(line.count), f) != nil {
        let text = line.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        guard text.hasPrefix("flags") else { continue }
        let flags = Set(text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).map(String.init))
        let haswell = ["avx", "avx2", "fma", "bmi1", "bmi2", "movbe", "f16c", "abm"]
        return haswell.allSatisfy(flags.contains) ? "haswell" : "generic"
    }
    #endif
    return "generic"
}
let targetCPU = Context.environment["AENET_TARGET_CPU"].flatMap { $0.isEmpty ? nil : $0 } ?? defaultTargetCPU()
let cpuSettings: [SwiftSetting] = targetCPU == "generic" ? []
    : [.unsafeFlags(["-target-cpu", targetCPU], .when(configuration: .release))]

let package = Package(
    name: "aenet-swift",
    products: [
        // aenet's C library interface (libaenet/aenet.h): libaenet.so with the Swift runtime
        // linked in statically, exporting only aenet_* / AENET_* (scripts/build-libaenet.sh).
        .library(name: "aenet", type: .dynamic, targets: ["libaenet"]),
    ]
        + (tools + ["aenet-compat", "make-reference-inputs", "kim-model"]).map { .executable(name: $0, targets: [$0]) }
        + [.executable(name: "aenet-plot", targets: ["aenet-plot"])],
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
        .target(name: "AenetCore", dependencies: ["COpenBLAS", "CVecMath"], swiftSettings: cpuSettings),
        .target(name: "AenetTraining", dependencies: ["AenetCore", "COpenBLAS"], swiftSettings: cpuSettings),
        .target(name: "AenetAugment", dependencies: ["AenetCore"]),
        .target(name: "AenetShell", dependencies: ["AenetCore", "AenetTraining", "AenetAugment", "COpenBLAS"]),
        .target(name: "AenetTestSupport", dependencies: ["AenetCore"]),
        .executableTarget(name: "make-reference-inputs", dependencies: ["AenetCore", "AenetTestSupport"]),
        .executableTarget(name: "aenet-compat", dependencies: ["AenetCore", "AenetShell", "AenetTestSupport", argumentParser]),
        // libaenet: the exported data symbols (C) and the functions (@_cdecl Swift).
        .target(name: "CAenetGlobals"),
        .target(
            name: "libaenet",
            dependencies: ["AenetCore", "AenetShell", "CAenetGlobals", "COpenBLAS"],
            linkerSettings: [.unsafeFlags([
                "-static-stdlib",
                // Foundation and what it needs, from the toolchain's static libraries (in a group:
                // archives that refer to each other).
                "-Xlinker", "--start-group",
                "-Xlinker", "-lFoundation", "-Xlinker", "-lFoundationInternationalization",
                "-Xlinker", "-lFoundationEssentials", "-Xlinker", "-lCoreFoundation",
                "-Xlinker", "-l_FoundationICU", "-Xlinker", "-l_FoundationCollections",
                "-Xlinker", "-l_FoundationCShims", "-Xlinker", "-lswiftSynchronization",
                "-Xlinker", "-lswiftDispatch", "-Xlinker", "-ldispatch", "-Xlinker", "-lBlocksRuntime",
                "-Xlinker", "-lswiftCore",
                "-Xlinker", "--end-group",
                "-Xlinker", "--version-script=\(Context.packageDirectory)/libaenet/exports.map",
            ])]
        ),
        // KIM portable-model folders for the KIM model driver in kim/driver.
        .executableTarget(name: "kim-model", dependencies: ["AenetCore", argumentParser]),
        // The tests run the tools as a user would, so they are built with the tests.
        .testTarget(name: "AenetTests",
                    dependencies: ["AenetCore", "AenetTraining", "AenetAugment", "AenetShell", "AenetTestSupport"]
                        // Not predict when it links the runtime statically: its linker flags would apply to
                        // the test bundle too (no static Testing/XCTest). `swift test` still builds it.
                        + (tools + ["kim-model"]).filter { $0 != "predict" || staticRuntime.isEmpty }.map { .target(name: $0) }
                        + [.target(name: "aenet-plot")]),
        // SVG learning curves and parity plots (logic in AenetShell/Plot).
        .executableTarget(name: "aenet-plot", dependencies: ["AenetShell", argumentParser]),
        .target(name: "AenetWorld", dependencies: ["AenetCore"] + (mpi ? ["AenetMPI"] : []),
                swiftSettings: mpi ? [.define("AENET_MPI")] : []),
    ] + mpiTargets + tools.map { tool in
        .executableTarget(name: tool, dependencies: ["AenetShell", argumentParser] + (mpiTools.contains(tool) ? ["AenetWorld"] : []),
                          linkerSettings: tool == "predict" && !mpi ? staticRuntime : [])
    }
)
