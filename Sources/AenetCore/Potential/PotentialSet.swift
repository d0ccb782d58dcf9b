/// The potentials of a predict run, one per species of predict.in TYPES (in that order), with
/// everything precomputed that the evaluator needs per atom: the fingerprint evaluators and the
/// feature standardization x = (G − avg)/sqrt(cov − avg²) of aenet aenet.f90, aenet_atomic_energy_and_forces.
public struct PotentialSet: Sendable {
    public let types: [String]
    public let potentials: [Potential]
    let fingerprints: [any Fingerprint]
    /// Per species: the feature means and 1/σ (0 where σ ≤ 1e-10, as aenet).
    let featureShift: [[Double]]
    let featureScale: [[Double]]
    /// Global RMIN and cutoff over all setups (pot_get_range).
    public let rcMin: Double
    public let rcMax: Double
    /// How neighbour lists are built: complete (default) or exactly as aenet 2.0.4 (which misses
    /// some periodic images in skewed cells), for bit-compatible predictions.
    public var neighbourConvention: NeighbourConvention = .complete
    /// Messages for stderr (zero-variance features, suspected descriptor-convention mismatch).
    public private(set) var warnings: [String] = []

    /// - Parameter legacyChebyshev: evaluate Chebyshev setups with the angular domain of
    ///   aenet 2.0.0–2.0.3 (see `ChebyshevConvention`).
    public init(types: [String], potentials: [Potential], legacyChebyshev: Bool = false) throws {
        guard types.count == potentials.count, !types.isEmpty else {
            throw AenetError(.mismatch, "\(types.count) species in TYPES but \(potentials.count) potentials")
        }
        self.types = types
        self.potentials = potentials
        var fps: [any Fingerprint] = [], shifts: [[Double]] = [], scales: [[Double]] = []
        var warn: [String] = []
        for (k, p) in potentials.enumerated() {
            let s = p.setup
            guard s.atomType == types[k] else {
                throw AenetError(.mismatch, "potential for species \(s.atomType), but NETWORKS assigns it to \(types[k])", file: p.path)
            }
            if s.isBehler2011, s.envTypes.firstIndex(of: s.atomType) != k {
                // aenet registers and evaluates Behler functions under different indices (compat/DIFFERENCES.md):
                // it only works when the species sits at the same place in ENV and TYPES.
                throw AenetError("Behler2011 setup: species \(s.atomType) is at position \((s.envTypes.firstIndex(of: s.atomType) ?? -1) + 1) of ENV \(s.envTypes) but at \(k + 1) in TYPES; aenet gives wrong results or stops here — reorder TYPES to match ENV", file: p.path)
            }
            do { fps.append(try s.makeFingerprint(globalTypes: types, legacyChebyshev: legacyChebyshev)) }
            catch let e as AenetError { throw AenetError(e.kind, e.message, file: p.path) }
            let (shift, scale, constant) = s.featureScaling()
            for g in constant {
                warn.append("\(p.path): fingerprint function \(g + 1) of \(s.atomType) has zero variance in the training set (is a species missing from the reference data?); it is set to 0 as in aenet")
            }
            shifts.append(shift); scales.append(scale)
            if s.isChebyshev, let verdict = ChebyshevConvention.diagnose(s), verdict.isLegacy != legacyChebyshev {
                warn.append("\(p.path): " + (verdict.isLegacy
                    ? "the stored feature statistics are impossible for aenet 2.0.4's Chebyshev descriptor but fit 2.0.0–2.0.3 (\(verdict.reason)); this potential was probably trained with aenet < 2.0.4 — rerun with --legacy-chebyshev"
                    : "--legacy-chebyshev was given, but the stored feature statistics are impossible for the pre-2.0.4 descriptor (\(verdict.reason)); drop the option"))
            }
        }
        fingerprints = fps; featureShift = shifts; featureScale = scales
        rcMin = potentials.map(\.setup.rcMin).min()!
        rcMax = potentials.map(\.setup.rcMax).max()!
        warnings = warn
    }

    /// Loads the potential files named in predict.in.
    public static func load(types: [String], files: [String], legacyChebyshev: Bool = false) throws -> PotentialSet {
        let pots = try files.map { try Potential.load(path: $0) }   // binary .nn or ASCII .nn.ascii
        return try PotentialSet(types: types, potentials: pots, legacyChebyshev: legacyChebyshev)
    }

    /// Global type index of every atom, or an error naming a species without potential.
    func typeIndices(of s: Structure, file: String) throws -> [Int32] {
        try s.species.map { name in
            guard let t = types.firstIndex(of: name) else {
                throw AenetError(.mismatch, "species '\(name)' has no potential (TYPES lists \(types.joined(separator: ", ")))", file: file)
            }
            return Int32(t)
        }
    }

    /// aenet reads undefined memory when a neighbour species is missing from a setup's ENV (compat/DIFFERENCES.md);
    /// refuse such structures instead.
    func checkEnvironments(_ present: Set<Int32>, file: String) throws {
        for t in present {
            let env = potentials[Int(t)].setup.envTypes
            for u in present where !env.contains(types[Int(u)]) {
                throw AenetError(.mismatch, "the \(types[Int(t)]) potential does not know neighbour species \(types[Int(u)]) (its ENV is \(env.joined(separator: " "))); its descriptor is undefined here", file: file)
            }
        }
    }
}
