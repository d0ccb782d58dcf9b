import Testing
@testable import AenetCore
@testable import AenetTraining
@testable import AenetAugment
@testable import AenetShell
@testable import AenetTestSupport

private func deck(_ s: String) -> Deck { Deck(text: s, path: "train.in") }

@Test func trainDeckDefaultsAndNetworks() throws {
    let t = try TrainInput(deck: deck("""
        TRAININGSET ../data/tio2.train
        MAXENERGY   1.0 eV
        save_energies
        NETWORKS
        ! comment
          Ti  nets/Ti.nn  2  10:tanh 5:twist
          O   O.nn        0
        """))
    #expect(t.trainingSet == "../data/tio2.train")
    #expect(t.testPercent == 10 && t.iterations == 10 && t.maxEnergy == 1.0)
    #expect(t.method == .bfgs && t.sampling == .sequential && t.saveEnergies && t.l2 == 0)
    let n = try t.networks(for: ["O", "Ti"])
    #expect(n.map(\.species) == ["O", "Ti"])
    #expect(n[1].hidden.map(\.nodes) == [10, 5] && n[1].hidden.map(\.activation) == [.tanh, .twist])
    #expect(throws: AenetError.self) { try t.networks(for: ["Ti", "O", "Zr"]) }
    #expect(throws: AenetError.self) { try t.networks(for: ["Ti"]) }
}

@Test func methodParameters() throws {
    let base = "TRAININGSET x\nNETWORKS\nTi Ti.nn 1 3:t\nMETHOD\n"
    let e = try TrainInput(deck: deck(base + "ekf lambda0=0.5 lambda=0.99"))
    #expect(e.method.token == "ekf" && e.method.values == [0.99, 0.5, 10, 0, 0.6, 100])
    let a = try TrainInput(deck: deck(base + "ADAM mu = 0.01 samplesize=100"))
    #expect(a.method.token == "adam" && a.method.values == [0.01, 0.9, 0.999, 1e-8, 100, 1])
    #expect(a.sampling == .random)
    let g = try TrainInput(deck: deck(base + "online_gd gamma=0.1\nSAMPLING weighted"))
    #expect(g.method.token == "online_sd" && g.method.values == [0.01, 0.1] && g.sampling == .weighted)
    #expect(throws: AenetError.self) { try TrainInput(deck: deck(base + "sgd")) }
    #expect(throws: AenetError.self) { try TrainInput(deck: deck(base + "lm batchsize=10 lr=3")) }
    let r = try TrainInput(deck: deck(base + "lm\nREGULARIZATION\nl2=0.0001"))
    #expect(r.l2 == 0.0001)
    #expect(r.validationPercent == 0 && r.validationPatience == 0)   // aenet's behaviour by default
    let m = try TrainInput(deck: deck(base + "lm batchsize=100 mumin=0.3\nVALIDATION 10 patience=50 ! comment"))
    #expect(m.method.token == "lm" && m.method.values == [100, 0.1, 1, 1e-3, 10, 0.3])
    #expect(m.validationPercent == 10 && m.validationPatience == 50)
    #expect(try TrainInput(deck: deck(base + "lm\nVALIDATION 5")).validationPatience == 0)
    for bad in ["VALIDATION", "VALIDATION 0", "VALIDATION 100", "VALIDATION 10 patience=-1", "VALIDATION 10 wait=3"] {
        #expect(throws: AenetError.self, "\(bad)") { try TrainInput(deck: deck(base + "lm\n" + bad)) }
    }
}

@Test func malformedArchitectures() {
    for arch in ["2 10:tanh", "1 10-tanh", "1 10:relu", "1 x:tanh", "1 10:tanh 5:tanh"] {
        #expect(throws: AenetError.self) { try TrainInput(deck: deck("TRAININGSET x\nNETWORKS\nTi Ti.nn \(arch)\n")) }
    }
    #expect(throws: AenetError.self) { try TrainInput(deck: deck("NETWORKS\nTi Ti.nn 1 3:t\n")) }
    #expect(throws: AenetError.self) { try TrainInput(deck: deck("TRAININGSET x\n")) }
}
