import Foundation

/// Per-atom energy statistics accumulated exactly as aenet's `ts_write_structure_info` (aenet trainset.f90, ts_write_structure_info):
/// the average divides by the *announced* structure count, term by term.
public struct EnergyStatistics: Sendable, Equatable {
    public private(set) var totalAtoms = 0
    public private(set) var average = 0.0
    public private(set) var minimum = 0.0
    public private(set) var maximum = 0.0
    public private(set) var count = 0
    public let announced: Int

    public init(announcedStructures: Int) { announced = announcedStructures }

    public mutating func add(energy: Double, atoms: Int) {
        let e = energy / Double(atoms)
        if count == 0 {
            minimum = e; maximum = e; average = e / Double(announced)
        } else {
            minimum = min(minimum, e); maximum = max(maximum, e); average += e / Double(announced)
        }
        count += 1
        totalAtoms += atoms
    }
}

/// Streams a training-set file to disk: header, structures one by one, footer. The file appears
/// under its name only when `finish` succeeds; until then it lives under a temporary name.
public final class TrainingSetWriter {
    public let path: String
    public let header: TrainingSetHeader
    public private(set) var statistics: EnergyStatistics
    private let file: StagedFile
    private var buffer = FortranRecordWriter(reservingCapacity: 1 << 20)

    /// - Parameter overwrite: aenet refuses to replace an existing training set; so do we by default.
    public init(path: String, header: TrainingSetHeader, overwrite: Bool = false) throws {
        file = try StagedFile(path: path, overwrite: overwrite)
        self.path = path; self.header = header
        statistics = EnergyStatistics(announcedStructures: header.structureCount)
        header.write(to: &buffer)
    }

    public func append(_ s: TrainingSetStructure) throws {
        s.write(to: &buffer)
        statistics.add(energy: s.energy, atoms: s.atomCount)
        if buffer.bytes.count > 1 << 20 { try flush() }
    }

    /// Writes the footer and moves the file into place.
    public func finish(setups: [FingerprintSetup]?) throws {
        TrainingSetFooter(totalAtoms: statistics.totalAtoms, averageEnergy: statistics.average,
                          minimumEnergy: statistics.minimum, maximumEnergy: statistics.maximum,
                          setups: setups).write(to: &buffer)
        do { try flush(); try file.commit() } catch { abandon(); throw error }
    }

    /// Drops the partial file.
    public func abandon() { file.discard() }

    private func flush() throws {
        try file.write(buffer.bytes)
        buffer.removeAll()
    }
}

/// Reads a training-set file structure by structure (memory-mapped; nothing is loaded twice).
public final class TrainingSetReader {
    public let path: String
    public let header: TrainingSetHeader
    private let records: FortranRecordReader
    private let firstStructure: Int
    public private(set) var structuresRead = 0

    public init(path: String) throws {
        self.path = path
        records = try FortranRecordReader(path: path)
        header = try TrainingSetHeader.read(from: records)
        firstStructure = records.position
    }

    /// The next structure, or nil after the announced count.
    public func next() throws -> TrainingSetStructure? {
        guard structuresRead < header.structureCount else { return nil }
        structuresRead += 1
        return try TrainingSetStructure.read(from: records, typeCount: header.typeNames.count)
    }

    /// Reads (skipping any structures not yet read) and returns the footer.
    public func footer() throws -> TrainingSetFooter {
        while try next() != nil {}
        return try TrainingSetFooter.read(from: records, typeCount: header.typeNames.count)
    }

    /// Goes back to the first structure.
    public func rewind() { records.seek(to: firstStructure); structuresRead = 0 }
}
