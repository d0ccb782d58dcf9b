import Foundation
import Testing
@testable import AenetCore
@testable import AenetTraining
@testable import AenetAugment
@testable import AenetShell
@testable import AenetTestSupport

/// A small two-species set: structures of 1–4 atoms with random features and targets.
func syntheticData(structures: Int = 12, features: [Int] = [3, 2], seed: Int32 = 7) -> TrainingData {
    var rng = GfortranRandom(clock: seed)
    let d = TrainingData(featureCounts: features)
    for s in 0..<structures {
        let n = 1 + s % 4
        let species = (0..<n).map { _ in rng.nextDouble() < 0.5 ? 0 : 1 }
        let f = species.map { t in (0..<features[t]).map { _ in 2 * rng.nextDouble() - 1 } }
        try! d.append(path: "s\(s).xsf", energy: Double(n) * (rng.nextDouble() - 0.5), species: species, features: f)
    }
    return d
}

func syntheticNetworks(_ a: Activation, seed: Int32 = 3) -> [FeedForwardNetwork] {
    var rng = GfortranRandom(clock: seed)
    return [[3, 4, 3, 1], [2, 3, 1]].map { sizes in
        var n = try! FeedForwardNetwork(layerSizes: sizes, activations: Array(repeating: a, count: sizes.count - 2) + [.linear])
        n.randomizeWeights(&rng)
        return n
    }
}

@Test(arguments: Activation.allCases)
func lossGradientMatchesFiniteDifferences(_ a: Activation) {
    let data = syntheticData()
    let ev = LossEvaluator(networks: syntheticNetworks(a), threads: 2)
    ev.atomsPerBatch = 5   // several batches
    ev.minAtomsForThreads = 0
    let w = ev.weights
    var g = [Double](repeating: 0, count: w.count)
    _ = ev.loss(w, data: data, gradient: &g)
    var d = [Double](repeating: 0, count: w.count)
    let s = 5
    _ = ev.structureError(w, data: data, structure: s, derivative: &d)
    let h = 1e-6
    for k in w.indices {
        var wp = w, wm = w
        wp[k] += h; wm[k] -= h
        let fd = (ev.loss(wp, data: data) - ev.loss(wm, data: data)) / (2 * h)
        #expect(isClose(fd, g[k], tolerance: 1e-6), "loss weight \(k)")
        var ep = 0.0, em = 0.0
        ep = { var t = [Double](repeating: 0, count: w.count); return ev.structureError(wp, data: data, structure: s, derivative: &t) }()
        em = { var t = [Double](repeating: 0, count: w.count); return ev.structureError(wm, data: data, structure: s, derivative: &t) }()
        #expect(isClose((ep - em) / (2 * h), d[k], tolerance: 1e-6), "dE weight \(k)")
    }
}

@Test func lossIsIndependentOfThreadsAndBatches() {
    let data = syntheticData(structures: 40)
    let nets = syntheticNetworks(.tanh)
    let one = LossEvaluator(networks: nets, threads: 1), two = LossEvaluator(networks: nets, threads: 2)
    two.atomsPerBatch = 7
    two.minAtomsForThreads = 0
    var g1 = [Double](repeating: 0, count: one.weightCount), g2 = g1
    let f1 = one.loss(one.weights, data: data, gradient: &g1)
    let f2 = two.loss(two.weights, data: data, gradient: &g2)
    #expect(isClose(f1, f2, tolerance: 1e-12))
    #expect(zip(g1, g2).allSatisfy { isClose($0, $1, tolerance: 1e-12) })
}

/// The parallel Jacobian equals the per-structure derivatives column by column.
@Test func parallelJacobianMatchesStructureDerivatives() {
    let data = syntheticData(structures: 9)
    let ev = LossEvaluator(networks: syntheticNetworks(.mtanh), threads: 2)
    let w = ev.weights, list = [8, 0, 3, 3, 5]
    var jac = [Double](repeating: 0, count: w.count * list.count), err = [Double](repeating: 0, count: list.count)
    ev.jacobian(w, data: data, structures: list, into: &jac, errors: &err)
    for (j, s) in list.enumerated() {
        var d = [Double](repeating: 0, count: w.count)
        let e = ev.structureError(w, data: data, structure: s, derivative: &d)
        #expect(e == err[j] && Array(jac[(j * w.count)..<((j + 1) * w.count)]) == d)
    }
}
