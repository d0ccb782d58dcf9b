/// Per-atom evaluation from a neighbour list built by the caller (the path of aenet's library
/// interface: LAMMPS, ASE, Monte-Carlo codes), with the same descriptor and network code as
/// `PotentialSet.evaluate`.
///
/// The caller fills `hood` of an `AtomWorkspace` with the displacements r_j − r_i and global type
/// indices (0-based) of the neighbour entries, then calls `evaluateAtom`. Entries beyond the
/// cutoffs contribute nothing, so a list with a skin (Verlet list) is fine. One workspace per
/// thread; the `PotentialSet` itself is shared read-only.
public final class AtomWorkspace: @unchecked Sendable {
    let networks: [NetworkWorkspace]
    /// Neighbour entries of the atom to evaluate (fill with `Neighbourhood.append`).
    public var hood = Neighbourhood()
    /// After `evaluateAtom(…, gradients: true)`: ∂E_i/∂r_i …
    public internal(set) var centerGradient = SIMD3<Double>(0, 0, 0)
    /// … and ∂E_i/∂r_j of entry j at [3j], [3j+1], [3j+2] (first 3·hood.count values valid).
    public internal(set) var gradient: [Double] = []
    var dx: [Double] = []
    var weights: [Double] = []
    /// knows[t * n + u]: species u is in the ENV list of the potential of species t.
    let knows: [Bool]
    let typeCount: Int

    public init(_ set: PotentialSet) {
        networks = set.potentials.map { NetworkWorkspace(network: $0.network, capacity: 1) }
        let n = set.types.count
        typeCount = n
        var k = [Bool](repeating: false, count: n * n)
        for t in 0..<n {
            for u in 0..<n { k[t * n + u] = set.potentials[t].setup.envTypes.contains(set.types[u]) }
        }
        knows = k
        let nsf = set.potentials.map(\.setup.nsf).max() ?? 0
        dx = [Double](repeating: 0, count: nsf)
        weights = dx
    }
}

extension PotentialSet {
    /// E_i (eV, including the free-atom energy, as aenet's library returns it) of an atom of
    /// species `type` (0-based index into `types`) whose neighbour entries are in `ws.hood`.
    /// With `gradients`, also ∂E_i/∂r of the centre and of every entry (`ws.centerGradient`,
    /// `ws.gradient`). Throws for a type index out of range or a neighbour species the potential
    /// does not know (its descriptor is undefined there).
    public func evaluateAtom(type t: Int, gradients: Bool, workspace ws: AtomWorkspace) throws -> Double {
        guard t >= 0 && t < potentials.count else {
            throw AenetError("atom type \(t + 1) out of range 1…\(potentials.count)")
        }
        let nb = ws.hood, n = ws.typeCount
        try nb.type.withUnsafeBufferPointer { ty in
            for j in 0..<nb.count {
                let u = Int(ty[j])
                guard u >= 0 && u < n else {
                    throw AenetError("neighbour \(j + 1) has type \(u + 1), out of range 1…\(n)")
                }
                guard ws.knows[t * n + u] else {
                    throw AenetError("the \(types[t]) potential does not know neighbour species \(types[u]) (its ENV is \(potentials[t].setup.envTypes.joined(separator: " ")))")
                }
            }
        }
        let pot = potentials[t], fp = fingerprints[t], net = pot.network, nws = ws.networks[t]
        let nsf = fp.count
        let x = nws.prepare(batch: 1)
        fp.evaluate(nb, values: x)
        featureShift[t].withUnsafeBufferPointer { shift in
            featureScale[t].withUnsafeBufferPointer { scale in
                for g in 0..<nsf { x[g] = scale[g] * (x[g] - shift[g]) }
            }
        }
        let out = net.forward(nws, derivatives: gradients)
        let energy = pot.energyScale * out[0] + pot.energyShift + pot.atomicEnergy
        guard gradients else { return energy }
        ws.dx.withUnsafeMutableBufferPointer { net.backward(nws, inputGradient: $0.baseAddress!) }
        let eScale = pot.energyScale
        featureScale[t].withUnsafeBufferPointer { scale in
            for g in 0..<nsf { ws.weights[g] = eScale * ws.dx[g] * scale[g] }
        }
        if ws.gradient.count < 3 * nb.count {
            ws.gradient = [Double](repeating: 0, count: max(3 * nb.count, 2 * ws.gradient.count))
        }
        var center = SIMD3<Double>.zero
        ws.gradient.withUnsafeMutableBufferPointer { grad in
            grad.baseAddress!.update(repeating: 0, count: 3 * nb.count)
            ws.weights.withUnsafeBufferPointer { w in
                fp.accumulateGradient(nb, weights: w.baseAddress!, center: &center, neighbours: grad.baseAddress!)
            }
        }
        ws.centerGradient = center
        return energy
    }

    /// The virial W = Σ_i Σ_j (r_j − r_i) ⊗ f_j of the analytic pair forces (eV), summed over all
    /// atoms of `structure` and their complete periodic neighbour lists, as 3×3 row-major; the
    /// stress tensor is σ = −W/V (eV/Å³, positive = tensile, ASE's convention) for periodic
    /// structures. Also returns the total energy (same value as `evaluate`).
    public func virial(_ structure: Structure, file: String = "<structure>",
                       workspace ws: AtomWorkspace) throws -> (energy: Double, virial: [Double]) {
        let n = structure.atomCount
        guard n > 0 else { throw AenetError("structure has no atoms", file: file) }
        let types = try typeIndices(of: structure, file: file)
        try checkEnvironments(Set(types), file: file)
        let search = NeighbourSearch(structure: structure, types: types, cutoff: rcMax, convention: neighbourConvention)
        var w = [Double](repeating: 0, count: 9)
        var energy = 0.0
        for i in 0..<n {
            search.neighbours(of: i, into: &ws.hood)
            do {
                energy += try evaluateAtom(type: Int(types[i]), gradients: true, workspace: ws)
            } catch let e as AenetError {
                throw AenetError(e.message, file: file)
            }
            Self.addVirial(ws, into: &w)
        }
        return (energy, w)
    }

    /// W += −Σ_j d_j ⊗ ∂E_i/∂r_j for the entries of the last `evaluateAtom` (row-major 3×3).
    @inline(__always)
    public static func addVirial(_ ws: AtomWorkspace, into w: inout [Double]) {
        w.withUnsafeMutableBufferPointer { addVirial(ws, into: $0.baseAddress!) }
    }

    /// The same into w[0..<9] (row-major).
    @inline(__always)
    public static func addVirial(_ ws: AtomWorkspace, into w: UnsafeMutablePointer<Double>) {
        let nb = ws.hood
        var xx = 0.0, xy = 0.0, xz = 0.0, yx = 0.0, yy = 0.0, yz = 0.0, zx = 0.0, zy = 0.0, zz = 0.0
        ws.gradient.withUnsafeBufferPointer { g in
            for j in 0..<nb.count {
                let dx = nb.dx[j], dy = nb.dy[j], dz = nb.dz[j]
                let gx = g[3 * j], gy = g[3 * j + 1], gz = g[3 * j + 2]
                xx -= dx * gx; xy -= dx * gy; xz -= dx * gz
                yx -= dy * gx; yy -= dy * gy; yz -= dy * gz
                zx -= dz * gx; zy -= dz * gy; zz -= dz * gz
            }
        }
        w[0] += xx; w[1] += xy; w[2] += xz
        w[3] += yx; w[4] += yy; w[5] += yz
        w[6] += zx; w[7] += zy; w[8] += zz
    }
}
