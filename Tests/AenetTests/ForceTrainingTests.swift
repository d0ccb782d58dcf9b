import Foundation
import Testing
@testable import AenetCore
@testable import AenetTraining
@testable import AenetShell
@testable import AenetTestSupport

// Force training (issue 12): aenet-PyTorch's deck keywords, its loss and gradient, the train
// tool's outputs, restart, and bad input. Data: the project's reference inputs, generated here
// with FORCES.

/// A folder with the reference inputs and a generated training set `reference.train` whose
/// `.forces` file has derivatives for `percent` % of the structures (`first` structures only
/// when given).
private func forceData(percent: Int = 50, deck: String = "generate.in", first: Int? = nil) throws -> TemporaryDirectory {
    let dir = try TemporaryDirectory()
    let fm = FileManager.default
    for item in try fm.contentsOfDirectory(atPath: TestPaths.referenceInputs.path) {
        try fm.copyItem(atPath: TestPaths.referenceInputs.path + "/" + item, toPath: dir.path + "/" + item)
    }
    let lines = try String(contentsOfFile: dir.path + "/" + deck, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
    let files = try #require(lines.firstIndex { $0.trimmingCharacters(in: .whitespaces) == "FILES" })
    let all = lines[(files + 2)...].filter { $0.hasSuffix(".xsf") }
    let chosen = first.map { Array(all.prefix($0)) } ?? Array(all)
    let text = lines[..<files].joined(separator: "\n").replacingOccurrences(of: "OUTPUT", with: "OUTPUT reference.train\n! ")
        + "\nFORCES\nFORCESPERCENT \(percent)\nFILES\n\(chosen.count)\n" + chosen.joined(separator: "\n") + "\n"
    try dir.write("forces.in", text)
    let g = try runTool("generate", ["forces.in"], in: dir.url)
    #expect(g.status == 0, "\(g.stderr)")
    return dir
}

private func torchDeck(iterations: Int, alpha: Double? = 0.5, lr: Double = 0.01, batch: Int = 8, extra: String = "",
                       nodes: Int = 5) -> String {
    """
    TRAININGSET reference.train
    TESTPERCENT 10
    ITERATIONS  \(iterations)
    ITERWRITE   1
    BATCHSIZE   \(batch)
    NPSEED 1
    PHSEED 2
    \(alpha.map { "FORCES\nalpha=\($0)\n" } ?? "")
    SAVE_ENERGIES
    SAVE_FORCES
    \(extra)
    METHOD
    method=adamw   lr=\(lr)

    REGULARIZATION 0.001

    NETWORKS
      Ti     Ti.nn    2    \(nodes):tanh    \(nodes):tanh
      O       O.nn    2    \(nodes):tanh    \(nodes):tanh

    """
}

/// The loaded pieces of a generated force data set, as train uses them.
private func loaded(_ dir: TemporaryDirectory) throws -> (LoadedTrainingSet, ForceSet) {
    let raw = dir.path + "/reference.train"
    if !FileManager.default.fileExists(atPath: raw + ".scaled") {
        _ = try Normalization.normalize(rawPath: raw, scaledPath: raw + ".scaled", maxEnergy: .greatestFiniteMagnitude, warn: { _ in })
    }
    let set = try LoadedTrainingSet.load(path: raw + ".scaled", streaming: false)
    let fs = try ForceSet.load(scaledPath: raw + ".scaled", forcesPath: raw + ".forces", setups: set.setups)
    return (set, fs)
}

private func randomNetworks(_ act: Activation, _ setups: [FingerprintSetup], hidden: [Int] = [4, 3], seed: Int32 = 3) -> [FeedForwardNetwork] {
    var rng = GfortranRandom(clock: seed)
    return setups.map { s in
        var n = try! FeedForwardNetwork(layerSizes: [s.nsf] + hidden + [1], activations: Array(repeating: act, count: hidden.count) + [.linear])
        n.randomizeWeights(&rng)
        return n
    }
}

// MARK: - Deck

@Test func torchDeckKeywordsAreRead() throws {
    let dir = try TemporaryDirectory()
    let p = try dir.write("train.in", torchDeck(iterations: 7, alpha: 0.25, lr: 0.0001, batch: 128, extra: "MEMORY_MODE cpu\nVERBOSE\n"))
    let t = try TrainInput(path: p)
    let s = try #require(t.torch)
    #expect(s.forces && s.alpha == 0.25 && s.learningRate == 0.0001 && s.batchSize == 128)
    #expect(s.optimizer == "adamw" && s.weightDecay == 0.001 && s.npSeed == 1 && s.phSeed == 2 && s.saveForces && s.memoryMode == "cpu")
    #expect(t.method.token == "adamw" && t.method.values == [0.0001, 0.9, 0.999, 1e-8, 0.001, 128, 1, 0, 7])
    #expect(t.l2 == 0 && t.iterations == 7)
    // adam (L2 in the gradient) and no FORCES: aenet-PyTorch's energy-only training.
    let q = try dir.write("adam.in", torchDeck(iterations: 3, alpha: nil).replacingOccurrences(of: "method=adamw", with: "method=Adam"))
    let u = try #require(try TrainInput(path: q).torch)
    #expect(!u.forces && u.alpha == 0 && u.optimizer == "adam")
    // An aenet deck is not an aenet-PyTorch deck.
    let r = try dir.write("aenet.in", "TRAININGSET x.train\nMETHOD\nadam mu=0.01\nREGULARIZATION l2=0.001\nNETWORKS\nTi Ti.nn 1 3:tanh\n")
    let a = try TrainInput(path: r)
    #expect(a.torch == nil && a.method.token == "adam" && a.l2 == 0.001)
}

@Test(arguments: [
    ("alpha=1.5", "outside [0, 1]"), ("alpha=-0.1", "outside [0, 1]"), ("alpha=x", "not a number"),
    ("", "FORCES needs alpha="),
])
func badAlphaIsAClearError(_ line: String, _ message: String) throws {
    let dir = try TemporaryDirectory()
    let text = torchDeck(iterations: 1).replacingOccurrences(of: "alpha=0.5", with: line)
    let p = try dir.write("train.in", text)
    #expect { try TrainInput(path: p) } throws: { e in
        let d = (e as? AenetError)?.description ?? ""
        return d.contains(message) && d.contains("train.in:")
    }
}

@Test func badTorchMethodLinesAreClearErrors() throws {
    let dir = try TemporaryDirectory()
    for (line, message) in [("method=sgd lr=0.1", "method=sgd is not supported"), ("method=adamw", "needs lr="),
                            ("method=adamw lr=0.1 momentum=3", "unknown METHOD parameter 'momentum'"),
                            ("method=adamw lr=-1", "must be positive")] {
        let p = try dir.write("train.in", torchDeck(iterations: 1).replacingOccurrences(of: "method=adamw   lr=0.01", with: line))
        #expect(throws: AenetError.self) { try TrainInput(path: p) }
        do { _ = try TrainInput(path: p) } catch let e as AenetError { #expect(e.description.contains(message), "\(e.description)") }
    }
    // FORCES with an aenet method other than adam or bfgs.
    let p = try dir.write("lm.in", torchDeck(iterations: 1).replacingOccurrences(of: "method=adamw   lr=0.01", with: "lm"))
    do { _ = try TrainInput(path: p); Issue.record("lm with FORCES accepted") }
    catch let e as AenetError { #expect(e.description.contains("supports the methods adam, adamw and bfgs")) }
    // bfgs (aenet's line or aenet-PyTorch's style, no lr needed) is read as full-batch L-BFGS.
    for line in ["bfgs", "method=bfgs"] {
        let q = try dir.write("bfgs.in", torchDeck(iterations: 3).replacingOccurrences(of: "method=adamw   lr=0.01", with: line))
        let t = try TrainInput(path: q)
        #expect(t.torch?.optimizer == "bfgs" && t.method.token == "bfgs" && t.torch?.weightDecay == 0.001 && t.l2 == 0, "\(line)")
    }
}

// MARK: - Loss and gradient

/// The analytic gradient of aenet-PyTorch's loss (energy term over all structures of a batch,
/// force term over those with derivatives) matches central differences, for every activation
/// and both descriptors.
@Test(arguments: Activation.allCases, ["generate.in", "generate-behler.in"])
func torchLossGradientMatchesFiniteDifferences(_ act: Activation, _ deck: String) throws {
    let dir = try forceData(percent: 50, deck: deck, first: 8)
    let (set, fs) = try loaded(dir)
    let nets = randomNetworks(act, set.setups)
    let ev = LossEvaluator(networks: nets, threads: 2), fe = ForceEvaluator(networks: nets, threads: 2)
    var index = [Int](repeating: -1, count: set.data.structureCount)
    for (k, s) in fs.setIndex.enumerated() { index[s] = k }
    #expect(index.contains { $0 >= 0 } && index.contains { $0 < 0 })
    let obj = ForceObjective(energy: ev, force: fe, alpha: 0.3, train: set.data, forceSet: fs, trainForceIndex: index)
    let w = nets.flatMap(\.weights), batch = [0, 2, 3, 5, 6, 7]
    var g = [Double](repeating: 0, count: w.count)
    _ = obj.lossAndGradient(w, &g, batch: batch)
    var none: [Double] = []
    let h = 1e-6
    for k in stride(from: 0, to: w.count, by: max(1, w.count / 60)) {
        var wp = w, wm = w
        wp[k] += h; wm[k] -= h
        let fd = (obj.evaluate(wp, batch: batch, gradient: &none).loss - obj.evaluate(wm, batch: batch, gradient: &none).loss) / (2 * h)
        #expect(isClose(g[k], fd, tolerance: 1e-5), "\(act) \(deck) weight \(k): \(g[k]) vs \(fd)")
    }
}

/// The loss is aenet-PyTorch's: (1−α)·√(mean (ΔE/N)²) + α·√(Σ|ΔF|²/N_F), from independently
/// computed energies and forces (PotentialSet, as predict).
@Test func torchLossIsAenetPyTorchsFormula() throws {
    let dir = try forceData(percent: 50, first: 8)
    let (set, fs) = try loaded(dir)
    let nets = randomNetworks(.tanh, set.setups)
    let ev = LossEvaluator(networks: nets, threads: 1), fe = ForceEvaluator(networks: nets, threads: 1)
    var index = [Int](repeating: -1, count: set.data.structureCount)
    for (k, s) in fs.setIndex.enumerated() { index[s] = k }
    let alpha = 0.2
    let obj = ForceObjective(energy: ev, force: fe, alpha: alpha, train: set.data, forceSet: fs, trainForceIndex: index)
    var none: [Double] = []
    let batch = Array(0..<set.data.structureCount)
    let got = obj.evaluate(nets.flatMap(\.weights), batch: batch, gradient: &none)
    // Reference: predict's energies and forces from XSF files, scaled as the .scaled set.
    let types = set.header.typeNames.map { $0.trimmingCharacters(in: .whitespaces) }
    let pots = try PotentialSet(types: types, potentials: set.setups.indices.map {
        try Potential(network: nets[$0], setup: set.setups[$0], trainingSet: set.info)
    })
    let ws = EvaluationWorkspace(pots)
    let scale = set.header.scale, shift = set.header.shift
    var se = 0.0, sf = 0.0, nf = 0
    for s in batch {
        let p = try pots.evaluate(try XSF.read(path: dir.path + "/" + set.data.paths[s]), forces: index[s] >= 0, workspace: ws)
        let n = Double(set.data.atomCounts[s])
        let ref = set.data.energies[s] / scale + n * shift
        let ann = p.cohesiveEnergy
        se += pow(scale * (ann - ref) / n, 2)
        if index[s] >= 0 {
            let k = index[s]
            for (i, a) in fs.atoms(of: k).enumerated() {
                for c in 0..<3 { sf += pow(scale * p.forces![i][c] - fs.forces[3 * a + c], 2) }
                nf += 1
            }
        }
    }
    let expected = (1 - alpha) * (se / Double(batch.count)).squareRoot() + alpha * (sf / Double(nf)).squareRoot()
    #expect(isClose(got.loss, expected, tolerance: 1e-8), "\(got.loss) vs \(expected)")
}

// MARK: - The train tool

private func finalErrors(_ out: String) -> (energy: Double, force: Double)? {
    func value(_ key: String, _ unit: String) -> Double? {
        guard let line = out.split(separator: "\n").first(where: { $0.contains(key) }) else { return nil }
        let w = line.split(separator: " ")
        guard let i = w.firstIndex(of: "test") else { return nil }
        return Double(w[i + 1])
    }
    guard let e = value("Final energy RMSE", "meV/atom"), let f = value("Final force RMSE", "eV/Ang") else { return nil }
    return (e, f)
}

/// A short force training lowers the force error and beats energy-only training (α = 0, same
/// epochs, seeds and split) on the training force error; the `.nn` files reproduce, through
/// predict's evaluator, the forces the trainer computes (1e-9).
@Test func forceTrainingLowersForceErrorsAndWritesUsableNetworks() throws {
    let dir = try forceData(percent: 50)
    try dir.write("train.in", torchDeck(iterations: 40, alpha: 0.5))
    let r = try runTool("train", ["train.in"], in: dir.url)
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout.contains("FORCE RMSE (eV/Ang)") && r.stdout.contains("ENERGY TRAIN (eV/atom)"))
    let rows = r.stdout.split(separator: "\n").filter { $0.hasSuffix(" <") }.map { $0.split(separator: " ").compactMap { Double($0) } }
    #expect(rows.count == 41)
    let first = try #require(rows.first), last = try #require(rows.last)
    #expect(last[5] < 0.5 * first[5], "train force RMSE \(first[5]) → \(last[5])")
    #expect(dir.exists("energies.train") && dir.exists("energies.test") && dir.exists("forces.train") && dir.exists("forces.test"))
    // Energy only (alpha = 0), everything else equal.
    let e = try forceData(percent: 50)
    try e.write("train.in", torchDeck(iterations: 40, alpha: 0.0))
    let q = try runTool("train", ["train.in"], in: e.url)
    #expect(q.status == 0, "\(q.stderr)")
    let lastE = try #require(q.stdout.split(separator: "\n").filter { $0.hasSuffix(" <") }.last.map { $0.split(separator: " ").compactMap { Double($0) } })
    #expect(last[5] < lastE[5], "force RMSE with forces \(last[5]), energy only \(lastE[5])")

    // The written networks, loaded as predict loads them, give the trainer's forces.
    let (set, fs) = try loaded(dir)
    let types = set.header.typeNames.map { $0.trimmingCharacters(in: .whitespaces) }
    let nets = try ["Ti.nn", "O.nn"].map { try Potential.read(path: dir.path + "/" + $0) }
    let pots = try PotentialSet(types: types, potentials: nets)
    let fe = ForceEvaluator(networks: nets.map(\.network), threads: 2)
    var f = [Double](repeating: 0, count: 3 * fs.atomCount)
    let w = nets.flatMap(\.network.weights)
    _ = w.withUnsafeBufferPointer { wp in f.withUnsafeMutableBufferPointer { fe.sumSquaredErrors(wp.baseAddress!, set: fs, structures: Array(0..<fs.structureCount), forcesOut: $0.baseAddress!) } }
    let ws = EvaluationWorkspace(pots)
    var compared = 0
    for k in 0..<fs.structureCount {
        let p = try pots.evaluate(try XSF.read(path: dir.path + "/" + fs.paths[k]), forces: true, workspace: ws)
        for (i, a) in fs.atoms(of: k).enumerated() {
            for c in 0..<3 {
                #expect(isClose(f[3 * a + c] / set.header.scale, p.forces![i][c], tolerance: 1e-9))
                compared += 1
            }
        }
    }
    #expect(compared > 100)
    // And the predict tool itself agrees with forces.train (printed to 6 decimals).
    let ft = try String(contentsOfFile: dir.path + "/forces.train", encoding: .utf8).split(separator: "\n")
    let head = try #require(ft.first).split(separator: " ")
    let path = String(try #require(head.last))
    let atom0 = ft[1].split(separator: " ").compactMap { Double($0) }
    try dir.write("p.in", "TYPES\n2\nTi\nO\nNETWORKS\nTi Ti.nn\nO O.nn\nFORCES\nFILES\n1\n\(path)\n")
    let pr = try runTool("predict", ["p.in"], in: dir.url)
    #expect(pr.status == 0, "\(pr.stderr)")
    let predicted = try #require(pr.stdout.split(separator: "\n").first { $0.hasPrefix(" Ti ") || $0.hasPrefix(" O ") })
        .split(separator: " ").compactMap { Double($0) }
    #expect(isClose(Array(predicted[3..<6]), Array(atom0[5..<8]), tolerance: 2e-6), "\(predicted) vs \(atom0)")
}

/// 20 epochs in one run equal 10 + 10 epochs in two runs (train.restart: weights, AdamW moments,
/// batch order), bit for bit; STOP halts a run after the current epoch.
@Test func forceTrainingRestartContinuity() throws {
    let a = try forceData(percent: 50)
    try a.write("train.in", torchDeck(iterations: 20, extra: "TIMING"))
    #expect(try runTool("train", ["train.in"], in: a.url).status == 0)
    // TIMING: one line per epoch in train.time, as for energy decks.
    let timing = try String(contentsOfFile: a.path + "/train.time", encoding: .utf8)
    #expect(timing.split(separator: "\n").filter { $0.hasPrefix("epoch ") }.count == 20)
    let b = try forceData(percent: 50)
    // The same test split (train.rngstate of the first run).
    try FileManager.default.copyItem(atPath: a.path + "/train.rngstate", toPath: b.path + "/train.rngstate")
    try b.write("train.in", torchDeck(iterations: 10))
    let r1 = try runTool("train", ["train.in"], in: b.url)
    #expect(r1.status == 0, "\(r1.stderr)")
    let r2 = try runTool("train", ["train.in"], in: b.url)
    #expect(r2.status == 0, "\(r2.stderr)")
    #expect(r2.stderr.contains("Restarting the adamw optimizer"))
    for nn in ["Ti.nn", "O.nn"] {
        let x = try Potential.read(path: a.path + "/" + nn).network.weights, y = try Potential.read(path: b.path + "/" + nn).network.weights
        #expect(x == y, "\(nn) differs after 20 vs 10 + 10 epochs")
    }
    // STOP: halts after the first epoch.
    let c = try forceData(percent: 50)
    try c.write("train.in", torchDeck(iterations: 50))
    try c.write("STOP", "")
    let s = try runTool("train", ["train.in"], in: c.url)
    #expect(s.status == 0 && s.stdout.contains("File `STOP' detected"))
    #expect(s.stdout.split(separator: "\n").filter { $0.hasSuffix(" <") }.count == 2)
}

/// METHOD bfgs with FORCES (our extension): full-batch L-BFGS on the same loss over the whole
/// training set lowers the training loss, writes `.nn` files predict reads, and 10 + 10
/// iterations through train.restart equal 20 in one run, bit for bit.
@Test func bfgsForceTrainingLowersTheLossAndRestarts() throws {
    func deck(_ n: Int) -> String { torchDeck(iterations: n, alpha: 0.5).replacingOccurrences(of: "method=adamw   lr=0.01", with: "bfgs") }
    let a = try forceData(percent: 50)
    try a.write("train.in", deck(20))
    let r = try runTool("train", ["train.in"], in: a.url)
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout.contains("one L-BFGS iteration over the whole training set"))
    let rows = r.stdout.split(separator: "\n").filter { $0.hasSuffix(" <") }.map { $0.split(separator: " ").compactMap { Double($0) } }
    let first = try #require(rows.first), last = try #require(rows.last)
    #expect(rows.count == 21, "\(rows.count) epoch lines")
    // (1−α)·RMSE_E + α·RMSE_F on the training set (eV units), α = 0.5.
    let l0 = 0.5 * first[2] + 0.5 * first[5], l1 = 0.5 * last[2] + 0.5 * last[5]
    #expect(l1 < 0.5 * l0, "training loss \(l0) → \(l1)")
    #expect(last[5] < first[5], "train force RMSE \(first[5]) → \(last[5])")
    let nets = try ["Ti.nn", "O.nn"].map { try Potential.read(path: a.path + "/" + $0) }
    #expect(nets.allSatisfy { $0.network.weights.allSatisfy(\.isFinite) })
    // Restart: the same split, 10 + 10 iterations.
    let b = try forceData(percent: 50)
    try FileManager.default.copyItem(atPath: a.path + "/train.rngstate", toPath: b.path + "/train.rngstate")
    try b.write("train.in", deck(10))
    let r1 = try runTool("train", ["train.in"], in: b.url)
    #expect(r1.status == 0, "\(r1.stderr)")
    let r2 = try runTool("train", ["train.in"], in: b.url)
    #expect(r2.status == 0 && r2.stderr.contains("Restarting the bfgs optimizer"), "\(r2.stderr)")
    for nn in ["Ti.nn", "O.nn"] {
        let x = try Potential.read(path: a.path + "/" + nn).network.weights, y = try Potential.read(path: b.path + "/" + nn).network.weights
        #expect(x == y, "\(nn) differs after 20 vs 10 + 10 bfgs iterations")
    }
}

// MARK: - Bad input

/// A forces file of another training set, a missing forces file, a set without derivatives and
/// α outside [0, 1]: one error line naming the file, non-zero exit, the existing `.nn` untouched.
@Test func badForceInputFailsCleanly() throws {
    let dir = try forceData(percent: 50)
    try dir.write("train.in", torchDeck(iterations: 2))
    #expect(try runTool("train", ["train.in"], in: dir.url).status == 0)
    let before = try ["Ti.nn", "O.nn"].map { try Data(contentsOf: dir.url.appendingPathComponent($0)) }
    func expectFailure(_ message: String, file: String, _ line: SourceLocation = #_sourceLocation) throws {
        let r = try runTool("train", ["train.in"], in: dir.url)
        #expect(r.status != 0, sourceLocation: line)
        let lines = r.stderr.split(separator: "\n")
        #expect(lines.count == 1 && lines[0].hasPrefix("train: error: \(file)") && r.stderr.contains(message), "\(r.stderr)", sourceLocation: line)
        let after = try ["Ti.nn", "O.nn"].map { try Data(contentsOf: dir.url.appendingPathComponent($0)) }
        #expect(after == before, ".nn changed", sourceLocation: line)
    }
    let forces = dir.path + "/reference.train.forces"
    try FileManager.default.moveItem(atPath: forces, toPath: forces + ".keep")
    // Missing.
    try expectFailure("forces file of the training set is missing", file: "reference.train.forces")
    // Another training set's forces file (the first 10 structures only).
    let other = try forceData(percent: 100, first: 10)
    try FileManager.default.copyItem(atPath: other.path + "/reference.train.forces", toPath: forces)
    try expectFailure("does not belong to", file: "reference.train.forces")
    // A set with no derivatives at all (FORCESPERCENT 0).
    let none = try forceData(percent: 0)
    try FileManager.default.removeItem(atPath: forces)
    try FileManager.default.copyItem(atPath: none.path + "/reference.train.forces", toPath: forces)
    try expectFailure("no structure of the training set has derivatives", file: "reference.train.forces")
    // Truncated.
    try FileManager.default.removeItem(atPath: forces)
    let good = try Data(contentsOf: URL(fileURLWithPath: forces + ".keep"))
    try good.prefix(good.count / 2).write(to: URL(fileURLWithPath: forces))
    try expectFailure("record", file: "reference.train.forces")
    // Larger than the machine's memory (a sparse file of 2^40 bytes of zeros): no longer refused
    // for its size (large files are mapped), but its first record is rejected at once.
    try FileManager.default.removeItem(atPath: forces)
    let huge = try FileHandle(forWritingTo: { FileManager.default.createFile(atPath: forces, contents: nil); return URL(fileURLWithPath: forces) }())
    try huge.truncate(atOffset: 1 << 40); try huge.close()
    try expectFailure("too short", file: "reference.train.forces")
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).allSatisfy { !$0.hasPrefix(".aenet-force-blocks") })
    // α outside [0, 1].
    try FileManager.default.removeItem(atPath: forces)
    try FileManager.default.moveItem(atPath: forces + ".keep", toPath: forces)
    try dir.write("train.in", torchDeck(iterations: 2).replacingOccurrences(of: "alpha=0.5", with: "alpha=2"))
    try expectFailure("outside [0, 1]", file: "train.in:")
}

// MARK: - Mapped derivatives

/// The derivative blocks in a mapped file (AENET_FORCES_MAP=1) give the same ForceSet, the same
/// forces and gradient, and the same `.nn` files bit for bit after 6 epochs as in memory
/// (AENET_FORCES_MAP=0); the mapped file leaves nothing behind.
@Test func mappedForceDataGiveTheSameResultsAsInMemory() throws {
    let dir = try forceData(percent: 50)
    let raw = dir.path + "/reference.train"
    _ = try Normalization.normalize(rawPath: raw, scaledPath: raw + ".scaled", maxEnergy: .greatestFiniteMagnitude, warn: { _ in })
    let set = try LoadedTrainingSet.load(path: raw + ".scaled", streaming: false)
    let a = try ForceSet.load(scaledPath: raw + ".scaled", forcesPath: raw + ".forces", setups: set.setups)
    let b = try ForceSet.load(scaledPath: raw + ".scaled", forcesPath: raw + ".forces", setups: set.setups,
                              placement: .mappedFile(directory: dir.path))
    #expect(!a.blocksAreMapped && b.blocksAreMapped)
    #expect(a.blockBytes > 0 && a.blockBytes == b.blockBytes)
    #expect(Array(a.blocks) == Array(b.blocks))
    #expect(a.entryAtom == b.entryAtom && a.blockStart == b.blockStart && a.features == b.features && a.forces == b.forces)
    let nets = randomNetworks(.tanh, set.setups)
    let fe = ForceEvaluator(networks: nets)
    let w = nets.flatMap(\.weights)
    var ga = [Double](repeating: 0, count: fe.weightCount), gb = ga
    let list = Array(0..<a.structureCount)
    let ra = w.withUnsafeBufferPointer { wp in ga.withUnsafeMutableBufferPointer { fe.sumSquaredErrors(wp.baseAddress!, set: a, structures: list, gradient: $0.baseAddress!) } }
    // Twice on the mapped set: the second pass reads pages released by the first.
    for _ in 0..<2 {
        let rb = w.withUnsafeBufferPointer { wp in gb.withUnsafeMutableBufferPointer { fe.sumSquaredErrors(wp.baseAddress!, set: b, structures: list, gradient: $0.baseAddress!) } }
        #expect(ra.sse == rb.sse && ra.atoms == rb.atoms && ga == gb)
    }
    #expect(ra.sse > 0 && ga.contains { $0 != 0 })
    // The train tool, both ways, from the same start (train.rngstate, PHSEED).
    let m = try forceData(percent: 50)
    try dir.write("train.in", torchDeck(iterations: 6))
    try m.write("train.in", torchDeck(iterations: 6))
    try? FileManager.default.removeItem(atPath: raw + ".scaled")
    let r0 = try runTool("train", ["train.in"], in: dir.url, environment: ["AENET_FORCES_MAP": "0"])
    #expect(r0.status == 0, "\(r0.stderr)")
    #expect(!r0.stderr.contains("mapped file"))
    try FileManager.default.copyItem(atPath: dir.path + "/train.rngstate", toPath: m.path + "/train.rngstate")
    let r1 = try runTool("train", ["train.in"], in: m.url, environment: ["AENET_FORCES_MAP": "1"])
    #expect(r1.status == 0, "\(r1.stderr)")
    #expect(r1.stderr.contains("read from a mapped file"), "\(r1.stderr)")
    for nn in ["Ti.nn", "O.nn"] {
        let x = try Data(contentsOf: dir.url.appendingPathComponent(nn)), y = try Data(contentsOf: m.url.appendingPathComponent(nn))
        #expect(x == y, "\(nn) differs between the in-memory and the mapped derivatives")
    }
    let epochLines = { (s: String) in s.split(separator: "\n").filter { $0.hasSuffix(" <") } }
    #expect(epochLines(r0.stdout) == epochLines(r1.stdout) && epochLines(r0.stdout).count == 7)
    #expect(try FileManager.default.contentsOfDirectory(atPath: m.path).allSatisfy { !$0.hasPrefix(".aenet-force-blocks") })
}

// MARK: - VALIDATION with force decks

/// VALIDATION with aenet-PyTorch's keywords: two more columns (validation energy and force
/// RMSE), the final `.nn` files are those of the epoch with the lowest validation loss (equal,
/// bit for bit, to a run that ends at that epoch), the test split is the one without VALIDATION,
/// and early stopping ends the run `patience` epochs after the best one.
@Test func validationWithForceDecksKeepsTheBestEpoch() throws {
    let a = try forceData(percent: 50)
    try a.write("train.in", torchDeck(iterations: 25, lr: 0.05, extra: "VALIDATION 25 patience=4"))
    let r = try runTool("train", ["train.in"], in: a.url)
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout.contains("Validation structures") && r.stdout.contains("VALIDATION E and F RMSE"))
    let lines = r.stdout.split(separator: "\n").filter { $0.hasSuffix(" <") }
    #expect(lines.allSatisfy { $0.split(separator: " ").count == 10 }, "\(lines.first ?? "")")
    // The loss of every reported epoch, recomputed from its columns; the best is the first minimum.
    let alpha = 0.5
    let losses = lines.map { l -> (Int, Double) in
        let v = l.split(separator: " ").dropLast().compactMap { Double($0) }
        return (Int(v[0]), (1 - alpha) * v[7] + alpha * v[8])
    }
    let minimum = try #require(losses.map(\.1).min())
    let bestLine = try #require(r.stdout.split(separator: "\n").first { $0.contains("Lowest validation loss") })
    let bestEpoch = try #require(Int(bestLine.split(separator: " ").last!))
    // (the columns are rounded to 6 digits)
    let best = try #require(losses.first { $0.0 == bestEpoch })
    #expect(best.1 <= minimum * (1 + 1e-5), "\(bestLine) vs \(losses)")
    let last = losses.last!.0
    if r.stdout.contains("Training stopped") { #expect(last - best.0 == 4) } else { #expect(last == 25) }
    // The same test structures as without VALIDATION (NPSEED split).
    let n = try forceData(percent: 50)
    try n.write("train.in", torchDeck(iterations: 1))
    let rn = try runTool("train", ["train.in"], in: n.url)
    #expect(rn.status == 0)
    let testLine = { (s: String) in s.split(separator: "\n").first { $0.contains("Structures with forces") }.map { $0.split(separator: ",").last } }
    #expect(testLine(rn.stdout) != nil && testLine(rn.stdout) == testLine(r.stdout))
    #expect(try Data(contentsOf: a.url.appendingPathComponent("train.rngstate")) == Data(contentsOf: n.url.appendingPathComponent("train.rngstate")))
    // A run that ends at the best epoch writes the same networks.
    let b = try forceData(percent: 50)
    try b.write("train.in", torchDeck(iterations: max(best.0, 1), lr: 0.05, extra: "VALIDATION 25"))
    let rb = try runTool("train", ["train.in"], in: b.url)
    #expect(rb.status == 0, "\(rb.stderr)")
    for nn in ["Ti.nn", "O.nn"] {
        #expect(try Data(contentsOf: a.url.appendingPathComponent(nn)) == Data(contentsOf: b.url.appendingPathComponent(nn)), "\(nn)")
    }
}

// MARK: - Full disk while writing the derivative blocks

/// A full disk while train writes the derivative blocks to their mapped file (AENET_FORCES_MAP=1,
/// written through /dev/full, which fails every write with ENOSPC): one line naming the folder
/// and saying the disk is full, a non-zero exit status, and the folder as the earlier good run
/// left it (its `.nn` files and every other file unchanged, nothing added).
@Test(.enabled(if: FileManager.default.isWritableFile(atPath: "/dev/full"), "no /dev/full on this machine"))
func fullDiskWhileWritingTheDerivativeBlocksChangesNothing() throws {
    let dir = try forceData(percent: 50)
    try dir.write("train.in", torchDeck(iterations: 2))
    let good = try runTool("train", ["train.in"], in: dir.url, environment: ["AENET_FORCES_MAP": "1"])
    #expect(good.status == 0, "\(good.stderr)")
    func files() throws -> [String: Data] {
        var all: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: dir.path) {
            var isDirectory: ObjCBool = false
            let path = dir.path + "/" + name
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue {
                all[name] = try Data(contentsOf: URL(fileURLWithPath: path))
            }
        }
        return all
    }
    let before = try files()
    #expect(before["Ti.nn"] != nil && before["O.nn"] != nil)
    let r = try runTool("train", ["train.in"], in: dir.url,
                        environment: ["AENET_FORCES_MAP": "1", "AENET_FORCES_MAP_FILE": "/dev/full"])
    #expect(r.status != 0)
    let errors = r.stderr.split(separator: "\n").filter { $0.contains("error") }
    #expect(errors.count == 1, "\(r.stderr)")
    #expect(errors.first?.hasPrefix("train: error: .: cannot write the force derivatives") == true, "\(r.stderr)")
    #expect(errors.first?.contains("the disk is full") == true, "\(r.stderr)")
    let after = try files()
    #expect(after.keys.sorted() == before.keys.sorted())
    for (name, data) in before { #expect(after[name] == data, "\(name) changed") }
}
