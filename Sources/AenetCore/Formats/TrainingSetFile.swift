import Foundation

/// Header of an aenet training-set file (records H1–H7, aenet trainset.f90, ts_write_header/ts_write_structure).
public struct TrainingSetHeader: Sendable, Equatable {
    public var typeNames: [String]
    /// Atomic reference energies from generate.in TYPES (eV), in `typeNames` order.
    public var atomicEnergies: [Double]
    /// Number of structures announced in the header.
    public var structureCount: Int
    public var normalized: Bool = false
    public var scale: Double = 1
    public var shift: Double = 0

    public init(typeNames: [String], atomicEnergies: [Double], structureCount: Int,
                normalized: Bool = false, scale: Double = 1, shift: Double = 0) {
        self.typeNames = typeNames; self.atomicEnergies = atomicEnergies; self.structureCount = structureCount
        self.normalized = normalized; self.scale = scale; self.shift = shift
    }
}

/// One structure of a training set with the fingerprints of its atoms (records S1–S4, A1–A5).
public struct TrainingSetStructure: Sendable, Equatable {
    public var path: String
    public var typeCount: Int
    /// Cohesive energy (eV), or the normalized target in a `.scaled` file.
    public var energy: Double
    /// Global type index of every atom (0-based; the file stores 1-based).
    public var types: [Int]
    /// Cartesian coordinates, 3 per atom.
    public var coordinates: [Double]
    /// Cartesian forces, 3 per atom.
    public var forces: [Double]
    /// Fingerprints of all atoms, concatenated; atom `i` starts at `fingerprintOffsets[i]`.
    public var fingerprints: [Double]
    public var fingerprintOffsets: [Int]

    public init(path: String, typeCount: Int, energy: Double, types: [Int], coordinates: [Double],
                forces: [Double], fingerprints: [Double], fingerprintOffsets: [Int]) {
        self.path = path; self.typeCount = typeCount; self.energy = energy; self.types = types
        self.coordinates = coordinates; self.forces = forces
        self.fingerprints = fingerprints; self.fingerprintOffsets = fingerprintOffsets
    }

    public var atomCount: Int { types.count }

    /// Length of atom `i`'s fingerprint.
    public func fingerprintCount(_ i: Int) -> Int {
        (i + 1 < fingerprintOffsets.count ? fingerprintOffsets[i + 1] : fingerprints.count) - fingerprintOffsets[i]
    }

    public func write(to w: inout FortranRecordWriter) {
        w.record { $0.append(path.utf8.count) }
        w.record { $0.append(raw: path) }
        w.record { $0.append(atomCount); $0.append(typeCount) }
        w.record { $0.append(energy) }
        for i in 0..<atomCount {
            w.record { $0.append(types[i] + 1) }
            w.record { r in for c in 0..<3 { r.append(coordinates[3 * i + c]) } }
            w.record { r in for c in 0..<3 { r.append(forces[3 * i + c]) } }
            let n = fingerprintCount(i), o = fingerprintOffsets[i]
            w.record { $0.append(n) }
            w.record { r in for g in 0..<n { r.append(fingerprints[o + g]) } }
        }
    }

    public static func read(from r: FortranRecordReader, typeCount nTypes: Int) throws -> TrainingSetStructure {
        var rec = try r.next(); let len = try rec.int()
        rec = try r.next()
        guard rec.count == len else { throw r.failure("structure path length \(len) does not match its record (\(rec.count) bytes)") }
        let path = try rec.restAsString()
        rec = try r.next(); let nAtoms = try rec.int(); let typeCount = try rec.int()
        guard nAtoms > 0, nAtoms < 10_000_000 else { throw r.failure("implausible atom count \(nAtoms)") }
        guard (1...nTypes).contains(typeCount) else { throw r.failure("structure species count \(typeCount) outside 1…\(nTypes)") }
        rec = try r.next(); let energy = try rec.double()
        guard energy.isFinite else { throw r.failure("structure energy is NaN or infinite") }
        // Each atom takes at least 5 records (≥ 5·8 bytes of markers): more atoms than the file can hold is corruption.
        guard nAtoms <= r.remainingBytes / 40 else { throw r.failure("atom count \(nAtoms) exceeds what the rest of the file can hold (truncated or corrupt)") }
        var s = TrainingSetStructure(path: path, typeCount: typeCount, energy: energy, types: [], coordinates: [],
                                     forces: [], fingerprints: [], fingerprintOffsets: [])
        s.types.reserveCapacity(nAtoms); s.coordinates.reserveCapacity(3 * nAtoms); s.forces.reserveCapacity(3 * nAtoms)
        for _ in 0..<nAtoms {
            rec = try r.next(); let t = try rec.int() - 1
            guard (0..<nTypes).contains(t) else { throw r.failure("atom type \(t + 1) outside 1…\(nTypes)") }
            s.types.append(t)
            rec = try r.next(); for _ in 0..<3 { s.coordinates.append(try rec.double()) }
            rec = try r.next(); for _ in 0..<3 { s.forces.append(try rec.double()) }
            rec = try r.next(); let n = try rec.int()
            rec = try r.next()
            guard n >= 0, rec.count == 8 * n else { throw r.failure("fingerprint record holds \(rec.count) bytes, expected \(n) values (corrupt file?)") }
            let o = s.fingerprints.count
            s.fingerprintOffsets.append(o)
            s.fingerprints.append(contentsOf: repeatElement(0, count: n))
            try s.fingerprints.withUnsafeMutableBufferPointer { try rec.doubles(n, into: $0.baseAddress! + o) }
        }
        guard s.coordinates.allSatisfy(\.isFinite), s.forces.allSatisfy(\.isFinite), s.fingerprints.allSatisfy(\.isFinite) else {
            throw r.failure("structure \(path) has NaN or infinite coordinates, forces or fingerprints")
        }
        return s
    }
}

/// Footer of a training set (records F1–F5): energy statistics and, normally, the setups.
public struct TrainingSetFooter: Sendable, Equatable {
    public var totalAtoms: Int
    public var averageEnergy: Double
    public var minimumEnergy: Double
    public var maximumEnergy: Double
    /// One setup per type, in header order; nil for files written without them (train.x's TRAIN.n).
    public var setups: [FingerprintSetup]?

    public init(totalAtoms: Int, averageEnergy: Double, minimumEnergy: Double, maximumEnergy: Double,
                setups: [FingerprintSetup]?) {
        self.totalAtoms = totalAtoms; self.averageEnergy = averageEnergy
        self.minimumEnergy = minimumEnergy; self.maximumEnergy = maximumEnergy; self.setups = setups
    }

    public func write(to w: inout FortranRecordWriter) {
        w.record { $0.append(totalAtoms) }
        w.record { $0.append(averageEnergy); $0.append(minimumEnergy); $0.append(maximumEnergy) }
        w.record { $0.append(logical: setups != nil) }
        for (t, s) in (setups ?? []).enumerated() {
            w.record { $0.append(t + 1) }
            s.write(to: &w)
        }
    }

    public static func read(from r: FortranRecordReader, typeCount: Int) throws -> TrainingSetFooter {
        var rec = try r.next(); let n = try rec.int()
        rec = try r.next(); let av = try rec.double(), mn = try rec.double(), mx = try rec.double()
        guard n >= 0, av.isFinite, mn.isFinite, mx.isFinite else { throw r.failure("corrupt footer statistics (atoms \(n), energies \(av), \(mn), \(mx))") }
        rec = try r.next(); let has = try rec.logical()
        var setups: [FingerprintSetup]?
        if has {
            var list = [FingerprintSetup?](repeating: nil, count: typeCount)
            for _ in 0..<typeCount {
                rec = try r.next(); let t = try rec.int() - 1
                guard (0..<typeCount).contains(t) else { throw r.failure("setup for type \(t + 1) outside 1…\(typeCount)") }
                guard list[t] == nil else { throw r.failure("a second setup for type \(t + 1) (corrupt footer)") }
                list[t] = try FingerprintSetup.read(from: r)
            }
            setups = list.compactMap { $0 }
        }
        return TrainingSetFooter(totalAtoms: n, averageEnergy: av, minimumEnergy: mn, maximumEnergy: mx, setups: setups)
    }
}

extension TrainingSetHeader {
    public func write(to w: inout FortranRecordWriter) {
        w.record { $0.append(typeNames.count) }
        w.record { $0.append(structureCount) }
        w.record { r in for t in typeNames { r.append(t, length: 2) } }
        w.record { $0.append(atomicEnergies) }
        w.record { $0.append(logical: normalized) }
        w.record { $0.append(scale) }
        w.record { $0.append(shift) }
    }

    public static func read(from r: FortranRecordReader) throws -> TrainingSetHeader {
        var rec = try r.next(); let nTypes = try rec.int()
        guard (1...1000).contains(nTypes) else { throw r.failure("implausible number of species \(nTypes): not a training-set file?") }
        rec = try r.next(); let nStrucs = try rec.int()
        guard nStrucs >= 0 else { throw r.failure("negative structure count \(nStrucs) (corrupt file)") }
        rec = try r.next(); let names = try (0..<nTypes).map { _ in try rec.string(2) }
        rec = try r.next(); let energies = try rec.doubles(nTypes)
        rec = try r.next(); let normalized = try rec.logical()
        rec = try r.next(); let scale = try rec.double()
        rec = try r.next(); let shift = try rec.double()
        guard energies.allSatisfy(\.isFinite), scale.isFinite, shift.isFinite, scale != 0 || !normalized else {
            throw r.failure("header energies, scale or shift are NaN, infinite or zero (corrupt file)")
        }
        return TrainingSetHeader(typeNames: names, atomicEnergies: energies, structureCount: nStrucs,
                                 normalized: normalized, scale: scale, shift: shift)
    }
}
