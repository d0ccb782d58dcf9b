import Foundation

/// Writer of `<OUTPUT>.forces`, the fingerprint derivatives that aenet-PyTorch trains forces on
/// (aenet pytorchoutput.f90). Which structures carry derivatives is drawn reproducibly (aenet draws from an
/// unseeded generator, so its choice changes from run to run).
public final class ForcesFileWriter {
    /// Derivatives of every atom of one structure, in the file's layout.
    public struct StructureDerivatives: Sendable {
        var bytes = FortranRecordWriter()
        var maxNeighbours = 0
        var scratchCenter: [Double] = []
        var scratchNeighbours: [Double] = []

        public init() {}

        /// Bytes of the records appended so far.
        public var byteCount: Int { bytes.bytes.count }

        public mutating func append(atom i: Int, type t: Int, nb: Neighbourhood, fingerprint: any Fingerprint,
                             values: UnsafeMutablePointer<Double>) {
            let nsf = fingerprint.count, nnb = nb.count
            if scratchCenter.count < 3 * nsf { scratchCenter = Array(repeating: 0, count: 3 * nsf) }
            if scratchNeighbours.count < 3 * nsf * nnb { scratchNeighbours = Array(repeating: 0, count: 3 * nsf * nnb) }
            scratchCenter.withUnsafeMutableBufferPointer { c in
                scratchNeighbours.withUnsafeMutableBufferPointer { n in
                    fingerprint.evaluate(nb, values: values, dCenter: c.baseAddress!, dNeighbours: n.baseAddress!)
                }
            }
            bytes.record { $0.append(t + 1) }
            bytes.record { $0.append(nsf); $0.append(nnb) }
            bytes.record { r in for j in 0..<nnb { r.append(Int(nb.atomIndex[j]) + 1) } }
            bytes.record { r in for k in 0..<(3 * nsf) { r.append(scratchCenter[k]) } }
            bytes.record { r in for k in 0..<(3 * nsf * nnb) { r.append(scratchNeighbours[k]) } }
            maxNeighbours = max(maxNeighbours, nnb)
        }
    }

    public let path: String
    private let selected: [Bool]
    private let file: StagedFile
    private var buffer = FortranRecordWriter()
    private var maxNeighbours = 0

    public init(path: String, structureCount n: Int, fraction: Double, seed: UInt64 = 0x5eed_ae4e7) throws {
        self.path = path
        var flags = [Bool](repeating: false, count: n)
        let k = min(n, max(0, Int((Double(n) * fraction).rounded())))
        for i in 0..<k { flags[i] = true }
        var rng = SplitMix64(seed: seed)
        if n > 1 {
            for i in stride(from: n - 1, through: 1, by: -1) {
                let j = Int(rng.nextDouble() * Double(i + 1))
                flags.swapAt(i, j)
            }
        }
        selected = flags
        // aenet-PyTorch's generate replaces an existing .forces file; we refuse, as for the
        // training set itself (compat/DIFFERENCES.md).
        file = try StagedFile(path: path, overwrite: false)
        buffer.record { $0.append(n) }
    }

    public func isSelected(_ structure: Int) -> Bool { selected[structure] }

    public func append(path: String, atomCount: Int, typeCount: Int, derivatives: StructureDerivatives?) throws {
        buffer.record { $0.append(path.utf8.count) }
        buffer.record { $0.append(raw: path) }
        buffer.record { $0.append(atomCount); $0.append(typeCount) }
        buffer.record { $0.append(derivatives == nil ? 0 : 1) }
        if let d = derivatives {
            try flush()
            try file.write(d.bytes.bytes)
            maxNeighbours = max(maxNeighbours, d.maxNeighbours)
        }
        if buffer.bytes.count > 1 << 20 { try flush() }
    }

    public func finish() throws {
        buffer.record { $0.append(maxNeighbours) }
        do { try flush(); try file.commit() } catch { abandon(); throw error }
    }

    public func abandon() { file.discard() }

    private func flush() throws { try file.write(buffer.bytes); buffer.removeAll() }
}

/// Reader of `<OUTPUT>.forces` (the layout `ForcesFileWriter` and aenet pytorchoutput.f90 write):
/// per structure its path, atom and species counts and, when selected, every atom's fingerprint
/// derivatives. Every size is checked against its record before anything is allocated.
public enum ForcesFileReader {
    /// The derivatives of one atom's fingerprint: G has `nsf` values; `center` is ∂G/∂R_i
    /// (index c·nsf + k); neighbour e (atom `neighbours[e]`, 0-based, images repeat their atom)
    /// has ∂G/∂R_e at index e + nnb·(k + nsf·c) of `neighbourDerivatives`.
    public struct Atom: Sendable, Equatable {
        public var type: Int
        public var nsf: Int
        public var neighbours: [Int]
        public var center: [Double]
        public var neighbourDerivatives: [Double]
    }

    public struct Structure: Sendable, Equatable {
        public var path: String
        public var atomCount: Int
        public var typeCount: Int
        /// nil when the structure was not selected for forces (FORCESPERCENT).
        public var atoms: [Atom]?
    }

    public static func read(path: String) throws -> [Structure] {
        let r = try FortranRecordReader(path: path)
        var rec = try r.next()
        let n = try rec.int()
        guard n >= 0, n <= 100_000_000 else { throw r.failure("implausible structure count \(n)") }
        var out: [Structure] = []
        out.reserveCapacity(min(n, 1 << 20))
        for _ in 0..<n {
            rec = try r.next(); let len = try rec.int()
            rec = try r.next()
            guard len >= 0, len == rec.count else { throw r.failure("path length \(len) does not match its record (\(rec.count) bytes)") }
            let p = try rec.string(len)
            rec = try r.next(); let natoms = try rec.int(), ntypes = try rec.int()
            guard natoms > 0, natoms <= 10_000_000, ntypes > 0, ntypes <= 1000 else {
                throw r.failure("structure \(p): implausible atom or species count (\(natoms), \(ntypes))")
            }
            rec = try r.next(); let selected = try rec.int() != 0
            var atoms: [Atom]?
            if selected {
                var list: [Atom] = []
                list.reserveCapacity(natoms)
                for i in 0..<natoms {
                    rec = try r.next(); let t = try rec.int() - 1
                    guard (0..<ntypes).contains(t) else { throw r.failure("structure \(p), atom \(i + 1): species \(t + 1) outside 1…\(ntypes)") }
                    rec = try r.next(); let nsf = try rec.int(), nnb = try rec.int()
                    guard nsf > 0, nsf <= 100_000, nnb >= 0, nnb <= 1_000_000 else {
                        throw r.failure("structure \(p), atom \(i + 1): implausible sizes nsf \(nsf), neighbours \(nnb)")
                    }
                    rec = try r.next()
                    guard rec.count == 4 * nnb else { throw r.failure("structure \(p), atom \(i + 1): neighbour list of \(rec.count) bytes for \(nnb) neighbours") }
                    let nbs = try rec.ints(nnb).map { $0 - 1 }
                    guard nbs.allSatisfy({ (0..<natoms).contains($0) }) else {
                        throw r.failure("structure \(p), atom \(i + 1): neighbour index outside 1…\(natoms)")
                    }
                    rec = try r.next()
                    guard rec.count == 8 * 3 * nsf else { throw r.failure("structure \(p), atom \(i + 1): centre derivatives of \(rec.count) bytes for \(nsf) functions") }
                    let center = try rec.doubles(3 * nsf)
                    rec = try r.next()
                    guard rec.count == 8 * 3 * nsf * nnb else { throw r.failure("structure \(p), atom \(i + 1): neighbour derivatives of \(rec.count) bytes") }
                    let d = try rec.doubles(3 * nsf * nnb)
                    guard center.allSatisfy(\.isFinite), d.allSatisfy(\.isFinite) else {
                        throw r.failure("structure \(p), atom \(i + 1): non-finite derivative")
                    }
                    list.append(Atom(type: t, nsf: nsf, neighbours: nbs, center: center, neighbourDerivatives: d))
                }
                atoms = list
            }
            out.append(Structure(path: p, atomCount: natoms, typeCount: ntypes, atoms: atoms))
        }
        rec = try r.next(); _ = try rec.int()   // the largest neighbour count
        return out
    }
}
