import AenetCore
import AenetShell
import AenetWorld
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
        version: SuiteVersion.string)

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
    var threads: Int = RunPolicy.workerThreads

    func run() throws {
        let diagnostics = Diagnostics(tool: "predict")
        let comm = world
        var failed = 0
        let status = diagnostics.run(comm) {
            defer { fflush(Console.out) }
            // Every rank reads the deck and the potentials; a failure on one stops all (collective check).
            let (input, set, files) = try comm.checked { () throws -> (PredictInput, PotentialSet, [String]) in
                let input = try PredictInput(path: inputFile)
                let files = structures.isEmpty ? input.files : structures
                guard !files.isEmpty else {
                    throw AenetError("no structures: give structure files on the command line or a FILES list", file: inputFile)
                }
                return (input, try PotentialSet.load(types: input.types, files: input.networkFiles, legacyChebyshev: legacyChebyshev), files)
            }
            if comm.isRoot { for w in input.warnings { diagnostics.warning(w) } }
            var potentials = set
            if aenetNeighbours { potentials.neighbourConvention = .aenet204 }
            if comm.isRoot { for w in set.warnings { diagnostics.warning(w) } }
            var job = PredictRun(input: input, potentials: potentials, files: files, threads: Ranks.threads(threads, comm))
            job.errorSummary = errorSummary || errorCSV != nil
            job.errorCSV = errorCSV
            job.relaxedDirectory = relaxedDirectory
            job.stress = stress
            // Only rank 0 prints (it receives the other ranks' texts).
            let root = comm.isRoot
            failed = try job.run(out: { if root { Console.write($0) } }, err: { if root { diagnostics.note($0) } }, communicator: comm)
            return 0
        }
        if status != 0 { throw ExitCode(status) }
        if failed > 0 {
            diagnostics.error(AenetError("\(failed) structure(s) could not be evaluated (see the messages above)"))
            throw ExitCode(2)
        }
    }
}

/// Buffered stdout on file descriptor 1 (the C global `stdout` is not a concurrency-safe
/// reference in Swift 6).
enum Console {
    nonisolated(unsafe) static let out = fdopen(1, "w")!
    static func write(_ s: String) { fputs(s, out) }
}

Predict.main()
