import AenetCore
import Foundation

/// PyTorch's Adam and AdamW as aenet-PyTorch uses them (torch.optim.Adam/AdamW with
/// `weight_decay` = REGULARIZATION): per mini-batch, with the bias-corrected moments;
/// adam adds weight_decay·w to the gradient, adamw multiplies w by (1 − lr·weight_decay) first.
/// Mini-batches are a fresh stratified shuffle of the training set every epoch
/// (`TrainingProblem.epochBatches`): each batch has its share of structures with forces.
final class AdamWMethod: TrainingMethod {
    public static let token = "adamw"
    public static let displayName = "Adam/AdamW (PyTorch's, aenet-PyTorch's loss)"
    public static let parameters: [(name: String, value: Double)] =
        [("lr", 0.001), ("b1", 0.9), ("b2", 0.999), ("eps", 1e-8), ("weight_decay", 0), ("batchsize", 256), ("decoupled", 1),
         ("lr_final", 0), ("epochs", 0)]
    public static func problem(with v: [Double]) -> String? {
        if !(v[0] > 0) { return "the learning rate lr=\(v[0]) must be positive" }
        if !(0..<1).contains(v[1]) || !(0..<1).contains(v[2]) { return "the decay rates b1=\(v[1]), b2=\(v[2]) must be in [0, 1)" }
        if !(v[3] > 0) { return "eps=\(v[3]) must be positive" }
        if !(v[4] >= 0) { return "weight_decay=\(v[4]) must not be negative" }
        if !(1...1e9).contains(v[5]) { return "batchsize=\(v[5]) must be between 1 and 1e9" }
        if v[6] != 0 && v[6] != 1 { return "decoupled=\(v[6]) must be 0 (adam) or 1 (adamw)" }
        if !(v[7] >= 0) || v[7] > v[0] { return "lr_final=\(v[7]) must be between 0 (constant rate) and lr=\(v[0])" }
        if !(v[8] >= 0) { return "epochs=\(v[8]) must not be negative" }
        return nil
    }
    public static var defaultSampling: Sampling { .random }
    /// The weight decay is the optimizer's (REGULARIZATION), never the loss's.
    public static var supportsL2: Bool { false }

    public let lr, b1, b2, eps, weightDecay: Double
    /// Our extension `lr_final=…`: the rate decays geometrically from lr to lr_final over
    /// `epochs` epochs (ITERATIONS of the run), then stays there; 0 = constant (PyTorch's).
    public let lrFinal: Double, decayEpochs: Int
    /// Epochs done by this optimizer (the decay's clock; in train.restart).
    private var epochsDone = 0
    public let decoupled: Bool
    public let batchSize: Int
    private var m: [Double], v: [Double]
    /// Steps taken so far (PyTorch's `step`, persisted over epochs and restarts).
    private var t = 0
    /// Mean loss of the last epoch's batches (for tests and diagnostics).
    public private(set) var lastEpochLoss = 0.0

    public init(values v: [Double], weightCount n: Int, structureCount nt: Int) {
        lr = v[0]; b1 = v[1]; b2 = v[2]; eps = v[3]; weightDecay = v[4]
        batchSize = boundedInt(v[5], 1...1_000_000_000)
        decoupled = v[6] != 0
        lrFinal = v[7]; decayEpochs = boundedInt(v[8], 0...1_000_000_000)
        m = Array(repeating: 0, count: n); self.v = m
    }

    public func epoch(_ p: TrainingProblem) -> Bool {
        var w = p.weights
        var g = [Double](repeating: 0, count: w.count)
        var total = 0.0
        let batches = p.epochBatches(size: batchSize)
        let rate = currentRate
        for batch in batches {
            total += p.lossAndGradient(w, &g, batch: batch)
            step(&w, g, rate: rate)
        }
        epochsDone += 1
        lastEpochLoss = total / Double(max(1, batches.count))
        p.weights = w
        return false
    }

    /// The learning rate of the next epoch.
    var currentRate: Double {
        guard lrFinal > 0, decayEpochs > 1 else { return lr }
        let f = min(1, Double(epochsDone) / Double(decayEpochs - 1))
        return lr * pow(lrFinal / lr, f)
    }

    /// One PyTorch Adam/AdamW step with gradient `g`.
    func step(_ w: inout [Double], _ g: [Double], rate lr: Double) {
        t += 1
        let c1 = 1 - pow(b1, Double(t)), c2 = 1 - pow(b2, Double(t))
        let stepSize = lr / c1, c2root = c2.squareRoot()
        let wd = weightDecay, decay = 1 - lr * weightDecay, dec = decoupled
        w.withUnsafeMutableBufferPointer { w in
            g.withUnsafeBufferPointer { g in
                m.withUnsafeMutableBufferPointer { m in
                    v.withUnsafeMutableBufferPointer { v in
                        for i in 0..<w.count {
                            var gi = g[i]
                            if dec { w[i] *= decay } else { gi += wd * w[i] }
                            m[i] = b1 * m[i] + (1 - b1) * gi
                            v[i] = b2 * v[i] + (1 - b2) * gi * gi
                            w[i] -= stepSize * m[i] / (v[i].squareRoot() / c2root + eps)
                        }
                    }
                }
            }
        }
    }

    public static func detailLines(_ v: [Double]) -> String {
        " Optimizer               : \(v[6] != 0 ? "adamw" : "adam")\n"
            + " Learning rate           : \(String(format: "%.6f", v[0]))\n"
            + " Regularization          : \(String(format: "%.6f", v[4])) (weight decay)\n"
            + " Mini-batch size         : \(Int(v[5])) structures\n"
            + (v[7] > 0 ? " Learning rate decay     : to \(String(format: "%.6f", v[7])) over \(Int(v[8])) epochs (geometric)\n" : "")
    }

    public var processLines: String {
        " Learning rate               : \(String(format: "%.6e", lr))\n Mini-batch size             : \(batchSize)\n"
    }

    public func writeState(to w: inout FortranRecordWriter) {
        w.record { $0.append(Int32(t)); $0.append(Int32(epochsDone)) }; w.record { $0.append(m) }; w.record { $0.append(v) }
    }

    public func readState(from r: FortranRecordReader, weightCount n: Int) throws -> Bool {
        var rec = try r.next(); let t = try rec.int(), e = try rec.int()
        guard t >= 0, e >= 0 else { return false }
        rec = try r.next(); let m = try rec.doubles(n)
        rec = try r.next(); let v = try rec.doubles(n)
        self.t = t; self.m = m; self.v = v; epochsDone = e
        return true
    }
}
