import Foundation
import Testing
@testable import AenetCore
@testable import AenetTraining
@testable import AenetAugment
@testable import AenetShell
@testable import AenetTestSupport

/// Small deterministic pseudo-random numbers for test data.
struct TestRNG {
    var state: UInt64
    init(_ seed: UInt64) { state = seed }
    mutating func next() -> Double {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return Double(state >> 11) / Double(1 << 53) * 2 - 1
    }
}

/// A 3-4-3-1 network with all hidden activations represented and random weights.
func randomNetwork(_ acts: [Activation], seed: UInt64 = 7) throws -> FeedForwardNetwork {
    var rng = TestRNG(seed)
    let sizes = [3] + acts.map { _ in 4 } + [1]
    var net = try FeedForwardNetwork(layerSizes: sizes, activations: acts + [.linear])
    for k in net.weights.indices { net.weights[k] = rng.next() }
    return net
}

/// Reference forward pass straight from aenet ext/feedforward.f90, save_Network (column-major blocks, bias last).
func naiveForward(_ net: FeedForwardNetwork, _ x: [Double]) -> Double {
    var y = x
    let iw = net.weightOffsets
    for l in 0..<(net.layerCount - 1) {
        let nIn = net.layerSizes[l], nOut = net.layerSizes[l + 1]
        y = (0..<nOut).map { i in
            var z = net.weights[iw[l] + i + nIn * nOut]
            for j in 0..<nIn { z += net.weights[iw[l] + i + j * nOut] * y[j] }
            return net.activations[l](z).value
        }
    }
    return y[0]
}

@Test func activationsMatchAenetFormulas() {
    for a in Activation.allCases {
        let xs: [Double] = [-3.1, -0.4, 0, 0.7, 2.5]
        var z = xs, d = [Double](repeating: 0, count: xs.count)
        a.apply(&z, derivative: &d, count: xs.count)
        for (k, x) in xs.enumerated() {
            let (v, dv) = a(x)
            #expect(isClose(z[k], v, tolerance: 1e-14))
            #expect(isClose(d[k], dv, tolerance: 1e-14))
            let h = 1e-6
            #expect(isClose((a(x + h).value - a(x - h).value) / (2 * h), dv, tolerance: 1e-8))
        }
    }
    #expect(isClose(Activation.mtanh(1).value, 1.7159 * tanh(0.666666666666667), tolerance: 1e-15))
}

@Test func batchedForwardMatchesNaivePass() throws {
    let net = try randomNetwork([.tanh, .sigmoid, .mtanh, .twist, .linear])
    var rng = TestRNG(3)
    let ws = NetworkWorkspace(network: net, capacity: 2)
    let b = 5
    let input = ws.prepare(batch: b)
    var rows: [[Double]] = []
    for r in 0..<b {
        let x = (0..<3).map { _ in rng.next() * 2 }
        rows.append(x)
        for j in 0..<3 { input[r * 3 + j] = x[j] }
    }
    let out = net.forward(ws)
    for r in 0..<b { #expect(isClose(out[r], naiveForward(net, rows[r]), tolerance: 1e-13)) }
}

@Test func inputAndWeightGradientsMatchFiniteDifferences() throws {
    var net = try randomNetwork([.tanh, .twist, .sigmoid])
    var rng = TestRNG(11)
    let b = 3
    let xs = (0..<b).map { _ in (0..<3).map { _ in rng.next() } }
    let c = [0.5, -1.25, 2.0]
    let ws = NetworkWorkspace(network: net)
    let input = ws.prepare(batch: b)
    for r in 0..<b { for j in 0..<3 { input[r * 3 + j] = xs[r][j] } }
    net.forward(ws, derivatives: true)
    var dx = [Double](repeating: 0, count: b * 3)
    var gw = [Double](repeating: 0, count: net.weightCount)
    net.backward(ws, outputWeights: c, inputGradient: &dx, weightGradient: &gw)
    let h = 1e-6
    for r in 0..<b {
        for j in 0..<3 {
            var p = xs[r], m = xs[r]; p[j] += h; m[j] -= h
            let fd = c[r] * (naiveForward(net, p) - naiveForward(net, m)) / (2 * h)
            #expect(isClose(dx[r * 3 + j], fd, tolerance: 1e-7))
        }
    }
    func loss(_ n: FeedForwardNetwork) -> Double { (0..<b).reduce(0) { $0 + c[$1] * naiveForward(n, xs[$1]) } }
    for k in 0..<net.weightCount {
        let w = net.weights[k]
        net.weights[k] = w + h; let lp = loss(net)
        net.weights[k] = w - h; let lm = loss(net)
        net.weights[k] = w
        #expect(isClose(gw[k], (lp - lm) / (2 * h), tolerance: 1e-7))
    }
}

@Test func networkRecordsRoundTripAndReportLayout() throws {
    let net = try FeedForwardNetwork(inputs: 44, hidden: ["10:tanh", "10:t"])
    #expect(net.weightOffsets == [0, 450, 560, 571])
    #expect(net.valueOffsets == [0, 45, 56, 67])
    #expect(net.valueCount == 68)
    #expect(net.memoryWords == 193011)   // aenet prints this for a 44-10-10-1 network
    var w = FortranRecordWriter()
    net.write(to: &w)
    let back = try FeedForwardNetwork.read(from: FortranRecordReader(data: Data(w.bytes)))
    #expect(back == net)
    #expect(try FeedForwardNetwork(inputs: 4, hidden: ["10:TANH"]).activations == [.tanh, .linear])
    #expect(throws: AenetError.self) { try FeedForwardNetwork(inputs: 4, hidden: ["10:relu"]) }
    #expect(throws: AenetError.self) { try FeedForwardNetwork(inputs: 4, hidden: ["100000:tanh"]) }
}
