import AenetCore
import AenetShell
import ArgumentParser
import Foundation

/// Pictures without a display: SVG learning curves and parity plots (logic in AenetShell/Plot).
struct Plot: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "aenet-plot",
        abstract: "Draw learning curves and parity plots as SVG files (no display needed).",
        version: SuiteVersion.string,
        subcommands: [Curve.self, Parity.self])
}

/// Writes the chart, staged (no half-written file); errors as `aenet-plot: error: file[:line]: message`.
func draw(_ make: () throws -> SVGPlot, to output: String) throws {
    let diagnostics = Diagnostics(tool: "aenet-plot")
    let status = diagnostics.run {
        try AtomicFile.write(try make().svg(), to: output, overwrite: true)
        return 0
    }
    if status != 0 { throw ExitCode(status) }
}

struct Curve: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "learning-curve",
        abstract: "Train/test energy (and force) errors per epoch from a train.out, finished or running.",
        discussion: "Reads our and aenet's train.out (MAE and RMSE in eV/atom; force columns in eV/Å when present) and aenet-PyTorch's (RMSE divided by its energy scaling factor). Errors on a log scale.")
    @Argument(help: "train.out") var trainOut: String
    @OptionGroup var chart: ChartOptions

    func run() throws {
        try draw({ try LearningCurve.read(path: trainOut).plot(title: chart.title ?? "learning curve: \(trainOut)") }, to: chart.output)
    }
}

struct Parity: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parity",
        abstract: "Energy parity (and per-structure force errors) from `predict --errors-csv`.")
    @Argument(help: "CSV written by predict --errors-csv") var csv: String
    @OptionGroup var chart: ChartOptions

    func run() throws {
        try draw({ try ParityData.read(path: csv).plot(title: chart.title ?? "parity: \(csv)") }, to: chart.output)
    }
}

/// The options of every chart.
struct ChartOptions: ParsableArguments {
    @Option(name: .shortAndLong, help: "Output SVG file.") var output: String
    @Option(help: "Chart title (default: the input file name).") var title: String?
}

Plot.main()
