import Foundation
import Testing
@testable import AenetCore
@testable import AenetTraining
@testable import AenetAugment
@testable import AenetShell
@testable import AenetTestSupport

/// A set streamed from its mapped file gives the same loss, gradient and subsets as in memory.
@Test func streamingMatchesInMemory() throws {
    let dir = try TemporaryDirectory()
    try writeSyntheticTrainingSet(dir.path + "/s.train", structures: 30)
    _ = try Normalization.normalize(rawPath: dir.path + "/s.train", scaledPath: dir.path + "/s.train.scaled", maxEnergy: .greatestFiniteMagnitude, warn: { _ in })
    let mem = try LoadedTrainingSet.load(path: dir.path + "/s.train.scaled", streaming: false)
    let str = try LoadedTrainingSet.load(path: dir.path + "/s.train.scaled", streaming: true)
    #expect(str.data.isStreaming && !mem.data.isStreaming)
    #expect(mem.data.energies == str.data.energies && mem.data.paths == str.data.paths)
    let ev = LossEvaluator(networks: syntheticNetworks(.tanh), threads: 2)
    ev.minAtomsForThreads = 0
    for pick in [Array(0..<30), [3, 7, 8, 20, 29]] {
        let a = mem.data.subset(pick), b = str.data.subset(pick)
        var ga = [Double](repeating: 0, count: ev.weightCount), gb = ga
        let fa = ev.loss(ev.weights, data: a, gradient: &ga), fb = ev.loss(ev.weights, data: b, gradient: &gb)
        #expect(fa == fb && ga == gb)
    }
}
