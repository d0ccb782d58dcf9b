import AenetKit
import ArgumentParser
import Foundation

/// predict.x: energies (and forces, relaxations) of structures from ANN potentials.
struct Predict: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict",
        abstract: "Predict/interpolate atomic energies with aenet ANN potentials (drop-in for aenet's predict.x).",
        discussion: """
        The input file is aenet's predict.in (TYPES, NETWORKS, FORCES, PRINT_ATOMIC_ENERGIES, RELAX, \
        FILES, VERBOSITY). Structure files given on the command line replace the FILES list. \
        Output goes to stdout in predict.x's layout. A structure that cannot be evaluated is \
        reported on stderr and skipped; the exit status is then 2 (1 for errors that stop the run).
        """,
        version: "aenet-swift predict 0.1 (aenet 2.0.4 compatible)")

    @Argument(help: "The predict.in input file.")
    var inputFile: String

    @Argument(help: "Structure files (XSF); they take precedence over FILES in the input file.")
    var structures: [String] = []

    @Flag(name: .customLong("errors"),
          help: "After the normal output, summarise errors against the energies/forces stored in the XSF files.")
    var errorSummary = false

    @Option(name: .customLong("errors-csv"), help: "Write per-structure errors against the XSF reference data to this CSV file.")
    var errorCSV: String?

    @Flag(name: .customLong("legacy-chebyshev"),
          help: "Evaluate Chebyshev potentials trained with aenet 2.0.0–2.0.3 (old angular domain, aenet issue 10).")
    var legacyChebyshev = false

    @Flag(name: .customLong("aenet-neighbours"),
          help: "Build neighbour lists exactly as aenet 2.0.4, which misses some periodic images in skewed cells (bit-compatible with aenet's numbers); default: complete lists.")
    var aenetNeighbours = false

    @Flag(name: .customLong("stress"),
          help: "After each structure's energies, print the virial and the stress tensor from the analytic forces (beyond aenet).")
    var stress = false

    @Option(name: .customLong("relaxed-dir"), help: "With RELAX: write each relaxed structure as XSF into this directory.")
    var relaxedDirectory: String?

    @Option(help: "Worker threads (default: all cores).")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    func run() throws {
        let failed: Int
        do {
            let input = try PredictInput(path: inputFile)
            for w in input.warnings { warn("Warning: \(w)") }
            let files = structures.isEmpty ? input.files : structures
            guard !files.isEmpty else {
                throw AenetError("no structures: give structure files on the command line or a FILES list", file: inputFile)
            }
            var set = try PotentialSet.load(types: input.types, files: input.networkFiles, legacyChebyshev: legacyChebyshev)
            if aenetNeighbours { set.neighbourConvention = .aenet204 }
            for w in set.warnings { warn("Warning: \(w)") }
            var job = PredictRun(input: input, potentials: set, files: files, threads: threads)
            job.errorSummary = errorSummary || errorCSV != nil
            job.errorCSV = errorCSV
            job.relaxedDirectory = relaxedDirectory
            job.stress = stress
            failed = try job.run(out: Console.write, err: Console.warn)
            fflush(Console.out)
        } catch let e as AenetError {
            warn("Error: \(e)")
            throw ExitCode(1)
        }
        if failed > 0 {
            warn("Error: \(failed) structure(s) could not be evaluated (see the messages above).")
            throw ExitCode(2)
        }
    }

    private func warn(_ s: String) { Console.warn(s) }
}

/// Buffered streams on file descriptors 1 and 2 (the C globals `stdout`/`stderr` are not
/// concurrency-safe references in Swift 6).
enum Console {
    nonisolated(unsafe) static let out = fdopen(1, "w")!
    nonisolated(unsafe) static let err = fdopen(2, "w")!
    static func write(_ s: String) { fputs(s, out) }
    static func warn(_ s: String) {
        fflush(out)
        fputs(s.hasSuffix("\n") ? s : s + "\n", err); fflush(err)
    }
}

Predict.main()
