import AenetCore
import Foundation

/// Our restart file (train.x's `train.restart`): everything needed to continue training exactly
/// where it stopped.
///
/// Record 1 is the method name (c50) as in aenet's file, but prefixed `aenet-swift:` so that
/// aenet's train.x sees a different method and ignores the file ("Optimization method has
/// changed"), and we recognise (and ignore) aenet's own lbfgsb/ekf state.
/// Record 2 says what the file belongs to (`Identity`: the deck's training settings, the training
/// set, the networks in the `.nn` files it goes with); a file that belongs to something else is
/// refused, never adopted. Then: epoch, finished flag, weight count; the weights; the sampling
/// RNG; the method's records.
public enum TrainRestart {
    static let prefix = "aenet-swift:"
    static let identityTag = "belongs-to"
    static let checksumTag = "checksum"

    /// What a restart file belongs to: hashes of the deck's training settings, of the training
    /// set's contents and of the networks (shapes, activations, weights) in the `.nn` files.
    public struct Identity: Equatable, Sendable {
        public var deck: UInt64
        public var trainingSet: UInt64
        public var networks: UInt64
        public init(deck: UInt64, trainingSet: UInt64, networks: UInt64) {
            self.deck = deck; self.trainingSet = trainingSet; self.networks = networks
        }
        var text: String {
            identityTag + " " + [deck, trainingSet, networks].map { String($0, radix: 16) }.joined(separator: " ")
        }
        init?(text: String) {
            let w = text.split(separator: " ")
            guard w.count == 4, w[0] == identityTag,
                  let d = UInt64(w[1], radix: 16), let t = UInt64(w[2], radix: 16), let n = UInt64(w[3], radix: 16) else { return nil }
            deck = d; trainingSet = t; networks = n
        }
    }

    public struct State {
        /// Last completed epoch.
        public var epoch: Int
        /// True when the run that wrote it ended normally (a new run then starts a new count).
        public var finished: Bool
        public var weights: [Double]
    }

    public static func bytes(_ t: Trainer, epoch: Int, finished: Bool, identity: Identity) -> [UInt8] {
        var w = FortranRecordWriter(reservingCapacity: 16 * t.weights.count + 1024)
        w.record { $0.append(prefix + type(of: t.method).token, length: 50) }
        w.record { $0.append(identity.text, length: 80) }
        w.record { $0.append(Int32(epoch)); $0.append(logical: finished); $0.append(Int32(t.weights.count)) }
        w.record { $0.append(t.weights) }
        w.record { $0.append(t.rng.seed) }
        t.method.writeState(to: &w)
        var h = ContentHash(); h.add(w.bytes)
        w.record { $0.append(checksumTag + " " + String(h.value, radix: 16), length: 80) }
        return w.bytes
    }

    public static func write(_ t: Trainer, epoch: Int, finished: Bool, identity: Identity, path: String) throws {
        try AtomicFile.write(bytes(t, epoch: epoch, finished: finished, identity: identity), to: path, overwrite: true)
    }

    /// Restores the trainer from the file if it was written by us for the same method and
    /// network sizes. Returns the state, or nil with a note explaining why it was not used
    /// (aenet's file, another method). A file of ours that belongs to another deck, training set
    /// or other networks, or whose contents are damaged, is an error: it is never adopted.
    public static func read(into t: Trainer, path: String, identity: Identity) throws -> (State?, note: String?) {
        guard FileManager.default.fileExists(atPath: path) else { return (nil, nil) }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw AenetError(.io, "cannot read the file", file: path)
        }
        let bytes = [UInt8](data)
        let advice = "delete or move it away to start the optimizer afresh, or restore the files it belongs to"
        // The last record (4 + 80 + 4 bytes) is a checksum of everything before it.
        let trailer = 88
        var intact = false
        if bytes.count > trailer {
            var h = ContentHash(); h.add(Array(bytes[0..<(bytes.count - trailer)]))
            let text = String(decoding: bytes[(bytes.count - trailer + 4)..<(bytes.count - 4)], as: UTF8.self).trimmingBlanks
            intact = text == checksumTag + " " + String(h.value, radix: 16)
        }
        let r = try FortranRecordReader(path: path)
        var rec = try r.next()
        let name = try rec.string(min(rec.count, 50))
        guard name.hasPrefix(prefix) else {
            return (nil, "\(path) was written by aenet's train.x (\(name)); its optimizer state cannot be used here, starting the optimizer afresh")
        }
        let token = type(of: t.method).token
        guard intact else {
            throw AenetError(.corruptFile, "the file is damaged or incomplete (its checksum does not match); \(advice)", file: path)
        }
        guard name == prefix + token else { return (nil, "Optimization method has changed.  Not restarting.") }
        rec = try r.next()
        guard rec.count == 80, let found = Identity(text: try rec.string(80).trimmingBlanks) else {
            throw AenetError(.mismatch, "this restart file does not record what it belongs to (older aenet-swift or damaged); \(advice)", file: path)
        }
        var differs: [String] = []
        if found.deck != identity.deck { differs.append("the deck's training settings (METHOD, TESTPERCENT, VALIDATION)") }
        if found.trainingSet != identity.trainingSet { differs.append("the training set") }
        if found.networks != identity.networks { differs.append("the networks in the .nn files") }
        guard differs.isEmpty else {
            throw AenetError(.mismatch, "this restart file belongs to another run: \(differs.joined(separator: ", ")) differ; \(advice)", file: path)
        }
        rec = try r.next()
        let epoch = try rec.int(), finished = try rec.logical(), n = try rec.int()
        guard epoch >= 0, epoch < 100_000_000 else { throw AenetError(.corruptFile, "epoch \(epoch) out of range (corrupt file); \(advice)", file: path) }
        guard n == t.weights.count else { return (nil, "Incompatible restart file (\(n) weights, the networks have \(t.weights.count)).  Not restarting.") }
        rec = try r.next(); let w = try rec.doubles(n)
        guard w.allSatisfy(\.isFinite) else {
            throw AenetError(.corruptFile, "the stored weights contain NaN or infinite values; \(advice)", file: path)
        }
        rec = try r.next(); let seed = try (0..<8).map { _ in try rec.int32() }
        guard try t.method.readState(from: r, weightCount: n) else {
            return (nil, "Incompatible restart file.  Not restarting \(token).")
        }
        t.restore(weights: w, rng: GfortranRandom(seed: seed))
        return (State(epoch: epoch, finished: finished, weights: w), nil)
    }
}
