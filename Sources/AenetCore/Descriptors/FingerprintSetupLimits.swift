/// The documented limits of a fingerprint setup, checked wherever a setup enters (a `.stp` deck, a
/// training-set footer, a `.nn` file) before anything is sized or evaluated from it.
public enum SetupLimits {
    /// Cut-off radii (Å): 0 < Rc ≤ maxCutoff (aenet's potentials use 4–10 Å).
    public static let maxCutoff = 100.0
    /// Chebyshev expansion orders: 0…maxChebyshevOrder.
    public static let maxChebyshevOrder = 200
    /// Environment species per setup.
    public static let maxEnvironmentSpecies = 100
    /// Functions per setup.
    public static let maxFunctions = 100_000
    /// |parameter| of a Behler2011 function (η, ζ, λ, κ, Rs).
    public static let maxParameter = 1.0e6
}

extension FingerprintSetup {
    /// The first violated limit or inconsistency, nil when the setup is usable.
    public func limitProblem() -> String? {
        guard (1...SetupLimits.maxEnvironmentSpecies).contains(envTypes.count) else {
            return "\(envTypes.count) environment species (1–\(SetupLimits.maxEnvironmentSpecies) allowed)"
        }
        guard (1...SetupLimits.maxFunctions).contains(nsf), sf.count == nsf, sfParam.count == 4 * nsf, sfEnv.count == 2 * nsf else {
            return "\(nsf) functions (1–\(SetupLimits.maxFunctions) allowed) or arrays of the wrong size"
        }
        guard rcMin.isFinite, rcMax.isFinite, rcMin >= 0, rcMax > 0, rcMax <= SetupLimits.maxCutoff else {
            return "cut-off radii RMIN \(rcMin), Rc \(rcMax) out of range (0 ≤ RMIN, 0 < Rc ≤ \(SetupLimits.maxCutoff) Å)"
        }
        guard sfParam.allSatisfy(\.isFinite) else { return "a function parameter is NaN or infinite" }
        for v in [sfvalMin, sfvalMax, sfvalAvg, sfvalCov] where !v.allSatisfy(\.isFinite) {
            return "the fingerprint statistics contain NaN or infinite values"
        }
        guard neval >= 0 else { return "negative evaluation count \(neval)" }
        return nil
    }

    /// The first problem of the basis parameters (orders, kinds, ENV indices, cut-offs) that the
    /// fingerprint evaluators rely on; checked before an evaluator is made from a setup.
    public func basisProblem() -> String? {
        if let p = limitProblem() { return p }
        if isChebyshev {
            let (rRc, rN, aRc, aN) = (sfParam[0], sfParam[1], sfParam[2], sfParam[3])
            for rc in [rRc, aRc] where !(rc >= 0 && rc <= SetupLimits.maxCutoff) {
                return "Chebyshev cut-off \(rc) out of range (0–\(SetupLimits.maxCutoff) Å)"
            }
            guard rRc > 0 else { return "Chebyshev radial cut-off must be > 0" }
            for n in [rN, aN] where !(n >= 0 && n <= Double(SetupLimits.maxChebyshevOrder) && n == n.rounded()) {
                return "Chebyshev order \(n) is not an integer in 0–\(SetupLimits.maxChebyshevOrder)"
            }
            let expected = (Int(rN) + Int(aN) + 2) * (envTypes.count > 1 ? 2 : 1)
            guard expected == nsf else {
                return "Chebyshev orders \(Int(rN)), \(Int(aN)) give \(expected) functions but \(nsf) are stored"
            }
        } else if isBehler2011 {
            for k in 0..<nsf {
                guard (1...5).contains(sf[k]) else { return "function \(k + 1) has kind G=\(sf[k]) (1–5 allowed)" }
                let rc = sfParam[4 * k]
                guard rc > 0, rc <= SetupLimits.maxCutoff else { return "function \(k + 1) has cut-off \(rc) (0 < Rc ≤ \(SetupLimits.maxCutoff) Å)" }
                for p in sfParam[(4 * k + 1)..<(4 * k + 4)] where abs(p) > SetupLimits.maxParameter {
                    return "function \(k + 1) has parameter \(p) (|p| ≤ \(SetupLimits.maxParameter))"
                }
                let envs = sf[k] >= 4 ? [sfEnv[2 * k], sfEnv[2 * k + 1]] : [sfEnv[2 * k]]
                for e in envs where !(1...envTypes.count).contains(e) {
                    return "function \(k + 1) names environment species \(e) of \(envTypes.count)"
                }
            }
        }
        return nil
    }
}
