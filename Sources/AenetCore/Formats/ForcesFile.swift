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
        // aenet replaces an existing .forces file (status='replace').
        file = try StagedFile(path: path, overwrite: true)
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
