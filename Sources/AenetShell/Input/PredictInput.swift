import AenetCore
import AenetTraining
import AenetAugment
/// predict.in (aenet input.f90, read_InpPredict; aenet's read_InpPredict).
///
/// Differences from aenet, all in the direction of accepting more: species names in TYPES may
/// be indented (compat/DIFFERENCES.md), NETWORKS paths keep their `/` (compat/DIFFERENCES.md), an unknown VERBOSITY word means
/// `normal` (compat/DIFFERENCES.md), and a bad value gives an error naming the line instead of a runtime abort.
public struct PredictInput: Sendable {
    /// Options of the RELAX keyword's key=value line.
    public struct Relax: Sendable, Equatable {
        public var method = "bfgs"
        public var steps = 99
        /// Converged when every force component is ≤ this (eV/Å).
        public var forceTolerance = 0.01
        /// aenet passes this to L-BFGS-B as factr (it never triggers); we stop when |ΔE| < this (eV).
        public var energyTolerance = 0.001
        /// Largest displacement of any atom per step, per Cartesian direction (Å).
        public var maxStep = SIMD3<Double>(1, 1, 1)
        public init() {}
    }

    public var path: String
    /// Species in TYPES order (at most 2 characters each).
    public var types: [String] = []
    /// Potential file of each species, in TYPES order.
    public var networkFiles: [String] = []
    public var forces = false
    public var printAtomicEnergies = false
    public var relax: Relax?
    /// Structure files from FILES (whole lines).
    public var files: [String] = []
    /// 0 low, 1 normal, 2 high.
    public var verbosity = 1
    public var timing = false
    public var debug = false
    /// Notes for stderr (e.g. an unknown VERBOSITY word).
    public var warnings: [String] = []

    public init(path: String) throws {
        try self.init(deck: Deck(path: path))
    }

    public init(deck: Deck) throws {
        path = deck.path
        guard let t = deck.find("TYPES") else { throw AenetError("no TYPES keyword (the list of species)", file: deck.path) }
        let nt = try Self.count(deck, t, "TYPES")
        for (_, line) in try deck.logicalLines(after: t, count: nt + 1, what: "the number of species and their names (TYPES)").dropFirst() {
            let name = String(ListDirected.values(line).first?.prefix(2) ?? "")
            guard !types.contains(name) else { throw deck.error("species \(name) listed twice in TYPES", line: t) }
            types.append(name)
        }
        guard let n = deck.find("NETWORKS") else { throw AenetError("no NETWORKS keyword (one potential file per species)", file: deck.path) }
        var files = [String?](repeating: nil, count: nt)
        for (i, line) in try deck.logicalLines(after: n, count: nt, what: "lines 'species potential-file' (NETWORKS)") {
            let w = ListDirected.words(line)
            guard w.count >= 2 else { throw deck.error("expected 'species potential-file'", line: i) }
            guard let k = types.firstIndex(of: String(w[0].prefix(2))) else {
                throw deck.error("species \(w[0]) in NETWORKS is not in TYPES \(types)", line: i)
            }
            guard files[k] == nil else { throw deck.error("two NETWORKS lines for species \(types[k])", line: i) }
            files[k] = String(w[1])
        }
        networkFiles = files.map { $0! }
        forces = try deck.flag("FORCES") ?? false
        printAtomicEnergies = try deck.flag("PRINT_ATOMIC_ENERGIES") ?? false
        timing = try deck.flag("TIMING") ?? false
        debug = try deck.flag("DEBUG") ?? false
        if let r = deck.find("RELAX") {
            relax = try Self.relaxOptions(deck, r)
            forces = true
        }
        if let f = deck.find("FILES") {
            let nf = try Self.count(deck, f, "FILES")
            self.files = try deck.logicalLines(after: f, count: nf + 1, what: "the number of structures and the structure files (FILES)")
                .dropFirst().map { String($0.text).trimmingBlanks }
        }
        if let v = deck.arguments("VERBOSITY") {
            switch v.values.first?.lowercased() {
            case "low": verbosity = 0
            case "normal": verbosity = 1
            case "high": verbosity = 2
            default:
                warnings.append("\(deck.path):\(v.index + 1): VERBOSITY '\(v.values.first ?? "")' is not low, normal or high; using normal")
            }
        }
    }

    /// The integer on the logical line after keyword line `k`.
    private static func count(_ deck: Deck, _ k: Int, _ keyword: String) throws -> Int {
        guard let (i, line) = deck.logicalLines(after: k).first(where: { _ in true }) else {
            throw deck.error("\(keyword) must be followed by a line with a count", line: k)
        }
        guard let tok = ListDirected.values(line).first, let n = ListDirected.int(tok), n >= 0 else {
            throw deck.error("expected the number of entries of \(keyword)", line: i)
        }
        return n
    }

    private static func relaxOptions(_ deck: Deck, _ k: Int) throws -> Relax {
        var r = Relax()
        guard let (i, line) = deck.logicalLines(after: k).first(where: { _ in true }) else { return r }
        func value(_ key: String) throws -> Substring? {
            switch KeyValue.lookup(key, in: line) {
            case .absent: return nil
            case .noEquals: throw deck.error("RELAX option '\(key)' needs '=' and a value", line: i)
            case .value(let v): return v
            }
        }
        func number(_ key: String) throws -> Double? {
            guard let v = try value(key) else { return nil }
            guard let x = ListDirected.double(v) else { throw deck.error("'\(v)' is not a number for \(key)", line: i) }
            return x
        }
        if let m = try value("method") { r.method = String(m) }
        if let x = try number("F_conv") { r.forceTolerance = x }
        if let x = try number("E_conv") { r.energyTolerance = x }
        if let s = try value("steps") {
            guard let n = ListDirected.int(s) else { throw deck.error("'\(s)' is not an integer for steps", line: i) }
            r.steps = n
        }
        if case .value = KeyValue.lookup("dmax", in: line), let eq = line.range(of: "dmax").flatMap({ line[$0.upperBound...].firstIndex(of: "=") }) {
            let v = ListDirected.values(line[line.index(after: eq)...]).prefix(3).compactMap(ListDirected.double)
            guard v.count == 3 else { throw deck.error("dmax needs three numbers (Å per x, y, z)", line: i) }
            r.maxStep = SIMD3(v[0], v[1], v[2])
        }
        guard r.method.lowercased() == "bfgs" else {
            throw deck.error("RELAX method '\(r.method)' is not supported (aenet offers only bfgs)", line: i)
        }
        return r
    }
}
