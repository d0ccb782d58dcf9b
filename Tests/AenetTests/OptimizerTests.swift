import Foundation
import Testing
@testable import AenetCore
@testable import AenetTraining
@testable import AenetAugment
@testable import AenetShell
@testable import AenetTestSupport

private func rosenbrock(_ x: [Double], _ g: inout [Double]) -> Double {
    var f = 0.0
    for i in g.indices { g[i] = 0 }
    for i in 0..<(x.count - 1) {
        let a = x[i + 1] - x[i] * x[i], b = 1 - x[i]
        f += 100 * a * a + b * b
        g[i] += -400 * x[i] * a - 2 * b
        g[i + 1] += 200 * a
    }
    return f
}

@Test func lbfgsSolvesRosenbrock() {
    var o = LBFGS(x: [-1.2, 1, -1.2, 1, 0.5, 0.3])
    var status = LBFGS.Status.progress
    for _ in 0..<300 where status == .progress { status = o.iterate(rosenbrock) }
    #expect(status == .converged)
    #expect(o.x.allSatisfy { isClose($0, 1, tolerance: 1e-6) })
    #expect(o.evaluations < Int(1.6 * Double(o.iteration)) + 5)
}

@Test func lbfgsStateRoundTrip() throws {
    var o = LBFGS(x: [-1.2, 1, 0.3])
    for _ in 0..<5 { _ = o.iterate(rosenbrock) }
    var w = FortranRecordWriter()
    o.write(to: &w)
    let r = FortranRecordReader(data: Data(w.bytes))
    var p = try #require(try LBFGS.read(from: r, n: 3))
    for _ in 0..<5 { _ = o.iterate(rosenbrock); _ = p.iterate(rosenbrock) }
    #expect(o.x == p.x)
}

/// Small linear least-squares problem: residuals r_k = a_k·w − t_k (the analogue of dE per structure).
private struct LSQ {
    let a: [[Double]] = (0..<12).map { (k: Int) -> [Double] in
        (0..<3).map { (j: Int) -> Double in
            let base = Double((k * 7 + j * 3 + k * j) % 5)
            return base - 2.0 + 0.1 * Double(j)
        }
    }
    let wTrue = [0.5, -1.0, 2.0]
    var t: [Double] { a.map { row in zip(row, wTrue).map(*).reduce(0, +) } }
    func residual(_ w: [Double], _ k: Int) -> Double { zip(a[k], w).map(*).reduce(0, +) - t[k] }
    func sse(_ w: [Double]) -> Double { (0..<a.count).reduce(0) { $0 + 0.5 * pow(residual(w, $1), 2) } }
}

@Test func firstOrderMethodsLowerTheError() {
    let p = LSQ()
    var w = [0.0, 0.0, 0.0], sd = OnlineSD(n: 3, alpha: 0.01, gamma: 0.02)
    let e0 = p.sse(w)
    for _ in 0..<50 { for k in 0..<12 { let r = p.residual(w, k); sd.step(&w, gradient: p.a[k].map { $0 * r }) } }
    #expect(p.sse(w) < 1e-3 * e0)
    var v = [0.0, 0.0, 0.0], adam = Adam(n: 3, mu: 0.05, b1: 0.9, b2: 0.999, eps: 1e-8)
    for _ in 0..<400 {
        var g = [0.0, 0.0, 0.0]
        for k in 0..<12 { let r = p.residual(v, k); for j in 0..<3 { g[j] += p.a[k][j] * r } }
        adam.step(&v, gradient: g)
    }
    #expect(p.sse(v) < 1e-3 * e0)
}

@Test func ekfAndLMLowerTheError() {
    let p = LSQ()
    var w = [0.0, 0.0, 0.0], ekf = EKF(n: 3, lambda: 0.999, lambda0: 0.97, state: 10, pnoise: 0, wgroup: 2)
    let e0 = p.sse(w)
    for _ in 0..<3 { for k in 0..<12 { ekf.update(&w, error: -p.residual(w, k), jacobian: p.a[k]) } }
    #expect(p.sse(w) < 0.1 * e0)   // split covariance: block-diagonal approximation
    var u = [0.0, 0.0, 0.0], full = EKF(n: 3, lambda: 0.999, lambda0: 0.97, state: 0.001, pnoise: 0, wgroup: 100)
    for _ in 0..<3 { for k in 0..<12 { full.update(&u, error: -p.residual(u, k), jacobian: p.a[k]) } }
    #expect(p.sse(u) < 1e-3 * e0)
    var v = [0.0, 0.0, 0.0], lm = LevenbergMarquardt(mu: 0.1, adjust: 10)
    for _ in 0..<5 {
        let jac = (0..<12).flatMap { p.a[$0] }, err = (0..<12).map { p.residual(v, $0) }
        // The normal equations J·Jᵀ (upper triangle) and J·dE, as TrainingProblem.normalEquations forms them.
        var H = [Double](repeating: 0, count: 9), g = [Double](repeating: 0, count: 3)
        for b in 0..<12 { for j in 0..<3 { for i in 0...j { H[j * 3 + i] += jac[b * 3 + i] * jac[b * 3 + j] }; g[j] += jac[b * 3 + j] * err[b] } }
        _ = lm.step(&v, H: H, grad: g, sse: 0.5 * err.reduce(0) { $0 + $1 * $1 }, trialSSE: p.sse)
    }
    #expect(p.sse(v) < 1e-6 * e0)
}

/// The batch-space LM step (B < nw: a B × B Cholesky) is the weight-space step (nw × nw) in exact
/// arithmetic, with and without the L2 term, including the damping search's choice of μ.
@Test(arguments: [0.0, 0.3])
func lmStepInBatchSpaceEqualsTheWeightSpaceStep(_ l2: Double) {
    var rng = TestRNG(11)
    let nw = 9, nb = 4
    let J = (0..<(nw * nb)).map { _ in rng.next() }
    let target = (0..<nb).map { _ in rng.next() }
    let w0 = (0..<nw).map { _ in 0.5 * rng.next() }
    // A linear model e_b(w) = J_bᵀ·(w − w0) − target_b, so dE at w0 is −target and ∂e_b/∂w = J_b.
    func errors(_ w: [Double]) -> [Double] {
        var e = [Double](repeating: 0, count: nb)
        for b in 0..<nb {
            var s = -target[b]
            for i in 0..<nw { s += J[b * nw + i] * (w[i] - w0[i]) }
            e[b] = s
        }
        return e
    }
    func sse(_ w: [Double]) -> Double { 0.5 * errors(w).reduce(0) { $0 + $1 * $1 } }
    let dE = errors(w0)
    var H = [Double](repeating: 0, count: nw * nw), g = [Double](repeating: 0, count: nw)
    for b in 0..<nb { for j in 0..<nw { for i in 0...j { H[j * nw + i] += J[b * nw + i] * J[b * nw + j] }; g[j] += J[b * nw + j] * dE[b] } }
    for mu in [1e-3, 0.1, 10.0] {
        var a = LevenbergMarquardt(mu: mu, adjust: 10), b = LevenbergMarquardt(mu: mu, adjust: 10)
        var wa = w0, wb = w0
        let sa = a.step(&wa, H: H, grad: g, sse: sse(w0), l2: l2, trialSSE: sse)
        let sb = b.stepInBatchSpace(&wb, J: J, errors: dE, l2: l2, trialSSE: sse)
        #expect(a.mu == b.mu)
        #expect(abs(sa - sb) <= 1e-12 * max(1, abs(sa)))
        for i in 0..<nw { #expect(abs(wa[i] - wb[i]) <= 1e-12, "w[\(i)] with mu \(mu), l2 \(l2)") }
        #expect(sa < sse(w0) + 0.5 * l2 * w0.reduce(0) { $0 + $1 * $1 })
    }
}
