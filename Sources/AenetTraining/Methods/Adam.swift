import AenetCore
import Foundation

/// Adam (aenet optimize.f90): m ← b1·m + (1−b1)·g, v ← b2·v + (1−b2)·g², w −= μ·m̂/(√v̂ + ε), with the
/// step counter t starting at 1 and persisting over epochs as in aenet.
struct Adam: Sendable {
    public var mu, b1, b2, eps: Double
    public var m: [Double], v: [Double]
    public var t = 1

    public init(n: Int, mu: Double, b1: Double, b2: Double, eps: Double) {
        self.mu = mu; self.b1 = b1; self.b2 = b2; self.eps = eps
        m = Array(repeating: 0, count: n); v = m
    }

    /// One update with the batch gradient `g` (a sum over the batch's structures, like aenet's).
    public mutating func step(_ w: inout [Double], gradient g: [Double]) {
        let c1 = 1 - pow(b1, Double(t)), c2 = 1 - pow(b2, Double(t))
        for i in w.indices {
            m[i] = b1 * m[i] + (1 - b1) * g[i]
            v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i]
            w[i] -= mu * (m[i] / c1) / ((v[i] / c2).squareRoot() + eps)
        }
        t += 1
    }
}


/// METHOD adam: mini-batches of `batchsize` structures, `samplesize` structures per epoch
/// (aenet presets SAMPLING random for it).
final class AdamMethod: TrainingMethod {
    public static let token = "adam"
    public static let displayName = "Adaptive Moment Estimation (Adam)"
    public static let parameters: [(name: String, value: Double)] =
        [("mu", 0.001), ("b1", 0.9), ("b2", 0.999), ("eps", 1e-8), ("samplesize", 500), ("batchsize", 1)]
    public static func problem(with v: [Double]) -> String? {
        if !(v[0] > 0) { return "the learning rate mu=\(v[0]) must be positive" }
        if !(0..<1).contains(v[1]) || !(0..<1).contains(v[2]) { return "the decay rates b1=\(v[1]), b2=\(v[2]) must be in [0, 1)" }
        if !(v[3] > 0) { return "eps=\(v[3]) must be positive" }
        if !(1...1e9).contains(v[4]) || !(1...1e9).contains(v[5]) {
            return "samplesize=\(v[4]) and batchsize=\(v[5]) must be between 1 and 1e9"
        }
        return nil
    }
    public static var defaultSampling: Sampling { .random }

    private var adam: Adam
    /// Mini-batch size B and structures per epoch S (a multiple of B, at most the training set).
    public let batchSize: Int, sampleSize: Int

    public init(values v: [Double], weightCount n: Int, structureCount nt: Int) {
        adam = Adam(n: n, mu: v[0], b1: v[1], b2: v[2], eps: v[3])
        let nt = max(nt, 1)
        batchSize = min(boundedInt(v[5], 1...nt), nt)
        sampleSize = min(max(boundedInt(v[4] / Double(batchSize), 1...nt), 1) * batchSize, nt)
    }

    public func epoch(_ p: TrainingProblem) -> Bool {
        let order = p.schedule(count: sampleSize)
        var w = p.weights
        var g = [Double](repeating: 0, count: w.count)
        for start in stride(from: 0, to: order.count, by: batchSize) {
            let batch = Array(order[start..<min(start + batchSize, order.count)])
            _ = p.lossAndGradient(w, &g, batch: batch)
            adam.step(&w, gradient: g)
        }
        p.weights = w
        return false
    }

    public var processLines: String {
        func e(_ x: Double) -> String {
            String(format: "%9.3E", x).replacingOccurrences(of: "E+0", with: "E+").replacingOccurrences(of: "E-0", with: "E-")
        }
        return " Learning rate               : \(e(adam.mu))\n"
            + " Gradient decay rate (b1)    : \(FortranFormat.adjustl(adam.b1, digits: 4))\n"
            + " Sq. gradient decay rate (b1): \(FortranFormat.adjustl(adam.b2, digits: 4))\n"
            + " Epsilon                     : \(e(adam.eps))\n"
            + " Sample size                 : \(sampleSize) (\(sampleSize))\n Mini-batch size             : \(batchSize) (\(batchSize))\n"
    }

    public func writeState(to w: inout FortranRecordWriter) {
        w.record { $0.append(Int32(adam.t)) }; w.record { $0.append(adam.m) }; w.record { $0.append(adam.v) }
    }

    public func readState(from r: FortranRecordReader, weightCount n: Int) throws -> Bool {
        var rec = try r.next(); let t = try rec.int()
        guard t >= 1 else { return false }
        rec = try r.next(); let m = try rec.doubles(n)
        rec = try r.next(); let v = try rec.doubles(n)
        adam.t = t; adam.m = m; adam.v = v
        return true
    }
}
