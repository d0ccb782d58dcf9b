import AenetCore
import Foundation

/// Our `train.restart`: everything needed to continue training exactly where it stopped.
///
/// Record 1 is the method name (c50) as in aenet's file, but prefixed `aenet-swift:` so that
/// aenet's train.x sees a different method and ignores the file ("Optimization method has
/// changed"), and we recognise (and ignore) aenet's own lbfgsb/ekf state.
/// Then: epoch, finished flag, weight count; the weights; the sampling RNG; method state.
public enum TrainRestart {
    public static let fileName = "train.restart"
    static let prefix = "aenet-swift:"

    public struct State {
        /// Last completed epoch.
        public var epoch: Int
        /// True when the run that wrote it ended normally (a new run then starts a new count).
        public var finished: Bool
        public var weights: [Double]
    }

    public static func write(_ t: Trainer, epoch: Int, finished: Bool, path: String = fileName) throws {
        var w = FortranRecordWriter(reservingCapacity: 16 * t.weights.count + 1024)
        w.record { $0.append(prefix + t.method.token, length: 50) }
        w.record { $0.append(Int32(epoch)); $0.append(logical: finished); $0.append(Int32(t.weights.count)) }
        w.record { $0.append(t.weights) }
        w.record { $0.append(t.rng.seed) }
        switch t.method {
        case .bfgs: t.lbfgs!.write(to: &w)
        case .ekf: t.ekf!.write(to: &w)
        case .adam: w.record { $0.append(Int32(t.adam!.t)) }; w.record { $0.append(t.adam!.m) }; w.record { $0.append(t.adam!.v) }
        case .onlineSD: w.record { $0.append(t.sd!.delta) }
        case .lm: w.record { $0.append(t.lm!.mu) }
        }
        try AtomicFile.write(w.bytes, to: path, overwrite: true)
    }

    /// Restores the trainer from the file if it was written by us for the same method and
    /// network sizes. Returns the state, or nil with a note explaining why it was not used.
    public static func read(into t: Trainer, path: String = fileName) throws -> (State?, note: String?) {
        guard FileManager.default.fileExists(atPath: path) else { return (nil, nil) }
        let r = try FortranRecordReader(path: path)
        var rec = try r.next()
        let name = try rec.string(min(rec.count, 50))
        guard name.hasPrefix(prefix) else {
            return (nil, "\(path) was written by aenet's train.x (\(name)); its optimizer state cannot be used here, starting the optimizer afresh")
        }
        guard name == prefix + t.method.token else { return (nil, "Optimization method has changed.  Not restarting.") }
        rec = try r.next()
        let epoch = try rec.int(), finished = try rec.logical(), n = try rec.int()
        guard n == t.weights.count else { return (nil, "Incompatible restart file (\(n) weights, the networks have \(t.weights.count)).  Not restarting.") }
        rec = try r.next(); let w = try rec.doubles(n)
        rec = try r.next(); let seed = try (0..<8).map { _ in try rec.int32() }
        switch t.method {
        case .bfgs:
            guard let o = try LBFGS.read(from: r, n: n) else { return (nil, "Incompatible restart file.  Not restarting L-BFGS.") }
            t.lbfgs = o
        case .ekf:
            guard try t.ekf!.read(from: r) else { return (nil, "Incompatible restart file.  Not restarting EKF.") }
        case .adam:
            rec = try r.next(); t.adam!.t = try rec.int()
            rec = try r.next(); t.adam!.m = try rec.doubles(n)
            rec = try r.next(); t.adam!.v = try rec.doubles(n)
        case .onlineSD: rec = try r.next(); t.sd!.delta = try rec.doubles(n)
        case .lm: rec = try r.next(); t.lm!.mu = try rec.double()
        }
        t.weights = w
        t.rng = GfortranRandom(seed: seed)
        t.evaluator.setWeights(w)
        return (State(epoch: epoch, finished: finished, weights: w), nil)
    }
}
