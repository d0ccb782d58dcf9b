import AenetCore
import AenetShell
import AenetWorld
import ArgumentParser
import Foundation

@main
struct Generate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Featurize XSF structures into an aenet training set (drop-in for aenet's generate.x).",
        discussion: """
        Reads an aenet generate.in deck (TYPES, SETUPS, FILES, OUTPUT, FORCES, FORCESPERCENT, TIMING, \
        DEBUG) and writes the training set in aenet 2.0.4's binary layout, readable by aenet's train.x \
        and by our train. stdout has generate.x's layout; redirect it to generate.out as usual. \
        Progress (structures/s, ETA) goes to stderr when it is a terminal.

        Paths in the deck are relative to the current directory, as with generate.x.
        """,
        version: SuiteVersion.string
    )

    @Argument(help: "The generate.in deck.")
    var deck: String

    @Option(help: "Worker threads for featurization (default: the number of cores).")
    var threads: Int = RunPolicy.workerThreads

    @Option(help: ArgumentHelp("Structures featurized per step and rank (memory holds one step; for tests).", visibility: .hidden))
    var chunkSize = 64

    @Flag(help: "Reproduce aenet 2.0.4's incomplete neighbour lists for bit-compatible training sets (default: complete lists).")
    var aenetNeighbours = false

    func run() throws {
        RunPolicy.singleThreadedBLAS()
        let diagnostics = Diagnostics(tool: "generate")
        let comm = world
        let out = Ranks.output(comm)
        let status = diagnostics.run(comm) {
            defer { out.flush() }
            out.write(TrainingSetGenerator.banner)
            // Every rank reads the deck and setups; a failure on one stops all (collective check).
            let generator = try comm.checked {
                try TrainingSetGenerator(input: try GenerateInput(path: deck), aenetNeighbours: aenetNeighbours)
            }
            generator.derivativeLimit = RunPolicy.memoryLimit / Double(max(1, Ranks.threads(threads, comm)) + 1)
            out.flush()
            if comm.isRoot { for w in generator.setupWarnings { diagnostics.warning(w) } }
            try generator.run(output: out, threads: Ranks.threads(threads, comm), chunkSize: max(1, chunkSize), communicator: comm)
            return 0
        }
        if status != 0 { throw ExitCode(status) }
    }
}
