import AenetCore
import COpenBLAS
import Foundation

/// Levenberg–Marquardt on batches of structures (spec §7.5): with J the nw × B matrix of
/// Dw = ∂dE/∂w and dE the errors, solve (J·Jᵀ + μI)·Δ = J·dE by Cholesky and set w ← w − Δ.
/// If the batch error rose, μ ← μ·adjust and the step is retried (at most 5 times); after an
/// improvement μ ← max(μ/adjust, μmin). Unlike aenet, the trial step is judged on the same batch.
/// μmin (`mumin=`, our extension, default 0 as in aenet) keeps the steps damped: on the full
/// TiO2 set a floor of ~0.3 makes the fit slower but generalize better (compat/BENCHMARK-train.md).
public struct LevenbergMarquardt: Sendable {
    public var mu: Double
    public let adjust: Double
    public let muMin: Double

    public init(mu: Double, adjust: Double, muMin: Double = 0) { self.mu = mu; self.adjust = adjust; self.muMin = muMin }

    /// One LM step. `jacobian` is column-major nw × B (column b = Dw of structure b), `errors` the
    /// B values of dE; `sse(w)` evaluates ½ΣdE² of the same batch at trial weights.
    /// Returns the batch SSE after the step.
    /// With `l2` > 0 the objective has the extra term ½·l2·‖w‖² (added to H and the gradient).
    public mutating func step(_ w: inout [Double], jacobian: [Double], errors: [Double], l2: Double = 0,
                              sse: ([Double]) -> Double) -> Double {
        let nw = w.count, nb = errors.count
        // The big products and the Cholesky solve are the rare BLAS calls that scale over cores;
        // everything else runs with one BLAS thread and parallelises over structures.
        let cores = Int32(max(1, min(ProcessInfo.processInfo.activeProcessorCount, 8)))
        openblas_set_num_threads(cores)
        var H = [Double](repeating: 0, count: nw * nw)
        // H = J Jᵀ (upper triangle suffices for Cholesky 'U').
        cblas_dsyrk(CblasColMajor, CblasUpper, CblasNoTrans, Int32(nw), Int32(nb), 1.0, jacobian, Int32(nw), 0.0, &H, Int32(nw))
        var grad = [Double](repeating: 0, count: nw)
        cblas_dgemv(CblasColMajor, CblasNoTrans, Int32(nw), Int32(nb), 1.0, jacobian, Int32(nw), errors, 1, 0.0, &grad, 1)
        openblas_set_num_threads(1)
        let w0 = w
        let penalty: ([Double]) -> Double = { v in l2 == 0 ? 0 : 0.5 * l2 * v.reduce(0) { $0 + $1 * $1 } }
        let sse0 = 0.5 * errors.reduce(0) { $0 + $1 * $1 } + penalty(w0)
        if l2 > 0 { for i in 0..<nw { H[i * nw + i] += l2; grad[i] += l2 * w0[i] } }
        for cycle in 1...6 {
            var A = H
            for i in 0..<nw { A[i * nw + i] += mu }
            var delta = grad
            var n = Int32(nw), nrhs: Int32 = 1, lda = Int32(nw), info: Int32 = 0
            var uplo = CChar(UInt8(ascii: "U"))
            openblas_set_num_threads(cores)
            dposv_(&uplo, &n, &nrhs, &A, &lda, &delta, &lda, &info, 1)
            openblas_set_num_threads(1)
            if info != 0 { mu *= adjust; continue }   // not positive definite: more damping
            let trial = zip(w0, delta).map { $0 - $1 }
            let s = sse(trial) + penalty(trial)
            if s <= sse0 { w = trial; mu = max(mu / adjust, muMin); return s }
            if cycle == 6 { w = trial; return s }     // aenet accepts after 5 retries
            mu *= adjust
        }
        return sse0
    }
}
