import AenetCore
import COpenBLAS
import Foundation

/// Levenberg–Marquardt on batches of structures (aenet optimize.f90): with J the nw × B matrix of
/// Dw = ∂dE/∂w and dE the errors, solve (J·Jᵀ + μI)·Δ = J·dE by Cholesky and set w ← w − Δ.
/// If the batch error rose, μ ← μ·adjust and the step is retried (at most 5 times); after an
/// improvement μ ← max(μ/adjust, μmin). Unlike aenet, the trial step is judged on the same batch.
/// μmin (`mumin=`, our extension, default 0 as in aenet) keeps the steps damped: on the full
/// TiO2 set a floor of ~0.3 makes the fit slower but generalize better (compat/BENCHMARK-train.md).
struct LevenbergMarquardt: Sendable {
    public var mu: Double
    public let adjust: Double
    public let muMin: Double

    public init(mu: Double, adjust: Double, muMin: Double = 0) { self.mu = mu; self.adjust = adjust; self.muMin = muMin }

    /// One LM step from the normal equations of a batch: `H` = J·Jᵀ (upper triangle, column-major
    /// nw × nw; J the nw × B matrix of Dw = ∂dE/∂w), `grad` = J·dE and `sse` = ½ΣdE² at `w`
    /// (`TrainingProblem.normalEquations`); `trialSSE(w)` evaluates ½ΣdE² of the same batch at
    /// trial weights. Returns the batch SSE after the step.
    /// With `l2` > 0 the objective has the extra term ½·l2·‖w‖² (added to H and the gradient).
    /// `wideBLAS` runs the Cholesky solve (one of the rare BLAS calls that scale over cores) under
    /// the caller's thread policy.
    public mutating func step(_ w: inout [Double], H: [Double], grad gradIn: [Double], sse: Double, l2: Double = 0,
                              wideBLAS: (() -> Void) -> Void = { $0() }, trialSSE: ([Double]) -> Double) -> Double {
        let nw = w.count
        var H = H, grad = gradIn
        let w0 = w
        let penalty: ([Double]) -> Double = { v in l2 == 0 ? 0 : 0.5 * l2 * v.reduce(0) { $0 + $1 * $1 } }
        let sse0 = sse + penalty(w0)
        if l2 > 0 { for i in 0..<nw { H[i * nw + i] += l2; grad[i] += l2 * w0[i] } }
        for cycle in 1...6 {
            var A = H
            for i in 0..<nw { A[i * nw + i] += mu }
            var delta = grad
            var n = Int32(nw), nrhs: Int32 = 1, lda = Int32(nw), info: Int32 = 0
            var uplo = CChar(UInt8(ascii: "U"))
            var ldb = lda
            wideBLAS { dposv_(&uplo, &n, &nrhs, &A, &lda, &delta, &ldb, &info, 1) }
            if info != 0 { mu *= adjust; continue }   // not positive definite: more damping
            let trial = zip(w0, delta).map { $0 - $1 }
            let s = trialSSE(trial) + penalty(trial)
            if s <= sse0 { w = trial; mu = max(mu / adjust, muMin); return s }
            if cycle == 6 { w = trial; return s }     // aenet accepts after 5 retries
            mu *= adjust
        }
        return sse0
    }
}

/// METHOD lm: Levenberg–Marquardt steps on batches of `batchsize` structures, the whole
/// training set per epoch.
public final class LMMethod: TrainingMethod {
    public static let token = "lm"
    public static let displayName = "Levenberg-Marquardt"
    /// `mumin` (our extension, default 0 = aenet's behaviour) is a floor for the damping μ.
    public static let parameters: [(name: String, value: Double)] =
        [("batchsize", 1000), ("learnrate", 0.1), ("iter", 1), ("conv", 1e-3), ("adjust", 10), ("mumin", 0)]
    public static func problem(with v: [Double]) -> String? {
        if !(1...1e9).contains(v[0]) { return "batchsize=\(v[0]) must be between 1 and 1e9" }
        if !(v[1] > 0) { return "the initial damping learnrate=\(v[1]) must be positive" }
        if !(0...1e9).contains(v[2]) { return "iter=\(v[2]) must be between 0 and 1e9" }
        if !(v[4] > 1) { return "adjust=\(v[4]) must be greater than 1" }
        if !(v[5] >= 0) { return "mumin=\(v[5]) must not be negative" }
        return nil
    }

    /// J·Jᵀ and its damped copy (nw² each), the Jacobian nw × batch, and a few vectors.
    public static func workingMemory(values v: [Double], weightCount nw: Int, structureCount nt: Int) -> (bytes: Double, what: String) {
        let b = max(1, min(v[0].rounded(), Double(max(nt, 1)))), n = Double(nw)
        return (8 * (2 * n * n + n * b + 4 * n), "two \(nw) × \(nw) matrices and a \(nw) × \(Int(b)) Jacobian")
    }

    private var lm: LevenbergMarquardt
    /// Structures per LM step (at most the training set).
    public let batchSize: Int
    /// Runs the big products and the Cholesky solve with more BLAS threads (set by the shell's
    /// thread policy; the default runs them as they are).
    public var wideBLAS: (() -> Void) -> Void = { $0() }

    public init(values v: [Double], weightCount: Int, structureCount nt: Int) {
        lm = LevenbergMarquardt(mu: max(v[1], v[5]), adjust: v[4], muMin: v[5])
        batchSize = max(1, min(boundedInt(v[0].rounded(), 1...1_000_000_000), max(nt, 1)))
    }

    public func epoch(_ p: TrainingProblem) -> Bool {
        let b = batchSize, s = p.structureCount
        let order = p.schedule(count: s)
        let nb = max(1, Int((Double(s) / Double(b)).rounded()))
        var w = p.weights
        var H = [Double](repeating: 0, count: w.count * w.count), grad = [Double](repeating: 0, count: w.count)
        for k in 0..<nb {
            let batch = (0..<b).map { order[(k * b + $0) % order.count] }
            let sse = p.normalEquations(w, batch: batch, H: &H, gradient: &grad, wideBLAS: wideBLAS)
            _ = lm.step(&w, H: H, grad: grad, sse: sse, l2: p.l2 * Double(b) / Double(s), wideBLAS: wideBLAS) { trial in
                p.batchLoss(trial, batch: batch)
            }
        }
        p.weights = w
        return false
    }

    public static func detailLines(_ v: [Double]) -> String {
        "   Batch size            : \(FortranFormat.i(boundedInt(v[0], 1...1_000_000_000), 12))\n"
            + "   Batch iterations      : \(FortranFormat.i(boundedInt(v[2], 0...1_000_000_000), 12))\n"
            + FortranFormat.labelledListDirected("  Initial learning rate : ", v[1])
            + FortranFormat.labelledListDirected("  Target error          : ", v[3])
    }

    public func writeState(to w: inout FortranRecordWriter) { w.record { $0.append(lm.mu) } }

    public func readState(from r: FortranRecordReader, weightCount: Int) throws -> Bool {
        var rec = try r.next(); let mu = try rec.double()
        guard mu.isFinite, mu >= 0 else { return false }
        lm.mu = mu
        return true
    }
}
