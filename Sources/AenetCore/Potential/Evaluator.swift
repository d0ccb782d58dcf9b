/// Energies (and forces) of one structure, as predict.x reports them (aenet aenet.f90, aenet_atomic_energy_and_forces).
public struct Prediction: Sendable {
    /// Coordinates as aenet prints them: wrapped into the cell for periodic structures.
    public var positions: [SIMD3<Double>]
    /// E_i = NN/scale + shift + E_atom, per atom (eV).
    public var atomicEnergies: [Double]
    /// −∂E_tot/∂r (eV/Å), when forces were requested.
    public var forces: [SIMD3<Double>]?
    /// Σ_i (E_i − E_atom(i)), summed in atom order as aenet.
    public var cohesiveEnergy: Double
    public var totalEnergy: Double
}

/// Per-thread scratch memory of the evaluator; reuse it across structures, one thread at a time.
public final class EvaluationWorkspace: @unchecked Sendable {
    let networks: [NetworkWorkspace]
    var hoods: [Neighbourhood] = []
    var rows: [Int] = []
    var dx: [Double] = []
    var weights: [Double] = []
    var neighbourGradient: [Double] = []
    /// Threads for one structure larger than `blockSize` atoms (see `evaluateBlocked`).
    public var threads = 1
    /// Structures with more atoms are evaluated in blocks of this many atoms.
    public internal(set) var blockSize = 2048
    var blockWorkers: [BlockWorkspace] = []

    public init(_ set: PotentialSet) {
        networks = set.potentials.map { NetworkWorkspace(network: $0.network) }
    }
}

extension PotentialSet {
    /// Energies and, with `forces`, analytic forces of `structure`.
    ///
    /// Atoms of one species go through their network as one batch (one GEMM per layer); forces
    /// back-propagate dE/dx through the same batch and contract it with the fingerprint
    /// derivatives per atom without storing them.
    /// - Parameter file: the structure's file name, for error messages.
    public func evaluate(_ structure: Structure, forces: Bool, file: String = "<structure>",
                         workspace ws: EvaluationWorkspace) throws -> Prediction {
        let n = structure.atomCount
        guard n > 0 else { throw AenetError("structure has no atoms", file: file) }
        let types = try typeIndices(of: structure, file: file)
        try checkEnvironments(Set(types), file: file)
        let search = try NeighbourSearch(validating: structure, types: types, cutoff: rcMax, convention: neighbourConvention, file: file)
        if n > ws.blockSize {
            return try evaluateBlocked(structure, types: types, search: search, forces: forces, file: file, workspace: ws)
        }
        while ws.hoods.count < n { ws.hoods.append(Neighbourhood()) }
        for i in 0..<n {
            search.neighbours(of: i, into: &ws.hoods[i])
            let nb = ws.hoods[i]
            for j in 0..<nb.count where nb.distance[j] < rcMin {
                throw AenetError("atoms \(i + 1) and \(Int(nb.atomIndex[j]) + 1) are \(nb.distance[j]) Å apart, closer than RMIN = \(rcMin) Å of the potentials", file: file)
            }
        }
        var energies = [Double](repeating: 0, count: n)
        var force = [SIMD3<Double>](repeating: .zero, count: forces ? n : 0)
        for t in potentials.indices {
            ws.rows.removeAll(keepingCapacity: true)
            for i in 0..<n where types[i] == Int32(t) { ws.rows.append(i) }
            guard !ws.rows.isEmpty else { continue }
            try evaluateSpecies(t, forces: forces, ws: ws, energies: &energies, force: &force, file: file)
        }
        return prediction(structure, search: search, types: types, energies: energies, forces: forces ? force : nil)
    }

    /// The result of either evaluator: total and cohesive energy summed in atom order (as aenet),
    /// positions as aenet prints them (wrapped into the cell for periodic structures).
    func prediction(_ structure: Structure, search: NeighbourSearch, types: [Int32], energies: [Double],
                    forces: [SIMD3<Double>]?) -> Prediction {
        var eTot = 0.0, eCoh = 0.0
        for i in 0..<energies.count {
            eTot += energies[i]
            eCoh += energies[i] - potentials[Int(types[i])].atomicEnergy
        }
        let shown = structure.isPeriodic ? search.positions : structure.positions
        return Prediction(positions: shown, atomicEnergies: energies, forces: forces,
                          cohesiveEnergy: eCoh, totalEnergy: eTot)
    }

    /// The batch of atoms `ws.rows`, all of species `t`.
    private func evaluateSpecies(_ t: Int, forces: Bool, ws: EvaluationWorkspace, energies: inout [Double],
                                 force: inout [SIMD3<Double>], file: String) throws {
        let pot = potentials[t], fp = fingerprints[t], net = pot.network, nws = ws.networks[t]
        let nsf = fp.count, b = ws.rows.count
        let shift = featureShift[t], scale = featureScale[t]
        let x = nws.prepare(batch: b)
        for (r, i) in ws.rows.enumerated() {
            let row = x + r * nsf
            fp.evaluate(ws.hoods[i], values: row)
            for g in 0..<nsf { row[g] = scale[g] * (row[g] - shift[g]) }
        }
        for r in 0..<(b * nsf) where !x[r].isFinite {
            throw AenetError("non-finite fingerprint for a \(types[t]) atom (overlapping atoms or absurd coordinates?)", file: file)
        }
        let out = net.forward(nws, derivatives: forces)
        let eScale = pot.energyScale, eShift = pot.energyShift, eAtom = pot.atomicEnergy
        for (r, i) in ws.rows.enumerated() { energies[i] = eScale * out[r] + eShift + eAtom }
        guard forces else { return }
        if ws.dx.count < b * nsf { ws.dx = [Double](repeating: 0, count: b * nsf) }
        if ws.weights.count < nsf { ws.weights = [Double](repeating: 0, count: nsf) }
        ws.dx.withUnsafeMutableBufferPointer { net.backward(nws, inputGradient: $0.baseAddress!) }
        for (r, i) in ws.rows.enumerated() {
            // dE_i/dG_g = (1/scale_E)·(∂o/∂x_g)·(1/σ_g)
            for g in 0..<nsf { ws.weights[g] = eScale * ws.dx[r * nsf + g] * scale[g] }
            let nb = ws.hoods[i]
            if ws.neighbourGradient.count < 3 * nb.count { ws.neighbourGradient = [Double](repeating: 0, count: 3 * nb.count) }
            var center = SIMD3<Double>.zero
            ws.neighbourGradient.withUnsafeMutableBufferPointer { grad in
                grad.baseAddress!.update(repeating: 0, count: 3 * nb.count)
                ws.weights.withUnsafeBufferPointer { w in
                    fp.accumulateGradient(nb, weights: w.baseAddress!, center: &center, neighbours: grad.baseAddress!)
                }
            }
            force[i] -= center
            for j in 0..<nb.count {
                let a = Int(nb.atomIndex[j])
                force[a] -= SIMD3(ws.neighbourGradient[3 * j], ws.neighbourGradient[3 * j + 1], ws.neighbourGradient[3 * j + 2])
            }
        }
    }
}
