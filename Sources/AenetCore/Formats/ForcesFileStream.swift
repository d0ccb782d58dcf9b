import Foundation

/// Sequential reader of a `.forces` file (the layout of `ForcesFileReader`) through a small
/// reused buffer: one structure's derivatives at a time, so a file larger than the memory can be
/// turned into compact training data (`ForcesFileReader.read` holds the whole file).
public final class ForcesFileStream {
    public let path: String
    public private(set) var structureCount = 0
    private let file: UnsafeMutablePointer<FILE>
    private var buffer: [UInt8] = []
    private var count = 0
    public private(set) var recordNumber = 0
    public private(set) var structuresRead = 0

    /// One atom's derivatives (reused between calls; valid until the next `nextAtom`).
    public struct Atom {
        public var type = 0
        public var nsf = 0
        /// 0-based atom index of every neighbour (images repeat their atom).
        public var neighbours: [Int] = []
        /// ∂G/∂R_centre at c·nsf + k.
        public var center: [Double] = []
        /// ∂G/∂R_e of neighbour e at e + nnb·(k + nsf·c).
        public var neighbourDerivatives: [Double] = []
        public init() {}
    }

    public struct Header: Sendable, Equatable {
        public var path: String
        public var atomCount: Int
        public var typeCount: Int
        public var selected: Bool
    }

    public init(path: String) throws {
        self.path = path
        guard FileManager.default.fileExists(atPath: path) else { throw AenetError(.missingFile, "file not found", file: path) }
        guard let f = fopen(path, "rb") else { throw AenetError(.io, "cannot open the file", file: path) }
        file = f
        // (deinit closes the file when this throws)
        try nextRecord()
        let n = Int(try int32(0))
        guard n >= 0, n <= 100_000_000 else { throw failure("implausible structure count \(n)") }
        structureCount = n
    }

    deinit { fclose(file) }

    public func failure(_ message: String) -> AenetError {
        AenetError(.corruptFile, "record \(recordNumber): \(message)", file: path)
    }

    private func nextRecord() throws {
        recordNumber += 1
        var marker: Int32 = 0
        guard fread(&marker, 4, 1, file) == 1 else { throw failure("unexpected end of file (truncated or not a .forces file)") }
        let n = Int(Int32(littleEndian: marker))
        guard n >= 0, n <= 1 << 31 - 1 else { throw failure("corrupt record length") }
        if buffer.count < n { buffer = [UInt8](repeating: 0, count: max(n, 2 * buffer.count)) }
        if n > 0 {
            let got = buffer.withUnsafeMutableBytes { fread($0.baseAddress!, 1, n, file) }
            guard got == n else { throw failure("truncated record (file cut short?)") }
        }
        var end: Int32 = 0
        guard fread(&end, 4, 1, file) == 1, Int(Int32(littleEndian: end)) == n else { throw failure("record markers disagree (corrupt or truncated file)") }
        count = n
    }

    private func int32(_ k: Int) throws -> Int32 {
        guard 4 * (k + 1) <= count else { throw failure("record of \(count) bytes is too short") }
        return buffer.withUnsafeBytes { Int32(littleEndian: $0.loadUnaligned(fromByteOffset: 4 * k, as: Int32.self)) }
    }

    private func doubles(_ n: Int, into a: inout [Double]) {
        if a.count != n { a = [Double](repeating: 0, count: n) }
        a.withUnsafeMutableBytes { d in buffer.withUnsafeBytes { s in d.copyMemory(from: UnsafeRawBufferPointer(rebasing: s[0..<(8 * n)])) } }
    }

    /// The next structure's header; when `selected`, read its atoms with `nextAtom` (atomCount times).
    public func nextStructure() throws -> Header? {
        guard structuresRead < structureCount else { return nil }
        structuresRead += 1
        try nextRecord(); let len = Int(try int32(0))
        try nextRecord()
        guard len >= 0, len == count else { throw failure("path length \(len) does not match its record (\(count) bytes)") }
        let p = String(decoding: buffer[0..<len], as: UTF8.self).trimmingCharacters(in: .whitespaces)
        try nextRecord(); let natoms = Int(try int32(0)), ntypes = Int(try int32(1))
        guard natoms > 0, natoms <= 10_000_000, ntypes > 0, ntypes <= 1000 else {
            throw failure("structure \(p): implausible atom or species count (\(natoms), \(ntypes))")
        }
        try nextRecord(); let selected = try int32(0) != 0
        return Header(path: p, atomCount: natoms, typeCount: ntypes, selected: selected)
    }

    /// Reads the next atom of a selected structure into `a`, checking every size.
    public func nextAtom(_ a: inout Atom, of h: Header, index i: Int) throws {
        try nextRecord(); let t = Int(try int32(0)) - 1
        guard (0..<h.typeCount).contains(t) else { throw failure("structure \(h.path), atom \(i + 1): species \(t + 1) outside 1…\(h.typeCount)") }
        try nextRecord(); let nsf = Int(try int32(0)), nnb = Int(try int32(1))
        guard nsf > 0, nsf <= 100_000, nnb >= 0, nnb <= 1_000_000 else {
            throw failure("structure \(h.path), atom \(i + 1): implausible sizes nsf \(nsf), neighbours \(nnb)")
        }
        try nextRecord()
        guard count == 4 * nnb else { throw failure("structure \(h.path), atom \(i + 1): neighbour list of \(count) bytes for \(nnb) neighbours") }
        if a.neighbours.count != nnb { a.neighbours = [Int](repeating: 0, count: nnb) }
        for e in 0..<nnb {
            let j = Int(try int32(e)) - 1
            guard (0..<h.atomCount).contains(j) else { throw failure("structure \(h.path), atom \(i + 1): neighbour index outside 1…\(h.atomCount)") }
            a.neighbours[e] = j
        }
        try nextRecord()
        guard count == 8 * 3 * nsf else { throw failure("structure \(h.path), atom \(i + 1): centre derivatives of \(count) bytes for \(nsf) functions") }
        doubles(3 * nsf, into: &a.center)
        try nextRecord()
        guard count == 8 * 3 * nsf * nnb else { throw failure("structure \(h.path), atom \(i + 1): neighbour derivatives of \(count) bytes") }
        doubles(3 * nsf * nnb, into: &a.neighbourDerivatives)
        guard a.center.allSatisfy(\.isFinite), a.neighbourDerivatives.allSatisfy(\.isFinite) else {
            throw failure("structure \(h.path), atom \(i + 1): non-finite derivative")
        }
        a.type = t; a.nsf = nsf
    }

    /// Skips the atoms of a selected structure.
    public func skipAtoms(of h: Header) throws {
        guard h.selected else { return }
        for _ in 0..<(5 * h.atomCount) { try nextRecord() }
    }

    /// The closing record (the largest neighbour count), after all structures.
    public func finish() throws {
        guard structuresRead == structureCount else { return }
        try nextRecord(); _ = try int32(0)
    }
}
