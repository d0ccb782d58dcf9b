import AenetCore
import Foundation

/// A normalized training set held in memory for fast epochs: per species one row-major matrix of
/// standardized fingerprints (atoms of consecutive structures are consecutive rows), and per
/// structure its normalized energy target, atom count and path (aenet trainset.f90, ts_normalize, aenet train.f90).
public final class TrainingData: @unchecked Sendable {
    public let featureCounts: [Int]
    public var speciesCount: Int { featureCounts.count }
    /// features[t]: atoms × featureCounts[t], row-major.
    public private(set) var features: [[Double]]
    /// atomOffsets[t][s] … atomOffsets[t][s+1]: the rows of structure s in features[t].
    public private(set) var atomOffsets: [[Int]]
    /// Streaming storage: the memory-mapped `.scaled` file and, per species, the byte offset of
    /// every atom's fingerprint record in it (then `features` stays empty). The OS pages the file
    /// in and out, so a set larger than memory still trains (re-read from disk every epoch).
    public private(set) var mapped: Data?
    public private(set) var rowOffsets: [[Int]]
    /// Normalized energy targets E_s (record S4 of the `.scaled` file).
    public private(set) var energies: [Double] = []
    public private(set) var atomCounts: [Int] = []
    public private(set) var paths: [String] = []

    public init(featureCounts: [Int]) {
        self.featureCounts = featureCounts
        features = featureCounts.map { _ in [] }
        atomOffsets = featureCounts.map { _ in [0] }
        rowOffsets = featureCounts.map { _ in [] }
    }

    /// A streaming set over a mapped file; add structures with `append(path:energy:species:offsets:)`.
    public convenience init(featureCounts: [Int], mapped: Data) {
        self.init(featureCounts: featureCounts)
        self.mapped = mapped
    }

    public var isStreaming: Bool { mapped != nil }

    /// Adds a structure of a streaming set: `offsets[a]` = byte offset of atom a's fingerprint.
    public func append(path: String, energy: Double, species: [Int], offsets: [Int]) {
        for (t, o) in zip(species, offsets) { rowOffsets[t].append(o) }
        for t in 0..<speciesCount { atomOffsets[t].append(rowOffsets[t].count) }
        energies.append(energy); atomCounts.append(species.count); paths.append(path)
    }

    /// Copies rows `first ..< first + count` of species t (row-major) to `dest`.
    @inline(__always)
    public func copyRows(species t: Int, first: Int, count: Int, to dest: UnsafeMutablePointer<Double>) {
        let n = featureCounts[t]
        if let m = mapped {
            m.withUnsafeBytes { raw in
                for r in 0..<count {
                    memcpy(dest + r * n, raw.baseAddress! + rowOffsets[t][first + r], 8 * n)
                }
            }
        } else {
            features[t].withUnsafeBufferPointer { f in (dest).update(from: f.baseAddress! + first * n, count: count * n) }
        }
    }

    public var structureCount: Int { energies.count }

    /// Adds a structure; `species[a]` is the 0-based species of atom a and `features[a]` its
    /// standardized fingerprint.
    public func append(path: String, energy: Double, species: [Int], features f: [[Double]]) throws {
        guard species.count == f.count, !species.isEmpty else {
            throw AenetError("structure \(path): \(species.count) species for \(f.count) fingerprints")
        }
        for (t, x) in zip(species, f) {
            guard t >= 0, t < speciesCount else { throw AenetError("structure \(path): species index \(t + 1) out of range") }
            guard x.count == featureCounts[t] else {
                throw AenetError("structure \(path): fingerprint of length \(x.count), the setup of its species has \(featureCounts[t])")
            }
            features[t].append(contentsOf: x)
        }
        for t in 0..<speciesCount { atomOffsets[t].append(features[t].count / featureCounts[t]) }
        energies.append(energy); atomCounts.append(species.count); paths.append(path)
    }

    /// Number of atoms of species t in structure s.
    public func atoms(ofSpecies t: Int, in s: Int) -> Int { atomOffsets[t][s + 1] - atomOffsets[t][s] }

    /// The subset of structures `indices` (in that order) as a new set.
    public func subset(_ indices: [Int]) -> TrainingData {
        if let m = mapped {
            let d = TrainingData(featureCounts: featureCounts, mapped: m)
            for s in indices {
                for t in 0..<speciesCount {
                    d.rowOffsets[t].append(contentsOf: rowOffsets[t][atomOffsets[t][s]..<atomOffsets[t][s + 1]])
                    d.atomOffsets[t].append(d.rowOffsets[t].count)
                }
                d.energies.append(energies[s]); d.atomCounts.append(atomCounts[s]); d.paths.append(paths[s])
            }
            return d
        }
        let d = TrainingData(featureCounts: featureCounts)
        for s in indices {
            for t in 0..<speciesCount {
                let n = featureCounts[t]
                d.features[t].append(contentsOf: features[t][(atomOffsets[t][s] * n)..<(atomOffsets[t][s + 1] * n)])
                d.atomOffsets[t].append(d.features[t].count / n)
            }
            d.energies.append(energies[s]); d.atomCounts.append(atomCounts[s]); d.paths.append(paths[s])
        }
        return d
    }

    /// The same structures held in memory (a copy of the mapped rows; `self` when not streaming).
    /// An MPI rank keeps only its share this way.
    public func inMemory() -> TrainingData {
        guard isStreaming else { return self }
        let d = TrainingData(featureCounts: featureCounts)
        for t in 0..<speciesCount {
            let rows = rowOffsets[t].count
            var f = [Double](repeating: 0, count: rows * featureCounts[t])
            if rows > 0 { f.withUnsafeMutableBufferPointer { copyRows(species: t, first: 0, count: rows, to: $0.baseAddress!) } }
            d.features[t] = f
            d.atomOffsets[t] = atomOffsets[t]
        }
        d.energies = energies; d.atomCounts = atomCounts; d.paths = paths
        return d
    }

    /// Bytes held (for the memory report).
    public var byteCount: Int {
        features.reduce(0) { $0 + 8 * $1.count } + rowOffsets.reduce(0) { $0 + 8 * $1.count } + structureCount * 40
    }
}
