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
