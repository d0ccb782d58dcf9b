import AenetKit
import ArgumentParser
import Foundation

/// Drop-in replacement for aenet's train.x: `train train.in > train.out`.
@main
struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train atomic neural-network potentials from an aenet training set (drop-in for aenet's train.x).",
        discussion: "Reads the deck (train.in), writes <set>.scaled, the networks, <net>-NNNNN snapshots, train.rngstate and train.restart in aenet's formats. Output goes to stdout in train.x's layout; progress goes to stderr when it is a terminal. A file named STOP in the working directory ends training after the current epoch.",
        version: AenetKitVersion.string
    )

    @Argument(help: "The input deck (train.in).") var deck: String

    func run() throws {
        let out = TextOutput()
        do {
            let input = try TrainInput(path: deck)
            try TrainCommand(input: input, out: out).run()
        } catch let e as AenetError {
            out.flush()
            FileHandle.standardError.write(Data("train: error: \(e)\n".utf8))
            throw ExitCode(1)
        }
    }
}
