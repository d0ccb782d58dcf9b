import AenetCore
/// First-order Taylor-expansion augmentation (Cooper, Kästner, Urban & Artrith,
/// npj Comput. Mater. 6, 54 (2020)) — the pure part: which children to make and what they are.
///
/// A child is a copy of a parent structure with displaced atoms and the energy predicted to first
/// order from the parent's forces, E_child = E − Σ δr_i·F_i. The child keeps the parent's forces
/// (as PyITA does): they are not the forces of the displaced structure, only an approximation to
/// them with an error of order |δr|.
public enum Augmentation {
    /// How the displacements of one child are chosen.
    public enum Strategy: Sendable, Equatable {
        /// PyITA's strategy: one atom moved by ±δ along x, y or z.
        case singleAtom
        /// The paper's second strategy: every atom moved by a random vector (uniform in a ball),
        /// the centre-of-mass shift removed, then scaled so that no atom moves more than
        /// `maxDisplacement`. Child number k uses random sub-stream k of `seed`.
        case randomAll(maxDisplacement: Double, seed: UInt64)
    }

    /// Which parents the children come from.
    public enum Distribution: String, Sendable, Equatable, CaseIterable {
        /// PyITA's order: parents in deck order, each giving all its displacements (atoms in file
        /// order, + then −, x y z) until ⌈a·N⌉ children exist. Early parents get everything,
        /// late parents nothing.
        case sequential
        /// ⌈(i+1)·a⌉ − ⌈i·a⌉ children for parent i (0-based), i.e. a per parent on average;
        /// within a parent the moved atom cycles through all atoms (see `evenDisplacement`).
        case even
    }

    public struct Settings: Sendable, Equatable {
        /// δ of the single-atom strategy (Å).
        public var delta: Double
        /// The augmentation factor a: ⌈a·N⌉ children for N parents.
        public var factor: Double
        public var distribution: Distribution
        public var strategy: Strategy

        public init(delta: Double, factor: Double, distribution: Distribution = .sequential,
                    strategy: Strategy = .singleAtom) {
            self.delta = delta; self.factor = factor; self.distribution = distribution; self.strategy = strategy
        }

        /// Throws unless δ, a and the maximum displacement are finite and positive.
        public func validate() throws {
            guard delta.isFinite, delta > 0 else {
                throw AenetError("the displacement delta must be a positive number of Å (got \(delta))")
            }
            guard factor.isFinite, factor > 0 else {
                throw AenetError("the augmentation factor a must be a positive number (got \(factor))")
            }
            guard factor <= Augmentation.maxFactor else {
                throw AenetError("the augmentation factor a = \(factor) is above the limit \(Int(Augmentation.maxFactor))")
            }
            guard delta <= 10 else { throw AenetError("the displacement delta = \(delta) Å is implausibly large (limit 10 Å)") }
            if case let .randomAll(r, _) = strategy, !(r.isFinite && r > 0) {
                throw AenetError("the maximum displacement must be a positive number of Å (got \(r))")
            }
        }
    }

    /// What one child is made of: its parent (index into the parent list) and its displacement.
    public struct Child: Sendable, Equatable {
        public var parent: Int
        public var displacement: Displacement
    }

    public enum Displacement: Sendable, Equatable {
        /// Atom `atom` (0-based) moved by `sign`·δ along `axis` (0 = x, 1 = y, 2 = z); sign is ±1.
        case single(atom: Int, axis: Int, sign: Double)
        /// All atoms moved randomly; `stream` is the child's random sub-stream.
        case random(stream: UInt64)
    }

    /// ⌈x⌉, but a value within 1e-9 (relative) of an integer counts as that integer, so that
    /// a = 1.1 with N = 50 asks for 55 children, not the 56 that 55.00000000000001 gives PyITA.
    public static func ceilCount(_ x: Double) -> Int {
        let r = x.rounded()
        if abs(x - r) <= 1e-9 * max(1, abs(x)) { return Int(r) }
        return Int(x.rounded(.up))
    }

    /// The number of children asked for: ⌈a·N⌉.
    /// Largest augmentation factor and number of children of one run.
    public static let maxFactor = 1_000_000.0
    public static let maxChildren = 10_000_000

    /// Refuses a run that would make more than `maxChildren` children, saying how much it would write.
    public static func checkSize(parents: [Int], factor: Double) throws {
        let children = factor * Double(parents.count)
        let meanAtoms = parents.isEmpty ? 0 : Double(parents.reduce(0, +)) / Double(parents.count)
        guard children <= Double(maxChildren) else {
            let gb = children * (200 + 130 * meanAtoms) / 1e9
            throw AenetError(.invalidInput, String(format: "a = %g with %d parents would make %.3g children (about %.3g GB of XSF files); the limit is %d children — use a smaller factor", factor, parents.count, children, gb, maxChildren))
        }
    }

    public static func requestedCount(parents: Int, factor: Double) -> Int {
        ceilCount(factor * Double(parents))
    }

    /// Children per parent under `.even`: ⌈(i+1)·a⌉ − ⌈i·a⌉ (they add up to ⌈a·N⌉).
    public static func evenQuota(parent i: Int, factor: Double) -> Int {
        ceilCount(Double(i + 1) * factor) - ceilCount(Double(i) * factor)
    }

    /// The k-th single-atom displacement (0 ≤ k < 6n) of a parent with n atoms under `.even`:
    /// atom k mod n, and the (k mod n + k div n) mod 6-th of (+x, +y, +z, −x, −y, −z). The first
    /// n children move n different atoms, cycling through the six directions; all 6n are distinct.
    public static func evenDisplacement(_ k: Int, atoms n: Int) -> Displacement {
        let r = k % n, q = k / n
        let combo = (r + q) % 6
        return .single(atom: r, axis: combo % 3, sign: combo < 3 ? 1 : -1)
    }

    /// The children to make for parents with the given atom counts, in output order.
    /// Fewer than ⌈a·N⌉ come out only when the single-atom strategy runs out of displacements
    /// (6 per atom).
    public static func plan(atomCounts: [Int], settings: Settings) -> [Child] {
        let total = requestedCount(parents: atomCounts.count, factor: settings.factor)
        var out: [Child] = []
        out.reserveCapacity(total)
        switch (settings.strategy, settings.distribution) {
        case (.singleAtom, .sequential):
            parents: for (p, n) in atomCounts.enumerated() {
                for atom in 0..<n {
                    for sign in [1.0, -1.0] {
                        for axis in 0..<3 {
                            if out.count >= total { break parents }
                            out.append(Child(parent: p, displacement: .single(atom: atom, axis: axis, sign: sign)))
                        }
                    }
                }
            }
        case (.singleAtom, .even):
            for (p, n) in atomCounts.enumerated() {
                let c = min(evenQuota(parent: p, factor: settings.factor), 6 * n)
                for k in 0..<c { out.append(Child(parent: p, displacement: evenDisplacement(k, atoms: n))) }
            }
        case (.randomAll, _):
            for p in atomCounts.indices {
                for _ in 0..<evenQuota(parent: p, factor: settings.factor) {
                    out.append(Child(parent: p, displacement: .random(stream: UInt64(out.count))))
                }
            }
        }
        return out
    }

    /// Per-atom displacement vectors of a random child (centre-of-mass shift removed, no atom
    /// moved by more than `maxDisplacement`).
    public static func randomDisplacements(species: [String], maxDisplacement r: Double,
                                           seed: UInt64, stream: UInt64) -> [SIMD3<Double>] {
        var rng = SplitMix64(seed: seed, stream: stream)
        var d = [SIMD3<Double>](repeating: .zero, count: species.count)
        for i in d.indices {
            var v: SIMD3<Double>
            repeat {
                v = SIMD3(rng.uniform(-1, 1), rng.uniform(-1, 1), rng.uniform(-1, 1))
            } while dot(v, v) > 1
            d[i] = r * v
        }
        let w = AtomicMass.weights(species)
        var shift = SIMD3<Double>.zero
        var wsum = 0.0
        for i in d.indices { shift += w[i] * d[i]; wsum += w[i] }
        shift /= wsum
        var largest = 0.0
        for i in d.indices { d[i] -= shift; largest = max(largest, length(d[i])) }
        if largest > r { for i in d.indices { d[i] *= r / largest } }
        return d
    }

    /// The child structure and its energy change ΔE = −Σ δr_i·F_i. `parent` must have forces.
    /// Energies that the parent has (total and/or cohesive) are both shifted by ΔE.
    public static func makeChild(of parent: Structure, _ displacement: Displacement,
                                 settings: Settings) -> (child: Structure, deltaE: Double, maxDisplacement: Double) {
        let forces = parent.forces!
        var child = parent
        switch displacement {
        case let .single(atom, axis, sign):
            let f = forces[atom][axis]
            let delta = settings.delta
            // The same floating-point operations as PyITA: E − δ·F for +, E + δ·F for −.
            func shifted(_ e: Double) -> Double { sign > 0 ? e - delta * f : e + delta * f }
            child.totalEnergy = parent.totalEnergy.map(shifted)
            child.cohesiveEnergy = parent.cohesiveEnergy.map(shifted)
            if sign > 0 { child.positions[atom][axis] += delta } else { child.positions[atom][axis] -= delta }
            return (child, sign > 0 ? -(delta * f) : delta * f, delta)
        case let .random(stream):
            guard case let .randomAll(r, seed) = settings.strategy else {
                preconditionFailure("random displacement without the random strategy")
            }
            let d = randomDisplacements(species: parent.species, maxDisplacement: r, seed: seed, stream: stream)
            var dE = 0.0
            var largest = 0.0
            for i in d.indices {
                child.positions[i] += d[i]
                dE -= dot(d[i], forces[i])
                largest = max(largest, length(d[i]))
            }
            child.totalEnergy = parent.totalEnergy.map { $0 + dE }
            child.cohesiveEnergy = parent.cohesiveEnergy.map { $0 + dE }
            return (child, dE, largest)
        }
    }
}
