import AenetCore

/// A training method with aenet's parameters and defaults (spec §6.3).
public enum TrainMethod: Sendable, Equatable {
    /// L-BFGS (aenet: L-BFGS-B 3.0 with m = 20, pgtol 1e-6), one gradient evaluation per epoch.
    case bfgs
    /// Online steepest descent with momentum: Δ ← alpha·Δ − gamma·g, per structure.
    case onlineSD(alpha: Double, gamma: Double)
    case adam(mu: Double, b1: Double, b2: Double, eps: Double, sampleSize: Double, batchSize: Double)
    case ekf(lambda: Double, lambda0: Double, state: Double, pnoise: Double, adaptive: Double, wgroup: Double)
    /// `mumin` (our extension, default 0 = aenet's behaviour) is a floor for the damping μ.
    case lm(batchSize: Double, learnRate: Double, iter: Double, conv: Double, adjust: Double, muMin: Double = 0)

    /// Parameter names (in aenet's order) and defaults of each method token.
    static let parameters: [String: [(String, Double)]] = [
        "bfgs": [],
        "online_sd": [("alpha", 0.01), ("gamma", 0.9)],
        "adam": [("mu", 0.001), ("b1", 0.9), ("b2", 0.999), ("eps", 1e-8), ("samplesize", 500), ("batchsize", 1)],
        "ekf": [("lambda", 0.999), ("lambda0", 0.97), ("state", 10), ("pnoise", 0), ("adaptive", 0.6), ("wgroup", 100)],
        "lm": [("batchsize", 1000), ("learnrate", 0.1), ("iter", 1), ("conv", 1e-3), ("adjust", 10), ("mumin", 0)],
    ]

    /// The name aenet prints (`Training method`).
    public var displayName: String {
        switch self {
        case .bfgs: return "Limited Memory BFGS"
        case .onlineSD: return "Gradient Descent (online)"
        case .adam: return "Adaptive Moment Estimation (Adam)"
        case .ekf: return "Extended Kalman Filter"
        case .lm: return "Levenberg-Marquardt"
        }
    }

    /// The lower-case name stored in `train.restart`.
    public var token: String {
        switch self {
        case .bfgs: return "bfgs"
        case .onlineSD: return "online_sd"
        case .adam: return "adam"
        case .ekf: return "ekf"
        case .lm: return "lm"
        }
    }

    /// aenet's `trn_param` array, in its order (printed in `Training details`).
    public var parameterValues: [Double] {
        switch self {
        case .bfgs: return []
        case let .onlineSD(a, g): return [a, g]
        case let .adam(a, b, c, d, e, f): return [a, b, c, d, e, f]
        case let .ekf(a, b, c, d, e, f): return [a, b, c, d, e, f]
        case let .lm(a, b, c, d, e, _): return [a, b, c, d, e]
        }
    }

    /// Builds the method from its token and `key=value` settings.
    /// `online_gd` (aenet's documented name, which crashes aenet) means `online_sd` here.
    public static func make(token: String, settings: [String: Double]) throws -> TrainMethod {
        var t = token.lowercased()
        if t == "online_gd" { t = "online_sd" }
        guard let spec = parameters[t] else {
            throw AenetError("unknown training method '\(token)'; use bfgs, lm, online_sd (online_gd), adam or ekf")
        }
        for k in settings.keys where !spec.contains(where: { $0.0 == k }) {
            let known = spec.isEmpty ? "it takes none" : "known: " + spec.map(\.0).joined(separator: ", ")
            throw AenetError("unknown parameter '\(k)' for method \(t) (\(known); names are case-sensitive)")
        }
        let v = spec.map { settings[$0.0] ?? $0.1 }
        switch t {
        case "bfgs": return .bfgs
        case "online_sd": return .onlineSD(alpha: v[0], gamma: v[1])
        case "adam": return .adam(mu: v[0], b1: v[1], b2: v[2], eps: v[3], sampleSize: v[4], batchSize: v[5])
        case "ekf": return .ekf(lambda: v[0], lambda0: v[1], state: v[2], pnoise: v[3], adaptive: v[4], wgroup: v[5])
        default: return .lm(batchSize: v[0], learnRate: v[1], iter: v[2], conv: v[3], adjust: v[4], muMin: v[5])
        }
    }
}

/// The order in which training structures are visited within an epoch (spec §7.5).
public enum Sampling: String, Sendable, CaseIterable {
    case sequential, random, weighted, energy
}

