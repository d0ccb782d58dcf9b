import AenetCore
import Foundation

/// Our restart file (train.x's `train.restart`): everything needed to continue training exactly
/// where it stopped.
///
/// Record 1 is the method name (c50) as in aenet's file, but prefixed `aenet-swift:` so that
/// aenet's train.x sees a different method and ignores the file ("Optimization method has
/// changed"), and we recognise (and ignore) aenet's own lbfgsb/ekf state.
/// Then: epoch, finished flag, weight count; the weights; the sampling RNG; the method's records.
public enum TrainRestart {
    static let prefix = "aenet-swift:"

    public struct State {
        /// Last completed epoch.
        public var epoch: Int
        /// True when the run that wrote it ended normally (a new run then starts a new count).
        public var finished: Bool
        public var weights: [Double]
    }

    public static func bytes(_ t: Trainer, epoch: Int, finished: Bool) -> [UInt8] {
        var w = FortranRecordWriter(reservingCapacity: 16 * t.weights.count + 1024)
        w.record { $0.append(prefix + type(of: t.method).token, length: 50) }
        w.record { $0.append(Int32(epoch)); $0.append(logical: finished); $0.append(Int32(t.weights.count)) }
        w.record { $0.append(t.weights) }
        w.record { $0.append(t.rng.seed) }
        t.method.writeState(to: &w)
        return w.bytes
    }

    public static func write(_ t: Trainer, epoch: Int, finished: Bool, path: String) throws {
        try AtomicFile.write(bytes(t, epoch: epoch, finished: finished), to: path, overwrite: true)
    }

    /// Restores the trainer from the file if it was written by us for the same method and
    /// network sizes. Returns the state, or nil with a note explaining why it was not used.
    public static func read(into t: Trainer, path: String) throws -> (State?, note: String?) {
        guard FileManager.default.fileExists(atPath: path) else { return (nil, nil) }
        let r = try FortranRecordReader(path: path)
        var rec = try r.next()
        let name = try rec.string(min(rec.count, 50))
        guard name.hasPrefix(prefix) else {
            return (nil, "\(path) was written by aenet's train.x (\(name)); its optimizer state cannot be used here, starting the optimizer afresh")
        }
        let token = type(of: t.method).token
        guard name == prefix + token else { return (nil, "Optimization method has changed.  Not restarting.") }
        rec = try r.next()
        let epoch = try rec.int(), finished = try rec.logical(), n = try rec.int()
        guard n == t.weights.count else { return (nil, "Incompatible restart file (\(n) weights, the networks have \(t.weights.count)).  Not restarting.") }
        rec = try r.next(); let w = try rec.doubles(n)
        rec = try r.next(); let seed = try (0..<8).map { _ in try rec.int32() }
        guard try t.method.readState(from: r, weightCount: n) else {
            return (nil, "Incompatible restart file.  Not restarting \(token).")
        }
        t.restore(weights: w, rng: GfortranRandom(seed: seed))
        return (State(epoch: epoch, finished: finished, weights: w), nil)
    }
}
