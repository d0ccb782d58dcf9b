/// The training-set summary stored at the end of every `.nn` potential (spec §3.3, records T1–T10;
/// aenet's save/load_TrnSet_info) and printed by ts_print_info.
///
/// Energies are the *normalized* per-atom statistics; note the order min, max, average in T10,
/// which differs from the training-set footer (quirk Q16).
public struct TrainingSetInfo: Sendable, Equatable {
    /// Training-set file that was actually opened (e.g. `TiO2.train.scaled`).
    public var file: String = ""
    public var normalized: Bool = true
    public var scale: Double = 1
    public var shift: Double = 0
    /// Species in generate.in TYPES order, with their free-atom energies (eV).
    public var typeNames: [String] = []
    public var atomicEnergies: [Double] = []
    public var atomCount: Int = 0
    public var structureCount: Int = 0
    public var energyMin: Double = 0
    public var energyMax: Double = 0
    public var energyAverage: Double = 0

    public init() {}

    /// The free-atom energy of `species`, nil when the training set did not contain it.
    public func atomicEnergy(of species: String) -> Double? {
        typeNames.firstIndex(of: species).map { atomicEnergies[$0] }
    }

    /// Writes T1–T10.
    public func write(to w: inout FortranRecordWriter) {
        w.record { $0.append(file, length: 1024) }
        w.record { $0.append(logical: normalized) }
        w.record { $0.append(scale) }
        w.record { $0.append(shift) }
        w.record { $0.append(typeNames.count) }
        w.record { r in for t in typeNames { r.append(t, length: 2) } }
        w.record { $0.append(atomicEnergies) }
        w.record { $0.append(atomCount) }
        w.record { $0.append(structureCount) }
        w.record { $0.append(energyMin); $0.append(energyMax); $0.append(energyAverage) }
    }

    /// Reads T1–T10; a logical is true when non-zero (gfortran writes 1, ifort −1).
    public static func read(from r: FortranRecordReader) throws -> TrainingSetInfo {
        var t = TrainingSetInfo()
        var rec = try r.next(); t.file = try rec.string(min(rec.count, 1024))
        rec = try r.next(); t.normalized = try rec.logical()
        rec = try r.next(); t.scale = try rec.double()
        rec = try r.next(); t.shift = try rec.double()
        rec = try r.next(); let n = try rec.int()
        guard (1...1000).contains(n) else { throw r.failure("implausible number of species \(n) in the training-set info") }
        rec = try r.next(); t.typeNames = try (0..<n).map { _ in try rec.string(2) }
        rec = try r.next(); t.atomicEnergies = try rec.doubles(n)
        rec = try r.next(); t.atomCount = try rec.int()
        rec = try r.next(); t.structureCount = try rec.int()
        rec = try r.next()
        t.energyMin = try rec.double(); t.energyMax = try rec.double(); t.energyAverage = try rec.double()
        return t
    }

    /// ts_print_info's text for a complete (loaded) training set.
    public var infoText: String {
        var s = AenetText.header("Training set info.") + "\n"
        s += " Training set file                   : \(file.trimmingBlanks)\n"
        s += " Number of structures in the data set: \(structureCount)\n\n"
        s += " Atomic species in training set      : \(typeNames.count)\n"
        s += "   Species :" + typeNames.map { " " + $0.trimmingBlanks }.joined() + "\n\n"
        s += " Average energy (eV/atom) : \(FortranFormat.adjustl(energyAverage, digits: 6))\n"
        s += " Minimum energy (eV/atom) : \(FortranFormat.adjustl(energyMin, digits: 6))\n"
        s += " Maximum energy (eV/atom) : \(FortranFormat.adjustl(energyMax, digits: 6))\n\n"
        if normalized {
            s += " The input and output values have been normalized to [-1.0, 1.0].\n"
            s += " Structures outside of this interval will not be used for training.\n"
            s += "   Energy scaling factor: \(FortranFormat.adjustl(scale, digits: 6))\n"
            s += "   Atomic energy shift  : \(FortranFormat.adjustl(shift, digits: 6))\n"
        } else {
            s += " The input and output values have not yet been normalized.\n"
        }
        return s + "\n"
    }
}

extension StringProtocol {
    /// Without leading and trailing blanks (Fortran's trim(adjustl(…))).
    var trimmingBlanks: String {
        String(drop(while: { $0 == " " }).reversed().drop(while: { $0 == " " }).reversed())
    }
}
