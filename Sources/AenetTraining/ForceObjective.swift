import AenetCore
import COpenBLAS
import Foundation

/// The structures of a normalized training set that have force data, in the compact form force
/// training works on: standardized features per atom, reference forces (normalized units, as in
/// the `.scaled` file), and per atom i the blocks ∂x_i/∂R_j (3 × nsf, component-major, already
/// multiplied by the feature factors) for every atom j of the structure that x_i depends on —
/// periodic images are summed into their atom, which makes the blocks several times smaller
/// than the `.forces` file (one block per distinct atom instead of one per neighbour).
public final class ForceSet: @unchecked Sendable {
    public let featureCounts: [Int]
    /// Index of each structure in the training-set file (0-based) and its path.
    public private(set) var setIndex: [Int] = []
    public private(set) var paths: [String] = []
    /// Structure k has atoms atomStart[k] ..< atomStart[k + 1].
    public private(set) var atomStart: [Int] = [0]
    public private(set) var species: [Int] = []
    /// Atom a's features: features[featureStart[a] ..< featureStart[a] + featureCounts[species[a]]].
    public private(set) var featureStart: [Int] = []
    public private(set) var features: [Double] = []
    /// 3 per atom, normalized units (F·scale).
    public private(set) var forces: [Double] = []
    /// Atom a's blocks: entries entryStart[a] ..< entryStart[a + 1]; entry e moves atom
    /// atomStart[k] + entryAtom[e] of the same structure; its block starts at blockStart[a] + (e − entryStart[a])·3·nsf.
    public private(set) var entryStart: [Int] = [0]
    public private(set) var entryAtom: [Int32] = []
    public private(set) var blockStart: [Int] = []
    /// All blocks: in memory (grown with realloc, large blocks are moved by remapping, never
    /// copied, so loading never holds two copies) or in a mapped file (`ForceBlockPlacement`).
    private let blockStorage: ForceBlockStorage
    public var blocks: UnsafeBufferPointer<Double> { UnsafeBufferPointer(start: blockStorage.base, count: blockStorage.count) }
    /// True when the blocks are in a mapped file (their pages are released after use).
    public var blocksAreMapped: Bool { blockStorage.isMapped }
    /// Bytes of the blocks.
    public var blockBytes: Int { 8 * blockStorage.count }

    public var structureCount: Int { setIndex.count }
    public var atomCount: Int { species.count }
    public func atoms(of k: Int) -> Range<Int> { atomStart[k]..<atomStart[k + 1] }

    public init(featureCounts: [Int], placement: ForceBlockPlacement = .memory) throws {
        self.featureCounts = featureCounts
        blockStorage = try ForceBlockStorage(placement)
    }

    /// Bytes held in memory (for the memory report; mapped blocks are not counted).
    public var byteCount: Int { 8 * (features.count + forces.count + (blocksAreMapped ? 0 : blockStorage.count) + blockStart.count + entryStart.count + featureStart.count + species.count) + 4 * entryAtom.count }

    /// Releases the pages of structure k's blocks from the process when they are mapped
    /// (after a pass over it); nothing otherwise.
    public func releaseBlocks(of k: Int) {
        guard blockStorage.isMapped else { return }
        let a0 = atomStart[k], a1 = atomStart[k + 1]
        guard a1 > a0 else { return }
        let end = a1 < blockStart.count ? blockStart[a1] : blockStorage.count
        blockStorage.release(blockStart[a0]..<end)
    }

    /// Reads the structures of `scaledPath` that have derivatives in `forcesPath` (the `.forces`
    /// file generate wrote for the raw set; structures the normalization removed are skipped in
    /// order). Both files are streamed; only the compact data are kept, the derivative blocks
    /// where `placement` says (the same values either way).
    ///
    /// Errors (naming the `.forces` file): a structure of the training set that is not in it (in
    /// order, same path and atom count), different species or fingerprint sizes, a selected
    /// structure without reference forces, or no structure with derivatives at all.
    public static func load(scaledPath: String, forcesPath: String, setups: [FingerprintSetup],
                            placement: ForceBlockPlacement = .memory, keep: ((Int) -> Bool)? = nil) throws -> ForceSet {
        let reader = try TrainingSetReader(path: scaledPath)
        guard reader.header.normalized else { throw AenetError("training set is not normalized", file: scaledPath) }
        let stream = try ForcesFileStream(path: forcesPath)
        let factors = setups.map { $0.featureScaling().factor }
        let set = try ForceSet(featureCounts: setups.map(\.nsf), placement: placement)
        var scratch: [Double] = []
        let nTypes = reader.header.typeNames.count
        var atom = ForcesFileStream.Atom()
        var slot: [Int] = []
        var index = 0
        guard stream.structureCount >= reader.header.structureCount else {
            throw AenetError(.mismatch, "it lists \(stream.structureCount) structures, the training set \(scaledPath) has \(reader.header.structureCount): it does not belong to this training set (run generate with FORCES again)", file: forcesPath)
        }
        while let s = try reader.next() {
            // The next entry of the .forces file for this structure (skipping removed ones).
            var header: ForcesFileStream.Header?
            while let h = try stream.nextStructure() {
                if h.path == s.path && h.atomCount == s.atomCount { header = h; break }
                try stream.skipAtoms(of: h)
            }
            guard let h = header else {
                throw AenetError(.mismatch, "structure \(index + 1) of the training set (\(s.path), \(s.atomCount) atoms) is not in this forces file (compared in order by path and atom count): it does not belong to the training set \(scaledPath); run generate with FORCES again", file: forcesPath)
            }
            guard h.typeCount == nTypes else {
                throw AenetError(.mismatch, "structure \(s.path): \(h.typeCount) species in the forces file, \(nTypes) in the training set", file: forcesPath)
            }
            defer { index += 1 }
            // `keep` (MPI: this process's structures): the others are checked and skipped.
            if let keep, !keep(index) { try stream.skipAtoms(of: h); continue }
            guard h.selected else { continue }
            guard s.forces.count == 3 * s.atomCount, s.forces.allSatisfy(\.isFinite) else {
                throw AenetError(.mismatch, "structure \(s.path) has derivatives but no reference forces in the training set \(scaledPath)", file: forcesPath)
            }
            if slot.count < s.atomCount { slot = [Int](repeating: -1, count: s.atomCount) }
            for i in 0..<s.atomCount {
                try stream.nextAtom(&atom, of: h, index: i)
                let t = s.types[i], n = s.fingerprintCount(i)
                guard atom.type == t, atom.nsf == n, t < factors.count, factors[t].count == n else {
                    throw AenetError(.mismatch, "structure \(s.path), atom \(i + 1): derivatives for species \(atom.type + 1) with \(atom.nsf) functions, the training set has species \(t + 1) with \(n)", file: forcesPath)
                }
                set.species.append(t)
                set.featureStart.append(set.features.count)
                set.features.append(contentsOf: s.fingerprints[s.fingerprintOffsets[i]..<(s.fingerprintOffsets[i] + n)])
                // Distinct atoms this one depends on: itself first, then neighbours in order.
                var order: [Int] = [i]
                slot[i] = 0
                for j in atom.neighbours where slot[j] < 0 { slot[j] = order.count; order.append(j) }
                let m = 3 * n, size = order.count * m
                if scratch.count < size { scratch = [Double](repeating: 0, count: size) }
                let fac = factors[t], nnb = atom.neighbours.count
                let start = try scratch.withUnsafeMutableBufferPointer { buf -> Int in
                    let own = buf.baseAddress!
                    own.update(repeating: 0, count: size)
                    for q in 0..<m { own[q] += fac[q % n] * atom.center[q] }
                    for e in 0..<nnb {
                        let dst = own + slot[atom.neighbours[e]] * m
                        for q in 0..<m { dst[q] += fac[q % n] * atom.neighbourDerivatives[e + nnb * q] }
                    }
                    return try set.blockStorage.append(own, size)
                }
                set.blockStart.append(start)
                for j in order { set.entryAtom.append(Int32(j)); slot[j] = -1 }
                set.entryStart.append(set.entryAtom.count)
            }
            set.forces.append(contentsOf: s.forces)
            set.atomStart.append(set.species.count)
            set.setIndex.append(index); set.paths.append(s.path)
        }
        guard set.structureCount > 0 || keep != nil else {
            throw AenetError(.invalidInput, "no structure of the training set has derivatives in this file; run generate with FORCES and FORCESPERCENT > 0", file: forcesPath)
        }
        try set.blockStorage.finish()
        return set
    }
}

/// Forces of a `ForceSet` and the gradient of ½Σ|ΔF|² over a list of its structures, batched:
/// per species one GEMM per layer over all atoms of the list (in parts of `atomsPerPass`),
/// the structures split over `threads` workers with a fixed-order reduction (deterministic).
public final class ForceEvaluator: @unchecked Sendable {
    public let networks: [FeedForwardNetwork]
    public let offsets: [Int]
    public let weightCount: Int
    public let threads: Int
    public var atomsPerPass = 2048
    private let workers: [Worker]

    final class Worker {
        let ws: [NetworkWorkspace]
        let tws: [TangentWorkspace]
        var rows: [[Int]]
        var grad: [Double] = []       // ∇_x E per atom of the pass (feature layout)
        var force: [Double] = []      // predicted forces of the pass, 3 per atom
        var gradient: [Double]
        var sse = 0.0
        var atoms = 0
        init(_ nets: [FeedForwardNetwork], weightCount: Int) {
            ws = nets.map { NetworkWorkspace(network: $0, capacity: 256) }
            tws = nets.map { TangentWorkspace(network: $0, capacity: 256) }
            rows = nets.map { _ in [] }
            gradient = [Double](repeating: 0, count: weightCount)
        }
    }

    public init(networks: [FeedForwardNetwork], threads: Int = 2) {
        self.networks = networks
        var o = [0]
        for n in networks { o.append(o.last! + n.weightCount) }
        offsets = o; weightCount = o.last!
        self.threads = max(1, threads)
        workers = (0..<self.threads).map { _ in Worker(networks, weightCount: o.last!) }
    }

    /// Σ|ΔF|² (normalized units) and the number of atoms over `structures` of `set` at `w`;
    /// when `gradient` is given it is set to Σ ΔF·∂F/∂w (the gradient of half the sum). When
    /// `forcesOut` is given, the predicted forces of every atom of `set` in the list are stored
    /// at 3·(atom index in `set`).
    public func sumSquaredErrors(_ w: UnsafePointer<Double>, set: ForceSet, structures: [Int],
                                 gradient: UnsafeMutablePointer<Double>? = nil,
                                 forcesOut: UnsafeMutablePointer<Double>? = nil) -> (sse: Double, atoms: Int) {
        // Contiguous parts with about equal atom counts.
        let total = structures.reduce(0) { $0 + set.atomStart[$1 + 1] - set.atomStart[$1] }
        let nw = total < 256 ? 1 : threads
        var parts: [ArraySlice<Int>] = []
        var begin = 0, acc = 0
        for (q, k) in structures.enumerated() {
            acc += set.atomStart[k + 1] - set.atomStart[k]
            if parts.count < nw - 1, acc * nw >= total * (parts.count + 1) {
                parts.append(structures[begin...q]); begin = q + 1
            }
        }
        parts.append(structures[begin...])
        let out = UncheckedSendable(forcesOut)
        concurrentWorkers(parts.count) { p in
            let wk = workers[p]
            wk.sse = 0; wk.atoms = 0
            if gradient != nil { for i in wk.gradient.indices { wk.gradient[i] = 0 } }
            var list = parts[p][...]
            while !list.isEmpty {
                var n = 0, end = list.startIndex
                while end < list.endIndex, n == 0 || n + set.atomStart[list[end] + 1] - set.atomStart[list[end]] <= atomsPerPass {
                    n += set.atomStart[list[end] + 1] - set.atomStart[list[end]]; end += 1
                }
                pass(w, set: set, structures: list[list.startIndex..<end], worker: wk, gradient: gradient != nil, forcesOut: out.value)
                list = list[end...]
            }
        }
        var sse = 0.0, atoms = 0
        for p in 0..<parts.count { sse += workers[p].sse; atoms += workers[p].atoms }
        if let g = gradient {
            g.update(repeating: 0, count: weightCount)
            for p in 0..<parts.count { workers[p].gradient.withUnsafeBufferPointer { s in for i in 0..<weightCount { g[i] += s[i] } } }
        }
        return (sse, atoms)
    }

    /// One pass over consecutive structures of a part: forces, ΔF, and (with `gradient`) the
    /// tangent passes adding Σ ΔF·∂F/∂w to the worker's gradient.
    private func pass(_ w: UnsafePointer<Double>, set: ForceSet, structures: ArraySlice<Int>, worker wk: Worker,
                      gradient: Bool, forcesOut: UnsafeMutablePointer<Double>?) {
        // Local atom order: the structures' atoms one after the other.
        var nAtoms = 0, nFeat = 0
        for k in structures { for a in set.atoms(of: k) { nAtoms += 1; nFeat += set.featureCounts[set.species[a]] } }
        if wk.grad.count < nFeat { wk.grad = [Double](repeating: 0, count: nFeat) }
        if wk.force.count < 3 * nAtoms { wk.force = [Double](repeating: 0, count: 3 * nAtoms) }
        for t in networks.indices { wk.rows[t].removeAll(keepingCapacity: true) }
        set.species.withUnsafeBufferPointer { species in
        set.featureStart.withUnsafeBufferPointer { fstart in
        set.features.withUnsafeBufferPointer { feats in
        set.entryStart.withUnsafeBufferPointer { estart in
        set.entryAtom.withUnsafeBufferPointer { eatom in
        set.blockStart.withUnsafeBufferPointer { bstart in
        do { let blocks = set.blocks
        set.forces.withUnsafeBufferPointer { fref in
        wk.grad.withUnsafeMutableBufferPointer { gradBuf in
        wk.force.withUnsafeMutableBufferPointer { forceBuf in
            let grad = gradBuf.baseAddress!, force = forceBuf.baseAddress!
            let first = set.atomStart[structures.first!]
            // Atoms of one pass are contiguous in the set only when the structures are; map
            // local atom → global atom and local feature offsets.
            var localFeature = [Int](repeating: 0, count: nAtoms)
            var globalAtom = [Int](repeating: 0, count: nAtoms)
            var structureBase = [Int](repeating: 0, count: nAtoms)   // local index of the structure's first atom
            var la = 0, lf = 0
            for k in structures {
                let base = la
                for a in set.atoms(of: k) {
                    globalAtom[la] = a; localFeature[la] = lf; structureBase[la] = base
                    wk.rows[species[a]].append(la)
                    lf += set.featureCounts[species[a]]; la += 1
                }
            }
            _ = first
            // ∇_x E_i for every atom: forward with derivatives and backward per species.
            for t in networks.indices where !wk.rows[t].isEmpty {
                let n = set.featureCounts[t], rows = wk.rows[t], ws = wk.ws[t]
                let x = ws.prepare(batch: rows.count)
                for (r, l) in rows.enumerated() { (x + r * n).update(from: feats.baseAddress! + fstart[globalAtom[l]], count: n) }
                networks[t].forward(ws, weights: w + offsets[t], derivatives: true)
                // The input gradient lands in the tangent workspace's direction buffer (scratch here).
                let (_, scratch) = wk.tws[t].prepare(batch: rows.count)
                networks[t].backward(ws, weights: w + offsets[t], inputGradient: scratch)
                for (r, l) in rows.enumerated() { (grad + localFeature[l]).update(from: scratch + r * n, count: n) }
            }
            // F_j = −Σ_i (∂x_i/∂R_j)ᵀ ∇_x E_i.
            force.update(repeating: 0, count: 3 * nAtoms)
            for l in 0..<nAtoms {
                let a = globalAtom[l], n = set.featureCounts[species[a]], g = grad + localFeature[l]
                var b = blocks.baseAddress! + bstart[a]
                for e in estart[a]..<estart[a + 1] {
                    let j = structureBase[l] + Int(eatom[e])
                    for c in 0..<3 {
                        var s = 0.0
                        let bc = b + c * n
                        for k in 0..<n { s += bc[k] * g[k] }
                        force[3 * j + c] -= s
                    }
                    b += 3 * n
                }
            }
            // ΔF (kept in `force`), its sum of squares, the forces out.
            for l in 0..<nAtoms {
                let a = globalAtom[l]
                for c in 0..<3 {
                    let f = force[3 * l + c]
                    forcesOut?[3 * a + c] = f
                    let d = f - fref[3 * a + c]
                    force[3 * l + c] = d
                    wk.sse += d * d
                }
            }
            wk.atoms += nAtoms
            guard gradient else { return }
            // v_i = Σ_j (∂x_i/∂R_j) ΔF_j, then the tangent passes with weight −1 on ẏ.
            wk.gradient.withUnsafeMutableBufferPointer { gw in
                for t in networks.indices where !wk.rows[t].isEmpty {
                    let n = set.featureCounts[t], rows = wk.rows[t], tws = wk.tws[t]
                    let (x, v) = tws.prepare(batch: rows.count)
                    for (r, l) in rows.enumerated() {
                        let a = globalAtom[l]
                        (x + r * n).update(from: feats.baseAddress! + fstart[a], count: n)
                        let vr = v + r * n
                        vr.update(repeating: 0, count: n)
                        var b = blocks.baseAddress! + bstart[a]
                        for e in estart[a]..<estart[a + 1] {
                            let j = structureBase[l] + Int(eatom[e])
                            for c in 0..<3 {
                                let d = force[3 * j + c], bc = b + c * n
                                for k in 0..<n { vr[k] += bc[k] * d }
                            }
                            b += 3 * n
                        }
                    }
                    networks[t].tangentForward(tws, weights: w + offsets[t])
                    let minusOne = [Double](repeating: -1, count: rows.count)
                    networks[t].tangentBackward(tws, weights: w + offsets[t], valueWeights: nil, tangentWeights: minusOne,
                                                weightGradient: gw.baseAddress! + offsets[t])
                }
            }
        }}}}}}}}}}
        // Mapped blocks: only the structures being worked on stay resident.
        if set.blocksAreMapped { for k in structures { set.releaseBlocks(of: k) } }
    }
}

/// aenet-PyTorch's loss over a mini-batch B of training structures (its network.py and
/// optimization_step.py), in normalized units (energies and forces × the training set's scale):
///
///     L = (1 − α)·√(Σ_{s∈B} (ΔE_s/N_s)² / |B|) + α·√(Σ_{atoms of B with forces} |ΔF|² / N_F)
///
/// Every structure counts in the energy term; only those with derivatives in the force term
/// (N_F = their atom count; no force term when the batch has none). Its gradient is analytic:
/// the energy part from `LossEvaluator` (Σ dE·∂dE/∂w, scaled by (1−α)/(|B|·RMSE_E)), the force
/// part from `ForceEvaluator` (Σ ΔF·∂F/∂w, scaled by α/(N_F·RMSE_F)).
public final class ForceObjective: BatchObjective, @unchecked Sendable {
    public let energy: LossEvaluator
    public let force: ForceEvaluator
    public let alpha: Double
    public let train: TrainingData
    public let forceSet: ForceSet?
    /// Training structure s (local: of `train`) → structure of `forceSet` (−1 = no forces).
    public let trainForceIndex: [Int]
    /// Data parallel training (MPI): `train` is the block `share.range` of the training
    /// structures; batches hold global indices, every sum is reduced over the processes.
    public let share: TrainingShare
    /// Whether global training structure s has forces (every process knows all).
    private let globalHasForces: [Bool]
    private var gE: [Double], gF: [Double]

    /// - Parameter globalHasForces: with several processes, whether each global training
    ///   structure has forces (nil: from `trainForceIndex`, one process).
    public init(energy: LossEvaluator, force: ForceEvaluator, alpha: Double, train: TrainingData,
                forceSet: ForceSet?, trainForceIndex: [Int], share: TrainingShare? = nil, globalHasForces: [Bool]? = nil) {
        precondition(trainForceIndex.count == train.structureCount)
        self.energy = energy; self.force = force; self.alpha = alpha; self.train = train
        self.forceSet = forceSet; self.trainForceIndex = trainForceIndex
        self.share = share ?? TrainingShare(whole: train)
        self.globalHasForces = globalHasForces ?? trainForceIndex.map { $0 >= 0 }
        precondition(self.globalHasForces.count == self.share.count)
        gE = [Double](repeating: 0, count: energy.weightCount); gF = gE
    }

    public func hasForces(_ s: Int) -> Bool { globalHasForces[s] }

    public func lossAndGradient(_ w: [Double], _ g: inout [Double], batch: [Int]) -> Double {
        let (loss, _, _) = evaluate(w, batch: batch, gradient: &g)
        return loss
    }

    /// The loss and its two RMSEs (normalized units) over `batch`; fills `gradient` when non-empty.
    public func evaluate(_ w: [Double], batch: [Int], gradient g: inout [Double]) -> (loss: Double, rmseE: Double, rmseF: Double) {
        let wantGradient = !g.isEmpty
        let nE = Double(batch.count)
        let local = share.local(batch)
        var halfSE = wantGradient
            ? gE.withUnsafeMutableBufferPointer { energy.loss(w, data: train, structures: local, gradient: $0.baseAddress!) }
            : energy.loss(w, data: train, structures: local)
        var sseF = 0.0, nF = 0
        let forceStructures = local.compactMap { trainForceIndex[$0] >= 0 ? trainForceIndex[$0] : nil }
        let forceGradient = wantGradient && alpha > 0
        if let fs = forceSet, !forceStructures.isEmpty {
            let r = w.withUnsafeBufferPointer { wp in
                forceGradient
                    ? gF.withUnsafeMutableBufferPointer { force.sumSquaredErrors(wp.baseAddress!, set: fs, structures: forceStructures, gradient: $0.baseAddress!) }
                    : force.sumSquaredErrors(wp.baseAddress!, set: fs, structures: forceStructures)
            }
            nF = r.atoms; sseF = r.sse
        } else if forceGradient {
            for i in gF.indices { gF[i] = 0 }
        }
        if share.isDistributed {
            // One sum over the processes in rank order: both gradients, then the three sums.
            var buffer: [Double] = wantGradient ? gE + (forceGradient ? gF : []) : []
            buffer += [halfSE, sseF, Double(nF)]
            share.comm.allreduceSum(&buffer)
            halfSE = buffer[buffer.count - 3]; sseF = buffer[buffer.count - 2]; nF = Int(buffer[buffer.count - 1])
            if wantGradient {
                let n = gE.count
                for i in 0..<n { gE[i] = buffer[i] }
                if forceGradient { for i in 0..<n { gF[i] = buffer[n + i] } }
            }
        }
        let rmseE = (2 * halfSE / nE).squareRoot()
        let rmseF = nF > 0 ? (sseF / Double(nF)).squareRoot() : 0
        let loss = (1 - alpha) * rmseE + alpha * rmseF
        if wantGradient {
            let cE = rmseE > 0 ? (1 - alpha) / (nE * rmseE) : 0
            let cF = nF > 0 && rmseF > 0 && alpha > 0 ? alpha / (Double(nF) * rmseF) : 0
            for i in g.indices { g[i] = cE * gE[i] + (cF != 0 ? cF * gF[i] : 0) }
        }
        return (loss, rmseE, rmseF)
    }
}
