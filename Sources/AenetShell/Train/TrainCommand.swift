import AenetCore
import AenetTraining
import AenetAugment
import COpenBLAS
import Foundation

/// train.x: reads train.in, normalizes/loads the training set, sets up the networks, splits off
/// the test set, trains and writes aenet's outputs (aenet train.f90). stdout keeps aenet's layout;
/// warnings and progress go to stderr.
public final class TrainCommand {
    public let input: TrainInput
    let out: TextOutput
    let diagnostics: Diagnostics
    /// Threads for the loss evaluation (2 on this machine; BLAS itself stays single-threaded).
    public var threads = RunPolicy.workerThreads

    var set: LoadedTrainingSet!
    var species: [String] = []
    var specs: [NetworkSpec] = []
    var networks: [FeedForwardNetwork] = []
    var isTest: [Bool] = []
    var trainData: TrainingData!
    var testData: TrainingData!
    /// VALIDATION: structures held out of the training set for choosing the final epoch (nil = off).
    var validationData: TrainingData?
    /// True when every network came from an existing file (only then is train.restart used).
    var allNetworksLoaded = true
    /// Species whose network was created by this run (written at start-up; existing files are
    /// never touched before the run has a result).
    var createdNetworks: Set<Int> = []
    /// Hash of the training set's contents (train.restart records it).
    var trainingSetHash: UInt64 = 0
    /// The training-set info stored in the .nn files (the whole set's counts).
    var setInfo: TrainingSetInfo!
    /// The binary copy of an ASCII training set while it is being read.
    private var asciiCopy: String?
    /// FORCES: the structures with derivatives (ForceSet), loaded before anything is written.
    var forceSet: ForceSet?
    /// Indices in the training-set file of the training, test and validation structures.
    var trainSetIndices: [Int] = []
    var testSetIndices: [Int] = []
    var validationSetIndices: [Int] = []
    /// The processes of the run (MPI ranks; data parallel training, see `TrainingShare`). Only
    /// rank 0 writes files; give the others an `out` that discards (Ranks.output).
    public var communicator: any Communicator = SerialCommunicator()
    /// This rank's part of the training set (global training indices, after the test split).
    var share: TrainingShare!

    public init(input: TrainInput, out: TextOutput = TextOutput(), diagnostics: Diagnostics = Diagnostics(tool: "train")) {
        self.input = input; self.out = out; self.diagnostics = diagnostics
    }

    /// Everything train.x does, in its order.
    public func run() throws {
        RunPolicy.singleThreadedBLAS()
        out.write(TrainReport.banner("Training process started.") + TrainReport.copyright)
        let comm = communicator
        try openTrainingSet()
        try comm.checked {
            // One process: the force data are checked before anything is written. Several (MPI):
            // each reads only its share, after the split (below).
            if input.torch?.forces == true, comm.size == 1 { try loadForces() }
            try setUpNetworks()
            do {
                try input.method.checkMemory(weightCount: networks.reduce(0) { $0 + $1.weights.count },
                                             structureCount: set.header.structureCount, limit: RunPolicy.memoryLimit)
            } catch let e as AenetError { throw e.located(in: input.deckPath) }
        }
        // aenet writes every network here; we keep its text but write only the networks created
        // now (so that a run killed before its first epoch resumes with them): an existing file
        // is replaced only by a result, at the end of the run.
        try comm.checked { try saveNetworks(suffix: "", verbose: true, only: createdNetworks) }
        try splitTestSet()
        if input.torch?.forces == true, comm.size > 1 { try loadForceShare() }
        out.flush()
        if input.torch != nil { try ForceTrainLoop(command: self).run() } else { try TrainLoop(command: self).run() }
    }

    /// open_TrnSet: use `<set>.scaled` when present, else normalize a raw set (aenet trainset.f90, ts_normalize).
    func openTrainingSet() throws {
        let fm = FileManager.default, comm = communicator
        defer { if let c = asciiCopy { try? fm.removeItem(atPath: c); asciiCopy = nil } }
        let raw = input.trainingSet, scaled = raw + ".scaled"
        var binary = raw
        // Every rank decides before rank 0 writes anything (MPI); only rank 0 normalizes.
        let (found, normalize) = try comm.checked { () throws -> (Bool, Bool) in
            if fm.fileExists(atPath: scaled) { return (true, false) }
            guard fm.fileExists(atPath: raw) else {
                throw AenetError(.missingFile, "training set not found (TRAININGSET)", file: raw)
            }
            if try TrainingSetLayout.detect(path: raw) == .ascii {
                // aenet-PyTorch's ASCII set: read through a private binary copy (removed when
                // this function returns; a mapped copy stays readable after unlink).
                let copy = fm.temporaryDirectory.appendingPathComponent("aenet-train-\(getpid()).train").path
                try? fm.removeItem(atPath: copy)
                try TrainingSetASCIIReader(path: raw).writeBinary(to: copy)
                asciiCopy = copy
                binary = copy
            }
            return (false, try !TrainingSetReader(path: binary).header.normalized)
        }
        var path = binary
        if found {
            out.write(" Loading scaled training set file: \(scaled)\n\n")
            if input.maxEnergy < .greatestFiniteMagnitude, comm.isRoot {
                diagnostics.note("note: \(scaled) exists and is used as it is; MAXENERGY only applies when it is created (delete it to re-normalize).")
            }
            path = scaled
        } else if normalize {
            try comm.checked {
                if comm.isRoot {
                    out.write(try Normalization.normalize(rawPath: binary, scaledPath: scaled, maxEnergy: input.maxEnergy, warn: diagnostics.warning)
                        .replacingOccurrences(of: binary, with: raw))
                }
            }
            path = scaled
        }
        // Several ranks map the file: each copies only its share into memory (splitTestSet).
        let path_ = path
        set = try comm.checked { try LoadedTrainingSet.load(path: path_, streaming: comm.size > 1 || RunPolicy.streamTrainingSet(path: path_)) }
        species = set.header.typeNames.map { $0.trimmingCharacters(in: .whitespaces) }
        for (t, s) in set.setups.enumerated() where s.atomType.trimmingCharacters(in: .whitespaces) != species[t] {
            throw AenetError(.corruptFile, "setup \(t + 1) is for species \(s.atomType), the header names \(species[t]) (corrupt file)", file: path)
        }
        guard set.data.structureCount > 0 else {
            throw AenetError(.invalidInput, "the training set contains no structures; generate one with structures first", file: path)
        }
        var h = ContentHash()
        for name in species { h.add(name) }
        h.add(set.header.scale); h.add(set.header.shift)
        h.add(set.setups.map(\.nsf).count); for s in set.setups { h.add(s.nsf) }
        h.add(set.data.energies)
        for n in set.data.atomCounts { h.add(n) }
        trainingSetHash = h.value
        setInfo = set.info   // kept: the in-memory copy of the set is freed after the split
    }

    /// What a train.restart written now belongs to, with `networks` as the `.nn` files' networks.
    func restartIdentity(networks nets: [FeedForwardNetwork]) -> TrainRestart.Identity {
        var d = ContentHash()
        d.add(input.method.token); d.add(input.testPercent); d.add(input.validationPercent)
        var n = ContentHash()
        for net in nets {
            n.add(net.layerSizes.count)
            for k in net.layerSizes { n.add(k) }
            for a in net.activations { n.add(Int(a.rawValue)) }
            n.add(net.weights)
        }
        return TrainRestart.Identity(deck: d.value, trainingSet: trainingSetHash, networks: n.value)
    }

    /// init_networks: load existing network files, create the others with random weights.
    func setUpNetworks() throws {
        specs = try input.networks(for: species)
        out.write(AenetText.header("Networks") + "\n")
        // PHSEED (aenet-PyTorch decks) makes the initial weights reproducible; otherwise the same
        // new networks on every rank: rank 0's clock.
        var rng = input.torch.map { GfortranRandom(clock: Int32(truncatingIfNeeded: $0.phSeed)) }
            ?? GfortranRandom(clock: communicator.broadcast(value: Int32(truncatingIfNeeded: Int(Date().timeIntervalSince1970 * 1000) % 2_000_000_000)))
        for (t, spec) in specs.enumerated() {
            let nsf = set.setups[t].nsf
            if FileManager.default.fileExists(atPath: spec.file) {
                out.write(" Restarting the \(species[t]) network from file : \(spec.file)\n")
                let net: FeedForwardNetwork
                do { net = try Potential.read(path: spec.file).network }
                catch let e as AenetError { throw AenetError(e.kind, "cannot load the existing network file (\(e.message)); move it away to start a new network", file: spec.file) }
                guard net.inputCount == nsf else {
                    throw AenetError(.mismatch, "the existing network has \(net.inputCount) inputs but the \(species[t]) fingerprints have \(nsf); move the file away to start a new network", file: spec.file)
                }
                networks.append(net)
            } else {
                out.write(" Creating a new \(species[t]) network\n")
                allNetworksLoaded = false
                createdNetworks.insert(t)
                var net = try FeedForwardNetwork(layerSizes: [nsf] + spec.hidden.map(\.nodes) + [1],
                                                 activations: spec.hidden.map(\.activation) + [.linear])
                net.randomizeWeights(&rng)
                networks.append(net)
            }
            out.write("\n" + networks[t].infoText)
        }
    }

    /// save_all_networks: one `.nn` per species (plain name, or a `-NNNNN` snapshot).
    /// - Parameter only: write just these species (the text names all, as aenet's does).
    func saveNetworks(suffix: String, verbose: Bool, only: Set<Int>? = nil) throws {
        if verbose { out.write(AenetText.header("Storing networks") + "\n") }
        for (t, spec) in specs.enumerated() {
            if verbose { out.write(" Saving the \(species[t]) network to file : \(spec.file)\(suffix)\n") }
            if let only, !only.contains(t) { continue }
            guard communicator.isRoot else { continue }
            guard networks[t].weights.allSatisfy(\.isFinite) else {
                throw AenetError(.invalidInput, "the \(species[t]) network has NaN or infinite weights; not written", file: spec.file + suffix)
            }
            let p = try Potential(network: networks[t], setup: set.setups[t], trainingSet: setInfo)
            try p.write(path: spec.file + suffix)
        }
        if verbose { out.write("\n") }
    }

    /// decide_testing_set with train.rngstate (aenet train.f90, decide_testing_set), then the in-memory subsets.
    func splitTestSet() throws {
        let n = set.data.structureCount, comm = communicator
        var restarted = false
        var rng = GfortranRandom(clock: 0)
        // Rank 0 reads (or makes) train.rngstate; every rank draws the split from its state.
        try comm.checked {
            guard comm.isRoot else { return }
            if FileManager.default.fileExists(atPath: TrainFiles.rngState) {
                let (g, w) = try RandomStateFile.read(path: TrainFiles.rngState)
                if let w { diagnostics.warning(w) }
                rng = g ?? GfortranRandom(clock: Int32(truncatingIfNeeded: time(nil)))
                restarted = g != nil
            } else {
                // aenet-PyTorch decks: the split is drawn from NPSEED (reproducible, as its numpy split).
                rng = input.torch.map { GfortranRandom(clock: Int32(truncatingIfNeeded: $0.npSeed &+ 1_000_003)) }
                    ?? GfortranRandom(clock: Int32(truncatingIfNeeded: time(nil)))
                try RandomStateFile.write(rng, path: TrainFiles.rngState)
            }
        }
        if comm.size > 1 {
            var w = ByteWriter()
            w.int(restarted ? 1 : 0)
            for x in rng.seed { w.int(Int(x)) }
            comm.broadcast(&w.bytes, root: 0)
            var r = ByteReader(w.bytes)
            restarted = r.int() == 1
            rng = GfortranRandom(seed: (0..<GfortranRandom.seedSize).map { _ in Int32(truncatingIfNeeded: r.int()) })
        }
        isTest = TestSplit.draw(count: n, testPercent: input.testPercent, rng: &rng)
        let nTest = isTest.filter { $0 }.count
        guard nTest < n else { throw AenetError("no training structures left after the test split (\(n) structures, TESTPERCENT \(input.testPercent))") }
        if nTest == 0 && input.testPercent > 0 {
            throw AenetError("the test set is empty (\(n) structures, TESTPERCENT \(input.testPercent)); add structures or set TESTPERCENT 0 to train without a test set")
        }
        out.write(String(set.info.formattedInfo().dropFirst()))   // aenet prints no blank line before it
        out.write(TrainReport.details(method: input.method, iterations: input.iterations, isTest: isTest, restarted: restarted))
        let trainIndices = isTest.indices.filter { !isTest[$0] }
        if input.validationPercent > 0 {
            // Drawn with aenet's split rule from the same generator, right after the test split:
            // reproducible from train.rngstate, and the test set is the one without VALIDATION.
            let isVal = TestSplit.draw(count: trainIndices.count, testPercent: input.validationPercent, rng: &rng)
            let nVal = isVal.filter { $0 }.count
            guard nVal > 0, nVal < trainIndices.count else {
                throw AenetError("VALIDATION \(input.validationPercent) leaves \(nVal) validation structures of \(trainIndices.count) training structures; change the percentage")
            }
            out.write(" Validation structures   : \(nVal) (VALIDATION \(FortranFormat.adjustl(input.validationPercent, digits: 2)) % of the training structures, not trained on)\n")
            if input.validationPatience > 0 {
                out.write(" Early stopping          : after \(input.validationPatience) epochs without a lower validation RMSE\n")
            }
            out.write("\n")
            validationSetIndices = trainIndices.indices.filter { isVal[$0] }.map { trainIndices[$0] }
            validationData = part(validationSetIndices)
            trainSetIndices = trainIndices.indices.filter { !isVal[$0] }.map { trainIndices[$0] }
            trainData = part(trainSetIndices, training: true)
        } else {
            trainSetIndices = trainIndices
            trainData = part(trainIndices, training: true)
        }
        testSetIndices = isTest.indices.filter { isTest[$0] }
        testData = part(testSetIndices)
        set.data = TrainingData(featureCounts: set.data.featureCounts)   // free the full copy
    }

    /// The structures `indices` of the set, or with several ranks this rank's contiguous block of
    /// them, copied into memory; `training`: also records the rank's share of the training set.
    private func part(_ indices: [Int], training: Bool = false) -> TrainingData {
        let comm = communicator
        let block = comm.block(of: indices.count)
        if training {
            share = TrainingShare(comm: comm, range: block, count: indices.count, energies: indices.map { set.data.energies[$0] })
        }
        guard comm.size > 1 else { return set.data.subset(indices) }
        return set.data.subset(Array(indices[block])).inMemory()
    }
}
