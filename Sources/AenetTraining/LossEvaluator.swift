import AenetCore
import COpenBLAS
import Foundation

/// The training loss of aenet (aenet train.f90) and its gradient, evaluated in batches of atoms with
/// one GEMM per layer and spread over the cores.
///
/// For structure s: dE_s = (E_s − Σ_atoms NN(x))/N_s (normalized units); loss = Σ_s ½dE_s².
/// The weight vector is the concatenation of all species' networks in species order (as aenet's).
///
/// The evaluator never changes a network: every call takes the weights it is evaluated at, and
/// `networks(with:)` makes networks from a weight vector when they are to be saved.
public final class LossEvaluator: @unchecked Sendable {
    /// The architectures (and starting weights) of the species' networks.
    public let networks: [FeedForwardNetwork]
    /// Start of each species' weights in the concatenated vector.
    public let offsets: [Int]
    public let weightCount: Int
    /// Threads to use (structures are split into this many contiguous parts).
    public let threads: Int
    /// Atoms per batch (rows of one GEMM) — large enough for BLAS efficiency, small enough for cache.
    public var atomsPerBatch = 2048
    /// Below this many atoms a pass stays on one thread (threads cost more than they save).
    public var minAtomsForThreads = 512
    private var workspaces: [[NetworkWorkspace]]

    public init(networks: [FeedForwardNetwork], threads: Int = 2) {
        self.networks = networks
        var o = [0]
        for n in networks { o.append(o.last! + n.weightCount) }
        offsets = o; weightCount = o.last!
        self.threads = max(1, threads)
        workspaces = (0..<self.threads).map { _ in networks.map { NetworkWorkspace(network: $0, capacity: 256) } }
    }

    /// The concatenated starting weights of the networks.
    public var weights: [Double] { networks.flatMap(\.weights) }

    /// The networks with the concatenated weights `w`.
    public func networks(with w: [Double]) -> [FeedForwardNetwork] {
        precondition(w.count == weightCount)
        return networks.indices.map { t in
            var n = networks[t]
            n.weights = Array(w[offsets[t]..<offsets[t + 1]])
            return n
        }
    }

    /// Σ_s ½dE_s² over `structures` (all when nil) at `weights`. Stores dE_s in `errors[s]` when
    /// given and sets `gradient` (length weightCount) to Σ_s dE_s·∂dE_s/∂w when given.
    public func loss(_ w: [Double], data: TrainingData, structures: [Int]? = nil,
                     gradient: UnsafeMutablePointer<Double>? = nil, errors: UnsafeMutablePointer<Double>? = nil) -> Double {
        precondition(w.count == weightCount)
        return w.withUnsafeBufferPointer { wp in loss(wp.baseAddress!, data: data, structures: structures, gradient: gradient, errors: errors) }
    }

    private func loss(_ wp: UnsafePointer<Double>, data: TrainingData, structures: [Int]?,
                      gradient: UnsafeMutablePointer<Double>?, errors: UnsafeMutablePointer<Double>?) -> Double {
        let list = structures ?? Array(0..<data.structureCount)
        if let g = gradient { g.update(repeating: 0, count: weightCount) }
        guard !list.isEmpty else { return 0 }
        let parts = split(list, data: data)
        var partial = [Double](repeating: 0, count: parts.count)
        let gbuf = gradient == nil || parts.count == 1 ? nil : UnsafeMutablePointer<Double>.allocate(capacity: weightCount * parts.count)
        defer { gbuf?.deallocate() }
        nonisolated(unsafe) let gAll = gbuf, gOut = gradient, eOut = errors, wIn = wp
        partial.withUnsafeMutableBufferPointer { pp in
            nonisolated(unsafe) let p = pp
            let run: @Sendable (Int) -> Void = { k in
                let g: UnsafeMutablePointer<Double>? = gOut == nil ? nil : (parts.count == 1 ? gOut : gAll! + k * self.weightCount)
                if let g { g.update(repeating: 0, count: self.weightCount) }
                p[k] = self.evaluate(list[parts[k]], weights: wIn, data: data, ws: self.workspaces[k], gradient: g, errors: eOut, scale: 1)
            }
            if parts.count == 1 { run(0) } else { DispatchQueue.concurrentPerform(iterations: parts.count, execute: run) }
        }
        if let g = gradient, let all = gbuf {
            // Fixed summation order: results do not depend on thread timing.
            for k in 0..<parts.count { cblas_daxpy(Int32(weightCount), 1.0, all + k * weightCount, 1, g, 1) }
        }
        return partial.reduce(0, +)
    }

    /// dE_s of one structure; `derivative` (length weightCount) receives ∂dE_s/∂w (aenet's Dw).
    public func structureError(_ w: [Double], data: TrainingData, structure s: Int,
                               derivative: UnsafeMutablePointer<Double>) -> Double {
        precondition(w.count == weightCount)
        derivative.update(repeating: 0, count: weightCount)
        var e = 0.0
        w.withUnsafeBufferPointer { wp in
            _ = evaluate([s], weights: wp.baseAddress!, data: data, ws: workspaces[0], gradient: derivative, errors: nil, scale: 0, single: &e)
        }
        return e
    }

    /// Errors dE_s and Jacobian columns ∂dE_s/∂w (column-major weightCount × list.count) of the
    /// structures in `list`, computed on all threads (each with its own scratch networks).
    public func jacobian(_ w: [Double], data: TrainingData, structures list: [Int],
                         into jac: UnsafeMutablePointer<Double>, errors: UnsafeMutablePointer<Double>) {
        precondition(w.count == weightCount)
        let n = weightCount
        w.withUnsafeBufferPointer { wp in
            nonisolated(unsafe) let jOut = jac, eOut = errors, wIn = wp.baseAddress!
            let workers = min(threads, max(1, list.count))
            concurrentWorkers(workers) { k in
                for j in stride(from: k, to: list.count, by: workers) {
                    let col = jOut + j * n
                    col.update(repeating: 0, count: n)
                    var e = 0.0
                    _ = self.evaluate([list[j]], weights: wIn, data: data, ws: self.workspaces[k], gradient: col, errors: nil, scale: 0, single: &e)
                    eOut[j] = e
                }
            }
        }
    }

    /// Contiguous parts of `list` with about equal atom counts, one per thread.
    private func split(_ list: [Int], data: TrainingData) -> [Range<Int>] {
        let total = list.reduce(0) { $0 + data.atomCounts[$1] }
        guard threads > 1, list.count >= 2 * threads, total >= minAtomsForThreads else { return [0..<list.count] }
        var parts: [Range<Int>] = [], start = 0, acc = 0
        for (i, s) in list.enumerated() {
            acc += data.atomCounts[s]
            if parts.count < threads - 1, acc * threads >= total * (parts.count + 1) { parts.append(start..<(i + 1)); start = i + 1 }
        }
        parts.append(start..<list.count)
        return parts.filter { !$0.isEmpty }
    }

    /// The loss over `list` in batches of about `atomsPerBatch` atoms.
    /// With `scale` = 1 the gradient is of ½dE² (c = −dE/N); with `scale` = 0 it is of dE (c = −1/N).
    private func evaluate(_ list: ArraySlice<Int>, weights w: UnsafePointer<Double>, data: TrainingData, ws: [NetworkWorkspace],
                          gradient: UnsafeMutablePointer<Double>?, errors: UnsafeMutablePointer<Double>?,
                          scale: Double) -> Double {
        var unused = 0.0
        return evaluate(Array(list), weights: w, data: data, ws: ws, gradient: gradient, errors: errors, scale: scale, single: &unused)
    }

    private func evaluate(_ list: [Int], weights w: UnsafePointer<Double>, data: TrainingData, ws: [NetworkWorkspace],
                          gradient: UnsafeMutablePointer<Double>?, errors: UnsafeMutablePointer<Double>?,
                          scale: Double, single: inout Double) -> Double {
        let nt = networks.count
        var sse = 0.0
        var start = 0
        var c: [[Double]] = Array(repeating: [], count: nt)
        while start < list.count {
            var end = start, atoms = 0
            while end < list.count && (end == start || atoms + data.atomCounts[list[end]] <= atomsPerBatch) {
                atoms += data.atomCounts[list[end]]; end += 1
            }
            let batch = list[start..<end]
            // Forward every species' atoms of the batch, then sum outputs per structure.
            var enn = [Double](repeating: 0, count: batch.count)
            for t in 0..<nt {
                let n = data.featureCounts[t]
                let rows = batch.reduce(0) { $0 + data.atoms(ofSpecies: t, in: $1) }
                let x = ws[t].prepare(batch: rows)
                guard rows > 0 else { continue }
                var r = 0
                for s in batch {
                    let k = data.atoms(ofSpecies: t, in: s)
                    data.copyRows(species: t, first: data.atomOffsets[t][s], count: k, to: x + r * n); r += k
                }
                let o = networks[t].forward(ws[t], weights: w + offsets[t], derivatives: gradient != nil)
                r = 0
                for (j, s) in batch.enumerated() {
                    for _ in 0..<data.atoms(ofSpecies: t, in: s) { enn[j] += o[r]; r += 1 }
                }
            }
            for (j, s) in batch.enumerated() {
                let de = (data.energies[s] - enn[j]) / Double(data.atomCounts[s])
                sse += 0.5 * de * de
                errors?[s] = de
                single = de
                enn[j] = de   // reuse: now holds dE
            }
            if let g = gradient {
                for t in 0..<nt where ws[t].batch > 0 {
                    c[t].removeAll(keepingCapacity: true)
                    for (j, s) in batch.enumerated() {
                        let v = -(scale == 0 ? 1 : enn[j]) / Double(data.atomCounts[s])
                        for _ in 0..<data.atoms(ofSpecies: t, in: s) { c[t].append(v) }
                    }
                    networks[t].backward(ws[t], weights: w + offsets[t], outputWeights: c[t], weightGradient: g + offsets[t])
                }
            }
            start = end
        }
        return sse
    }
}
