import AenetCore
extension FeedForwardNetwork {
    /// aenet's initial weights (ff_random_init_weights, aenet ext/feedforward.f90, ff_random_init_weights): W = (u − 0.5)·√(12/(n_l + 1))
    /// for the weights fed by layer l (biases included), u uniform in [0, 1), drawn in W order.
    /// aenet reseeds from the clock for every network; we draw from the given generator.
    public mutating func randomizeWeights(_ rng: inout GfortranRandom) {
        let iw = weightOffsets
        for l in 0..<(layerCount - 1) {
            let width = (12.0 / Double(layerSizes[l] + 1)).squareRoot()
            for k in iw[l]..<iw[l + 1] { weights[k] = (rng.nextDouble() - 0.5) * width }
        }
    }
}
