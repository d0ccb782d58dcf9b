import Testing
@testable import AenetCore
@testable import AenetTraining
@testable import AenetAugment
@testable import AenetShell
@testable import AenetTestSupport

private let methods: [TrainMethod] = [
    .bfgs,
    .onlineSD(alpha: 0.01, gamma: 0.05),
    .adam(mu: 0.01, b1: 0.9, b2: 0.999, eps: 1e-8, sampleSize: 500, batchSize: 4),
    .ekf(lambda: 0.999, lambda0: 0.97, state: 10, pnoise: 0, adaptive: 0.6, wgroup: 100),
    .lm(batchSize: 10, learnRate: 0.1, iter: 1, conv: 1e-3, adjust: 10),
]

@Test(arguments: methods)
func methodLowersTheError(_ m: TrainMethod) throws {
    let data = syntheticData(structures: 20)
    let ev = LossEvaluator(networks: syntheticNetworks(.tanh), threads: 1)
    let t = try Trainer(evaluator: ev, train: data, method: m, sampling: .sequential, l2: 0, rng: GfortranRandom(clock: 5))
    let before = ev.loss(ev.weights, data: data)
    for _ in 0..<15 { _ = t.epoch() }
    let after = ev.loss(t.weights, data: data)
    #expect(after < 0.5 * before, "\(m.token): \(before) → \(after)")
}

@Test func samplingSchedulesStayInRange() throws {
    let data = syntheticData(structures: 9)
    let ev = LossEvaluator(networks: syntheticNetworks(.tanh), threads: 1)
    for s in Sampling.allCases {
        let t = try Trainer(evaluator: ev, train: data, method: .adam(mu: 0.01, b1: 0.9, b2: 0.999, eps: 1e-8, sampleSize: 4, batchSize: 2),
                            sampling: s, l2: 0.001, rng: GfortranRandom(clock: 9))
        t.trainErrors = (0..<9).map { Double($0) - 4 }
        let order = t.schedule(count: 40)
        #expect(order.allSatisfy { (0..<9).contains($0) })
        _ = t.epoch()
    }
}

/// The L2-regularized objective's gradient matches finite differences (full set and a batch).
@Test func regularizedGradientMatchesFiniteDifferences() throws {
    let data = syntheticData(structures: 10)
    let ev = LossEvaluator(networks: syntheticNetworks(.sigmoid), threads: 1)
    let t = try Trainer(evaluator: ev, train: data, method: .bfgs, sampling: .sequential, l2: 0.3, rng: GfortranRandom(clock: 1))
    let w = ev.weights
    for batch in [nil, [1, 4, 4, 7]] as [[Int]?] {
        var g = [Double](repeating: 0, count: w.count), tmp = g
        _ = t.lossAndGradient(w, &g, batch: batch)
        for k in stride(from: 0, to: w.count, by: 3) {
            var wp = w, wm = w
            wp[k] += 1e-6; wm[k] -= 1e-6
            let fd = (t.lossAndGradient(wp, &tmp, batch: batch) - t.lossAndGradient(wm, &tmp, batch: batch)) / 2e-6
            #expect(abs(fd - g[k]) <= 1e-6 * max(1, abs(fd)))
        }
    }
}
