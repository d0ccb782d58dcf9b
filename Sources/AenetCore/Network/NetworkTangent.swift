import COpenBLAS
import CVecMath

/// Scratch memory for the tangent passes: per layer the values a_l, the pre-activation
/// tangents ż_l, the tangents ȧ_l and f'(z_l), f''(z_l), for a batch of B samples (row-major),
/// plus four B × max(n) buffers for the adjoints.
///
/// Why: a force is F = −Σ_i ∇_x E_i · ∂x_i/∂R, so the weight gradient of a force loss needs
/// ∂/∂w of the directional input derivative ẏ = ∇_x y · v (v = the force residual pulled back to
/// feature space). That is forward mode in x followed by reverse mode in w.
public final class TangentWorkspace {
    public let layerSizes: [Int]
    public private(set) var batch = 0
    private var capacity = 0
    private var a: [UnsafeMutablePointer<Double>] = []
    private var zdot: [UnsafeMutablePointer<Double>] = []
    private var adot: [UnsafeMutablePointer<Double>] = []
    private var d1: [UnsafeMutablePointer<Double>] = []
    private var d2: [UnsafeMutablePointer<Double>] = []
    private var adj: [UnsafeMutablePointer<Double>] = []

    public init(network: FeedForwardNetwork, capacity: Int = 64) {
        layerSizes = network.layerSizes
        allocate(max(capacity, 1))
    }

    deinit { free() }

    private func free() {
        for p in a + zdot + adot + d1 + d2 + adj { p.deallocate() }
        a = []; zdot = []; adot = []; d1 = []; d2 = []; adj = []
    }

    private func allocate(_ c: Int) {
        free()
        capacity = c
        func layers() -> [UnsafeMutablePointer<Double>] { layerSizes.map { .allocate(capacity: c * $0) } }
        a = layers(); zdot = layers(); adot = layers(); d1 = layers(); d2 = layers()
        let m = layerSizes.max()!
        adj = (0..<4).map { _ in .allocate(capacity: c * m) }
    }

    /// Sets the batch size; returns the inputs x and the directions v (both B × n_input) to fill.
    public func prepare(batch b: Int) -> (input: UnsafeMutablePointer<Double>, direction: UnsafeMutablePointer<Double>) {
        if b > capacity { allocate(max(b, 2 * capacity)) }
        batch = b
        return (a[0], adot[0])
    }

    /// Outputs y_b and directional derivatives ẏ_b = ∇_x y_b · v_b of the last `forward`.
    public var output: UnsafePointer<Double> { UnsafePointer(a[layerSizes.count - 1]) }
    public var directionalDerivative: UnsafePointer<Double> { UnsafePointer(adot[layerSizes.count - 1]) }

    fileprivate var buffers: (a: [UnsafeMutablePointer<Double>], zdot: [UnsafeMutablePointer<Double>],
                              adot: [UnsafeMutablePointer<Double>], d1: [UnsafeMutablePointer<Double>],
                              d2: [UnsafeMutablePointer<Double>], adj: [UnsafeMutablePointer<Double>]) {
        (a, zdot, adot, d1, d2, adj)
    }
}

extension Activation {
    /// f(z), f'(z) and f''(z) for `n` pre-activations: z is replaced by f(z).
    func applyWithCurvature(_ z: UnsafeMutablePointer<Double>, first: UnsafeMutablePointer<Double>,
                            second: UnsafeMutablePointer<Double>, count n: Int) {
        switch self {
        case .linear:
            first.update(repeating: 1, count: n); second.update(repeating: 0, count: n)
        case .tanh:
            cvm_tanh(z, z, n)
            for i in 0..<n { let y = z[i], f = 1 - y * y; first[i] = f; second[i] = -2 * y * f }
        case .sigmoid:
            for i in 0..<n { z[i] = -z[i] }
            cvm_exp(z, z, n)
            for i in 0..<n {
                let y = 1 / (1 + z[i]), f = y * (1 - y)
                z[i] = y; first[i] = f; second[i] = f * (1 - 2 * y)
            }
        case .mtanh, .twist:
            let a = Self.a, b = Self.b, c = self == .twist ? Self.c : 0
            for i in 0..<n { second[i] = b * z[i] }
            cvm_tanh(second, second, n)   // t = tanh(b z), kept in `second` until used
            for i in 0..<n {
                let t = second[i], s = 1 - t * t
                z[i] = a * t + c * z[i]
                first[i] = a * b * s + c
                second[i] = -2 * a * b * b * t * s
            }
        }
    }
}

extension FeedForwardNetwork {
    /// Forward pass with tangents, for the B samples of `ws` (inputs and directions filled by
    /// `prepare`): z = a·M + b, a' = f(z); ż = ȧ·M, ȧ' = f'(z) ⊙ ż. Afterwards `ws.output` holds y_b
    /// and `ws.directionalDerivative` holds ẏ_b = ∇_x y_b · v_b.
    public func tangentForward(_ ws: TangentWorkspace, weights w: UnsafePointer<Double>) {
        precondition(ws.layerSizes == layerSizes, "workspace made for another network shape")
        let b = ws.batch, offsets = weightOffsets, buf = ws.buffers
        guard b > 0 else { return }
        for l in 0..<(layerCount - 1) {
            let nIn = layerSizes[l], nOut = layerSizes[l + 1]
            let block = w + offsets[l], bias = block + nIn * nOut
            let z = buf.a[l + 1], zd = buf.zdot[l + 1]
            for r in 0..<b { (z + r * nOut).update(from: bias, count: nOut) }
            cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(b), Int32(nOut), Int32(nIn),
                        1.0, buf.a[l], Int32(nIn), block, Int32(nOut), 1.0, z, Int32(nOut))
            cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(b), Int32(nOut), Int32(nIn),
                        1.0, buf.adot[l], Int32(nIn), block, Int32(nOut), 0.0, zd, Int32(nOut))
            activations[l].applyWithCurvature(z, first: buf.d1[l + 1], second: buf.d2[l + 1], count: b * nOut)
            let ad = buf.adot[l + 1], f1 = buf.d1[l + 1]
            for k in 0..<(b * nOut) { ad[k] = f1[k] * zd[k] }
        }
    }

    /// After `tangentForward`: adds Σ_b (c_b·∂y_b/∂w + e_b·∂ẏ_b/∂w) to `weightGradient` (aenet's
    /// layout, length `weightCount`); c = nil means no value term. Reverse mode through both
    /// the values and the tangents; four GEMMs per layer.
    public func tangentBackward(_ ws: TangentWorkspace, weights w: UnsafePointer<Double>,
                                valueWeights c: UnsafePointer<Double>?, tangentWeights e: UnsafePointer<Double>,
                                weightGradient g: UnsafeMutablePointer<Double>) {
        precondition(ws.layerSizes == layerSizes && outputCount == 1, "tangent passes need a single-output network of this shape")
        let b = ws.batch, offsets = weightOffsets, buf = ws.buffers
        guard b > 0 else { return }
        // Adjoints of the layer's outputs a' (A) and tangents ȧ' (T); the output layer is linear.
        var A = buf.adj[0], T = buf.adj[1], nextA = buf.adj[2], nextT = buf.adj[3]
        for r in 0..<b { A[r] = c?[r] ?? 0; T[r] = e[r] }
        for l in stride(from: layerCount - 2, through: 0, by: -1) {
            let nIn = layerSizes[l], nOut = layerSizes[l + 1]
            let block = w + offsets[l]
            let f1 = buf.d1[l + 1], f2 = buf.d2[l + 1], zd = buf.zdot[l + 1]
            // s = T ⊙ f'(z) (adjoint of ż, in T); t = A ⊙ f'(z) + T ⊙ f''(z) ⊙ ż (adjoint of z, in A).
            for k in 0..<(b * nOut) {
                let tk = T[k]
                A[k] = A[k] * f1[k] + tk * f2[k] * zd[k]
                T[k] = tk * f1[k]
            }
            // ∂/∂M += aᵀ·t + ȧᵀ·s ; ∂/∂bias += Σ_b t.
            let gM = g + offsets[l]
            cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, Int32(nIn), Int32(nOut), Int32(b),
                        1.0, buf.a[l], Int32(nIn), A, Int32(nOut), 1.0, gM, Int32(nOut))
            cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, Int32(nIn), Int32(nOut), Int32(b),
                        1.0, buf.adot[l], Int32(nIn), T, Int32(nOut), 1.0, gM, Int32(nOut))
            let gb = gM + nIn * nOut
            for r in 0..<b { for i in 0..<nOut { gb[i] += A[r * nOut + i] } }
            if l == 0 { break }
            // Adjoints of a_l and ȧ_l: t·Mᵀ and s·Mᵀ (bias column excluded).
            cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(b), Int32(nIn), Int32(nOut),
                        1.0, A, Int32(nOut), block, Int32(nOut), 0.0, nextA, Int32(nIn))
            cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(b), Int32(nIn), Int32(nOut),
                        1.0, T, Int32(nOut), block, Int32(nOut), 0.0, nextT, Int32(nIn))
            swap(&A, &nextA); swap(&T, &nextT)
        }
    }
}
