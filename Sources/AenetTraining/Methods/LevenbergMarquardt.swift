import AenetCore
import COpenBLAS
import Foundation

/// Levenberg–Marquardt on batches of structures (aenet optimize.f90): with J the nw × B matrix of
/// Dw = ∂dE/∂w and dE the errors, solve (J·Jᵀ + μI)·Δ = J·dE by Cholesky and set w ← w − Δ
/// (for batches smaller than the network, the same Δ from the B × B system: `stepInBatchSpace`).
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
        if l2 > 0 { for i in 0..<nw { H[i * nw + i] += l2; grad[i] += l2 * w0[i] } }
        return search(&w, sse: sse, l2: l2, trialSSE: trialSSE) { mu in
            var A = H
            for i in 0..<nw { A[i * nw + i] += mu }
            var delta = grad
            return Self.choleskySolve(&A, &delta, n: nw, wideBLAS: wideBLAS) ? delta : nil
        }
    }

    /// The same step in the B-dimensional space of the batch, for batches smaller than the
    /// network (B < nw): with K = Jᵀ·J (B × B) and c = μ + l2, (J·Jᵀ + cI)⁻¹ = (I − J(K + cI)⁻¹Jᵀ)/c,
    /// so Δ = J·y + (l2/c)·w with (K + cI)·y = dE − (l2/c)·Jᵀw. A B × B Cholesky and B²·nw flops
    /// for K replace the nw × nw ones (nw³/3 and nw²·B): equal steps in exact arithmetic, and on
    /// the full TiO2 set (nw = 1142, B = 256) an lm epoch costs a fraction of the weight-space one.
    /// `J` is the nw × B Jacobian (column-major, columns ∂dE_b/∂w), `errors` the B errors dE.
    public mutating func stepInBatchSpace(_ w: inout [Double], J: [Double], errors dE: [Double], l2: Double = 0,
                                          wideBLAS: (() -> Void) -> Void = { $0() }, trialSSE: ([Double]) -> Double) -> Double {
        let nw = w.count, nb = dE.count
        precondition(J.count >= nw * nb)
        var K = [Double](repeating: 0, count: nb * nb), u = [Double](repeating: 0, count: nb)
        wideBLAS {
            cblas_dsyrk(CblasColMajor, CblasUpper, CblasTrans, Int32(nb), Int32(nw), 1.0, J, Int32(nw), 0.0, &K, Int32(nb))
            if l2 > 0 { cblas_dgemv(CblasColMajor, CblasTrans, Int32(nw), Int32(nb), 1.0, J, Int32(nw), w, 1, 0.0, &u, 1) }
        }
        let w0 = w
        let sse = 0.5 * dE.reduce(0) { $0 + $1 * $1 }
        return search(&w, sse: sse, l2: l2, trialSSE: trialSSE) { mu in
            let c = mu + l2
            var A = K
            for i in 0..<nb { A[i * nb + i] += c }
            var y = l2 > 0 ? zip(dE, u).map { $0 - (l2 / c) * $1 } : dE
            guard Self.choleskySolve(&A, &y, n: nb, wideBLAS: wideBLAS) else { return nil }
            var delta = l2 > 0 ? w0.map { (l2 / c) * $0 } : [Double](repeating: 0, count: nw)
            cblas_dgemv(CblasColMajor, CblasNoTrans, Int32(nw), Int32(nb), 1.0, J, Int32(nw), y, 1, l2 > 0 ? 1.0 : 0.0, &delta, 1)
            return delta
        }
    }

    /// aenet's damping search: the step Δ(μ) from `solve` (nil: the damped matrix was not
    /// positive definite), judged by the batch error at w − Δ; μ grows by `adjust` until the error
    /// does not rise (at most 5 retries, after which aenet takes the step anyway).
    private mutating func search(_ w: inout [Double], sse: Double, l2: Double, trialSSE: ([Double]) -> Double,
                                 solve: (Double) -> [Double]?) -> Double {
        let w0 = w
        let penalty: ([Double]) -> Double = { v in l2 == 0 ? 0 : 0.5 * l2 * v.reduce(0) { $0 + $1 * $1 } }
        let sse0 = sse + penalty(w0)
        for cycle in 1...6 {
            guard let delta = solve(mu) else { mu *= adjust; continue }   // not positive definite: more damping
            let trial = zip(w0, delta).map { $0 - $1 }
            let s = trialSSE(trial) + penalty(trial)
            if s <= sse0 { w = trial; mu = max(mu / adjust, muMin); return s }
            if cycle == 6 { w = trial; return s }     // aenet accepts after 5 retries
            mu *= adjust
        }
        return sse0
    }

    /// Solves A·x = b (A symmetric, upper triangle, n × n; b overwritten by x). False when A is not
    /// positive definite.
    private static func choleskySolve(_ A: inout [Double], _ b: inout [Double], n: Int, wideBLAS: (() -> Void) -> Void) -> Bool {
        var n32 = Int32(n), nrhs: Int32 = 1, lda = Int32(max(n, 1)), info: Int32 = 0
        var uplo = CChar(UInt8(ascii: "U"))
        var ldb = lda
        wideBLAS { dposv_(&uplo, &n32, &nrhs, &A, &lda, &b, &ldb, &info, 1) }
        return info == 0
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

    /// Whether a step solves the B × B system of the batch (B < nw) rather than the nw × nw one.
    static func solvesInBatchSpace(batchSize b: Int, weightCount nw: Int) -> Bool { b < nw }

    /// The two square matrices of the smaller space (J·Jᵀ or Jᵀ·J and its damped copy), the
    /// Jacobian nw × batch, and a few vectors.
    public static func workingMemory(values v: [Double], weightCount nw: Int, structureCount nt: Int) -> (bytes: Double, what: String) {
        let b = max(1, min(v[0].rounded(), Double(max(nt, 1)))), n = Double(nw)
        let m = min(n, b), side = Int(m)
        return (8 * (2 * m * m + n * b + 4 * n + 2 * b), "two \(side) × \(side) matrices and a \(nw) × \(Int(b)) Jacobian")
    }

    private var lm: LevenbergMarquardt
    /// Structures per LM step (at most the training set).
    public let batchSize: Int
    /// Runs the big products and the Cholesky solve with more BLAS threads (set by the shell's
    /// thread policy; the default runs them as they are).
    public var wideBLAS: (() -> Void) -> Void = { $0() }
    /// Always solve the nw × nw system (the shell sets it from `AENET_LM_SYSTEM=weights`; the MPI
    /// tests use it to reach the summed normal equations with a small data set).
    public var weightSpaceOnly = false

    public init(values v: [Double], weightCount: Int, structureCount nt: Int) {
        lm = LevenbergMarquardt(mu: max(v[1], v[5]), adjust: v[4], muMin: v[5])
        batchSize = max(1, min(boundedInt(v[0].rounded(), 1...1_000_000_000), max(nt, 1)))
    }

    public func epoch(_ p: TrainingProblem) -> Bool {
        let b = batchSize, s = p.structureCount
        let order = p.schedule(count: s)
        let nb = max(1, Int((Double(s) / Double(b)).rounded()))
        var w = p.weights
        let nw = w.count, l2 = p.l2 * Double(b) / Double(s)
        if !weightSpaceOnly, Self.solvesInBatchSpace(batchSize: b, weightCount: nw) {
            // Batches smaller than the network: the B × B system (stepInBatchSpace). With MPI
            // ranks the batch's Jacobian columns are gathered, so every rank takes the serial step.
            var J = [Double](repeating: 0, count: nw * b), dE = [Double](repeating: 0, count: b)
            for k in 0..<nb {
                let batch = (0..<b).map { order[(k * b + $0) % order.count] }
                p.jacobian(w, batch: batch, into: &J, errors: &dE)
                _ = lm.stepInBatchSpace(&w, J: J, errors: dE, l2: l2, wideBLAS: wideBLAS) { trial in p.batchLoss(trial, batch: batch) }
            }
            p.weights = w
            return false
        }
        var H = [Double](repeating: 0, count: nw * nw), grad = [Double](repeating: 0, count: nw)
        for k in 0..<nb {
            let batch = (0..<b).map { order[(k * b + $0) % order.count] }
            let sse = p.normalEquations(w, batch: batch, H: &H, gradient: &grad, wideBLAS: wideBLAS)
            _ = lm.step(&w, H: H, grad: grad, sse: sse, l2: l2, wideBLAS: wideBLAS) { trial in
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
