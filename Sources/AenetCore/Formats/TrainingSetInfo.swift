/// What a potential remembers of its training set (records T1–T10 of a `.nn` file, aenet trainset.f90, save_TrnSet_info).
public struct TrainingSetInfo: Sendable, Equatable {
    public var file: String
    public var normalized: Bool
    public var scale: Double
    public var shift: Double
    public var typeNames: [String]
    public var atomicEnergies: [Double]
    public var totalAtoms: Int
    public var structureCount: Int
    /// Per-atom energies: note the order min, max, av (the training-set footer uses av, min, max).
    public var minimumEnergy: Double
    public var maximumEnergy: Double
    public var averageEnergy: Double

    public init(file: String, normalized: Bool, scale: Double, shift: Double, typeNames: [String],
                atomicEnergies: [Double], totalAtoms: Int, structureCount: Int,
                minimumEnergy: Double, maximumEnergy: Double, averageEnergy: Double) {
        self.file = file; self.normalized = normalized; self.scale = scale; self.shift = shift
        self.typeNames = typeNames; self.atomicEnergies = atomicEnergies; self.totalAtoms = totalAtoms
        self.structureCount = structureCount; self.minimumEnergy = minimumEnergy
        self.maximumEnergy = maximumEnergy; self.averageEnergy = averageEnergy
    }

    public init(file: String, header: TrainingSetHeader, footer: TrainingSetFooter, structureCount: Int) {
        self.init(file: file, normalized: header.normalized, scale: header.scale, shift: header.shift,
                  typeNames: header.typeNames, atomicEnergies: header.atomicEnergies, totalAtoms: footer.totalAtoms,
                  structureCount: structureCount, minimumEnergy: footer.minimumEnergy,
                  maximumEnergy: footer.maximumEnergy, averageEnergy: footer.averageEnergy)
    }

    public func write(to w: inout FortranRecordWriter) {
        w.record { $0.append(file, length: 1024) }
        w.record { $0.append(logical: normalized) }
        w.record { $0.append(scale) }
        w.record { $0.append(shift) }
        w.record { $0.append(typeNames.count) }
        w.record { r in for t in typeNames { r.append(t, length: 2) } }
        w.record { $0.append(atomicEnergies) }
        w.record { $0.append(totalAtoms) }
        w.record { $0.append(structureCount) }
        w.record { $0.append(minimumEnergy); $0.append(maximumEnergy); $0.append(averageEnergy) }
    }

    public static func read(from r: FortranRecordReader) throws -> TrainingSetInfo {
        var rec = try r.next(); let file = try rec.string(min(rec.count, 1024))
        rec = try r.next(); let normalized = try rec.logical()
        rec = try r.next(); let scale = try rec.double()
        rec = try r.next(); let shift = try rec.double()
        rec = try r.next(); let n = try rec.int()
        guard (1...1000).contains(n) else { throw r.failure("implausible number of species \(n) in training-set info") }
        rec = try r.next(); let names = try (0..<n).map { _ in try rec.string(2) }
        rec = try r.next(); let energies = try rec.doubles(n)
        rec = try r.next(); let atoms = try rec.int()
        rec = try r.next(); let strucs = try rec.int()
        rec = try r.next(); let mn = try rec.double(), mx = try rec.double(), av = try rec.double()
        guard scale.isFinite, scale != 0, shift.isFinite, energies.allSatisfy(\.isFinite), atoms >= 0, strucs >= 0 else {
            throw r.failure("training-set info has an unusable scale, shift, energy or count (corrupt file)")
        }
        return TrainingSetInfo(file: file, normalized: normalized, scale: scale, shift: shift, typeNames: names,
                               atomicEnergies: energies, totalAtoms: atoms, structureCount: strucs,
                               minimumEnergy: mn, maximumEnergy: mx, averageEnergy: av)
    }

}
