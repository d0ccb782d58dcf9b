/// train.in's description of a network's hidden layers: items `nodes:activation` (`10:tanh`).
public enum Architecture {
    /// The largest hidden layer accepted (a 10⁴ × 10⁴ layer already holds 800 MB of weights).
    public static let maxNodes = 10_000

    /// One `nodes:activation` item. Activation names are accepted in any case (aenet compares
    /// them case-sensitively and silently falls back to tanh); unknown names are errors.
    public static func hiddenLayer(_ item: Substring) throws -> (nodes: Int, activation: Activation) {
        let parts = item.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, let n = Int(parts[0]), n > 0 else {
            throw AenetError("malformed hidden layer '\(item)'; write nodes:activation, e.g. 10:tanh")
        }
        guard n <= maxNodes else {
            throw AenetError("hidden layer '\(item)' has more than \(maxNodes) nodes")
        }
        guard let a = Activation(name: String(parts[1]).lowercased()) else {
            throw AenetError("unknown activation '\(parts[1])' in '\(item)'; use linear, tanh, sigmoid, mtanh or twist")
        }
        return (n, a)
    }
}
