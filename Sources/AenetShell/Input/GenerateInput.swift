import AenetCore
import AenetTraining
import AenetAugment
/// The contents of a generate.in deck (aenet input.f90, read_InpGenerate).
public struct GenerateInput: Sendable {
    public var output = "refdata.train"
    public var typeNames: [String] = []
    public var atomicEnergies: [Double] = []
    /// Setup file per type, in `typeNames` order.
    public var setupFiles: [String] = []
    public var structureFiles: [String] = []
    /// Write the `<output>.forces` file of fingerprint derivatives.
    public var forces = false
    /// Fraction (not percent) of structures whose derivatives go to the `.forces` file.
    public var forcesFraction = 0.01
    public var timing = false
    public var debug = false
    /// Physical line of the `FILES` keyword (0-based), for tools that rewrite decks.
    public var filesLine = 0

    public init() {}

    public init(path: String) throws { try self.init(deck: Deck(path: path)) }

    public init(deck: Deck) throws {
        guard let typesLine = deck.find("types") else {
            throw AenetError("no TYPES block: list the species and their atomic energies", file: deck.path)
        }
        let countLine = try deck.logicalLines(after: typesLine, count: 1, what: "number of species")[0]
        guard let nt = ListDirected.values(countLine.text).first.flatMap(ListDirected.int), nt > 0 else {
            throw deck.error("expected the number of species after TYPES", line: countLine.index)
        }
        for l in try deck.logicalLines(after: countLine.index, count: nt, what: "'symbol energy' lines") {
            let v = ListDirected.values(l.text)
            guard v.count >= 2, let e = ListDirected.double(v[1]) else {
                throw deck.error("expected 'symbol atomic-energy' (e.g. 'Ti -1626.67')", line: l.index)
            }
            let name = String(v[0].prefix(2))
            guard !typeNames.contains(name) else { throw deck.error("species \(name) listed twice in TYPES", line: l.index) }
            typeNames.append(name); atomicEnergies.append(e)
        }

        guard let setupsLine = deck.find("setups") else {
            throw AenetError("no SETUPS block: give one fingerprint setup file per species", file: deck.path)
        }
        setupFiles = Array(repeating: "", count: nt)
        for l in try deck.logicalLines(after: setupsLine, count: nt, what: "'symbol setup-file' lines") {
            let w = ListDirected.words(l.text)
            guard w.count >= 2 else { throw deck.error("expected 'symbol setup-file'", line: l.index) }
            guard let t = typeNames.firstIndex(of: String(w[0].prefix(2))) else {
                throw deck.error("species \(w[0]) in SETUPS is not in TYPES \(typeNames)", line: l.index)
            }
            guard setupFiles[t].isEmpty else { throw deck.error("a second setup for \(w[0])", line: l.index) }
            setupFiles[t] = String(w[1])
        }

        if let o = deck.word("output") {
            guard !o.isEmpty else { throw deck.error("OUTPUT needs a file name", line: deck.find("output")!) }
            output = o
        }
        forces = try deck.flag("forces") ?? false
        if let p = try deck.double("forcespercent") { forcesFraction = p / 100 }
        timing = try deck.flag("timing") ?? false
        debug = try deck.flag("debug") ?? false

        // aenet needs upper-case FILES and skips the next physical line (compat/DIFFERENCES.md); we take FILES in any
        // case and read the count and the paths as logical lines.
        guard let filesLine = deck.find("files") else {
            throw AenetError("no FILES block: list the structure files (count, then one path per line)", file: deck.path)
        }
        self.filesLine = filesLine
        let cl = try deck.logicalLines(after: filesLine, count: 1, what: "number of structure files")[0]
        guard let nf = ListDirected.values(cl.text).first.flatMap(ListDirected.int), nf >= 0 else {
            throw deck.error("expected the number of structure files after FILES", line: cl.index)
        }
        guard nf > 0 else { throw deck.error("FILES lists no structures; a training set needs at least one", line: cl.index) }
        structureFiles = try deck.logicalLines(after: cl.index, count: nf, what: "structure paths").map {
            var s = String($0.text)
            while s.last == " " || s.last == "\t" { s.removeLast() }
            return s
        }
    }
}
