import Foundation
import Testing
@testable import AenetCore
@testable import AenetTraining
@testable import AenetAugment
@testable import AenetShell
@testable import AenetTestSupport

/// Writes a small raw training set (2 species, 3 and 2 features) with generate's footer statistics.
func writeSyntheticTrainingSet(_ path: String, structures: Int = 24) throws {
    let d = syntheticData(structures: structures)
    var setups = [(3, "Ti"), (2, "O")].map { (n, name) -> FingerprintSetup in
        var s = FingerprintSetup()
        s.atomType = name; s.envTypes = ["Ti", "O"]; s.rcMax = 6; s.sfType = "Chebyshev"; s.nsf = n
        s.sf = Array(repeating: 0, count: n); s.sfParam = Array(repeating: 0, count: 4 * n); s.sfEnv = Array(repeating: 0, count: 2 * n)
        s.clearStatistics()
        return s
    }
    let w = try TrainingSetWriter(path: path, header: TrainingSetHeader(typeNames: ["Ti", "O"], atomicEnergies: [-1.5, -0.5], structureCount: d.structureCount))
    for s in 0..<d.structureCount {
        var types: [Int] = [], fp: [Double] = [], off: [Int] = []
        for t in 0..<2 {
            for a in d.atomOffsets[t][s]..<d.atomOffsets[t][s + 1] {
                let x = Array(d.features[t][(a * d.featureCounts[t])..<((a + 1) * d.featureCounts[t])])
                x.withUnsafeBufferPointer { setups[t].accumulate($0.baseAddress!) }
                types.append(t); off.append(fp.count); fp += x
            }
        }
        try w.append(TrainingSetStructure(path: d.paths[s], typeCount: 2, energy: d.energies[s], types: types,
                                          coordinates: Array(repeating: 0, count: 3 * types.count),
                                          forces: Array(repeating: 0, count: 3 * types.count), fingerprints: fp, fingerprintOffsets: off))
    }
    try w.finish(setups: setups)
}

private func deck(iterations: Int, method: String = "bfgs", extra: String = "") -> String {
    "TRAININGSET small.train\nTESTPERCENT 20\nITERATIONS \(iterations)\n\(extra)\nMETHOD\n\(method)\nNETWORKS\nTi Ti.nn 1 4:tanh\nO O.nn 1 3:twist\n"
}

private func train(_ dir: TemporaryDirectory, _ deckText: String) throws -> ToolRun {
    try dir.write("train.in", deckText)
    return try runTool("train", ["train.in"], in: dir.url)
}

private func weights(_ dir: TemporaryDirectory, _ file: String) throws -> [Double] {
    try Potential.read(path: dir.path + "/" + file).network.weights
}

/// N bfgs epochs = N/2 epochs + restart + N/2 epochs, bit for bit.
@Test func bfgsRestartEquivalence() throws {
    let a = try TemporaryDirectory(), b = try TemporaryDirectory()
    for d in [a, b] { try writeSyntheticTrainingSet(d.path + "/small.train") }
    // Same initial networks and split in both folders.
    let r0 = try train(a, deck(iterations: 0))
    #expect(r0.status == 0, "\(r0.stderr)")
    for f in ["Ti.nn", "O.nn", "train.rngstate"] { try FileManager.default.copyItem(atPath: a.path + "/" + f, toPath: b.path + "/" + f) }
    try? FileManager.default.removeItem(atPath: a.path + "/train.restart")
    let full = try train(a, deck(iterations: 6))
    #expect(full.status == 0, "\(full.stderr)")
    let h1 = try train(b, deck(iterations: 3)), h2 = try train(b, deck(iterations: 3))
    #expect(h1.status == 0 && h2.status == 0)
    #expect(try weights(a, "Ti.nn") == weights(b, "Ti.nn"))
    #expect(try weights(a, "O.nn") == weights(b, "O.nn"))
    #expect(full.stdout.contains("Testing set (restarted from previous run)"))
    // The snapshots are complete potentials; the plain files hold the final weights.
    #expect(try weights(a, "Ti.nn-00006") == weights(a, "Ti.nn"))
}

@Test func potentialRoundTripGivesSameEnergies() throws {
    let dir = try TemporaryDirectory()
    try writeSyntheticTrainingSet(dir.path + "/small.train")
    let r = try train(dir, deck(iterations: 2, extra: "SAVE_ENERGIES"))
    #expect(r.status == 0, "\(r.stderr)")
    let pots = try ["Ti.nn", "O.nn"].map { try Potential.read(path: dir.path + "/" + $0) }
    let set = try LoadedTrainingSet.load(path: dir.path + "/small.train.scaled", streaming: false)
    let ev = LossEvaluator(networks: pots.map(\.network), threads: 1)
    var e = [Double](repeating: 0, count: set.data.structureCount)
    _ = ev.loss(ev.weights, data: set.data, errors: &e)
    // energies.*.0 column 2 (ANN energy) from the network outputs in the written files.
    let lines = try String(contentsOfFile: dir.path + "/energies.train.0", encoding: .utf8).split(separator: "\n").dropFirst()
    let path = try #require(lines.first.map { String($0.split(separator: " ").last!) })
    let s = try #require(set.data.paths.firstIndex(of: path))
    let n = Double(set.data.atomCounts[s])
    let ann = (set.data.energies[s] - e[s] * n) / pots[0].trainingSet.scale + n * pots[0].trainingSet.shift
    let printed = try #require(Double(lines.first!.split(separator: " ")[1]))
    #expect(isClose(ann, printed, tolerance: 1e-6))
}

@Test func badInputFailsCleanly() throws {
    let dir = try TemporaryDirectory()
    try writeSyntheticTrainingSet(dir.path + "/small.train")
    #expect(try train(dir, deck(iterations: 1)).status == 0)
    let good = try Data(contentsOf: dir.url.appendingPathComponent("Ti.nn"))
    let cases: [(String, String)] = [
        ("missing set", deck(iterations: 1).replacingOccurrences(of: "small.train", with: "nothere.train")),
        ("network without species", deck(iterations: 1) + "Zr Zr.nn 1 2:tanh\n"),
        ("species without network", deck(iterations: 1).replacingOccurrences(of: "O O.nn 1 3:twist\n", with: "")),
        ("bad architecture", deck(iterations: 1).replacingOccurrences(of: "1 4:tanh", with: "2 4:tanh")),
        ("unknown method", deck(iterations: 1, method: "sgd")),
        ("unknown parameter", deck(iterations: 1, method: "adam rate=3")),
        ("empty training set", deck(iterations: 1).replacingOccurrences(of: "TESTPERCENT 20", with: "TESTPERCENT 100")),
    ]
    for (what, text) in cases {
        let r = try train(dir, text)
        #expect(r.status != 0, "\(what) must fail")
        #expect(r.stderr.contains("error"), "\(what): \(r.stderr)")
    }
    // A corrupt (truncated) scaled set.
    let scaled = dir.url.appendingPathComponent("small.train.scaled")
    let bytes = try Data(contentsOf: scaled)
    try bytes.prefix(bytes.count / 2).write(to: scaled)
    let r = try train(dir, deck(iterations: 1))
    #expect(r.status != 0 && r.stderr.contains("small.train.scaled"))
    #expect(try Data(contentsOf: dir.url.appendingPathComponent("Ti.nn")) == good)
    // An empty test set (3 structures, 10 %) is an error, not a NaN column.
    let small = try TemporaryDirectory()
    try writeSyntheticTrainingSet(small.path + "/small.train", structures: 3)
    let e = try train(small, deck(iterations: 1).replacingOccurrences(of: "TESTPERCENT 20", with: "TESTPERCENT 10"))
    #expect(e.status != 0 && e.stderr.contains("test set is empty"))
}

/// VALIDATION: the test split is unchanged, validation structures are not trained on, the final
/// networks are the snapshot of the best validation epoch, and patience stops the run early.
@Test func validationKeepsBestEpochNetworks() throws {
    let a = try TemporaryDirectory(), b = try TemporaryDirectory()
    for d in [a, b] { try writeSyntheticTrainingSet(d.path + "/small.train", structures: 40) }
    let plain = try train(a, deck(iterations: 0))
    #expect(plain.status == 0, "\(plain.stderr)")
    try FileManager.default.copyItem(atPath: a.path + "/train.rngstate", toPath: b.path + "/train.rngstate")
    let r = try train(b, deck(iterations: 300, method: "lm batchsize=100 learnrate=0.1 mumin=0.01", extra: "VALIDATION 25 patience=3\nSAVE_ENERGIES"))
    #expect(r.status == 0, "\(r.stderr)")
    func testSet(_ s: String) -> [Substring] {   // the index lines under "Testing set :"
        let lines = s.split(separator: "\n", omittingEmptySubsequences: false)
        guard let i = lines.firstIndex(where: { $0.contains("Testing set") }) else { return [] }
        return Array(lines[(i + 2)...].prefix { !$0.isEmpty })
    }
    #expect(!testSet(plain.stdout).isEmpty && testSet(plain.stdout) == testSet(r.stdout))
    #expect(r.stdout.contains("Training structures     : 32") && r.stdout.contains("Validation structures   : 8"))
    let trained = try String(contentsOfFile: b.path + "/energies.train.0", encoding: .utf8).split(separator: "\n").count - 1
    #expect(trained == 24)
    // Six columns per epoch row.
    let rows = r.stdout.split(separator: "\n").filter { $0.hasSuffix(" <") }
    #expect(rows.allSatisfy { $0.split(separator: " ").count == 8 })
    let line = try #require(r.stdout.split(separator: "\n").first { $0.contains("Lowest validation RMSE") })
    let best = try #require(Int(line.split(separator: " ").last!))
    let valRMSE = rows.map { Double($0.split(separator: " ")[6])! }
    #expect(valRMSE.firstIndex(of: valRMSE.min()!) == best)
    if best > 0 {
        #expect(try weights(b, "Ti.nn") == weights(b, "Ti.nn-" + String(format: "%05d", best)))
        #expect(try weights(b, "O.nn") == weights(b, "O.nn-" + String(format: "%05d", best)))
    }
    // LM overfits 24 structures long before 300 epochs: patience must have ended the run.
    #expect(rows.count - 1 < 300)
    #expect(rows.count - 1 - best == 3 && r.stdout.contains("No lower validation RMSE for 3 epochs"))
}

/// The early-stopping rule itself: strictly lower values count, ties and NaN do not, and the run
/// stops exactly `patience` epochs after the best one.
@Test func earlyStoppingRule() {
    var e = EarlyStopping(patience: 2)
    let rmse: [Double] = [5, 4, 4, .nan, 3.5, 3.6, 3.5]
    var stoppedAfter: Int?
    for (epoch, v) in rmse.enumerated() {
        e.record(epoch: epoch, rmse: v, weights: [Double(epoch)])
        if e.shouldStop(after: epoch) { stoppedAfter = epoch; break }
    }
    #expect(e.best?.epoch == 1 && stoppedAfter == 3)
    var late = EarlyStopping(patience: 2)
    for (epoch, v) in [5, 4, 3.9, 3.8, 3.0, 3.1, 3.2].enumerated() {
        late.record(epoch: epoch, rmse: v, weights: [Double(epoch)])
        if late.shouldStop(after: epoch) { stoppedAfter = epoch; break }
    }
    #expect(late.best?.weights == [4] && stoppedAfter == 6)
    var never = EarlyStopping(patience: 0)
    never.record(epoch: 0, rmse: 1, weights: [])
    #expect(!never.shouldStop(after: 1000))
}
