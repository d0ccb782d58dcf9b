import AenetCore
import AenetShell
import AenetAugment
import ArgumentParser
import Foundation

extension Augmentation.Distribution: ExpressibleByArgument {}

enum StrategyName: String, ExpressibleByArgument, CaseIterable {
    case single, random
}

struct AugmentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "augment",
        abstract: "Taylor-expansion data augmentation for aenet training sets (PyITA-compatible).",
        usage: """
            augment <generate.in> --delta <Å> --factor <a> --structures <dir> --output <new-generate.in> [options]
              augment            (no arguments: answer five prompts, one a line, in PyITA's order:
                                  delta, existing generate.in, new generate.in, XSF directory, a)
            """,
        discussion: """
            Every child is a copy of a parent structure listed under FILES with atoms displaced by δr \
            and the first-order energy E_child = E − Σ δr·F (Cooper, Kästner, Urban & Artrith, \
            npj Comput. Mater. 6, 54 (2020)). By default (as PyITA) one atom is moved by ±δ along \
            x, y or z: energy E − δ·F for +δ, E + δ·F for −δ. Parents are visited in FILES order, \
            atoms in file order, + before −, x y z, until ⌈a·N⌉ children exist.

            APPROXIMATE FORCES: the children keep the parent's forces (as PyITA does). Those are \
            NOT the forces of the displaced structure, only an approximation with an error of order \
            δ. aenet's train.x fits energies only, so this does not matter there; do not use the \
            children for force training (generate.in FORCES, aenet-PyTorch).

            The children are written as <dir>/structureNNNN.xsf (1-based, at least 4 digits, full \
            precision) and the new generate.in is the old one with the FILES list replaced by the \
            old paths followed by <dir>/structureNNNN.xsf. A parent with '# cohesive energy' keeps \
            that key (shifted by the same amount). Relative paths are resolved against the current \
            directory, as aenet's generate.x does.

            Nothing is written unless the whole run succeeds; an existing output deck is refused \
            (see --overwrite), a non-empty structure directory is always refused.
            """,
        version: "augment \(SuiteVersion.string)"
    )

    @Argument(help: "The existing generate.in whose FILES are the parent structures.")
    var deck: String

    @Option(parsing: .unconditional, help: "Displacement δ in Å (> 0); the paper used values around 0.01–0.05 Å.")
    var delta: Double

    @Option(parsing: .unconditional, help: "Augmentation factor a (> 0): ⌈a·N⌉ new structures for N parents; fractions allowed.")
    var factor: Double

    @Option(help: "New directory for the new XSF files (must not exist, or be empty).")
    var structures: String

    @Option(help: "Path of the new generate.in (must not exist unless --overwrite).")
    var output: String

    @Option(help: ArgumentHelp(
        "Which parents the children come from: 'sequential' (default, PyITA: early parents give all \(6) displacements per atom, late ones none) or 'even' (a children per parent on average, the moved atom cycling through all atoms).",
        valueName: "sequential|even"))
    var distribution: Augmentation.Distribution = .sequential

    @Option(help: ArgumentHelp(
        "'single' (default, PyITA: one atom ±δ along x/y/z) or 'random' (the paper's second strategy: every atom moved by a random vector, centre-of-mass shift removed, at most --max-displacement per atom, energy E − Σ δr·F; always spread evenly over the parents).",
        valueName: "single|random"))
    var strategy: StrategyName = .single

    @Option(parsing: .unconditional, help: "random strategy: largest displacement of any atom in Å (default: --delta).")
    var maxDisplacement: Double?

    @Option(parsing: .unconditional, help: "random strategy: seed of the random displacements (same seed, same files).")
    var seed: UInt64 = 1

    @Option(help: "Also write a tab-separated table child → parent, moved atom, displacement, max |δr|, ΔE, split set.")
    var provenance: String?

    @Option(parsing: .unconditional, help: "Parent-level split: put this percentage of the parents in a separate test deck (<output stem>.test.in; the rest, with their children, in <output stem>.train.in), so that a parent and its children always land on the same side. The OUTPUT names in the two decks get -train/-test.")
    var testPercent: Double?

    @Option(parsing: .unconditional, help: "Seed for choosing the test parents of --test-percent.")
    var splitSeed: UInt64 = 0

    @Flag(help: "With --test-percent: also list the test parents' children in the test deck (default: parents only, since children's energies are approximations).")
    var testChildren = false

    @Flag(help: "Replace an existing output deck (never the input deck or a structure file).")
    var overwrite = false

    @Flag(help: "No progress display on stderr (it is shown only when stderr is a terminal).")
    var quiet = false

    func request() -> AugmentRequest {
        let strat: Augmentation.Strategy = strategy == .single
            ? .singleAtom : .randomAll(maxDisplacement: maxDisplacement ?? delta, seed: seed)
        return AugmentRequest(deckPath: deck, outputDeckPath: output, structuresDirectory: structures,
                              settings: Augmentation.Settings(delta: delta, factor: factor,
                                                              distribution: distribution, strategy: strat),
                              provenancePath: provenance, testPercent: testPercent, splitSeed: splitSeed,
                              testChildren: testChildren, replaceOutputDeck: overwrite)
    }
}

let diagnostics = Diagnostics(tool: "augment")

func fail(_ error: Error) -> Never {
    diagnostics.error(error)
    exit(1)
}

func perform(_ request: AugmentRequest, showProgress: Bool) {
    do {
        var reporter: ProgressReporter?
        let progress: ((Int, Int) -> Void)? = showProgress ? { done, total in
            if reporter == nil { reporter = ProgressReporter(label: "augment", total: total, unit: "files") }
            reporter?.update(done)
        } : nil
        let s = try Augmenter.run(request, progress: progress)
        reporter?.finish()
        var line = "augment: \(s.parents) parents, \(s.children) new structures in \(s.structuresDirectory)"
        if s.children < s.requested { line += " (\(s.requested) asked for; the parents have no more displacements)" }
        line += "; \(s.outputDeckPath) lists \(s.parents + s.children) structures"
        if let d = s.splitDecks { line += "; split: \(d.train), \(d.test) (\(s.testParents) test parents)" }
        print(line)
    } catch {
        fail(error)
    }
}

let showProgress = isatty(2) != 0
if CommandLine.arguments.count == 1 {
    let request: AugmentRequest
    do {
        request = try AugmentPrompts.request(ask: { print($0, terminator: ""); fflush(nil) },
                                             readLine: { Swift.readLine(strippingNewline: true) })
    } catch {
        fail(error)
    }
    if isatty(0) == 0 { print("") }  // end the last prompt's line when answers are piped in
    perform(request, showProgress: showProgress)
} else {
    let command: AugmentCommand
    do { command = try AugmentCommand.parse() } catch { AugmentCommand.exit(withError: error) }
    perform(command.request(), showProgress: showProgress && !command.quiet)
}
