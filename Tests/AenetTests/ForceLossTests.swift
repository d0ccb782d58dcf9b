import Foundation
import Testing
@testable import AenetCore
@testable import AenetTraining
@testable import AenetTestSupport

/// A ForceStructure of `s` with standardized features x = fac ⊙ (G − shift) of one fingerprint
/// per species, and its derivative blocks from the analytic fingerprint derivatives.
private func forceStructure(_ s: Structure, _ fp: any Fingerprint, shift: Double = 0.1, fac: Double = 0.7) -> ForceStructure {
    let types = typesOf(s)
    let search = NeighbourSearch(structure: s, types: types, cutoff: 4.0)
    var out = ForceStructure(energy: -1.5, forces: (0..<(3 * s.atomCount)).map { Double($0 % 5) * 0.1 - 0.2 })
    let g = fp.count
    for i in 0..<s.atomCount {
        var nb = Neighbourhood(); search.neighbours(of: i, into: &nb)
        let (v, dc, dn) = derivatives(fp, nb)
        let n = nb.count
        var blocks: [(atom: Int, block: [Double])] = [(i, (0..<(3 * g)).map { fac * dc[$0] })]
        for e in 0..<n {
            blocks.append((Int(nb.atomIndex[e]), (0..<(3 * g)).map { q in fac * dn[e + n * q] }))
        }
        out.appendAtom(species: Int(types[i]), features: v.map { fac * ($0 - shift) }, blocks: blocks)
    }
    return out
}

private func networks(_ act: Activation, inputs: Int) -> [FeedForwardNetwork] {
    var rng = GfortranRandom(clock: 21)
    return [[inputs, 4, 3, 1], [inputs, 3, 1]].map { sizes in
        var n = try! FeedForwardNetwork(layerSizes: sizes, activations: Array(repeating: act, count: sizes.count - 2) + [.linear])
        n.randomizeWeights(&rng)
        return n
    }
}

/// The forces the loss trains on are −∂E/∂R of its own energy (finite differences of positions),
/// for a periodic skewed cell and a cluster, Chebyshev and Behler2011.
@Test(arguments: [0, 1])
func forceLossForcesAreMinusEnergyGradient(_ which: Int) throws {
    let fp: any Fingerprint = which == 0 ? chebyshevSetups()[0] : behlerSetup()
    let loss = ForceLoss(networks: networks(.tanh, inputs: fp.count))
    let w = loss.networks.flatMap(\.weights)
    for s0 in [skewedCell(), cluster(6)] {
        let (_, f) = loss.predict(w, forceStructure(s0, fp))
        let h = 1e-5
        for j in 0..<s0.atomCount {
            for c in 0..<3 {
                var p = s0, m = s0
                p.positions[j][c] += h; m.positions[j][c] -= h
                let fd = -(loss.predict(w, forceStructure(p, fp)).energy - loss.predict(w, forceStructure(m, fp)).energy) / (2 * h)
                #expect(isClose(f[3 * j + c], fd, tolerance: 1e-6), "\(type(of: fp)) atom \(j) c \(c): \(f[3 * j + c]) vs \(fd)")
            }
        }
    }
}

/// The analytic weight gradient of the energy + force loss matches central differences, for
/// every activation and both descriptors.
@Test(arguments: Activation.allCases, [0, 1])
func forceLossGradientMatchesFiniteDifferences(_ act: Activation, _ which: Int) throws {
    let fp: any Fingerprint = which == 0 ? chebyshevSetups()[1] : behlerSetup()
    let loss = ForceLoss(networks: networks(act, inputs: fp.count))
    loss.energyWeight = 0.3; loss.forceWeight = 1.7
    let data = [forceStructure(skewedCell(), fp), forceStructure(cluster(5), fp)]
    let w = loss.networks.flatMap(\.weights)
    var g = [Double](repeating: 0, count: w.count)
    _ = g.withUnsafeMutableBufferPointer { loss.loss(w, data, gradient: $0.baseAddress!) }
    let h = 1e-6
    for k in 0..<w.count {
        var wp = w, wm = w
        wp[k] += h; wm[k] -= h
        let fd = (loss.loss(wp, data) - loss.loss(wm, data)) / (2 * h)
        #expect(isClose(g[k], fd, tolerance: 1e-6), "\(act) \(type(of: fp)) weight \(k): \(g[k]) vs \(fd)")
    }
}

/// The data path of force training: generate with FORCES, normalize, read the `.forces` file —
/// the forces ForceLoss computes from it (in normalized units) are predict's forces of the same
/// networks saved as potentials, Chebyshev and Behler2011.
@Test(arguments: ["generate.in", "generate-behler.in"])
func forcesFromTheForcesFileMatchPredict(_ deckName: String) throws {
    let dir = try TemporaryDirectory()
    let fm = FileManager.default
    for item in try fm.contentsOfDirectory(atPath: TestPaths.referenceInputs.path) {
        try fm.copyItem(atPath: TestPaths.referenceInputs.path + "/" + item, toPath: dir.path + "/" + item)
    }
    // The first five structures, all with derivatives.
    let lines = try String(contentsOfFile: dir.path + "/" + deckName, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
    let files = try #require(lines.firstIndex { $0.trimmingCharacters(in: .whitespaces) == "FILES" })
    let deck = lines[..<files].joined(separator: "\n") + "\nFORCES\nFORCESPERCENT 100\nFILES\n5\n"
        + lines[(files + 2)...].prefix(5).joined(separator: "\n") + "\n"
    try dir.write("forces.in", deck)
    let g = try runTool("generate", ["forces.in"], in: dir.url)
    #expect(g.status == 0, "\(g.stderr)")
    let output = try #require(lines.first { $0.hasPrefix("OUTPUT") }?.split(separator: " ").last.map(String.init))
    let raw = dir.path + "/" + output
    _ = try Normalization.normalize(rawPath: raw, scaledPath: raw + ".scaled", maxEnergy: .greatestFiniteMagnitude, warn: { _ in })
    let reader = try TrainingSetReader(path: raw + ".scaled")
    let footer = try reader.footer(); reader.rewind()
    let setups = try #require(footer.setups)
    let derivatives = try ForcesFileReader.read(path: raw + ".forces")
    #expect(derivatives.count == 5 && derivatives.allSatisfy { $0.atoms != nil })

    let nets = networks(.tanh, inputs: setups[0].nsf).enumerated().map { t, n in
        var m = try! FeedForwardNetwork(layerSizes: [setups[t].nsf] + n.layerSizes.dropFirst(), activations: n.activations)
        var rng = GfortranRandom(clock: Int32(5 + t)); m.randomizeWeights(&rng)
        return m
    }
    let loss = ForceLoss(networks: nets)
    let w = nets.flatMap(\.weights)
    let info = TrainingSetInfo(file: raw, header: reader.header, footer: footer, structureCount: 5)
    let types = reader.header.typeNames.map { $0.trimmingCharacters(in: .whitespaces) }
    let set = try PotentialSet(types: types, potentials: try setups.indices.map { try Potential(network: nets[$0], setup: setups[$0], trainingSet: info) })
    let ws = EvaluationWorkspace(set)
    let scale = reader.header.scale
    for k in 0..<5 {
        let s = try #require(try reader.next())
        let fs = try ForceStructure(scaled: s, derivatives: derivatives[k].atoms!, featureFactors: setups.map { $0.featureScaling().factor })
        let (_, f) = loss.predict(w, fs)
        let xsf = try XSF.read(path: dir.path + "/" + s.path)
        let p = try set.evaluate(xsf, forces: true, workspace: ws)
        // The reference forces are the XSF's, in the normalized units (F·scale), as the loss needs.
        for j in 0..<fs.atomCount {
            for c in 0..<3 { #expect(isClose(fs.forces[3 * j + c] / scale, xsf.forces![j][c], tolerance: 1e-12)) }
        }
        for j in 0..<fs.atomCount {
            for c in 0..<3 {
                #expect(isClose(f[3 * j + c] / scale, p.forces![j][c], tolerance: 1e-9), "\(s.path) atom \(j): \(f[3 * j + c] / scale) vs \(p.forces![j][c])")
            }
        }
    }
}
