import AenetCore

/// One structure for force training, in the units the networks see: standardized features x_i,
/// their derivatives with respect to the atom positions (∂x_i/∂R_j as 3 × nsf blocks, component-
/// major: block[c·nsf + k] = ∂x_i,k/∂R_j,c), and the reference energy and forces.
public struct ForceStructure: Sendable {
    public private(set) var species: [Int] = []
    /// Atom i's features are features[featureStart[i] ..< featureStart[i + 1]].
    public private(set) var featureStart: [Int] = [0]
    public private(set) var features: [Double] = []
    /// Atom i's derivative blocks are entries entryStart[i] ..< entryStart[i + 1]; entry e moves
    /// atom entryAtom[e] and its block starts at entryBlock[e] in `derivatives`.
    public private(set) var entryStart: [Int] = [0]
    public private(set) var entryAtom: [Int] = []
    public private(set) var entryBlock: [Int] = []
    public private(set) var derivatives: [Double] = []
    public var energy: Double
    /// Reference forces, 3 per atom.
    public var forces: [Double]

    public init(energy: Double, forces: [Double]) { self.energy = energy; self.forces = forces }

    public var atomCount: Int { species.count }

    /// Adds atom i (in order): its species, features and the blocks ∂x_i/∂R_j of the atoms j it
    /// depends on (a periodic image counts as its atom; repeated j are summed by the passes).
    public mutating func appendAtom(species t: Int, features x: [Double], blocks: [(atom: Int, block: [Double])]) {
        species.append(t)
        features += x
        featureStart.append(features.count)
        for (j, b) in blocks {
            precondition(b.count == 3 * x.count, "a derivative block has 3 × nsf values")
            entryAtom.append(j); entryBlock.append(derivatives.count)
            derivatives += b
        }
        entryStart.append(entryAtom.count)
    }
}

/// Energies, forces and the combined loss ½Σ_s[a_E(E_s − E_s^ref)² + a_F Σ_j |F_j − F_j^ref|²]
/// with its analytic weight gradient (no finite differences, no per-weight passes).
///
/// F_j = −Σ_i (∂x_i/∂R_j)ᵀ ∇_x E_i, so Σ_j ΔF_j·∂F_j/∂w = −Σ_i ∂(v_i · ∇_x E_i)/∂w with
/// v_i = Σ_j (∂x_i/∂R_j) ΔF_j: one ordinary forward/backward pass for the forces, then one
/// tangent pass (forward mode in x, reverse mode in w) along v_i for the gradient.
public final class ForceLoss {
    public let networks: [FeedForwardNetwork]
    public let offsets: [Int]
    public let weightCount: Int
    public var energyWeight = 1.0
    public var forceWeight = 1.0
    private let workspaces: [NetworkWorkspace]
    private let tangents: [TangentWorkspace]

    public init(networks: [FeedForwardNetwork]) {
        self.networks = networks
        var o = [0]
        for n in networks { o.append(o.last! + n.weightCount) }
        offsets = o; weightCount = o.last!
        workspaces = networks.map { NetworkWorkspace(network: $0, capacity: 64) }
        tangents = networks.map { TangentWorkspace(network: $0, capacity: 64) }
    }

    /// Energy and forces (3 per atom) of `s` at the concatenated weights `w`.
    public func predict(_ w: [Double], _ s: ForceStructure) -> (energy: Double, forces: [Double]) {
        w.withUnsafeBufferPointer { wp in
            let (e, f, _) = evaluate(wp.baseAddress!, s)
            return (e, f)
        }
    }

    /// The loss over `structures` at `w`; adds its gradient to `gradient` when given.
    public func loss(_ w: [Double], _ structures: [ForceStructure], gradient: UnsafeMutablePointer<Double>? = nil) -> Double {
        precondition(w.count == weightCount)
        return w.withUnsafeBufferPointer { wb in
            let wp = wb.baseAddress!
            var total = 0.0
            for s in structures {
                let (e, f, _) = evaluate(wp, s)
                let dE = e - s.energy
                var dF = [Double](repeating: 0, count: f.count)
                for k in f.indices { dF[k] = f[k] - s.forces[k] }
                total += 0.5 * (energyWeight * dE * dE + forceWeight * dF.reduce(0) { $0 + $1 * $1 })
                if let gradient { addGradient(wp, s, dE: dE, dF: dF, into: gradient) }
            }
            return total
        }
    }

    /// E, F and every atom's ∇_x E_i (concatenated in atom order, nsf of its species each).
    private func evaluate(_ w: UnsafePointer<Double>, _ s: ForceStructure) -> (Double, [Double], [Double]) {
        var energy = 0.0
        var grads = [Double](repeating: 0, count: s.features.count)
        for t in networks.indices {
            let atoms = (0..<s.atomCount).filter { s.species[$0] == t }
            guard !atoms.isEmpty else { continue }
            let n = networks[t].inputCount, ws = workspaces[t]
            let x = ws.prepare(batch: atoms.count)
            for (r, i) in atoms.enumerated() {
                precondition(s.featureStart[i + 1] - s.featureStart[i] == n, "atom \(i): feature count does not match its network")
                for k in 0..<n { x[r * n + k] = s.features[s.featureStart[i] + k] }
            }
            let y = networks[t].forward(ws, weights: w + offsets[t], derivatives: true)
            for r in atoms.indices { energy += y[r] }
            var dx = [Double](repeating: 0, count: atoms.count * n)
            dx.withUnsafeMutableBufferPointer { networks[t].backward(ws, weights: w + offsets[t], inputGradient: $0.baseAddress!) }
            for (r, i) in atoms.enumerated() { for k in 0..<n { grads[s.featureStart[i] + k] = dx[r * n + k] } }
        }
        var forces = [Double](repeating: 0, count: 3 * s.atomCount)
        for i in 0..<s.atomCount {
            let f0 = s.featureStart[i], n = s.featureStart[i + 1] - f0
            for e in s.entryStart[i]..<s.entryStart[i + 1] {
                let j = s.entryAtom[e], b = s.entryBlock[e]
                for c in 0..<3 {
                    var acc = 0.0
                    for k in 0..<n { acc += s.derivatives[b + c * n + k] * grads[f0 + k] }
                    forces[3 * j + c] -= acc
                }
            }
        }
        return (energy, forces, grads)
    }

    /// Adds a_E·ΔE·Σ_i ∂E_i/∂w − a_F·Σ_i ∂(v_i·∇_x E_i)/∂w.
    private func addGradient(_ w: UnsafePointer<Double>, _ s: ForceStructure,
                             dE: Double, dF: [Double], into g: UnsafeMutablePointer<Double>) {
        for t in networks.indices {
            let atoms = (0..<s.atomCount).filter { s.species[$0] == t }
            guard !atoms.isEmpty else { continue }
            let n = networks[t].inputCount, ws = tangents[t]
            let (x, v) = ws.prepare(batch: atoms.count)
            for (r, i) in atoms.enumerated() {
                let f0 = s.featureStart[i]
                for k in 0..<n { x[r * n + k] = s.features[f0 + k]; v[r * n + k] = 0 }
                for e in s.entryStart[i]..<s.entryStart[i + 1] {
                    let j = s.entryAtom[e], b = s.entryBlock[e]
                    for c in 0..<3 {
                        let d = dF[3 * j + c]
                        if d != 0 { for k in 0..<n { v[r * n + k] += s.derivatives[b + c * n + k] * d } }
                    }
                }
            }
            networks[t].tangentForward(ws, weights: w + offsets[t])
            let cE = [Double](repeating: energyWeight * dE, count: atoms.count)
            let eF = [Double](repeating: -forceWeight, count: atoms.count)
            networks[t].tangentBackward(ws, weights: w + offsets[t], valueWeights: cE, tangentWeights: eF,
                                        weightGradient: g + offsets[t])
        }
    }
}

extension ForceStructure {
    /// A structure of a normalized (`.scaled`) training set with its derivatives from the
    /// `.forces` file: features as stored (already standardized), derivative blocks scaled by
    /// the per-species feature factors (x = factor·(G − shift)), and reference forces as stored
    /// (normalization already scaled them to the normalized energy units).
    public init(scaled s: TrainingSetStructure, derivatives: [ForcesFileReader.Atom], featureFactors: [[Double]]) throws {
        guard derivatives.count == s.types.count else {
            throw AenetError(.mismatch, "structure \(s.path): \(derivatives.count) atoms with derivatives, \(s.types.count) in the training set")
        }
        self.init(energy: s.energy, forces: s.forces)
        for (i, a) in derivatives.enumerated() {
            let t = s.types[i], n = s.fingerprintCount(i)
            guard a.type == t, a.nsf == n, t < featureFactors.count, featureFactors[t].count == n else {
                throw AenetError(.mismatch, "structure \(s.path), atom \(i + 1): derivatives for species \(a.type + 1) with \(a.nsf) functions, the training set has species \(t + 1) with \(n)")
            }
            let fac = featureFactors[t], nnb = a.neighbours.count
            var blocks: [(atom: Int, block: [Double])] = [(i, (0..<(3 * n)).map { q in fac[q % n] * a.center[q] })]
            for e in 0..<nnb {
                blocks.append((a.neighbours[e], (0..<(3 * n)).map { q in fac[q % n] * a.neighbourDerivatives[e + nnb * q] }))
            }
            let x = Array(s.fingerprints[s.fingerprintOffsets[i]..<(s.fingerprintOffsets[i] + n)])
            appendAtom(species: t, features: x, blocks: blocks)
        }
    }
}
