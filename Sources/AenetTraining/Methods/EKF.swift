import AenetCore
import Foundation

/// The extended Kalman filter of aenet (aenet optimize.f90): weights in consecutive groups of `wgroup`, each
/// with its own covariance P (initially I/state); per structure with error e and Jacobian J = ∂E_nn/∂w:
/// B = P·J, A = Jᵀ·B + λ, K = B/A, w += K·e, P ← (P − K·Bᵀ)/λ (+ pnoise on the diagonal),
/// then λ ← λ0·(λ − 1) + 1.
struct EKF: Sendable {
    public var lambda: Double
    public let lambda0, pnoise: Double
    public let groupSize: Int
    /// Sizes of the groups (the last may be smaller).
    public let groups: [Int]
    /// Covariances, one `groupSize²` column-major block per group (only `size²` of it used).
    public var P: [Double]

    public init(n: Int, lambda: Double, lambda0: Double, state: Double, pnoise: Double, wgroup: Double) {
        self.lambda = lambda; self.lambda0 = lambda0; self.pnoise = pnoise
        let wg = max(1, min(Int(wgroup.rounded()), n))
        groupSize = wg
        groups = stride(from: 0, to: n, by: wg).map { min(wg, n - $0) }
        P = Array(repeating: 0, count: wg * wg * groups.count)
        for g in groups.indices { for i in 0..<groups[g] { P[g * wg * wg + i * wg + i] = 1 / state } }
    }

    /// One update with error `e` = E_ref − E_nn (per atom, normalized) and `J` = ∂(E_nn/N)/∂w.
    public mutating func update(_ w: inout [Double], error e: Double, jacobian J: [Double]) {
        let wg = groupSize
        var b = [Double](repeating: 0, count: wg)
        P.withUnsafeMutableBufferPointer { P in
            var start = 0
            for (gi, n) in groups.enumerated() {
                let p = P.baseAddress! + gi * wg * wg
                for i in 0..<n { b[i] = 0 }
                for j in 0..<n { let jj = J[start + j]; if jj != 0 { for i in 0..<n { b[i] += p[j * wg + i] * jj } } }
                var a = lambda
                for i in 0..<n { a += J[start + i] * b[i] }
                for i in 0..<n { w[start + i] += b[i] / a * e }
                let inv = 1 / lambda
                for j in 0..<n {
                    let kj = b[j] / a
                    for i in 0..<n { p[j * wg + i] = (p[j * wg + i] - b[i] * kj) * inv }
                }
                if pnoise > 0 { for i in 0..<n { p[i * wg + i] += pnoise } }
                start += n
            }
        }
        lambda = lambda0 * (lambda - 1) + 1
    }

    /// aenet's `train.restart` records for ekf after the method name: sizes, λ, group sizes, P.
    public func write(to w: inout FortranRecordWriter) {
        w.record { $0.append(Int32(groups.reduce(0, +))); $0.append(Int32(groupSize)); $0.append(Int32(groups.count)) }
        w.record { $0.append(lambda) }
        w.record { $0.append(groups) }
        w.record { $0.append(P) }
    }

    /// Restores the state written by `write` (ours or aenet's); false when the sizes do not fit.
    public mutating func read(from r: FortranRecordReader) throws -> Bool {
        var rec = try r.next()
        let n = try rec.int(), wg = try rec.int(), ng = try rec.int()
        guard n == groups.reduce(0, +), wg == groupSize, ng == groups.count else { return false }
        rec = try r.next(); let l = try rec.double()
        rec = try r.next(); guard try rec.ints(ng) == groups else { return false }
        rec = try r.next(); P = try rec.doubles(wg * wg * ng)
        lambda = l
        return true
    }
}

/// METHOD ekf: one Kalman update per structure of the epoch's schedule.
final class EKFMethod: TrainingMethod {
    public static let token = "ekf"
    public static let displayName = "Extended Kalman Filter"
    public static let parameters: [(name: String, value: Double)] =
        [("lambda", 0.999), ("lambda0", 0.97), ("state", 10), ("pnoise", 0), ("adaptive", 0.6), ("wgroup", 100)]
    public static func problem(with v: [Double]) -> String? {
        if !(v[0] > 0 && v[0] <= 1) || !(v[1] > 0 && v[1] <= 1) {
            return "the forgetting factors lambda=\(v[0]) and lambda0=\(v[1]) must be in (0, 1]"
        }
        if !(v[2] > 0) { return "state=\(v[2]) must be positive" }
        if !(v[3] >= 0) { return "the process noise pnoise=\(v[3]) must not be negative" }
        if !(1...1e6).contains(v[5]) { return "wgroup=\(v[5]) must be between 1 and 1e6 weights" }
        return nil
    }
    public static var supportsL2: Bool { false }
    /// One wgroup² covariance block per group of weights.
    public static func workingMemory(values v: [Double], weightCount nw: Int, structureCount: Int) -> (bytes: Double, what: String) {
        let wg = Double(max(1, min(boundedInt(v[5], 1...1_000_000), max(nw, 1))))
        let groups = (Double(nw) / wg).rounded(.up)
        return (8 * (wg * wg * groups + 3 * Double(nw)), "\(Int(groups)) covariance blocks of \(Int(wg)) × \(Int(wg))")
    }

    private var ekf: EKF
    private var scratch: [Double]

    public init(values v: [Double], weightCount n: Int, structureCount: Int) {
        ekf = EKF(n: n, lambda: v[0], lambda0: v[1], state: v[2], pnoise: v[3], wgroup: Double(boundedInt(v[5], 1...1_000_000)))
        scratch = Array(repeating: 0, count: n)
    }

    public func epoch(_ p: TrainingProblem) -> Bool {
        var w = p.weights
        for k in p.schedule(count: p.structureCount) {
            let e = p.structureError(w, structure: k, derivative: &scratch)
            for i in scratch.indices { scratch[i] = -scratch[i] }   // J = ∂(E_nn/N)/∂w = −Dw
            ekf.update(&w, error: e, jacobian: scratch)
        }
        p.weights = w
        return false
    }

    public static func detailLines(_ v: [Double]) -> String {
        let l = FortranFormat.labelledListDirected
        return l("  Forgetting factor     : ", v[0]) + l("  Ini. state covariance : ", v[1])
            + l("  Measuring noise       : ", v[2]) + l("  Process noise         : ", v[3])
            + l("  Adaptive EKF threshold: ", v[4])
    }

    public func writeState(to w: inout FortranRecordWriter) { ekf.write(to: &w) }
    public func readState(from r: FortranRecordReader, weightCount: Int) throws -> Bool { try ekf.read(from: r) }
}
