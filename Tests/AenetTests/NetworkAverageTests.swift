import Foundation
import Testing
@testable import AenetCore
@testable import AenetTraining
@testable import AenetAugment
@testable import AenetShell
@testable import AenetTestSupport

/// The folded network's output is the mean of the members' outputs (members of different widths).
@Test func trainAverageNetworksIsMeanOfOutputs() throws {
    var rng = GfortranRandom(clock: 12345)
    var nets: [FeedForwardNetwork] = []
    for (h1, h2) in [(3, 4), (5, 2), (4, 4)] {
        var n = try FeedForwardNetwork(layerSizes: [6, h1, h2, 1], activations: [.tanh, .twist, .linear])
        n.randomizeWeights(&rng)
        nets.append(n)
    }
    let m = try NetworkAverage.average(nets)
    #expect(m.layerSizes == [6, 12, 10, 1] && m.activations == [.tanh, .twist, .linear])
    for _ in 0..<5 {
        let x = (0..<6).map { _ in 2 * rng.nextDouble() - 1 }
        let mean = nets.map { $0.evaluate(x) }.reduce(0, +) / 3
        #expect(isClose(m.evaluate(x), mean, tolerance: 1e-12))
    }
    let other = try FeedForwardNetwork(layerSizes: [6, 3, 1], activations: [.tanh, .linear])
    #expect(throws: AenetError.self) { try NetworkAverage.average([nets[0], other]) }
}
