/// One large structure evaluated by all ranks of a run (MPI): its blocks of atoms are dealt over
/// the ranks, and rank 0 applies every block's results in the order of the one-rank blocked path,
/// so energies and forces are those of a serial run bit for bit.
///
/// The blocks are those of `evaluateBlocked` (per species, `blockSize` atoms each, in atom order).
/// They are handled in rounds of `threads × ranks` blocks: each rank computes a contiguous part of
/// the round on its threads and sends rank 0 the block's network outputs and (with forces) the
/// centre terms and per-neighbour gradients (3 doubles and an index per neighbour); rank 0 applies
/// them in block order. Memory per rank stays bounded by the round, as on one rank.
extension PotentialSet {
    /// Collective: every rank calls it with the same structure. Returns the prediction on rank 0,
    /// nil on the others. Errors of the structure itself (species, environments, geometry) are
    /// thrown on every rank; an atom closer than RMIN or a non-finite fingerprint is found by rank 0
    /// after the last round and thrown there only (the others return nil), with the message of the
    /// serial path. With one rank this is `evaluate`.
    public func evaluate(_ structure: Structure, forces: Bool, file: String = "<structure>",
                         workspace ws: EvaluationWorkspace, communicator comm: any Communicator) throws -> Prediction? {
        guard comm.size > 1 else { return try evaluate(structure, forces: forces, file: file, workspace: ws) }
        let n = structure.atomCount
        guard n > 0 else { throw AenetError("structure has no atoms", file: file) }
        let types = try typeIndices(of: structure, file: file)
        try checkEnvironments(Set(types), file: file)
        let search = try NeighbourSearch(validating: structure, types: types, cutoff: rcMax, convention: neighbourConvention, file: file)
        let threads = max(1, ws.threads)
        while ws.blockWorkers.count < threads { ws.blockWorkers.append(BlockWorkspace(self)) }
        var blocks: [(t: Int, rows: ArraySlice<Int>)] = []
        for t in potentials.indices {
            let rows = (0..<n).filter { types[$0] == Int32(t) }
            for s in stride(from: 0, to: rows.count, by: ws.blockSize) { blocks.append((t, rows[s..<min(s + ws.blockSize, rows.count)])) }
        }
        let root = comm.isRoot
        var energies = [Double](repeating: 0, count: root ? n : 0)
        var force = [SIMD3<Double>](repeating: .zero, count: root && forces ? n : 0)
        var tooClose = false, nonFiniteSpecies: Int?
        var next = 0
        while next < blocks.count {
            let round = min(threads * comm.size, blocks.count - next)
            let mine = comm.block(of: round)
            let first = next + mine.lowerBound
            let workers = UncheckedSendable(ws.blockWorkers)
            let roundBlocks = UncheckedSendable(blocks)
            // A rank may get no block of the last round (concurrentWorkers(0) would still run one).
            if !mine.isEmpty {
                concurrentWorkers(mine.count) { w in
                    let bw = workers.value[w], b = roundBlocks.value[first + w]
                    bw.rows = b.rows
                    self.computeBlock(b.t, forces: forces, search: search, bw)
                }
            }
            var out = ByteWriter()
            for w in 0..<mine.count { encode(ws.blockWorkers[w], forces: forces, into: &out) }
            if let parts = comm.gather(out.bytes, root: 0) {
                var k = next
                for part in parts {
                    var r = ByteReader(part)
                    while !r.atEnd {
                        let t = blocks[k].t
                        let flag = r.int()
                        if flag == 1 { tooClose = true } else if flag == 2, nonFiniteSpecies == nil { nonFiniteSpecies = t }
                        if flag == 0 && !tooClose && nonFiniteSpecies == nil {
                            applyEncoded(&r, rows: blocks[k].rows, t: t, forces: forces, energies: &energies, force: &force)
                        } else if flag == 0 {
                            skipEncoded(&r, forces: forces)
                        }
                        k += 1
                    }
                }
            }
            next += round
        }
        guard root else { return nil }
        // The serial path's errors: the first atom closer than RMIN (any block flagged), else the
        // species of the first block with a non-finite fingerprint.
        if tooClose || nonFiniteSpecies != nil { try throwFirstTooClose(search, file: file) }
        if let t = nonFiniteSpecies {
            throw AenetError("non-finite fingerprint for a \(self.types[t]) atom (overlapping atoms or absurd coordinates?)", file: file)
        }
        return prediction(structure, search: search, types: types, energies: energies, forces: forces ? force : nil)
    }

    /// A computed block as bytes: flag (0 ok, 1 an atom closer than RMIN, 2 non-finite
    /// fingerprint), then the outputs and (with forces) centre terms, neighbour counts, neighbour
    /// atom indices and gradients.
    private func encode(_ bw: BlockWorkspace, forces: Bool, into w: inout ByteWriter) {
        if bw.tooClose { w.int(1); return }
        if bw.nonFinite { w.int(2); return }
        w.int(0)
        let b = bw.rows.count
        w.doubles(Array(bw.outputs[0..<b]))
        guard forces else { return }
        var centers = [Double](repeating: 0, count: 3 * b), counts = [Int32](repeating: 0, count: b)
        var indices: [Int32] = []
        indices.reserveCapacity(bw.gradientStart[b] / 3)
        for r in 0..<b {
            centers[3 * r] = bw.centers[r].x; centers[3 * r + 1] = bw.centers[r].y; centers[3 * r + 2] = bw.centers[r].z
            let nb = bw.hoods[r]
            counts[r] = Int32(nb.count)
            indices.append(contentsOf: nb.atomIndex[0..<nb.count])
        }
        w.doubles(centers); w.int32s(counts); w.int32s(indices)
        w.doubles(Array(bw.gradient[0..<bw.gradientStart[b]]))
    }

    /// Energies and force contributions of an encoded block, in atom order (as `apply`).
    private func applyEncoded(_ r: inout ByteReader, rows: ArraySlice<Int>, t: Int, forces: Bool,
                              energies: inout [Double], force: inout [SIMD3<Double>]) {
        let pot = potentials[t]
        let eScale = pot.energyScale, eShift = pot.energyShift, eAtom = pot.atomicEnergy
        let outputs = r.doubles()
        for (k, i) in rows.enumerated() { energies[i] = eScale * outputs[k] + eShift + eAtom }
        guard forces else { return }
        let centers = r.doubles(), counts = r.int32s(), indices = r.int32s(), gradient = r.doubles()
        var g = 0
        for (k, i) in rows.enumerated() {
            force[i] -= SIMD3(centers[3 * k], centers[3 * k + 1], centers[3 * k + 2])
            for _ in 0..<Int(counts[k]) {
                let a = Int(indices[g / 3])
                force[a] -= SIMD3(gradient[g], gradient[g + 1], gradient[g + 2])
                g += 3
            }
        }
    }

    private func skipEncoded(_ r: inout ByteReader, forces: Bool) {
        _ = r.doubles()
        if forces { _ = r.doubles(); _ = r.int32s(); _ = r.int32s(); _ = r.doubles() }
    }
}
