extension FingerprintSetup {
    /// Behler2011 functions in file order, with 0-based ENV indices.
    public var symmetryFunctions: [SymmetryFunction] {
        (0..<nsf).map { k in
            let p = Array(sfParam[(4 * k)..<(4 * k + 4)])
            let t2 = sfEnv[2 * k] - 1, t3 = sfEnv[2 * k + 1] - 1
            switch sf[k] {
            case 2: return SymmetryFunction(kind: 2, type2: t2, type3: -1, cutoff: p[0], rs: p[1], eta: p[2])
            case 3: return SymmetryFunction(kind: 3, type2: t2, type3: -1, cutoff: p[0], kappa: p[1])
            case 4, 5: return SymmetryFunction(kind: sf[k], type2: t2, type3: t3, cutoff: p[0], eta: p[3], lambda: p[1], zeta: p[2])
            default: return SymmetryFunction(kind: sf[k], type2: t2, type3: -1, cutoff: p[0])
            }
        }
    }

    /// `localType[t]` = position of global type `t` in ENV (0-based), −1 when absent.
    public func localTypes(globalTypes: [String]) -> [Int32] {
        globalTypes.map { g in Int32(envTypes.firstIndex(of: g) ?? -1) }
    }

    /// The evaluator of this setup for a program whose species list is `globalTypes`.
    /// `legacyChebyshev` selects aenet 2.0.0–2.0.3's angular domain (`ChebyshevConvention`).
    public func makeFingerprint(globalTypes: [String], legacyChebyshev: Bool = false) throws -> any Fingerprint {
        if (isChebyshev || isBehler2011), let problem = basisProblem() {
            throw AenetError(.corruptFile, "unusable fingerprint setup for species \(atomType): \(problem)")
        }
        let local = localTypes(globalTypes: globalTypes)
        if isChebyshev {
            let p = chebyshevParameters
            var f = ChebyshevFingerprint(radialCutoff: p.radialRc, radialOrder: p.radialN, angularCutoff: p.angularRc,
                                         angularOrder: p.angularN, localType: local, envCount: envTypes.count)
            f.legacyAngularDomain = legacyChebyshev
            return f
        }
        if isBehler2011 {
            return Behler2011Fingerprint(functions: symmetryFunctions, localType: local, envCount: envTypes.count)
        }
        throw AenetError("unknown fingerprint type '\(sfType)' for species \(atomType) (expected Chebyshev or Behler2011)")
    }

}
