import AenetKit
import ArgumentParser
import Foundation

@main
struct Compat: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "aenet-compat",
        abstract: "Cross-validation helpers: compare our files with aenet's.",
        version: AenetKitVersion.string,
        subcommands: [TrainingSets.self]
    )
}

struct TrainingSets: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare-trainsets",
        abstract: "Compare two training-set files record by record (exit 1 if they differ beyond --rtol).")

    @Argument(help: "Ours.") var ours: String
    @Argument(help: "Reference (e.g. written by aenet's generate.x).") var reference: String
    @Option(help: "Largest acceptable relative difference.") var rtol: Double = 1e-9
    @Option(help: "Values smaller than this are compared absolutely at this scale (sums that cancel).") var floor: Double = 1e-4

    func run() throws {
        do {
            let c = try TrainingSetComparison(ours, reference, floor: floor)
            print(c.summary)
            if !c.mismatches.isEmpty || !(c.maxRelativeDifference <= rtol) { throw ExitCode(1) }
        } catch let e as AenetError {
            FileHandle.standardError.write(Data("aenet-compat: error: \(e)\n".utf8))
            throw ExitCode(1)
        }
    }
}
