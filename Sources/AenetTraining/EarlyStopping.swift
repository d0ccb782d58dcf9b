/// VALIDATION's bookkeeping (our extension): the epoch with the lowest validation RMSE so far
/// (ties keep the earlier epoch; non-finite values never count), and whether `patience` epochs
/// have passed without a lower one (patience 0: never stop).
public struct EarlyStopping: Sendable {
    public let patience: Int
    public private(set) var best: (epoch: Int, rmse: Double, weights: [Double])?

    public init(patience: Int) { self.patience = patience }

    public mutating func record(epoch: Int, rmse: Double, weights: @autoclosure () -> [Double]) {
        guard rmse.isFinite, best == nil || rmse < best!.rmse else { return }
        best = (epoch, rmse, weights())
    }

    public func shouldStop(after epoch: Int) -> Bool {
        guard patience > 0, let b = best else { return false }
        return epoch - b.epoch >= patience
    }
}
