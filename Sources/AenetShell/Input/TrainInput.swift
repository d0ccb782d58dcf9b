import AenetCore
import AenetTraining
import AenetAugment
import Foundation

/// One NETWORKS line: species, file and hidden layers.
public struct NetworkSpec: Sendable, Equatable {
    public var species: String
    public var file: String
    public var hidden: [(nodes: Int, activation: Activation)]
    /// Physical line (0-based) in the deck, for error messages.
    public var line: Int

    public static func == (a: Self, b: Self) -> Bool {
        a.species == b.species && a.file == b.file && a.line == b.line
            && a.hidden.map(\.nodes) == b.hidden.map(\.nodes) && a.hidden.map(\.activation) == b.hidden.map(\.activation)
    }
}

/// Everything train.in says (aenet input.f90, read_InpTrain), read the way aenet reads it, with clear errors where
/// aenet would crash or silently misbehave.
public struct TrainInput: Sendable {
    public var trainingSet: String
    public var testPercent: Double = 10
    public var iterations: Int = 10
    public var maxEnergy: Double = .greatestFiniteMagnitude
    public var sampling: Sampling = .sequential
    /// True when SAMPLING was given explicitly (bfgs then warns that it uses sequential).
    public var samplingGiven = false
    public var method: MethodChoice = .bfgs
    /// The method token as typed (aenet prints it in error messages).
    public var methodToken = "bfgs"
    /// NETWORKS lines in file order; matched to species by `network(for:)`.
    public var networks: [NetworkSpec] = []
    public var saveEnergies = false
    public var timing = false
    public var debug = false
    /// L2 weight decay λ of `REGULARIZATION l2=λ` (0 = off; aenet 2.0.4 ignores the keyword).
    public var l2: Double = 0
    /// `VALIDATION p [patience=N]` (our extension, off by default): p % of the training structures
    /// are held out as a validation set; the final networks are those of the epoch with the
    /// lowest validation RMSE, and training stops after N epochs without improvement (0 = never).
    public var validationPercent: Double = 0
    public var validationPatience: Int = 0
    /// aenet-PyTorch's keywords (FORCES, `METHOD method=adam|adamw lr=…`): its loss and mini-batches
    /// (TrainInput+Forces.swift); nil for an aenet deck, which behaves exactly as aenet's.
    public var torch: TorchSettings?
    public let deckPath: String

    public init(path: String) throws { try self.init(deck: Deck(path: path)) }

    public init(deck: Deck) throws {
        deckPath = deck.path
        guard let ts = deck.word("TRAININGSET"), !ts.isEmpty else {
            throw AenetError("TRAININGSET is missing (the training-set file written by generate)", file: deck.path)
        }
        trainingSet = ts
        if let v = try deck.double("TESTPERCENT") {
            guard (0..<100).contains(v) else { throw deck.error("TESTPERCENT must be in [0, 100)", line: deck.find("TESTPERCENT")!) }
            testPercent = v
        }
        if let v = try deck.int("ITERATIONS") {
            guard v >= 0 else { throw deck.error("ITERATIONS must not be negative", line: deck.find("ITERATIONS")!) }
            iterations = v
        }
        if let v = try deck.double("MAXENERGY") { maxEnergy = v }
        try readMethod(deck)
        if let (i, v) = deck.arguments("SAMPLING") {
            let w = v.first.map { String($0).lowercased() } ?? ""
            guard let s = Sampling(rawValue: w) else {
                throw deck.error("unknown SAMPLING '\(w)'; use sequential, random, weighted or energy", line: i)
            }
            sampling = s; samplingGiven = true
        }
        saveEnergies = try deck.flag("SAVE_ENERGIES") ?? false
        timing = try deck.flag("TIMING") ?? false
        debug = try deck.flag("DEBUG") ?? false
        try readRegularization(deck)
        try readValidation(deck)
        try readNetworks(deck)
        try readTorchKeywords(deck)
    }

    /// METHOD, then the method and its `key=value` parameters on the next logical line.
    private mutating func readMethod(_ deck: Deck) throws {
        guard let i = deck.find("METHOD") else { return }
        guard let (j, line) = deck.logicalLines(after: i).first(where: { _ in true }),
              let token = ListDirected.values(line).first else {
            throw deck.error("METHOD must be followed by a line naming the method (bfgs, lm, online_sd, adam, ekf)", line: i)
        }
        methodToken = String(token)
        if Self.isTorchMethodLine(line) { return }   // aenet-PyTorch's `method=… lr=…`: readTorchKeywords
        let settings = try Self.keyValues(line, deck: deck, line: j)
        do { method = try MethodChoice(token: methodToken, settings: settings) }
        catch let e as AenetError { throw deck.error(e.message, line: j) }
        sampling = method.type.defaultSampling   // aenet presets random for adam; SAMPLING overrides it
    }

    /// `REGULARIZATION l2=λ` on the keyword line or on the next logical line (published decks).
    private mutating func readRegularization(_ deck: Deck) throws {
        guard let i = deck.find("REGULARIZATION"), let l = Deck.logical(deck.lines[i]) else { return }
        // aenet-PyTorch's `REGULARIZATION 0.001` (a bare number on the keyword line).
        if !l.contains("="), let v = ListDirected.values(l).dropFirst().first, let x = ListDirected.double(v) {
            guard x >= 0 else { throw deck.error("REGULARIZATION must not be negative", line: i) }
            l2 = x
            return
        }
        var settings = try Self.keyValues(l, deck: deck, line: i)
        if settings.isEmpty, let (j, next) = deck.logicalLines(after: i).first(where: { _ in true }),
           next.contains("=") {
            settings = try Self.keyValues(next, deck: deck, line: j)
        }
        for k in settings.keys where k != "l2" {
            throw deck.error("unknown REGULARIZATION parameter '\(k)' (only l2=… is supported)", line: i)
        }
        guard let v = settings["l2"], v >= 0 else {
            throw deck.error("REGULARIZATION needs l2=<non-negative number>", line: i)
        }
        l2 = v
    }

    /// `VALIDATION p [patience=N]` on one line.
    private mutating func readValidation(_ deck: Deck) throws {
        guard let (i, args) = deck.arguments("VALIDATION") else { return }
        guard let first = args.first, let p = ListDirected.double(first), p > 0, p < 100 else {
            throw deck.error("VALIDATION needs a percentage in (0, 100) of the training structures, optionally followed by patience=N", line: i)
        }
        validationPercent = p
        let settings = try Self.keyValues(Deck.logical(deck.lines[i]) ?? "", deck: deck, line: i)
        for k in settings.keys where k != "patience" {
            throw deck.error("unknown VALIDATION parameter '\(k)' (only patience=N is supported)", line: i)
        }
        if let n = settings["patience"] {
            guard n >= 0, n == n.rounded() else { throw deck.error("VALIDATION patience must be a non-negative integer", line: i) }
            validationPatience = Int(n)
        }
    }

    /// All `key=value` pairs of a line (exact keys; aenet's substring search confuses
    /// `lambda` with `lambda0`, a quirk listed in compat/DIFFERENCES.md).
    static func keyValues(_ line: Substring, deck: Deck, line index: Int) throws -> [String: Double] {
        var out: [String: Double] = [:]
        var rest = line[...]
        while let eq = rest.firstIndex(of: "=") {
            let before = rest[..<eq].reversed().drop(while: { $0 == " " })
            let key = String(before.prefix(while: { !" \t,;".contains($0) }).reversed())
            let after = rest[rest.index(after: eq)...]
            guard !key.isEmpty, let tok = ListDirected.values(after).first else {
                throw deck.error("malformed key=value setting near '\(rest.prefix(30))'", line: index)
            }
            guard let v = ListDirected.double(tok) else {
                throw deck.error("'\(tok)' is not a number for \(key)", line: index)
            }
            out[key] = v
            rest = after[tok.endIndex...]
        }
        return out
    }

    /// NETWORKS: lines `Sym path nHidden n1:act1 …` until the first line that is not one.
    private mutating func readNetworks(_ deck: Deck) throws {
        guard let i = deck.find("NETWORKS") else {
            throw AenetError("NETWORKS is missing (one line per species: Sym file nHidden n:act …)", file: deck.path)
        }
        for (j, line) in deck.logicalLines(after: i) {
            let w = ListDirected.words(line)
            guard w.count >= 3, Int(w[2]) != nil else { break }
            let species = String(w[0].prefix(2))
            guard let nh = Int(w[2]), nh >= 0, w.count >= 3 + nh else {
                throw deck.error("malformed architecture: '\(w[2...].joined(separator: " "))' must be the number of hidden layers followed by that many nodes:activation items", line: j)
            }
            var hidden: [(Int, Activation)] = []
            for item in w[3..<(3 + nh)] {
                do { hidden.append(try Architecture.hiddenLayer(item)) }
                catch let e as AenetError { throw deck.error(e.message, line: j) }
            }
            if w.count > 3 + nh, !w[3 + nh].hasPrefix("!") {
                throw deck.error("malformed architecture: \(w.count - 3 - nh) item(s) after the \(nh) hidden layers", line: j)
            }
            if networks.contains(where: { $0.species == species }) {
                throw deck.error("second network for species \(species)", line: j)
            }
            networks.append(NetworkSpec(species: species, file: String(w[1]), hidden: hidden, line: j))
        }
        if networks.isEmpty { throw deck.error("NETWORKS is followed by no network line (Sym file nHidden n:act …)", line: i) }
    }

    /// The networks in the order of `species` (the training set's), or a clear error when a species
    /// has no network or a network names a species absent from the training set.
    public func networks(for species: [String]) throws -> [NetworkSpec] {
        for n in networks where !species.contains(n.species) {
            throw AenetError(.mismatch, "network for species \(n.species) but the training set has only \(species.joined(separator: ", "))",
                             file: deckPath, line: n.line + 1)
        }
        let specs = try species.map { s in
            guard let n = networks.first(where: { $0.species == s }) else {
                throw AenetError(.mismatch, "no network given for species \(s) of the training set (add a NETWORKS line)", file: deckPath)
            }
            return n
        }
        // Two species writing one file would overwrite each other's network.
        for (i, a) in specs.enumerated() {
            for b in specs[(i + 1)...] where a.file == b.file || Self.sameExistingFile(a.file, b.file) {
                throw AenetError(.invalidInput, "species \(a.species) and \(b.species) are given the same network file \(a.file); give each species its own file",
                                 file: deckPath, line: b.line + 1)
            }
        }
        return specs
    }

    static func sameExistingFile(_ a: String, _ b: String) -> Bool {
        guard let x = FileOutput.identity(a), let y = FileOutput.identity(b) else { return false }
        return x == y
    }
}
