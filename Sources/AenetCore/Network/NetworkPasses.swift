import COpenBLAS

/// Scratch memory for batched passes through one network: the node values of every layer for
/// a batch of B samples (atoms), row-major (one row per sample), plus the activation
/// derivatives and the back-propagated gradients. One workspace per thread and network shape;
/// reused across calls, growing when a larger batch arrives.
public final class NetworkWorkspace {
    public let layerSizes: [Int]
    /// Current batch size.
    public private(set) var batch = 0
    private var capacity = 0
    /// values[l]: B × n_l (l = 0 is the input), derivs[l]: f'(z) for l ≥ 1.
    private var values: [UnsafeMutablePointer<Double>] = []
    private var derivs: [UnsafeMutablePointer<Double>] = []
    /// Two B × max(n) buffers for the backward pass (ping-pong).
    private var gradA: UnsafeMutablePointer<Double>
    private var gradB: UnsafeMutablePointer<Double>
    /// Whether the last forward pass stored derivatives (needed by the backward passes).
    public private(set) var hasDerivatives = false

    public init(network: FeedForwardNetwork, capacity: Int = 64) {
        layerSizes = network.layerSizes
        gradA = .allocate(capacity: 1); gradB = .allocate(capacity: 1)
        allocate(max(capacity, 1))
    }

    deinit { free() }

    private func free() {
        for p in values { p.deallocate() }
        for p in derivs { p.deallocate() }
        gradA.deallocate(); gradB.deallocate()
        values = []; derivs = []
    }

    private func allocate(_ c: Int) {
        free()
        capacity = c
        values = layerSizes.map { .allocate(capacity: c * $0) }
        derivs = layerSizes.map { .allocate(capacity: c * $0) }
        let m = layerSizes.max()!
        gradA = .allocate(capacity: c * m); gradB = .allocate(capacity: c * m)
    }

    /// Sets the batch size and returns the input buffer (B × n_input, row-major) to fill.
    public func prepare(batch b: Int) -> UnsafeMutablePointer<Double> {
        if b > capacity { allocate(max(b, 2 * capacity)) }
        batch = b
        hasDerivatives = false
        return values[0]
    }

    /// Input buffer of the current batch.
    public var input: UnsafeMutablePointer<Double> { values[0] }
    /// Network outputs of the last forward pass (B values when the output layer has one node).
    public var output: UnsafePointer<Double> { UnsafePointer(values[layerSizes.count - 1]) }

    fileprivate func value(_ l: Int) -> UnsafeMutablePointer<Double> { values[l] }
    fileprivate func deriv(_ l: Int) -> UnsafeMutablePointer<Double> { derivs[l] }
    fileprivate func markDerivatives(_ d: Bool) { hasDerivatives = d }
    fileprivate var scratch: (UnsafeMutablePointer<Double>, UnsafeMutablePointer<Double>) { (gradA, gradB) }
}

extension FeedForwardNetwork {
    /// Batched forward pass over the `ws.batch` inputs already in `ws.input`; returns the outputs.
    ///
    /// Each layer is one GEMM (rows = samples) followed by a vectorised activation.
    /// With `derivatives` the activation derivatives are kept for `backward`.
    @discardableResult
    public func forward(_ ws: NetworkWorkspace, derivatives: Bool = false) -> UnsafePointer<Double> {
        weights.withUnsafeBufferPointer { forward(ws, weights: $0.baseAddress!, derivatives: derivatives) }
    }

    /// The same pass with the weights at `w` (`weightCount` values in aenet's layout) instead of
    /// the network's own: training evaluates trial weights without changing any network.
    @discardableResult
    public func forward(_ ws: NetworkWorkspace, weights w: UnsafePointer<Double>, derivatives: Bool = false) -> UnsafePointer<Double> {
        precondition(ws.layerSizes == layerSizes, "workspace made for another network shape")
        let b = ws.batch
        let offsets = weightOffsets
        guard b > 0 else { return ws.output }
        for l in 0..<(layerCount - 1) {
            let nIn = layerSizes[l], nOut = layerSizes[l + 1]
            let x = ws.value(l), z = ws.value(l + 1)
            let block = w + offsets[l]
            let bias = block + nIn * nOut
            for r in 0..<b { (z + r * nOut).update(from: bias, count: nOut) }
            cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(b), Int32(nOut), Int32(nIn),
                        1.0, x, Int32(nIn), block, Int32(nOut), 1.0, z, Int32(nOut))
            activations[l].apply(z, derivative: derivatives ? ws.deriv(l + 1) : nil, count: b * nOut)
        }
        ws.markDerivatives(derivatives)
        return ws.output
    }

    /// Back-propagation after `forward(ws, derivatives: true)`.
    ///
    /// With per-sample output weights c_b (nil = all 1):
    /// * `inputGradient` (B × n_input, row-major) receives c_b·∂y_b/∂x_b — the force kernel;
    /// * `weightGradient` (length `weightCount`, aenet layout) is *incremented* by Σ_b c_b·∂y_b/∂W —
    ///   the training kernel (e.g. c_b = the energy residual of the structure atom b belongs to).
    /// Either may be nil. Costs two GEMMs per layer.
    public func backward(_ ws: NetworkWorkspace, outputWeights c: UnsafePointer<Double>? = nil,
                         inputGradient: UnsafeMutablePointer<Double>? = nil,
                         weightGradient: UnsafeMutablePointer<Double>? = nil) {
        weights.withUnsafeBufferPointer {
            backward(ws, weights: $0.baseAddress!, outputWeights: c, inputGradient: inputGradient, weightGradient: weightGradient)
        }
    }

    /// The same pass with the weights at `w` (those the forward pass used).
    public func backward(_ ws: NetworkWorkspace, weights w: UnsafePointer<Double>, outputWeights c: UnsafePointer<Double>? = nil,
                         inputGradient: UnsafeMutablePointer<Double>? = nil,
                         weightGradient: UnsafeMutablePointer<Double>? = nil) {
        precondition(ws.hasDerivatives, "backward needs forward(_:derivatives: true) first")
        precondition(outputCount == 1, "backward assumes a single output node")
        let b = ws.batch
        guard b > 0 else { return }
        let offsets = weightOffsets
        var (delta, next) = ws.scratch
        // δ_L = c ⊙ f'_L(z_L)
        let dOut = ws.deriv(layerCount - 1)
        for r in 0..<b { delta[r] = (c?[r] ?? 1) * dOut[r] }
        do {
            for l in stride(from: layerCount - 2, through: 0, by: -1) {
                let nIn = layerSizes[l], nOut = layerSizes[l + 1]
                let block = w + offsets[l]
                if let g = weightGradient {
                    // ∂/∂Mᵀ[j][i] = Σ_b y_l[b][j]·δ[b][i]; bias row: Σ_b δ[b][i]
                    cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, Int32(nIn), Int32(nOut), Int32(b),
                                1.0, ws.value(l), Int32(nIn), delta, Int32(nOut), 1.0, g + offsets[l], Int32(nOut))
                    let gb = g + offsets[l] + nIn * nOut
                    for r in 0..<b { for i in 0..<nOut { gb[i] += delta[r * nOut + i] } }
                }
                if l == 0 && inputGradient == nil { break }
                // g_l = δ_{l+1}·M (without the bias column); δ_l = g_l ⊙ f'_l
                let out = l == 0 ? inputGradient! : next
                cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(b), Int32(nIn), Int32(nOut),
                            1.0, delta, Int32(nOut), block, Int32(nOut), 0.0, out, Int32(nIn))
                if l > 0 {
                    let d = ws.deriv(l)
                    for k in 0..<(b * nIn) { out[k] *= d[k] }
                    swap(&delta, &next)
                }
            }
        }
    }

    /// One sample, no batching: the network output for `x` (convenience, tests, small jobs).
    public func evaluate(_ x: [Double]) -> Double {
        precondition(x.count == inputCount)
        let ws = NetworkWorkspace(network: self, capacity: 1)
        let input = ws.prepare(batch: 1)
        for i in 0..<x.count { input[i] = x[i] }
        return forward(ws)[0]
    }
}
