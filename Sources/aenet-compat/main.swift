import AenetCore
import AenetShell
import AenetTestSupport
import ArgumentParser
import Foundation

@main
struct Compat: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "aenet-compat",
        abstract: "Cross-validation helpers: compare our files with aenet's.",
        version: SuiteVersion.string,
        subcommands: [TrainingSets.self, NeighbourLists.self, TrainingSetToASCII.self, TrainingSetFromASCII.self,
                      CompareNetworks.self]
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

struct NeighbourLists: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "neighbours",
        abstract: "Neighbour lists of XSF structures, or where aenet 2.0.4's lists are incomplete.",
        discussion: """
        Default: for every atom `ATOM i count` (1-based), with --entries followed by one line per \
        entry: atom index (1-based), displacement x y z, distance. With --missing: per structure \
        with incomplete aenet lists `file atoms-affected entries-missing`, and a final summary line.
        """)

    @Option(help: "Cutoff radius Rc (aenet's largest setup cutoff).") var cutoff: Double
    @Flag(help: "aenet 2.0.4's lists instead of complete ones.") var aenetNeighbours = false
    @Flag(help: "Print every entry.") var entries = false
    @Flag(help: "Compare complete lists with aenet 2.0.4's and report the differences.") var missing = false
    @Argument(help: "XSF files.") var files: [String]

    func run() throws {
        var nb = Neighbourhood(), nb2 = Neighbourhood()
        var structures = 0, atoms = 0, lost = 0, totalAtoms = 0
        for file in files {
            let s = try XSF.read(path: file)
            var names: [String] = []
            let types = s.species.map { sp -> Int32 in
                if let k = names.firstIndex(of: sp) { return Int32(k) }
                names.append(sp); return Int32(names.count - 1)
            }
            if missing {
                let full = NeighbourSearch(structure: s, types: types, cutoff: cutoff)
                let aenet = NeighbourSearch(structure: s, types: types, cutoff: cutoff, convention: .aenet204)
                var a = 0, e = 0
                for i in 0..<s.atomCount {
                    full.neighbours(of: i, into: &nb); aenet.neighbours(of: i, into: &nb2)
                    if nb.count != nb2.count { a += 1; e += nb.count - nb2.count }
                }
                totalAtoms += s.atomCount
                if a > 0 { structures += 1; atoms += a; lost += e; print(file, a, e) }
                continue
            }
            let search = NeighbourSearch(structure: s, types: types, cutoff: cutoff,
                                         convention: aenetNeighbours ? .aenet204 : .complete)
            var out = ""
            for i in 0..<s.atomCount {
                search.neighbours(of: i, into: &nb)
                out += String(format: "ATOM %6d %6d\n", i + 1, nb.count)
                if entries {
                    for k in 0..<nb.count {
                        out += String(format: "%6d %24.16E %24.16E %24.16E %24.16E\n", Int(nb.atomIndex[k]) + 1,
                                      nb.dx[k], nb.dy[k], nb.dz[k], nb.distance[k])
                    }
                }
            }
            print(out, terminator: "")
        }
        if missing {
            print("incomplete in aenet 2.0.4: \(structures) of \(files.count) structures, \(atoms) of \(totalAtoms) atoms, \(lost) entries missing")
        }
    }
}

/// aenet-PyTorch's tools/trainbin2ASCII, both ways, with our readers' checks.
struct TrainingSetToASCII: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trainset-to-ascii",
        abstract: "Write a binary training set in aenet-PyTorch's ASCII layout (as its trainbin2ASCII).")
    @Argument(help: "Binary training set (written by generate).") var input: String
    @Argument(help: "ASCII output (e.g. TiO.train.ascii).") var output: String
    @Flag(help: "Replace an existing output.") var overwrite = false

    func run() throws { try converting { try TrainingSetASCIIWriter.convert(binary: input, to: output, overwrite: overwrite) } }
}

struct TrainingSetFromASCII: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trainset-from-ascii",
        abstract: "Write an aenet-PyTorch ASCII training set in aenet's binary layout.")
    @Argument(help: "ASCII training set (aenet-PyTorch).") var input: String
    @Argument(help: "Binary output.") var output: String
    @Flag(help: "Replace an existing output.") var overwrite = false

    func run() throws { try converting { try TrainingSetASCIIReader(path: input).writeBinary(to: output, overwrite: overwrite) } }
}

/// Runs one of the conversions: an error is one line `aenet-compat: error: file[:line]: message`
/// (Diagnostics) and exit status 1.
func converting(_ convert: () throws -> Void) throws {
    let status = Diagnostics(tool: "aenet-compat").run { try convert(); return 0 }
    if status != 0 { throw ExitCode(status) }
}

/// Used by scripts/test-mpi.sh: MPI training against the serial run.
struct CompareNetworks: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare-networks",
        abstract: "Largest weight difference of two .nn files with the same architecture (exit 1 beyond --atol).")

    @Argument(help: "First .nn file.") var a: String
    @Argument(help: "Second .nn file.") var b: String
    @Option(help: "Largest acceptable absolute weight difference.") var atol: Double = 0

    func run() throws {
        do {
            let x = try Potential.read(path: a).network, y = try Potential.read(path: b).network
            guard x.layerSizes == y.layerSizes, x.weights.count == y.weights.count else {
                throw AenetError("the networks differ in architecture (\(x.layerSizes) vs \(y.layerSizes))")
            }
            var d = 0.0, m = 0.0
            for (u, v) in zip(x.weights, y.weights) { d = max(d, abs(u - v)); m = max(m, abs(u)) }
            print(String(format: "max |Δw| = %.3e  (max |w| = %.3e, %d weights)", d, m, x.weights.count))
            if !(d <= atol) { throw ExitCode(1) }
        } catch let e as AenetError {
            FileHandle.standardError.write(Data("aenet-compat: error: \(e)\n".utf8))
            throw ExitCode(1)
        }
    }
}
