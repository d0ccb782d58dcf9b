import AenetCore
import COpenBLAS
import Foundation

/// A loss over mini-batches of training structures (indices into the trainer's set) with its
/// gradient, replacing aenet's Σ½dE² (aenet-PyTorch's energy + force loss, ForceObjective.swift).
public protocol BatchObjective: AnyObject {
    /// The loss at `w` over `batch`; sets `g` (length weightCount) to its gradient.
    func lossAndGradient(_ w: [Double], _ g: inout [Double], batch: [Int]) -> Double
    /// Whether training structure `s` has force data.
    func hasForces(_ s: Int) -> Bool
}

/// The training problem of aenet (aenet optimize.f90): the weights of all networks concatenated in species
/// order, the loss Σ_s ½dE_s² (normalized units) plus ½·l2·‖w‖², and the epoch schedule. The
/// optimizer is a `TrainingMethod`; one `epoch()` is one epoch of it.
public final class Trainer: TrainingProblem {
    public let evaluator: LossEvaluator
    public let train: TrainingData
    public let method: any TrainingMethod
    public let sampling: Sampling
    public let l2: Double
    public var weights: [Double]
    /// Generator for random/weighted/energy sampling (saved in train.restart).
    public internal(set) var rng: GfortranRandom
    /// dE of every training structure at the last full evaluation (used by `weighted` sampling).
    public var trainErrors: [Double]

    /// dE of every training structure from the last full-set gradient evaluation, and the weights
    /// it was made at: lets the epoch report skip a second pass when nothing changed since.
    public private(set) var lastErrors: [Double] = []
    public private(set) var lastErrorsWeights: [Double] = []

    /// Another loss for `lossAndGradient` (aenet-PyTorch's energy + force loss); nil = aenet's.
    public var objective: (any BatchObjective)?

    /// Data parallel training (MPI): this process holds the training structures `share.range`
    /// (global indices) as `train`; see `TrainingShare`.
    public let share: TrainingShare

    /// - Parameter weights: the starting weights (all networks concatenated in species order).
    /// - Parameter memoryLimit: bytes the optimizer may allocate; a METHOD that needs more is refused
    ///   with the amount before anything is allocated.
    /// - Parameter share: which part of the training set `train` is (default: all of it, one process).
    public init(evaluator: LossEvaluator, train: TrainingData, method choice: MethodChoice, sampling: Sampling,
                l2: Double, rng: GfortranRandom, memoryLimit: Double = .infinity, share: TrainingShare? = nil) throws {
        self.share = share ?? TrainingShare(whole: train)
        guard self.share.count > 0 else {
            throw AenetError("the training set is empty after the test split (TESTPERCENT too high or too few structures)")
        }
        if l2 > 0, !choice.type.supportsL2 {
            throw AenetError("REGULARIZATION is not supported with \(choice.token) (use "
                             + TrainingMethods.all.filter { $0.supportsL2 }.map { $0.token }.joined(separator: ", ") + ")")
        }
        try choice.checkMemory(weightCount: evaluator.weights.count, structureCount: train.structureCount, limit: memoryLimit)
        self.evaluator = evaluator; self.train = train; self.l2 = l2; self.rng = rng
        weights = evaluator.weights
        trainErrors = Array(repeating: 0, count: self.share.count)
        method = choice.make(weightCount: weights.count, structureCount: self.share.count)
        self.sampling = choice.type.fixedSampling ?? sampling
    }

    public var structureCount: Int { share.count }

    /// Puts the state of a restart file back: weights and sampling generator.
    public func restore(weights w: [Double], rng r: GfortranRandom) {
        precondition(w.count == weights.count)
        weights = w; rng = r
    }

    /// The order of training structures for one epoch (opt_schedule_epoch). Unlike aenet,
    /// random draws come from the whole training set also when the sample is smaller (compat/DIFFERENCES.md).
    public func schedule(count s: Int) -> [Int] {
        let nt = share.count
        func pick(_ u: Double) -> Int { max(Int((u * Double(nt)).rounded(.up)), 1) }
        switch sampling {
        case .sequential: return (0..<s).map { $0 % nt }
        case .random: return (0..<s).map { _ in pick(rng.nextDouble()) - 1 }
        case .weighted:
            let order = (0..<nt).sorted { abs(trainErrors[$0]) < abs(trainErrors[$1]) }
            return (0..<s).map { _ in let u = rng.nextDouble(); return order[nt - pick(u * u * u * u)] }
        case .energy:
            let order = (0..<nt).sorted { share.energies[$0] < share.energies[$1] }
            return (0..<s).map { _ in let u = rng.nextDouble(); return order[pick(u * u * u * u) - 1] }
        }
    }

    /// Loss and gradient of a batch (nil = whole training set) with the L2 term scaled to its share.
    /// Each process evaluates the structures it holds; `share.reduce` sums loss and gradient over
    /// the processes (the hook where other loss terms, such as force errors, join the same sum).
    public func lossAndGradient(_ w: [Double], _ g: inout [Double], batch: [Int]? = nil) -> Double {
        var f: Double
        if let o = objective {
            f = o.lossAndGradient(w, &g, batch: batch ?? Array(0..<share.count))
            if l2 > 0 {
                let share = Double(batch?.count ?? structureCount) / Double(structureCount)
                f += 0.5 * l2 * share * dot(w, w)
                axpy(l2 * share, w, &g)
            }
            return f
        }
        if batch == nil {
            if lastErrors.count != train.structureCount { lastErrors = Array(repeating: 0, count: train.structureCount) }
            f = g.withUnsafeMutableBufferPointer { gp in
                lastErrors.withUnsafeMutableBufferPointer { evaluator.loss(w, data: train, gradient: gp.baseAddress!, errors: $0.baseAddress!) }
            }
            lastErrorsWeights = w
        } else {
            let local = share.local(batch!)
            f = g.withUnsafeMutableBufferPointer { evaluator.loss(w, data: train, structures: local, gradient: $0.baseAddress!) }
        }
        f = share.reduce(loss: f, gradient: &g)
        if l2 > 0 {
            let share = Double(batch?.count ?? structureCount) / Double(structureCount)
            f += 0.5 * l2 * share * dot(w, w)
            axpy(l2 * share, w, &g)
        }
        return f
    }

    /// dE of training structure k (global index): evaluated by the process holding it, sent to all.
    public func structureError(_ w: [Double], structure k: Int, derivative: inout [Double]) -> Double {
        guard share.isDistributed else {
            return derivative.withUnsafeMutableBufferPointer { evaluator.structureError(w, data: train, structure: k, derivative: $0.baseAddress!) }
        }
        var e = 0.0
        if share.range.contains(k) {
            e = derivative.withUnsafeMutableBufferPointer { evaluator.structureError(w, data: train, structure: k - share.range.lowerBound, derivative: $0.baseAddress!) }
        } else {
            for i in derivative.indices { derivative[i] = 0 }
        }
        // One process contributes, the others add zeros: exact, the serial values bit for bit.
        return share.reduce(loss: e, gradient: &derivative)
    }

    /// Errors and Jacobian columns of a batch (global indices): each process fills the columns of
    /// the structures it holds, zeros elsewhere; the sum over processes is the serial Jacobian bit
    /// for bit (LM then forms the same normal equations on every process).
    public func jacobian(_ w: [Double], batch: [Int], into jac: inout [Double], errors: inout [Double]) {
        guard share.isDistributed else {
            jac.withUnsafeMutableBufferPointer { jp in
                errors.withUnsafeMutableBufferPointer { evaluator.jacobian(w, data: train, structures: batch, into: jp.baseAddress!, errors: $0.baseAddress!) }
            }
            return
        }
        let n = w.count
        let mine = batch.indices.filter { share.range.contains(batch[$0]) }
        var localJac = [Double](repeating: 0, count: n * mine.count), localErr = [Double](repeating: 0, count: mine.count)
        if !mine.isEmpty {
            localJac.withUnsafeMutableBufferPointer { jp in
                localErr.withUnsafeMutableBufferPointer {
                    evaluator.jacobian(w, data: train, structures: mine.map { batch[$0] - share.range.lowerBound },
                                       into: jp.baseAddress!, errors: $0.baseAddress!)
                }
            }
        }
        for i in 0..<(n * batch.count) { jac[i] = 0 }
        for i in 0..<batch.count { errors[i] = 0 }
        for (c, j) in mine.enumerated() {
            for i in 0..<n { jac[j * n + i] = localJac[c * n + i] }
            errors[j] = localErr[c]
        }
        jac.withUnsafeMutableBufferPointer { share.comm.allreduceSum(UnsafeMutableBufferPointer(rebasing: $0[0..<(n * batch.count)])) }
        errors.withUnsafeMutableBufferPointer { share.comm.allreduceSum(UnsafeMutableBufferPointer(rebasing: $0[0..<batch.count])) }
    }

    /// Scratch of `normalEquations`: a Jacobian of the batch columns held here, their errors, and
    /// (with ranks) the packed sums.
    private var lmJacobian: [Double] = [], lmErrors: [Double] = [], lmPacked: [Double] = []

    /// H = J·Jᵀ (upper triangle), J·dE and ½ΣdE² of a batch. One process: from the whole batch's
    /// Jacobian, as before. Distributed, each step sends the smaller of two messages:
    /// - a batch of B ≤ (nw+1)/2 structures: its Jacobian columns, each from the process holding the
    ///   structure ((nw + 1)·B doubles); every process then forms the serial normal equations bit for bit;
    /// - a larger batch: each process forms them from the columns of the structures it holds (a
    ///   parallel SYRK), and one sum over the processes in rank order gives every process the same
    ///   numbers (nw(nw+1)/2 + nw + 1 doubles, whatever B). These differ from the serial ones by
    ///   round-off only (sums in another order).
    public func normalEquations(_ w: [Double], batch: [Int], H: inout [Double], gradient: inout [Double],
                                wideBLAS: (() -> Void) -> Void) -> Double {
        let nw = w.count
        let packedCount = nw * (nw + 1) / 2 + nw + 1
        let gatherColumns = !share.isDistributed || (nw + 1) * batch.count <= packedCount
        if gatherColumns {
            let nb = batch.count
            if lmJacobian.count != nw * nb { lmJacobian = [Double](repeating: 0, count: nw * nb) }
            if lmErrors.count != nb { lmErrors = [Double](repeating: 0, count: nb) }
            jacobian(w, batch: batch, into: &lmJacobian, errors: &lmErrors)
            wideBLAS {
                cblas_dsyrk(CblasColMajor, CblasUpper, CblasNoTrans, Int32(nw), Int32(nb), 1.0, lmJacobian, Int32(nw), 0.0, &H, Int32(nw))
                cblas_dgemv(CblasColMajor, CblasNoTrans, Int32(nw), Int32(nb), 1.0, lmJacobian, Int32(nw), lmErrors, 1, 0.0, &gradient, 1)
            }
            return 0.5 * lmErrors.reduce(0) { $0 + $1 * $1 }
        }
        let mine: [Int] = share.local(batch)
        let nb = mine.count
        if lmJacobian.count < nw * nb { lmJacobian = [Double](repeating: 0, count: nw * nb) }
        if lmErrors.count < nb { lmErrors = [Double](repeating: 0, count: nb) }
        if nb > 0 {
            lmJacobian.withUnsafeMutableBufferPointer { jp in
                lmErrors.withUnsafeMutableBufferPointer { evaluator.jacobian(w, data: train, structures: mine, into: jp.baseAddress!, errors: $0.baseAddress!) }
            }
        }
        if nb > 0 {
            wideBLAS {
                cblas_dsyrk(CblasColMajor, CblasUpper, CblasNoTrans, Int32(nw), Int32(nb), 1.0, lmJacobian, Int32(nw), 0.0, &H, Int32(nw))
                cblas_dgemv(CblasColMajor, CblasNoTrans, Int32(nw), Int32(nb), 1.0, lmJacobian, Int32(nw), lmErrors, 1, 0.0, &gradient, 1)
            }
        } else {
            for j in 0..<nw { for i in 0...j { H[j * nw + i] = 0 } }
            for i in 0..<nw { gradient[i] = 0 }
        }
        var sse = 0.0
        for b in 0..<nb { sse += lmErrors[b] * lmErrors[b] }
        sse *= 0.5
        if lmPacked.count != packedCount { lmPacked = [Double](repeating: 0, count: packedCount) }
        var k = 0
        for j in 0..<nw { for i in 0...j { lmPacked[k] = H[j * nw + i]; k += 1 } }
        for i in 0..<nw { lmPacked[k] = gradient[i]; k += 1 }
        lmPacked[k] = sse
        lmPacked.withUnsafeMutableBufferPointer { share.comm.allreduceSum($0) }
        k = 0
        for j in 0..<nw { for i in 0...j { H[j * nw + i] = lmPacked[k]; k += 1 } }
        for i in 0..<nw { gradient[i] = lmPacked[k]; k += 1 }
        return lmPacked[k]
    }

    public func batchLoss(_ w: [Double], batch: [Int]) -> Double {
        share.comm.allreduceSum(evaluator.loss(w, data: train, structures: share.local(batch)))
    }

    /// Stratified mini-batches: the structures with forces (per `objective`) and the others are
    /// shuffled separately with the trainer's generator and dealt round-robin over
    /// max(1, round(N/size)) batches (aenet-PyTorch keeps the same share of force structures in
    /// every batch; it fixes its batches once, we reshuffle every epoch).
    public func epochBatches(size: Int) -> [[Int]] {
        let n = share.count   // global indices (every process draws the same batches)
        let count = Self.batchCount(structures: n, size: size)
        var withForces: [Int] = [], others: [Int] = []
        for s in 0..<n { if objective?.hasForces(s) ?? false { withForces.append(s) } else { others.append(s) } }
        func shuffle(_ a: inout [Int]) {
            guard a.count > 1 else { return }
            for i in stride(from: a.count - 1, through: 1, by: -1) {
                let j = min(i, Int(rng.nextDouble() * Double(i + 1)))
                a.swapAt(i, j)
            }
        }
        shuffle(&withForces); shuffle(&others)
        var batches = [[Int]](repeating: [], count: count)
        for (k, s) in (withForces + others).enumerated() { batches[k % count].append(s) }
        return batches
    }

    /// max(1, round(N/size)) batches, at most N.
    public static func batchCount(structures n: Int, size: Int) -> Int {
        max(1, min(n, Int((Double(n) / Double(max(size, 1))).rounded())))
    }

    /// One epoch of the method. Returns true when it reports convergence (only bfgs does).
    public func epoch() -> Bool {
        method.epoch(self)
    }
}

/// Which part of the training set one process holds (data parallel training over MPI ranks):
/// the contiguous block `range` of the global training structures (in the order of the training
/// set after the test split), the global count, and the normalized energies of all structures
/// (for `energy` sampling: 8 bytes a structure). Sums over the processes go through `comm`.
public struct TrainingShare {
    public let comm: any Communicator
    public let range: Range<Int>
    public let count: Int
    public let energies: [Double]

    public init(comm: any Communicator, range: Range<Int>, count: Int, energies: [Double]) {
        self.comm = comm; self.range = range; self.count = count; self.energies = energies
    }

    /// One process holding everything.
    public init(whole train: TrainingData) {
        self.init(comm: SerialCommunicator(), range: 0..<train.structureCount, count: train.structureCount, energies: train.energies)
    }

    public var isDistributed: Bool { comm.size > 1 }

    /// The structures of a batch (global indices) held here, as local indices.
    public func local(_ batch: [Int]) -> [Int] {
        guard isDistributed else { return batch }
        return batch.compactMap { range.contains($0) ? $0 - range.lowerBound : nil }
    }

    /// Sums a loss and its gradient over the processes (one message; fixed order, so every
    /// process gets the same numbers).
    public func reduce(loss: Double, gradient g: inout [Double]) -> Double {
        guard isDistributed else { return loss }
        g.append(loss)
        comm.allreduceSum(&g)
        return g.removeLast()
    }
}
