import Foundation

/// An aenet ANN potential for one species: the `.nn`/`.ann` file of aenet potential.f90, save_NNPot — network block
/// (9 records), fingerprint setup (17 records), training-set info (10 records).
///
/// Files written by gfortran and ifort builds of aenet both read (ifort's logical true is −1).
/// Atomic energy: E_i = NN(x)/scale + shift + E_atom(species) (aenet aenet.f90, aenet_atomic_energy_and_forces).
public struct Potential: Sendable {
    public var network: FeedForwardNetwork
    public var setup: FingerprintSetup
    public var trainingSet: TrainingSetInfo
    /// The file this potential was read from ("" when built in memory).
    public var path: String = ""

    /// Assembles a potential, checking that the parts fit together.
    public init(network: FeedForwardNetwork, setup: FingerprintSetup, trainingSet: TrainingSetInfo, path: String = "") throws {
        self.network = network; self.setup = setup; self.trainingSet = trainingSet; self.path = path
        let whereText = path.isEmpty ? "" : "\(path): "
        guard network.inputCount == setup.nsf else {
            throw AenetError(.mismatch, "\(whereText)the network has \(network.inputCount) inputs but the fingerprint setup \(setup.nsf) functions (corrupt or mismatched file)")
        }
        guard network.outputCount == 1 else {
            throw AenetError(.mismatch, "\(whereText)the network has \(network.outputCount) outputs; a potential has exactly one")
        }
        guard trainingSet.atomicEnergy(of: setup.atomType) != nil else {
            throw AenetError(.mismatch, "\(whereText)species '\(setup.atomType)' is not among the training-set species \(trainingSet.typeNames)")
        }
        guard trainingSet.scale != 0, trainingSet.scale.isFinite else {
            throw AenetError(.mismatch, "\(whereText)energy scaling factor \(trainingSet.scale) is unusable (corrupt file)")
        }
    }

    /// Central species of this potential (the setup's atom type).
    public var species: String { setup.atomType }
    /// 1/scale: converts network output to eV.
    public var energyScale: Double { 1 / trainingSet.scale }
    public var energyShift: Double { trainingSet.shift }
    /// Free-atom reference energy of the species.
    public var atomicEnergy: Double { trainingSet.atomicEnergy(of: setup.atomType)! }

    /// Reads a potential file, with errors naming the file and the first bad record.
    public static func read(path: String) throws -> Potential {
        let r = try FortranRecordReader(path: path)
        let net = try FeedForwardNetwork.read(from: r)
        let setup = try FingerprintSetup.read(from: r)
        let ts = try TrainingSetInfo.read(from: r)
        return try Potential(network: net, setup: setup, trainingSet: ts, path: path)
    }

    /// The 36 records in aenet's order.
    public func fileBytes() -> [UInt8] {
        var w = FortranRecordWriter(reservingCapacity: 8 * network.weightCount + 4096)
        network.write(to: &w)
        setup.write(to: &w)
        trainingSet.write(to: &w)
        return w.bytes
    }

    /// Writes the potential (replacing an existing file, as train.x does) atomically.
    public func write(path: String) throws {
        try AtomicFile.write(fileBytes(), to: path, overwrite: true)
    }

}

extension TrainingSetInfo {
    /// The free-atom energy of `species`, nil when the training set did not contain it.
    public func atomicEnergy(of species: String) -> Double? {
        typeNames.firstIndex(of: species).map { atomicEnergies[$0] }
    }
}

extension StringProtocol {
    /// Without leading and trailing blanks (Fortran's trim(adjustl(…))).
    public var trimmingBlanks: String {
        // ASCII text (file names, species): every byte is one Character, so trimming bytes is the
        // same as trimming Characters, without walking grapheme clusters backwards.
        let bytes = Array(utf8)
        if bytes.allSatisfy({ $0 < 0x80 }) {
            var lo = 0, hi = bytes.count
            while lo < hi, bytes[lo] == 0x20 { lo += 1 }
            while hi > lo, bytes[hi - 1] == 0x20 { hi -= 1 }
            return String(decoding: bytes[lo..<hi], as: UTF8.self)
        }
        return String(drop(while: { $0 == " " }).reversed().drop(while: { $0 == " " }).reversed())
    }
}
