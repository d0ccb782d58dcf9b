import AenetTraining
import AenetAugment
import AenetCore
import Foundation

/// One augmentation run: read a generate.in and its XSF files, write the children as
/// `structureNNNN.xsf` into a new directory and a new generate.in listing parents then children
/// (plus, on request, a provenance table and a parent-level train/test split).
///
/// Everything is checked and read before anything is written; outputs are written under hidden
/// temporary names and renamed into place at the end, so a failed run leaves no output at all.
public struct AugmentRequest: Sendable, Equatable {
    /// The existing generate.in.
    public var deckPath: String
    /// The generate.in to write (must not exist unless `replaceOutputDeck`).
    public var outputDeckPath: String
    /// The directory for the new XSF files (must not exist, or be empty). Written into the new
    /// deck as given: `<directory>/structureNNNN.xsf`.
    public var structuresDirectory: String
    public var settings: Augmentation.Settings
    /// Where to write the child → parent table (tab-separated), if anywhere.
    public var provenancePath: String?
    /// Percentage of parents (with all their children) set aside in a separate test deck.
    public var testPercent: Double?
    public var splitSeed: UInt64
    /// Whether the test deck also lists the children of the test parents.
    public var testChildren: Bool
    /// Replace an existing output deck instead of refusing (never the input deck or a structure).
    public var replaceOutputDeck: Bool

    public init(deckPath: String, outputDeckPath: String, structuresDirectory: String,
                settings: Augmentation.Settings, provenancePath: String? = nil, testPercent: Double? = nil,
                splitSeed: UInt64 = 0, testChildren: Bool = false, replaceOutputDeck: Bool = false) {
        self.deckPath = deckPath; self.outputDeckPath = outputDeckPath
        self.structuresDirectory = structuresDirectory; self.settings = settings
        self.provenancePath = provenancePath; self.testPercent = testPercent; self.splitSeed = splitSeed
        self.testChildren = testChildren; self.replaceOutputDeck = replaceOutputDeck
    }
}

public struct AugmentSummary: Sendable, Equatable {
    public var parents: Int
    /// ⌈a·N⌉.
    public var requested: Int
    /// Children written (fewer than requested only when the parents have too few atoms).
    public var children: Int
    public var outputDeckPath: String
    public var structuresDirectory: String
    /// Train and test decks, when a split was asked for.
    public var splitDecks: (train: String, test: String)?
    public var testParents: Int

    public static func == (l: AugmentSummary, r: AugmentSummary) -> Bool {
        l.parents == r.parents && l.requested == r.requested && l.children == r.children
            && l.outputDeckPath == r.outputDeckPath && l.structuresDirectory == r.structuresDirectory
            && l.splitDecks?.train == r.splitDecks?.train && l.splitDecks?.test == r.splitDecks?.test
            && l.testParents == r.testParents
    }
}

public enum Augmenter {
    /// `structureNNNN.xsf`: 1-based, at least four digits.
    public static func childFileName(_ number: Int) -> String {
        let digits = String(number)
        return "structure" + String(repeating: "0", count: max(0, 4 - digits.count)) + digits + ".xsf"
    }

    /// `new.in` → (`new.train.in`, `new.test.in`); a name without an extension gets `.train`/`.test`.
    public static func splitDeckPaths(_ output: String) -> (train: String, test: String) {
        let name = FileOutput.lastComponent(of: output)
        if let dot = name.lastIndex(of: "."), dot != name.startIndex {
            let ext = String(name[dot...])
            let stem = String(output.dropLast(ext.count))
            return (stem + ".train" + ext, stem + ".test" + ext)
        }
        return (output + ".train", output + ".test")
    }

    /// Parent indices set aside for testing: round(p/100 · N) of them, drawn with SplitMix64(seed).
    public static func testParents(count n: Int, percent: Double, seed: UInt64) -> Set<Int> {
        let k = min(n, Int((percent / 100 * Double(n)).rounded()))
        var order = Array(0..<n)
        var rng = SplitMix64(seed: seed)
        for i in stride(from: n - 1, to: 0, by: -1) {
            let j = Int(rng.next() % UInt64(i + 1))
            order.swapAt(i, j)
        }
        return Set(order.prefix(k))
    }

    public static func run(_ request: AugmentRequest,
                           progress: ((_ done: Int, _ total: Int) -> Void)? = nil) throws -> AugmentSummary {
        let settings = request.settings
        try settings.validate()
        if let p = request.testPercent, !(p.isFinite && p >= 0 && p < 100) {
            throw AenetError("the test percentage must be at least 0 and below 100 (got \(p))")
        }

        for (value, what) in [(request.deckPath, "existing generate.in"), (request.outputDeckPath, "new generate.in"),
                              (request.structuresDirectory, "directory for the new XSF files")] where value.isEmpty {
            throw AenetError("no path given for the \(what)")
        }

        // 1. Read the deck and every parent; nothing is written before this succeeds.
        let deck = try FilesDeck.read(path: request.deckPath)
        var parents: [Structure] = []
        parents.reserveCapacity(deck.paths.count)
        for (k, path) in deck.paths.enumerated() {
            let s: Structure
            do { s = try XSF.read(path: path) } catch let e as AenetError where e.line == nil {
                throw AenetError(e.kind, e.message + " (listed in \(request.deckPath) line \(deck.pathLines[k]))", file: path)
            }
            guard s.totalEnergy != nil || s.cohesiveEnergy != nil else {
                throw AenetError("no '# total energy = …' (or cohesive energy) line; the children's energies need it", file: path)
            }
            guard s.forces != nil else {
                throw AenetError("no forces (atom lines need 'symbol x y z Fx Fy Fz'); the children's energies need them", file: path)
            }
            parents.append(s)
        }

        // 2. Check the outputs: never clobber an input, never mix with existing structures.
        let splitPaths = request.testPercent.map { _ in splitDeckPaths(request.outputDeckPath) }
        var deckOutputs = [request.outputDeckPath]
        if let s = splitPaths { deckOutputs += [s.train, s.test] }
        if let p = request.provenancePath { deckOutputs.append(p) }
        let inputs = Set(([request.deckPath] + deck.paths).compactMap { FileOutput.identity($0).map { "\($0.0):\($0.1)" } })
        for out in deckOutputs {
            if let id = FileOutput.identity(out), inputs.contains("\(id.0):\(id.1)") {
                throw AenetError("is an input of this run (the deck or one of its structures); choose another output path", file: out)
            }
            if FileOutput.isDirectory(out) { throw AenetError("is a directory; expected a file path", file: out) }
            if !request.replaceOutputDeck, FileOutput.exists(out) {
                throw AenetError(.outputExists, "already exists; choose a new path (or pass --overwrite to replace it)", file: out)
            }
            let dir = FileOutput.directory(of: out)
            if !FileOutput.isDirectory(dir) { throw AenetError("the directory \(dir) does not exist", file: out) }
        }
        let dir = request.structuresDirectory
        if FileOutput.exists(dir) {
            guard FileOutput.isDirectory(dir) else { throw AenetError("exists and is not a directory", file: dir) }
            let entries = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
            if !entries.isEmpty {
                let xsf = entries.filter { $0.hasSuffix(".xsf") }.count
                throw AenetError(.outputExists, "output directory already holds \(entries.count) entries (\(xsf) .xsf files); choose a new or empty directory", file: dir)
            }
        } else if !FileOutput.isDirectory(FileOutput.directory(of: dir)) {
            throw AenetError("the directory \(FileOutput.directory(of: dir)) does not exist", file: dir)
        }

        // 3. Plan and write into temporary places.
        try Augmentation.checkSize(parents: parents.map(\.atomCount), factor: settings.factor)
        let plan = Augmentation.plan(atomCounts: parents.map(\.atomCount), settings: settings)
        let test = request.testPercent.map { testParents(count: parents.count, percent: $0, seed: request.splitSeed) } ?? []
        let staged = StagedOutputs()
        staged.replaceFiles = request.replaceOutputDeck
        do {
            let tempDir = try staged.directory(final: dir)
            var childPaths: [String] = []
            childPaths.reserveCapacity(plan.count)
            var table = request.provenancePath == nil ? "" : "child\tparent\tatom\tdx\tdy\tdz\tmax_displacement\tdE\tset\n"
            var cache = ParentText(index: -1)
            for (k, c) in plan.enumerated() {
                let parent = parents[c.parent]
                let (child, dE, maxDisp) = Augmentation.makeChild(of: parent, c.displacement, settings: settings)
                let text: String
                switch c.displacement {
                case let .single(atom, _, _):
                    if cache.index != c.parent { cache = ParentText(index: c.parent, parent) }
                    text = cache.text(with: child, movedAtom: atom)
                case .random:
                    text = XSFWriter.string(child)
                }
                let name = childFileName(k + 1)
                try staged.write(text, inDirectory: tempDir, name: name)
                let deckPath = dir + "/" + name
                childPaths.append(deckPath)
                if request.provenancePath != nil {
                    var cols = [deckPath, deck.paths[c.parent]]
                    if case let .single(atom, axis, sign) = c.displacement {
                        var d = SIMD3<Double>.zero
                        d[axis] = sign * settings.delta
                        cols += [String(atom + 1), "\(d.x)", "\(d.y)", "\(d.z)"]
                    } else {
                        cols += ["all", "-", "-", "-"]
                    }
                    let set = request.testPercent == nil ? "-" : (test.contains(c.parent) ? "test" : "train")
                    cols += ["\(maxDisp)", "\(dE)", set]
                    table += cols.joined(separator: "\t") + "\n"
                }
                if let progress, (k + 1) % 1000 == 0 || k + 1 == plan.count { progress(k + 1, plan.count) }
            }

            try staged.file(final: request.outputDeckPath, contents: deck.render(paths: deck.paths + childPaths))
            if let s = splitPaths {
                var trainList: [String] = [], testList: [String] = []
                for (i, p) in deck.paths.enumerated() { if test.contains(i) { testList.append(p) } else { trainList.append(p) } }
                for (k, c) in plan.enumerated() {
                    if !test.contains(c.parent) { trainList.append(childPaths[k]) } else if request.testChildren { testList.append(childPaths[k]) }
                }
                try staged.file(final: s.train, contents: deck.withOutput(suffix: "-train").render(paths: trainList))
                try staged.file(final: s.test, contents: deck.withOutput(suffix: "-test").render(paths: testList))
            }
            if let p = request.provenancePath { try staged.file(final: p, contents: table) }
            try staged.commit()
        } catch {
            staged.discard()
            throw error
        }
        return AugmentSummary(parents: parents.count,
                              requested: Augmentation.requestedCount(parents: parents.count, factor: settings.factor),
                              children: plan.count, outputDeckPath: request.outputDeckPath,
                              structuresDirectory: dir, splitDecks: splitPaths, testParents: test.count)
    }
}

/// A parent's XSF text cut into reusable pieces, so that a single-atom child only formats its
/// energy line and the one moved atom.
struct ParentText {
    var index: Int
    var header = ""
    var atomLines: [String] = []
    var size = 0

    init(index: Int) { self.index = index }

    init(index: Int, _ parent: Structure) {
        self.index = index
        header = XSFWriter.header(lattice: parent.lattice, atomCount: parent.atomCount)
        atomLines = (0..<parent.atomCount).map { XSFWriter.atomLine(parent.species[$0], parent.positions[$0], parent.forces?[$0]) }
        size = header.utf8.count + atomLines.reduce(0) { $0 + $1.utf8.count } + 120
    }

    func text(with child: Structure, movedAtom: Int) -> String {
        var out = XSFWriter.energyLines(total: child.totalEnergy, cohesive: child.cohesiveEnergy)
        out.reserveCapacity(size)
        out += header
        for (i, line) in atomLines.enumerated() {
            out += i == movedAtom
                ? XSFWriter.atomLine(child.species[i], child.positions[i], child.forces?[i]) : line
        }
        return out
    }
}
