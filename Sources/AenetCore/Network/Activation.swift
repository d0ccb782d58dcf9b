import CVecMath
import Foundation

/// Activation function of a network layer, with aenet's integer codes (aenet ext/feedforward.f90, save_Network, ff_activate).
///
/// The constants are aenet's: a = 1.7159, **b = 0.666666666666667** (this literal, not 2/3), c = 0.1.
public enum Activation: Int32, Sendable, CaseIterable {
    case linear = 0
    case tanh = 1
    case sigmoid = 2
    /// a·tanh(b·x)
    case mtanh = 3
    /// a·tanh(b·x) + c·x
    case twist = 4

    static let a = 1.7159
    static let b = 0.666666666666667
    static let c = 0.1

    /// The names train.in accepts (case-sensitive, as ff_change_activation): `tanh`/`t`, …
    public init?(name: String) {
        switch name {
        case "linear", "l": self = .linear
        case "tanh", "t": self = .tanh
        case "sigmoid", "s": self = .sigmoid
        case "mtanh", "m": self = .mtanh
        case "twist", "w": self = .twist
        default: return nil
        }
    }

    /// The short name used in train.in architecture strings (`10:tanh`).
    public var name: String {
        switch self {
        case .linear: "linear"
        case .tanh: "tanh"
        case .sigmoid: "sigmoid"
        case .mtanh: "mtanh"
        case .twist: "twist"
        }
    }

    /// ff_print_info's description, e.g. `hyperbolic tangent (tanh)`.
    public var description: String {
        switch self {
        case .linear: "linear function (linear)"
        case .tanh: "hyperbolic tangent (tanh)"
        case .sigmoid: "logistic function (sigmoid)"
        case .mtanh: "scaled hyperbolic tangent (mtanh)"
        case .twist: "scaled hyperbolic tangent + linear twisting (twist)"
        }
    }

    /// Scalar value and derivative (reference implementation, used by tests).
    public func callAsFunction(_ x: Double) -> (value: Double, derivative: Double) {
        switch self {
        case .linear: return (x, 1)
        case .tanh: let y = _tanh(x); return (y, 1 - y * y)
        case .sigmoid: let y = 1 / (1 + _exp(-x)); return (y, y * (1 - y))
        case .mtanh: let t = _tanh(Self.b * x); return (Self.a * t, Self.a * (1 - t * t) * Self.b)
        case .twist: let t = _tanh(Self.b * x); return (Self.a * t + Self.c * x, Self.a * (1 - t * t) * Self.b + Self.c)
        }
    }

    /// Applies the activation to `n` pre-activations in place and, when `derivative` is given,
    /// stores f'(x) there. Vectorised (libmvec) because glibc's scalar tanh would dominate the
    /// whole network pass.
    public func apply(_ z: UnsafeMutablePointer<Double>, derivative: UnsafeMutablePointer<Double>?, count n: Int) {
        switch self {
        case .linear:
            if let d = derivative { d.update(repeating: 1, count: n) }
        case .tanh:
            cvm_tanh(z, z, n)
            if let d = derivative { for i in 0..<n { d[i] = 1 - z[i] * z[i] } }
        case .sigmoid:
            for i in 0..<n { z[i] = -z[i] }
            cvm_exp(z, z, n)
            for i in 0..<n { z[i] = 1 / (1 + z[i]) }
            if let d = derivative { for i in 0..<n { d[i] = z[i] * (1 - z[i]) } }
        case .mtanh, .twist:
            let a = Self.a, b = Self.b, c = self == .twist ? Self.c : 0
            // The derivative needs both x (twist) and tanh(bx); keep x in `d` while computing.
            if let d = derivative {
                for i in 0..<n { d[i] = b * z[i] }
                cvm_tanh(d, d, n)
                for i in 0..<n {
                    let t = d[i], x = z[i]
                    z[i] = a * t + c * x
                    d[i] = a * (1 - t * t) * b + c
                }
            } else {
                // z ← b·x would lose x for the twist term; twist is rare, take a scalar path there.
                if c == 0 {
                    for i in 0..<n { z[i] = b * z[i] }
                    cvm_tanh(z, z, n)
                    for i in 0..<n { z[i] = a * z[i] }
                } else {
                    for i in 0..<n { z[i] = a * _tanh(b * z[i]) + c * z[i] }
                }
            }
        }
    }
}

// libm's scalar functions under names the enum cases `.tanh` do not shadow.
@inline(__always) private func _tanh(_ x: Double) -> Double { Foundation.tanh(x) }
@inline(__always) private func _exp(_ x: Double) -> Double { Foundation.exp(x) }
