import Testing
@testable import AenetCore
@testable import AenetTraining
@testable import AenetAugment
@testable import AenetShell
@testable import AenetTestSupport

private let methods: [MethodChoice] = [
    .bfgs,
    try! MethodChoice(token: "online_sd", settings: ["alpha": 0.01, "gamma": 0.05]),
    try! MethodChoice(token: "adam", settings: ["mu": 0.01, "batchsize": 4]),
    try! MethodChoice(token: "ekf", settings: [:]),
    // Full-batch LM: with batches smaller than the set, aenet's LM accepts a worse step after
    // five retries and oscillates between batches (seen here: 3.3 → 1711 in 15 epochs).
    try! MethodChoice(token: "lm", settings: ["batchsize": 20]),
    try! MethodChoice(token: "adamw", settings: ["lr": 0.01, "batchsize": 4]),
]

/// Every registered METHOD is exercised here (a new method must be added to `methods`).
@Test func everyRegisteredMethodIsTested() {
    #expect(Set(methods.map(\.token)) == Set(TrainingMethods.all.map { $0.token }))
}

@Test(arguments: methods)
func methodLowersTheError(_ m: MethodChoice) throws {
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
        let t = try Trainer(evaluator: ev, train: data, method: try MethodChoice(token: "adam", settings: ["mu": 0.01, "samplesize": 4, "batchsize": 2]),
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
            #expect(isClose(fd, g[k], tolerance: 1e-6))
        }
    }
}

/// Each method's restart record brings back its exact state: training on from a restart file
/// gives bit-identical weights to training on without interruption.
@Test(arguments: methods)
func restartContinuesExactly(_ m: MethodChoice) throws {
    let data = syntheticData(structures: 12)
    let dir = try TemporaryDirectory()
    let path = dir.path + "/train.restart"
    let a = try Trainer(evaluator: LossEvaluator(networks: syntheticNetworks(.tanh), threads: 1), train: data, method: m,
                        sampling: .random, l2: 0, rng: GfortranRandom(clock: 3))
    for _ in 0..<3 { _ = a.epoch() }
    let id = TrainRestart.Identity(deck: 1, trainingSet: 2, networks: 3)
    try TrainRestart.write(a, epoch: 3, finished: false, identity: id, path: path)
    let b = try Trainer(evaluator: LossEvaluator(networks: syntheticNetworks(.tanh), threads: 1), train: data, method: m,
                        sampling: .random, l2: 0, rng: GfortranRandom(clock: 99))
    for other in [TrainRestart.Identity(deck: 9, trainingSet: 2, networks: 3), TrainRestart.Identity(deck: 1, trainingSet: 9, networks: 3),
                  TrainRestart.Identity(deck: 1, trainingSet: 2, networks: 9)] {
        #expect(throws: AenetError.self, "a restart of another run is refused") { try TrainRestart.read(into: b, path: path, identity: other) }
    }
    let (state, note) = try TrainRestart.read(into: b, path: path, identity: id)
    #expect(note == nil)
    #expect(state?.epoch == 3)
    for _ in 0..<3 { _ = a.epoch(); _ = b.epoch() }
    #expect(a.weights == b.weights, "\(m.token)")
}

/// Settings that make no sense are refused with the parameter named, not run.
@Test func nonsensicalMethodSettingsAreRefused() {
    let bad: [(String, [String: Double])] = [
        ("online_sd", ["gamma": -0.1]), ("online_sd", ["alpha": 1.5]),
        ("adam", ["mu": 0]), ("adam", ["batchsize": 0]), ("adam", ["samplesize": 1e30]), ("adam", ["b1": 1]),
        ("ekf", ["lambda": 2]), ("ekf", ["wgroup": 0]), ("ekf", ["state": -1]),
        ("lm", ["batchsize": 0]), ("lm", ["adjust": 0.5]), ("lm", ["learnrate": -1]), ("lm", ["mumin": -1]),
        ("bfgs", ["m": 5]), ("lm", ["batchsize": .infinity]),
    ]
    for (token, settings) in bad {
        #expect(throws: AenetError.self, "\(token) \(settings)") { try MethodChoice(token: token, settings: settings) }
    }
}
