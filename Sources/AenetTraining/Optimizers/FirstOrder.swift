import AenetCore
import Foundation

/// Adam (spec §7.5): m ← b1·m + (1−b1)·g, v ← b2·v + (1−b2)·g², w −= μ·m̂/(√v̂ + ε), with the
/// step counter t starting at 1 and persisting over epochs as in aenet.
public struct Adam: Sendable {
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

/// Online steepest descent with momentum (aenet's `online_sd`): after each structure
/// Δ ← alpha·Δ − gamma·g and w += Δ.
public struct OnlineSD: Sendable {
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
