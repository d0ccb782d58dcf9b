import Testing
@testable import AenetCore
@testable import AenetTraining
@testable import AenetTestSupport

/// The tangent passes behind force training: ẏ = ∇_x y · v agrees with the input gradient of the
/// ordinary backward pass, and ∂(Σ c·y + e·ẏ)/∂w agrees with finite differences — for every
/// activation, including the second derivatives the tangent backward pass uses.
@Test(arguments: Activation.allCases)
func tangentPassesMatchFiniteDifferences(_ act: Activation) throws {
    var rng = GfortranRandom(clock: 11)
    var net = try FeedForwardNetwork(layerSizes: [5, 4, 3, 1], activations: [act, act, .linear])
    net.randomizeWeights(&rng)
    let b = 3, nIn = 5
    let x = (0..<(b * nIn)).map { _ in 2 * rng.nextDouble() - 1 }
    let v = (0..<(b * nIn)).map { _ in 2 * rng.nextDouble() - 1 }
    let c = [0.7, -0.2, 1.3], e = [-0.4, 0.9, 0.25]
    let ws = TangentWorkspace(network: net, capacity: 1)

    /// Σ_b c_b y_b + e_b ẏ_b at weights w, and the per-sample ẏ.
    func objective(_ w: [Double]) -> (Double, [Double]) {
        let (input, direction) = ws.prepare(batch: b)
        for k in 0..<(b * nIn) { input[k] = x[k]; direction[k] = v[k] }
        w.withUnsafeBufferPointer { net.tangentForward(ws, weights: $0.baseAddress!) }
        let yd = (0..<b).map { ws.directionalDerivative[$0] }
        return ((0..<b).reduce(0) { $0 + c[$1] * ws.output[$1] + e[$1] * yd[$1] }, yd)
    }

    // ẏ equals the input gradient of the ordinary passes, dotted with v.
    let (_, yd) = objective(net.weights)
    let nws = NetworkWorkspace(network: net, capacity: b)
    let input = nws.prepare(batch: b)
    for k in 0..<(b * nIn) { input[k] = x[k] }
    net.forward(nws, derivatives: true)
    var dx = [Double](repeating: 0, count: b * nIn)
    dx.withUnsafeMutableBufferPointer { net.backward(nws, inputGradient: $0.baseAddress!) }
    for r in 0..<b {
        let dot = (0..<nIn).reduce(0) { $0 + dx[r * nIn + $1] * v[r * nIn + $1] }
        #expect(isClose(yd[r], dot, tolerance: 1e-13), "\(act) sample \(r)")
    }

    // Weight gradient against central differences.
    var g = [Double](repeating: 0, count: net.weightCount)
    _ = objective(net.weights)
    net.weights.withUnsafeBufferPointer { w in
        g.withUnsafeMutableBufferPointer { gp in
            net.tangentBackward(ws, weights: w.baseAddress!, valueWeights: c, tangentWeights: e, weightGradient: gp.baseAddress!)
        }
    }
    let h = 1e-6
    for k in 0..<net.weightCount {
        var wp = net.weights, wm = net.weights
        wp[k] += h; wm[k] -= h
        let fd = (objective(wp).0 - objective(wm).0) / (2 * h)
        #expect(isClose(g[k], fd, tolerance: 1e-7), "\(act) weight \(k): \(g[k]) vs \(fd)")
    }
    #expect(g.contains { $0 != 0 })
}
