/// Evaluation of large structures in blocks of atoms, on several threads.
///
/// `evaluate` switches to this path when a structure has more atoms than
/// `EvaluationWorkspace.blockSize`. Neighbour lists, fingerprints, network passes and force
/// contractions are done block by block (`threads` blocks at a time, one per thread), so memory
/// stays bounded by the block size instead of growing with N·neighbours; the per-atom results are
/// then applied in atom order on the calling thread, so forces are summed in exactly the order of
/// the one-batch path whatever the number of threads. Errors are the same as on the one-batch
/// path: the first atom (in index order) closer than RMIN to a neighbour, else the first species
/// with a non-finite fingerprint.
final class BlockWorkspace: @unchecked Sendable {
    let eval: EvaluationWorkspace
    /// One neighbourhood per atom of the block (reused across blocks and structures).
    var hoods: [Neighbourhood] = []
    /// Per atom of the block: where its neighbour gradients start in `gradient` (3 per entry).
    var gradientStart: [Int] = []
    var gradient: [Double] = []
    var centers: [SIMD3<Double>] = []
    var outputs: [Double] = []
    /// Atom rows of this block.
    var rows: ArraySlice<Int> = []
    var tooClose = false
    var nonFinite = false

    init(_ set: PotentialSet) { eval = EvaluationWorkspace(set) }
}

extension PotentialSet {
    func evaluateBlocked(_ structure: Structure, types: [Int32], search: NeighbourSearch, forces: Bool,
                         file: String, workspace ws: EvaluationWorkspace) throws -> Prediction {
        let n = structure.atomCount
        let threads = max(1, ws.threads)
        while ws.blockWorkers.count < threads { ws.blockWorkers.append(BlockWorkspace(self)) }
        var energies = [Double](repeating: 0, count: n)
        var force = [SIMD3<Double>](repeating: .zero, count: forces ? n : 0)
        for t in potentials.indices {
            let rows = (0..<n).filter { types[$0] == Int32(t) }
            guard !rows.isEmpty else { continue }
            let blocks = stride(from: 0, to: rows.count, by: ws.blockSize).map { $0..<min($0 + ws.blockSize, rows.count) }
            var next = 0
            while next < blocks.count {
                let round = min(threads, blocks.count - next)
                let first = next
                let workers = UncheckedSendable(ws.blockWorkers)
                concurrentWorkers(round) { w in
                    let bw = workers.value[w]
                    bw.rows = rows[blocks[first + w]]
                    self.computeBlock(t, forces: forces, search: search, bw)
                }
                for w in 0..<round {
                    let bw = ws.blockWorkers[w]
                    if bw.tooClose { try throwFirstTooClose(search, file: file) }
                    if bw.nonFinite {
                        // The one-batch path checks RMIN over all atoms before any fingerprint.
                        try throwFirstTooClose(search, file: file)
                        throw AenetError("non-finite fingerprint for a \(self.types[t]) atom (overlapping atoms or absurd coordinates?)", file: file)
                    }
                }
                for w in 0..<round { apply(ws.blockWorkers[w], t: t, forces: forces, energies: &energies, force: &force) }
                next += round
            }
        }
        return prediction(structure, search: search, types: types, energies: energies, forces: forces ? force : nil)
    }

    /// Neighbours, fingerprints, network and (with `forces`) the gradient contraction of one block.
    func computeBlock(_ t: Int, forces: Bool, search: NeighbourSearch, _ bw: BlockWorkspace) {
        let pot = potentials[t], fp = fingerprints[t], net = pot.network, nws = bw.eval.networks[t]
        let nsf = fp.count, b = bw.rows.count
        let shift = featureShift[t], scale = featureScale[t]
        bw.tooClose = false; bw.nonFinite = false
        while bw.hoods.count < b { bw.hoods.append(Neighbourhood()) }
        let x = nws.prepare(batch: b)
        for (r, i) in bw.rows.enumerated() {
            search.neighbours(of: i, into: &bw.hoods[r])
            let nb = bw.hoods[r]
            for j in 0..<nb.count where nb.distance[j] < rcMin { bw.tooClose = true }
            if bw.tooClose { return }
            let row = x + r * nsf
            fp.evaluate(nb, values: row)
            for g in 0..<nsf { row[g] = scale[g] * (row[g] - shift[g]) }
        }
        for r in 0..<(b * nsf) where !x[r].isFinite { bw.nonFinite = true; return }
        let out = net.forward(nws, derivatives: forces)
        if bw.outputs.count < b { bw.outputs = [Double](repeating: 0, count: b) }
        for r in 0..<b { bw.outputs[r] = out[r] }
        guard forces else { return }
        let ews = bw.eval
        if ews.dx.count < b * nsf { ews.dx = [Double](repeating: 0, count: b * nsf) }
        if ews.weights.count < nsf { ews.weights = [Double](repeating: 0, count: nsf) }
        ews.dx.withUnsafeMutableBufferPointer { net.backward(nws, inputGradient: $0.baseAddress!) }
        if bw.gradientStart.count < b + 1 { bw.gradientStart = [Int](repeating: 0, count: b + 1) }
        if bw.centers.count < b { bw.centers = [SIMD3<Double>](repeating: .zero, count: b) }
        var total = 0
        for r in 0..<b { bw.gradientStart[r] = total; total += 3 * bw.hoods[r].count }
        bw.gradientStart[b] = total
        if bw.gradient.count < total { bw.gradient = [Double](repeating: 0, count: total + total / 4) }
        let eScale = pot.energyScale
        bw.gradient.withUnsafeMutableBufferPointer { grad in
            ews.weights.withUnsafeMutableBufferPointer { w in
                for r in 0..<b {
                    // dE_i/dG_g = (1/scale_E)·(∂o/∂x_g)·(1/σ_g)
                    for g in 0..<nsf { w[g] = eScale * ews.dx[r * nsf + g] * scale[g] }
                    let start = grad.baseAddress! + bw.gradientStart[r]
                    start.update(repeating: 0, count: 3 * bw.hoods[r].count)
                    var center = SIMD3<Double>.zero
                    fp.accumulateGradient(bw.hoods[r], weights: w.baseAddress!, center: &center, neighbours: start)
                    bw.centers[r] = center
                }
            }
        }
    }

    /// Energies and force contributions of a computed block, in atom order.
    private func apply(_ bw: BlockWorkspace, t: Int, forces: Bool, energies: inout [Double], force: inout [SIMD3<Double>]) {
        let pot = potentials[t]
        let eScale = pot.energyScale, eShift = pot.energyShift, eAtom = pot.atomicEnergy
        for (r, i) in bw.rows.enumerated() { energies[i] = eScale * bw.outputs[r] + eShift + eAtom }
        guard forces else { return }
        for (r, i) in bw.rows.enumerated() {
            force[i] -= bw.centers[r]
            let nb = bw.hoods[r], g0 = bw.gradientStart[r]
            for j in 0..<nb.count {
                let a = Int(nb.atomIndex[j])
                force[a] -= SIMD3(bw.gradient[g0 + 3 * j], bw.gradient[g0 + 3 * j + 1], bw.gradient[g0 + 3 * j + 2])
            }
        }
    }

    /// The error of the one-batch path: the first atom (index order) with a neighbour closer than RMIN.
    func throwFirstTooClose(_ search: NeighbourSearch, file: String) throws {
        var nb = Neighbourhood()
        for i in 0..<search.positions.count {
            search.neighbours(of: i, into: &nb)
            for j in 0..<nb.count where nb.distance[j] < rcMin {
                throw AenetError("atoms \(i + 1) and \(Int(nb.atomIndex[j]) + 1) are \(nb.distance[j]) Å apart, closer than RMIN = \(rcMin) Å of the potentials", file: file)
            }
        }
    }
}
