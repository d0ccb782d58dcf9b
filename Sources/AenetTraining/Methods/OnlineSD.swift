import AenetCore
import Foundation

/// Online steepest descent with momentum (aenet's `online_sd`): after each structure
/// Δ ← alpha·Δ − gamma·g and w += Δ.
struct OnlineSD: Sendable {
    public var alpha, gamma: Double
    public var delta: [Double]

    public init(n: Int, alpha: Double, gamma: Double) {
        self.alpha = alpha; self.gamma = gamma; delta = Array(repeating: 0, count: n)
    }

    /// One per-structure update; `g` = dE·Dw, the gradient of ½dE².
    public mutating func step(_ w: inout [Double], gradient g: [Double]) {
        for i in w.indices {
            delta[i] = alpha * delta[i] - gamma * g[i]
            w[i] += delta[i]
        }
    }
}

/// METHOD online_sd (aenet's documented name online_gd works too): a momentum step after each
/// structure of the epoch's schedule.
final class OnlineSDMethod: TrainingMethod {
    public static let token = "online_sd"
    public static let displayName = "Gradient Descent (online)"
    public static let parameters: [(name: String, value: Double)] = [("alpha", 0.01), ("gamma", 0.9)]
    public static func problem(with v: [Double]) -> String? {
        if !(0..<1).contains(v[0]) { return "the momentum alpha=\(v[0]) must be in [0, 1)" }
        if !(v[1] > 0) { return "the learning rate gamma=\(v[1]) must be positive" }
        return nil
    }

    private var sd: OnlineSD
    private var scratch: [Double]

    public init(values: [Double], weightCount n: Int, structureCount: Int) {
        sd = OnlineSD(n: n, alpha: values[0], gamma: values[1])
        scratch = Array(repeating: 0, count: n)
    }

    public func epoch(_ p: TrainingProblem) -> Bool {
        var w = p.weights
        let decay = p.l2 / Double(p.structureCount)
        for k in p.schedule(count: p.structureCount) {
            let e = p.structureError(w, structure: k, derivative: &scratch)
            for i in scratch.indices { scratch[i] *= e }
            if decay > 0 { axpy(decay, w, &scratch) }
            sd.step(&w, gradient: scratch)
        }
        p.weights = w
        return false
    }

    public static func detailLines(_ v: [Double]) -> String {
        FortranFormat.labelledListDirected("  Learning rate         : ", v[1])
            + FortranFormat.labelledListDirected("  Momentum rate         : ", v[0])
    }

    public func writeState(to w: inout FortranRecordWriter) { w.record { $0.append(sd.delta) } }

    public func readState(from r: FortranRecordReader, weightCount n: Int) throws -> Bool {
        var rec = try r.next()
        sd.delta = try rec.doubles(n)
        return true
    }
}
