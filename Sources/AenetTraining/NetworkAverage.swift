import AenetCore
import Foundation

/// Folds K networks into one: the mean of their outputs, computed by a single wider network of
/// the same depth (hidden layer l has Σ_k n_l^(k) nodes; the members sit in diagonal blocks, the
/// off-diagonal weights are zero; the linear output layer carries 1/K of each member's output
/// weights and the mean of their biases). The result is an ordinary aenet network, so an ensemble
/// of independently trained potentials is stored and used as one `.nn` file per species.
public enum NetworkAverage {
    public static func average(_ nets: [FeedForwardNetwork]) throws -> FeedForwardNetwork {
        guard let first = nets.first else { throw AenetError("no networks to average") }
        let depth = first.layerCount
        for n in nets {
            guard n.layerCount == depth, n.activations == first.activations, n.inputCount == first.inputCount,
                  n.outputCount == first.outputCount else {
                throw AenetError(.mismatch, "networks can only be averaged when they have the same inputs, outputs, depth and activations (got \(first.layerSizes) and \(n.layerSizes))")
            }
        }
        guard first.activations.last == .linear else { throw AenetError("averaging needs a linear output layer") }
        if nets.count == 1 { return first }
        let k = Double(nets.count)
        // Merged layer sizes and each member's first node in every merged layer.
        var sizes = [first.inputCount]
        var starts: [[Int]] = [Array(repeating: 0, count: nets.count)]   // inputs are shared
        for l in 1..<(depth - 1) {
            var s: [Int] = [], acc = 0
            for n in nets { s.append(acc); acc += n.layerSizes[l] }
            sizes.append(acc); starts.append(s)
        }
        sizes.append(first.outputCount); starts.append(Array(repeating: 0, count: nets.count))
        var merged = try FeedForwardNetwork(layerSizes: sizes, activations: first.activations)
        let mo = merged.weightOffsets
        for (m, n) in nets.enumerated() {
            let no = n.weightOffsets
            for l in 0..<(depth - 1) {
                let nin = n.layerSizes[l], nout = n.layerSizes[l + 1]
                let min_ = sizes[l], mout = sizes[l + 1]
                let output = l == depth - 2
                let scale = output ? 1 / k : 1
                for j in 0...nin {                     // j == nin: bias column
                    let mj = j == nin ? min_ : starts[l][m] + j
                    for i in 0..<nout {
                        let mi = starts[l + 1][m] + i
                        merged.weights[mo[l] + mi + mj * mout] += scale * n.weights[no[l] + i + j * nout]
                    }
                }
            }
        }
        return merged
    }

    /// Averages potential files of one species (same descriptor setup and training-set
    /// normalization, as when trained on the same `.scaled` set) and writes the result.
    public static func averageFiles(_ inputs: [String], output: String) throws {
        let pots = try inputs.map { try Potential.read(path: $0) }
        guard let p0 = pots.first else { throw AenetError("no network files to average") }
        for (p, path) in zip(pots, inputs) {
            guard p.setup == p0.setup, p.trainingSet == p0.trainingSet else {
                throw AenetError(.mismatch, "its descriptor setup or training-set normalization differs from \(inputs[0]); only networks trained on the same training set can be averaged", file: path)
            }
        }
        let p = try Potential(network: average(pots.map(\.network)), setup: p0.setup, trainingSet: p0.trainingSet)
        try p.write(path: output)
    }
}
