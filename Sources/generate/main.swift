import AenetCore
import AenetShell
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

    @Flag(help: "Reproduce aenet 2.0.4's incomplete neighbour lists for bit-compatible training sets (default: complete lists).")
    var aenetNeighbours = false

    func run() throws {
        RunPolicy.singleThreadedBLAS()
        let diagnostics = Diagnostics(tool: "generate")
        let out = TextOutput()
        let status = diagnostics.run {
            defer { out.flush() }
            let input = try GenerateInput(path: deck)
            out.write(TrainingSetGenerator.banner)
            let generator = try TrainingSetGenerator(input: input, aenetNeighbours: aenetNeighbours)
            generator.derivativeLimit = RunPolicy.memoryLimit / Double(max(1, threads) + 1)
            out.flush()
            for w in generator.setupWarnings { diagnostics.warning(w) }
            try generator.run(output: out, threads: max(1, threads))
            return 0
        }
        if status != 0 { throw ExitCode(status) }
    }
}
