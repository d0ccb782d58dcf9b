import AenetCore
import AenetShell
import AenetWorld
import AenetTraining
import ArgumentParser
import Foundation

/// Drop-in replacement for aenet's train.x: `train train.in > train.out`.
@main
struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train atomic neural-network potentials from an aenet training set (drop-in for aenet's train.x).",
        discussion: "Reads the deck (train.in), writes <set>.scaled, the networks, <net>-NNNNN snapshots, train.rngstate and train.restart in aenet's formats. Output goes to stdout in train.x's layout; progress goes to stderr when it is a terminal. A file named STOP in the working directory ends training after the current epoch.\n\nExtensions (off by default, so decks behave as in aenet): `VALIDATION p [patience=N]` holds out p % of the training structures (drawn after the test split from train.rngstate), adds their MAE/RMSE as two more columns of the epoch table, stores the networks of the epoch with the lowest validation RMSE as the final .nn files (and energies files), and stops after N epochs without a lower validation RMSE (N = 0: never). `lm ... mumin=m` keeps the Levenberg-Marquardt damping at or above m; with aenet's default 0 it falls by `adjust` after every accepted step. `REGULARIZATION l2=x` adds L2 weight decay. Recipe for the full TiO2 set: benchmarks/train-recipe-tio2.sh.",
        version: SuiteVersion.string
    )

    @Argument(help: "The input deck (train.in).") var deck: String?

    @Option(name: .customLong("average"), parsing: .upToNextOption,
            help: ArgumentHelp("Instead of training: write the mean of several networks of one species (trained on the same training set) as one network, OUTPUT first, then the inputs; e.g. --average Ti.nn run1/Ti.nn run2/Ti.nn. The result has hidden layers as wide as the members' together (block-diagonal), so it is one ordinary aenet .nn file.", valueName: "output> <input"))
    var average: [String] = []

    func run() throws {
        let diagnostics = Diagnostics(tool: "train")
        let comm = world
        let out = Ranks.output(comm)
        let status = diagnostics.run(comm) {
            defer { out.flush() }
            if !average.isEmpty {
                guard average.count >= 3 else { throw AenetError("--average needs an output file and at least two input networks") }
                try NetworkAverage.averageFiles(Array(average.dropFirst()), output: average[0])
                return 0
            }
            guard let deck else { throw AenetError("no input deck given (usage: train train.in)") }
            let input = try TrainInput(path: deck)
            let command = TrainCommand(input: input, out: out, diagnostics: diagnostics)
            command.communicator = comm
            command.threads = Ranks.threads(command.threads, comm)
            try command.run()
            return 0
        }
        if status != 0 { throw ExitCode(status) }
    }
}
