import AenetCore
import Foundation

/// Runs training epochs with one of aenet's methods over in-memory data (spec §7.5).
///
/// The weights are all networks' weights concatenated in species order. Losses are aenet's:
/// Σ_s ½dE_s² (normalized units), plus ½·l2·‖w‖² when L2 regularization is on.
public final class Trainer {
    public let evaluator: LossEvaluator
    public let train: TrainingData
    public let method: TrainMethod
    public let sampling: Sampling
    public let l2: Double
    public internal(set) var weights: [Double]
    /// Generator for random/weighted/energy sampling (saved in train.restart).
    public internal(set) var rng: GfortranRandom
    /// dE of every training structure at the last full evaluation (used by `weighted` sampling).
    public var trainErrors: [Double]

    /// dE of every training structure from the last full-set gradient evaluation, and the weights
    /// it was made at: lets the epoch report skip a second pass when nothing changed since.
    public internal(set) var lastErrors: [Double] = []
    public internal(set) var lastErrorsWeights: [Double] = []
    var lbfgs: LBFGS?
    var adam: Adam?
    var sd: OnlineSD?
    var ekf: EKF?
    var lm: LevenbergMarquardt?
    private var scratch: [Double]

    public init(evaluator: LossEvaluator, train: TrainingData, method: TrainMethod, sampling: Sampling,
                l2: Double, rng: GfortranRandom) throws {
        self.evaluator = evaluator; self.train = train; self.method = method; self.l2 = l2; self.rng = rng
        weights = evaluator.weights
        let n = weights.count
        scratch = Array(repeating: 0, count: n)
        trainErrors = Array(repeating: 0, count: train.structureCount)
        guard train.structureCount > 0 else {
            throw AenetError("the training set is empty after the test split (TESTPERCENT too high or too few structures)")
        }
        switch method {
        case .bfgs: lbfgs = LBFGS(x: weights)
        case let .adam(mu, b1, b2, eps, _, _): adam = Adam(n: n, mu: mu, b1: b1, b2: b2, eps: eps)
        case let .onlineSD(a, g): sd = OnlineSD(n: n, alpha: a, gamma: g)
        case let .ekf(l, l0, st, pn, _, wg): ekf = EKF(n: n, lambda: l, lambda0: l0, state: st, pnoise: pn, wgroup: wg)
        case let .lm(_, lr, _, _, adj, muMin): lm = LevenbergMarquardt(mu: max(lr, muMin), adjust: adj, muMin: muMin)
        }
        if l2 > 0, case .ekf = method {
            throw AenetError("REGULARIZATION is not supported with ekf (use bfgs, adam, online_sd or lm)")
        }
        // bfgs always visits the whole set in order (aenet forces and warns).
        self.sampling = { if case .bfgs = method { return .sequential }; return sampling }()
    }

    /// Adam's batch size B and sample size S; LM's batch size (spec §7.5). S ≤ ntrain always.
    public var batchAndSampleSize: (batch: Int, sample: Int) {
        let nt = train.structureCount
        switch method {
        case let .adam(_, _, _, _, samplesize, batchsize):
            let b = min(max(Int(batchsize.rounded(.down)), 1), nt)
            return (b, min(max(Int((samplesize / Double(b)).rounded(.down)), 1) * b, nt))
        case let .lm(batchsize, _, _, _, _, _):
            return (max(1, min(Int(batchsize.rounded()), nt)), nt)
        default: return (nt, nt)
        }
    }

    /// The order of training structures for one epoch (opt_schedule_epoch). Unlike aenet,
    /// random draws come from the whole training set also when the sample is smaller (Q7).
    func schedule(count s: Int) -> [Int] {
        let nt = train.structureCount
        func pick(_ u: Double) -> Int { max(Int((u * Double(nt)).rounded(.up)), 1) }
        switch sampling {
        case .sequential: return (0..<s).map { $0 % nt }
        case .random: return (0..<s).map { _ in pick(rng.nextDouble()) - 1 }
        case .weighted:
            let order = (0..<nt).sorted { abs(trainErrors[$0]) < abs(trainErrors[$1]) }
            return (0..<s).map { _ in let u = rng.nextDouble(); return order[nt - pick(u * u * u * u)] }
        case .energy:
            let order = (0..<nt).sorted { train.energies[$0] < train.energies[$1] }
            return (0..<s).map { _ in let u = rng.nextDouble(); return order[pick(u * u * u * u) - 1] }
        }
    }

    /// Loss and gradient of a batch (nil = whole training set) with the L2 term scaled to its share.
    func lossAndGradient(_ w: [Double], _ g: inout [Double], batch: [Int]? = nil) -> Double {
        var f: Double
        if batch == nil {
            if lastErrors.count != train.structureCount { lastErrors = Array(repeating: 0, count: train.structureCount) }
            f = g.withUnsafeMutableBufferPointer { gp in
                lastErrors.withUnsafeMutableBufferPointer { evaluator.loss(w, data: train, gradient: gp.baseAddress!, errors: $0.baseAddress!) }
            }
            lastErrorsWeights = w
        } else {
            f = g.withUnsafeMutableBufferPointer { evaluator.loss(w, data: train, structures: batch, gradient: $0.baseAddress!) }
        }
        if l2 > 0 {
            let share = Double(batch?.count ?? train.structureCount) / Double(train.structureCount)
            f += 0.5 * l2 * share * dot(w, w)
            axpy(l2 * share, w, &g)
        }
        return f
    }

    /// One epoch. Returns true when the optimizer reports convergence (only bfgs does).
    public func epoch() -> Bool {
        let (b, s) = batchAndSampleSize
        switch method {
        case .bfgs:
            let status = lbfgs!.iterate { x, g in self.lossAndGradient(x, &g) }
            weights = lbfgs!.x
            evaluator.setWeights(weights)
            return status != .progress
        case .onlineSD:
            for k in schedule(count: s) {
                let e = structureError(k)
                for i in scratch.indices { scratch[i] *= e }
                if l2 > 0 { axpy(l2 / Double(train.structureCount), weights, &scratch) }
                sd!.step(&weights, gradient: scratch)
            }
        case .ekf:
            for k in schedule(count: s) {
                let e = structureError(k)
                for i in scratch.indices { scratch[i] = -scratch[i] }   // J = ∂(E_nn/N)/∂w = −Dw
                ekf!.update(&weights, error: e, jacobian: scratch)
            }
        case .adam:
            let order = schedule(count: s)
            var g = scratch
            for start in stride(from: 0, to: order.count, by: b) {
                let batch = Array(order[start..<min(start + b, order.count)])
                _ = lossAndGradient(weights, &g, batch: batch)
                adam!.step(&weights, gradient: g)
            }
        case .lm:
            let order = schedule(count: s)
            let nb = max(1, Int((Double(s) / Double(b)).rounded()))
            for k in 0..<nb {
                let batch = (0..<b).map { order[(k * b + $0) % order.count] }
                var jac = [Double](repeating: 0, count: weights.count * batch.count), err = [Double](repeating: 0, count: batch.count)
                jac.withUnsafeMutableBufferPointer { jp in
                    err.withUnsafeMutableBufferPointer { evaluator.jacobian(weights, data: train, structures: batch, into: jp.baseAddress!, errors: $0.baseAddress!) }
                }
                _ = lm!.step(&weights, jacobian: jac, errors: err, l2: l2 * Double(batch.count) / Double(train.structureCount)) { w in
                    self.evaluator.loss(w, data: self.train, structures: batch)
                }
            }
        }
        evaluator.setWeights(weights)
        return false
    }

    /// dE of training structure k at the current weights; ∂dE/∂w goes to `scratch`.
    private func structureError(_ k: Int) -> Double {
        scratch.withUnsafeMutableBufferPointer { evaluator.structureError(weights, data: train, structure: k, derivative: $0.baseAddress!) }
    }
}
