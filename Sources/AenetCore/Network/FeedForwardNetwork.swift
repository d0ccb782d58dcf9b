/// A feed-forward atomic neural network in aenet's layout (aenet ext/feedforward.f90, save_Network, ext/feedforward.f90).
///
/// `layerSizes` = nodes per layer without bias: input (= number of features), hidden layers,
/// output (always 1 for a potential). `activations[k]` belongs to layer k+2 in aenet's 1-based
/// numbering, i.e. to the output of weight block k.
///
/// **Weight layout.** Block k (layer k → k+1, 0-based) starts at `weightOffsets[k]` and is the
/// column-major matrix M_k of shape (n_{k+1} × (n_k + 1)): `weights[offset + i + j·n_{k+1}]` is the
/// weight from input node j to output node i, and column j = n_k is the bias. Read as a
/// *row-major* matrix the same numbers form Mᵀ with n_k + 1 rows of length n_{k+1}, which is how
/// the batched passes hand them to BLAS (rows = atoms): Z = X·Mᵀ[0..<n_k] + bias.
public struct FeedForwardNetwork: Sendable, Equatable {
    public let layerSizes: [Int]
    public let activations: [Activation]
    /// All weights and biases (aenet's W, length `weightCount`).
    public var weights: [Double]

    /// A network with the given architecture and weights (zeros when `weights` is nil).
    public init(layerSizes: [Int], activations: [Activation], weights: [Double]? = nil) throws {
        guard layerSizes.count >= 2, layerSizes.allSatisfy({ $0 > 0 }) else {
            throw AenetError("a network needs at least an input and an output layer with ≥ 1 node each (got \(layerSizes))")
        }
        guard activations.count == layerSizes.count - 1 else {
            throw AenetError("\(layerSizes.count) layers need \(layerSizes.count - 1) activation functions, got \(activations.count)")
        }
        self.layerSizes = layerSizes
        self.activations = activations
        let n = Self.weightOffsets(layerSizes).last!
        if let w = weights {
            guard w.count == n else { throw AenetError("architecture \(layerSizes) has \(n) weights, got \(w.count)") }
            self.weights = w
        } else {
            self.weights = Array(repeating: 0, count: n)
        }
    }

    public var layerCount: Int { layerSizes.count }
    public var inputCount: Int { layerSizes[0] }
    public var outputCount: Int { layerSizes[layerSizes.count - 1] }
    /// aenet's Wsize.
    public var weightCount: Int { weights.count }
    /// aenet's nnodes_max.
    public var maxNodes: Int { layerSizes.max()! }
    /// aenet's iw(1:L): start of each weight block, last = Wsize.
    public var weightOffsets: [Int] { Self.weightOffsets(layerSizes) }
    /// aenet's iv(1:L).
    public var valueOffsets: [Int] {
        var iv = [0]
        for l in 0..<(layerSizes.count - 1) { iv.append(iv[l] + layerSizes[l] + 1) }
        return iv
    }
    /// aenet's nvalues = iv(L) + n_L.
    public var valueCount: Int { valueOffsets.last! + layerSizes.last! }

    /// aenet's ff_memsize (printed as "Required memory (words)").
    public var memoryWords: Int {
        let l = layerCount, m = maxNodes + 1
        return (4 * l - 1) + (2 * weightCount + 2 * valueCount) * 2 + m * 2 + 2 * m * m * 2 + m * m * m * 2
    }

    static func weightOffsets(_ sizes: [Int]) -> [Int] {
        var iw = [0]
        for l in 0..<(sizes.count - 1) { iw.append(iw[l] + (sizes[l] + 1) * sizes[l + 1]) }
        return iw
    }

    /// Parses a train.in architecture: hidden layers as `nodes:activation` (e.g. `["10:tanh", "10:t"]`),
    /// between `inputs` features and one linear output node.
    public init(inputs: Int, hidden: [String]) throws {
        var sizes = [inputs], acts: [Activation] = []
        for h in hidden {
            let (n, a) = try Architecture.hiddenLayer(h[...])
            sizes.append(n); acts.append(a)
        }
        try self.init(layerSizes: sizes + [1], activations: acts + [.linear])
    }
}

extension FeedForwardNetwork {
    /// Writes the 9 records of aenet's save_Network.
    public func write(to w: inout FortranRecordWriter) {
        w.record { $0.append(layerCount) }
        w.record { $0.append(maxNodes) }
        w.record { $0.append(weightCount) }
        w.record { $0.append(valueCount) }
        w.record { $0.append(layerSizes) }
        w.record { r in for a in activations { r.append(a.rawValue) } }
        w.record { $0.append(weightOffsets) }
        w.record { $0.append(valueOffsets) }
        w.record { $0.append(weights) }
    }

    /// Reads the 9 records of aenet's load_Network, checking that the stored sizes and offsets
    /// agree with the architecture (a truncated or foreign file fails here, not later).
    /// Largest network read from a file (8 bytes each: 800 MB).
    public static let maxWeights = 100_000_000

    public static func read(from r: FortranRecordReader) throws -> FeedForwardNetwork {
        var rec = try r.next(); let nl = try rec.int()
        guard (2...1000).contains(nl) else { throw r.failure("implausible number of network layers \(nl) (not an aenet potential?)") }
        rec = try r.next(); let nmax = try rec.int()
        rec = try r.next(); let wsize = try rec.int()
        rec = try r.next(); let nvalues = try rec.int()
        rec = try r.next(); let sizes = try rec.ints(nl)
        guard sizes.allSatisfy({ (1...1_000_000).contains($0) }), sizes.max() == nmax else {
            throw r.failure("corrupt network layer sizes \(sizes)")
        }
        rec = try r.next(); let codes = try rec.ints(nl - 1)
        let acts = try codes.map { c -> Activation in
            guard let a = Activation(rawValue: Int32(truncatingIfNeeded: c)) else {
                throw r.failure("unknown activation function code \(c) (aenet knows 0–4)")
            }
            return a
        }
        rec = try r.next(); let iw = try rec.ints(nl)
        rec = try r.next(); let iv = try rec.ints(nl)
        // Size the network only after its claimed size agrees with the layers (without overflow)
        // and with the file: a corrupt layer claim must not allocate.
        var expected = 0
        for k in 0..<(nl - 1) {
            let (p, o1) = (sizes[k] + 1).multipliedReportingOverflow(by: sizes[k + 1])
            let (sum, o2) = expected.addingReportingOverflow(p)
            guard !o1, !o2 else { throw r.failure("network layers \(sizes) are too large (corrupt file)") }
            expected = sum
        }
        guard expected == wsize, wsize <= maxWeights else {
            throw r.failure("network sizes disagree with its layers \(sizes) or exceed \(maxWeights) weights (corrupt file)")
        }
        var net = try FeedForwardNetwork(layerSizes: sizes, activations: acts)
        guard net.weightCount == wsize, net.valueCount == nvalues, net.weightOffsets == iw, net.valueOffsets == iv else {
            throw r.failure("network sizes disagree with its layers \(sizes) (corrupt file)")
        }
        rec = try r.next()
        guard rec.count == 8 * wsize else { throw r.failure("weight record holds \(rec.count) bytes, \(8 * wsize) expected (corrupt file)") }
        net.weights = try rec.doubles(wsize)
        guard net.weights.allSatisfy(\.isFinite) else {
            throw r.failure("the network weights contain NaN or infinite values (a diverged training run?); use an earlier snapshot")
        }
        return net
    }

}
