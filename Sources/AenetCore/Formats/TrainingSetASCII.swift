import Foundation

/// The two layouts of a training set: aenet's Fortran binary file (what generate writes) and
/// aenet-PyTorch's text version of it (what its tools/trainbin2ASCII writes and its
/// src/read_trainset.py reads, usually `*.train.ascii`).
public enum TrainingSetLayout: Sendable, Equatable {
    case binary
    case ascii

    /// Tells the layouts apart by content: a binary set starts with the 4-byte record marker 4
    /// (the record of the species count); an ASCII set starts with blanks and the digits of that
    /// count. Anything else is not a training set.
    public static func detect(path: String) throws -> TrainingSetLayout {
        guard let h = FileHandle(forReadingAtPath: path) else {
            throw AenetError(.missingFile, "cannot open the training set (missing or unreadable)", file: path)
        }
        let head = Array((try? h.read(upToCount: 64)) ?? Data())
        try? h.close()
        if head.count >= 4, Array(head[0..<4]) == [4, 0, 0, 0] { return .binary }
        if let first = head.first(where: { $0 != 32 && $0 != 9 && $0 != 10 && $0 != 13 }),
           (48...57).contains(first), head.allSatisfy({ $0 == 9 || $0 == 10 || $0 == 13 || (32...126).contains($0) }) {
            return .ascii
        }
        throw AenetError(.corruptFile, "neither an aenet binary training set nor an aenet-PyTorch ASCII one", file: path)
    }
}

/// Reader of aenet-PyTorch's ASCII training set (tools/trainbin2ASCII.f90, bin2ascii), into the
/// same types as `TrainingSetReader`. Its layout, one binary record per line:
///
/// - header: species count; structure count; species names; atomic energies; normalized (T/F);
///   energy scale; energy shift;
/// - footer *before* the structures: total atoms; average, minimum, maximum energy; setups
///   present (T/F); per species its index and the 17 records of the fingerprint setup (the ENV
///   species one per line);
/// - per structure: path length; path; atom and species counts; energy; per atom its species
///   (1-based), coordinates, forces, fingerprint length and fingerprint.
///
/// Numbers are read like Fortran list-directed input: a numeric record starts on a new line and
/// may continue over several lines, but may not leave values over on its last line (that would
/// mean the counts and the data disagree). Every count is checked against what the rest of the
/// file can hold before anything is allocated; NaN, infinities and overflowing numbers are
/// refused; errors name the file and line. The file is memory-mapped.
public final class TrainingSetASCIIReader {
    public let path: String
    public let header: TrainingSetHeader
    public let footer: TrainingSetFooter
    public private(set) var structuresRead = 0
    private let data: Data
    private var cursor: ASCIICursor
    private let firstStructure: ASCIICursor

    public init(path: String) throws {
        self.path = path
        guard FileManager.default.fileExists(atPath: path) else { throw AenetError(.missingFile, "file not found", file: path) }
        do { data = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped) }
        catch { throw AenetError(.missingFile, "cannot read the training set (\(error.localizedDescription))", file: path) }
        var c = ASCIICursor()
        let (h, f) = try data.withUnsafeBytes { raw -> (TrainingSetHeader, TrainingSetFooter) in
            var s = ASCIIScanner(bytes: raw.bindMemory(to: UInt8.self), cursor: c, file: path)
            let h = try Self.readHeader(&s)
            let f = try Self.readFooter(&s, header: h)
            c = s.cursor
            return (h, f)
        }
        header = h; footer = f; cursor = c; firstStructure = c
    }

    /// The next structure, or nil after the announced count (then checks that only blank lines follow).
    public func next() throws -> TrainingSetStructure? {
        guard structuresRead < header.structureCount else {
            try data.withUnsafeBytes { raw in
                var s = ASCIIScanner(bytes: raw.bindMemory(to: UInt8.self), cursor: cursor, file: path)
                try s.expectEnd("after the \(header.structureCount) structures the header announces")
            }
            return nil
        }
        let nTypes = header.typeNames.count
        let setups = footer.setups
        let st = try data.withUnsafeBytes { raw -> TrainingSetStructure in
            var s = ASCIIScanner(bytes: raw.bindMemory(to: UInt8.self), cursor: cursor, file: path)
            let st = try Self.readStructure(&s, typeCount: nTypes, setups: setups)
            cursor = s.cursor
            return st
        }
        structuresRead += 1
        return st
    }

    /// Goes back to the first structure.
    public func rewind() { cursor = firstStructure; structuresRead = 0 }

    /// All structures (for small sets and tests).
    public func readAll() throws -> [TrainingSetStructure] {
        rewind()
        var out: [TrainingSetStructure] = []
        while let s = try next() { out.append(s) }
        return out
    }

    /// Writes the set in aenet's binary layout (what generate writes), structure by structure and
    /// staged, so that everything that reads binary sets (train's normalization) can use it.
    public func writeBinary(to binary: String, overwrite: Bool = false) throws {
        let file = try StagedFile(path: binary, overwrite: overwrite)
        do {
            var w = FortranRecordWriter(reservingCapacity: 1 << 20)
            header.write(to: &w)
            rewind()
            while let s = try next() {
                s.write(to: &w)
                if w.bytes.count > 1 << 20 { try file.write(w.bytes); w.removeAll() }
            }
            footer.write(to: &w)
            try file.write(w.bytes)
            try file.commit()
        } catch { file.discard(); throw error }
    }

    static func readHeader(_ s: inout ASCIIScanner) throws -> TrainingSetHeader {
        let nTypes = try s.int("number of species", 1...1000, hint: " (not an aenet-PyTorch ASCII training set?)")
        let nStrucs = try s.int("number of structures", 0...Int(Int32.max))
        let names = try s.words(nTypes, "species names")
        let energies = try s.doubles(nTypes, "atomic energies")
        let normalized = try s.logical("normalized flag")
        let scale = try s.doubles(1, "energy scale")[0], shift = try s.doubles(1, "energy shift")[0]
        guard scale != 0 || !normalized else { throw s.fail("energy scale 0 in a normalized set") }
        return TrainingSetHeader(typeNames: names, atomicEnergies: energies, structureCount: nStrucs,
                                 normalized: normalized, scale: scale, shift: shift)
    }

    static func readFooter(_ s: inout ASCIIScanner, header: TrainingSetHeader) throws -> TrainingSetFooter {
        let nTypes = header.typeNames.count
        let atoms = try s.int("total number of atoms", 0...Int(Int32.max))
        let e = try s.doubles(3, "average, minimum and maximum energy")
        let has = try s.logical("setups-present flag")
        var setups: [FingerprintSetup]?
        if has {
            var list = [FingerprintSetup?](repeating: nil, count: nTypes)
            for _ in 0..<nTypes {
                let t = try s.int("setup species index", 1...nTypes) - 1
                guard list[t] == nil else { throw s.fail("a second setup for species \(t + 1)") }
                var f = FingerprintSetup()
                f.description = try s.text("setup description", keepLeading: true)
                f.atomType = try s.text("setup species")
                let nenv = try s.int("number of environment species", 1...SetupLimits.maxEnvironmentSpecies)
                f.envTypes = try s.words(nenv, "environment species")
                f.rcMin = try s.doubles(1, "minimum cutoff")[0]
                f.rcMax = try s.doubles(1, "cutoff")[0]
                f.sfType = try s.text("descriptor type")
                f.nsf = try s.int("number of descriptor functions", 1...SetupLimits.maxFunctions)
                f.nsfParam = try s.int("parameters per function", 4...4)
                // Six arrays of nsf values (or more) follow: each value takes at least 2 bytes.
                guard f.nsf <= s.remaining / 2 else { throw s.fail("\(f.nsf) descriptor functions cannot fit in the rest of the file (truncated?)") }
                f.sf = try s.ints(f.nsf, "function kinds")
                f.sfParam = try s.doubles(4 * f.nsf, "function parameters")
                f.sfEnv = try s.ints(2 * f.nsf, "function environment indices")
                f.neval = try s.int("number of evaluations", 0...Int.max)
                f.sfvalMin = try s.doubles(f.nsf, "feature minima")
                f.sfvalMax = try s.doubles(f.nsf, "feature maxima")
                f.sfvalAvg = try s.doubles(f.nsf, "feature averages")
                f.sfvalCov = try s.doubles(f.nsf, "feature second moments")
                if let problem = f.limitProblem() { throw s.fail("unusable fingerprint setup for \(f.atomType): \(problem)") }
                list[t] = f
            }
            setups = list.compactMap { $0 }
        }
        return TrainingSetFooter(totalAtoms: atoms, averageEnergy: e[0], minimumEnergy: e[1], maximumEnergy: e[2], setups: setups)
    }

    static func readStructure(_ s: inout ASCIIScanner, typeCount nTypes: Int, setups: [FingerprintSetup]?) throws -> TrainingSetStructure {
        let len = try s.int("path length", 0...100_000)
        let path = try s.path(length: len)
        let counts = try s.ints(2, "atom and species counts")
        let nAtoms = counts[0], typeCount = counts[1]
        guard nAtoms > 0, nAtoms < 10_000_000 else { throw s.fail("implausible atom count \(nAtoms)") }
        guard (1...nTypes).contains(typeCount) else { throw s.fail("structure species count \(typeCount) outside 1…\(nTypes)") }
        // An atom takes at least 5 lines of at least 2 bytes each, plus 6 numbers.
        guard nAtoms <= s.remaining / 20 else { throw s.fail("atom count \(nAtoms) exceeds what the rest of the file can hold (truncated?)") }
        let energy = try s.doubles(1, "structure energy")[0]
        var st = TrainingSetStructure(path: path, typeCount: typeCount, energy: energy, types: [], coordinates: [],
                                      forces: [], fingerprints: [], fingerprintOffsets: [])
        st.types.reserveCapacity(nAtoms); st.coordinates.reserveCapacity(3 * nAtoms); st.forces.reserveCapacity(3 * nAtoms)
        st.fingerprintOffsets.reserveCapacity(nAtoms)
        for a in 0..<nAtoms {
            let t = try s.int("species of atom \(a + 1)", 1...nTypes) - 1
            st.types.append(t)
            st.coordinates.append(contentsOf: try s.doubles(3, "coordinates of atom \(a + 1)"))
            st.forces.append(contentsOf: try s.doubles(3, "forces of atom \(a + 1)"))
            let n = try s.int("fingerprint length of atom \(a + 1)", 0...SetupLimits.maxFunctions)
            if let setups, n != setups[t].nsf {
                throw s.fail("atom \(a + 1) of \(path) has \(n) fingerprint values, its species' setup \(setups[t].nsf)")
            }
            guard n <= s.remaining / 2 else { throw s.fail("fingerprint of \(n) values cannot fit in the rest of the file (truncated?)") }
            st.fingerprintOffsets.append(st.fingerprints.count)
            st.fingerprints.append(contentsOf: try s.doubles(n, "fingerprint of atom \(a + 1)"))
        }
        return st
    }
}

/// Position in an ASCII file: byte offset and the number of lines read.
struct ASCIICursor: Sendable {
    var pos = 0
    var line = 0
}

/// Line-oriented Fortran list-directed reading over bytes.
struct ASCIIScanner {
    let bytes: UnsafeBufferPointer<UInt8>
    var cursor: ASCIICursor
    let file: String
    private var ranges: [Range<Int>] = []

    init(bytes: UnsafeBufferPointer<UInt8>, cursor: ASCIICursor, file: String) {
        self.bytes = bytes; self.cursor = cursor; self.file = file
    }

    var remaining: Int { bytes.count - cursor.pos }

    func fail(_ message: String) -> AenetError { AenetError(.corruptFile, message, file: file, line: max(cursor.line, 1)) }

    /// The next line (without its newline), or an error at the end of the file.
    mutating func nextLine(_ what: String) throws -> Range<Int> {
        guard cursor.pos < bytes.count else {
            cursor.line += 1
            throw fail("unexpected end of file where the \(what) should be (truncated?)")
        }
        let start = cursor.pos
        var end = start
        while end < bytes.count, bytes[end] != 10 { end += 1 }
        cursor.pos = end < bytes.count ? end + 1 : end
        cursor.line += 1
        return start..<end
    }

    /// `n` values from a new line on, over as many lines as needed; none may be left over.
    mutating func tokens(_ n: Int, _ what: String) throws -> [Range<Int>] {
        var out: [Range<Int>] = []
        while out.count < n {
            let l = try nextLine(what)
            ListDirected.valueRanges(bytes, l, into: &ranges)
            if out.count + ranges.count > n {
                throw fail("\(what): \(out.count + ranges.count) values where \(n) are expected")
            }
            out.append(contentsOf: ranges)
        }
        return out
    }

    mutating func doubles(_ n: Int, _ what: String) throws -> [Double] {
        try tokens(n, what).map { r in
            guard let v = ListDirected.double(bytes, r) else {
                throw fail("\(what): '\(String(decoding: UnsafeBufferPointer(rebasing: bytes[r]), as: UTF8.self))' is not a finite number")
            }
            return v
        }
    }

    mutating func ints(_ n: Int, _ what: String) throws -> [Int] {
        try tokens(n, what).map { r in
            let t = String(decoding: UnsafeBufferPointer(rebasing: bytes[r]), as: UTF8.self)
            guard let v = Int(t) else { throw fail("\(what): '\(t)' is not an integer") }
            return v
        }
    }

    mutating func int(_ what: String, _ range: ClosedRange<Int>, hint: String = "") throws -> Int {
        let v = try ints(1, what)[0]
        guard range.contains(v) else { throw fail("implausible \(what) \(v)\(hint)") }
        return v
    }

    mutating func words(_ n: Int, _ what: String) throws -> [String] {
        try tokens(n, what).map { String(decoding: UnsafeBufferPointer(rebasing: bytes[$0]), as: UTF8.self) }
    }

    mutating func logical(_ what: String) throws -> Bool {
        let t = try words(1, what)[0]
        guard let v = ListDirected.logical(t[...]) else { throw fail("\(what): '\(t)' is not T or F") }
        return v
    }

    /// A whole line, trimmed (text records: species, descriptor type). With `keepLeading`
    /// (the description) only the one blank that list-directed output puts first is removed, so
    /// a description that starts with blanks comes back as it was.
    mutating func text(_ what: String, keepLeading: Bool = false) throws -> String {
        let l = try nextLine(what)
        let t = String(decoding: UnsafeBufferPointer(rebasing: bytes[l]), as: UTF8.self)
        guard keepLeading else { return t.trimmingCharacters(in: .whitespacesAndNewlines) }
        var u = t.hasPrefix(" ") ? String(t.dropFirst()) : t
        while let last = u.last, last == " " || last == "\r" { u.removeLast() }
        return u
    }

    /// A structure path of `length` bytes: list-directed output puts one blank before it and
    /// may pad it with blanks.
    mutating func path(length: Int) throws -> String {
        let l = try nextLine("structure path")
        var start = l.lowerBound
        if start < l.upperBound, bytes[start] == 32 { start += 1 }
        var end = l.upperBound
        if end > start, bytes[end - 1] == 13 { end -= 1 }
        guard end - start >= length else { throw fail("structure path shorter than its announced length \(length)") }
        for k in (start + length)..<end where bytes[k] != 32 {
            throw fail("structure path longer than its announced length \(length)")
        }
        var s = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<(start + length)]), as: UTF8.self)
        while let last = s.last, last == " " { s.removeLast() }   // as the binary reader
        return s
    }

    /// Only blank lines may follow.
    mutating func expectEnd(_ what: String) throws {
        while cursor.pos < bytes.count {
            let l = try nextLine("end")
            if l.contains(where: { bytes[$0] != 32 && bytes[$0] != 9 && bytes[$0] != 13 }) {
                throw fail("unexpected data \(what)")
            }
        }
    }
}

/// Writer of aenet-PyTorch's ASCII training-set layout (what `TrainingSetASCIIReader` and
/// aenet-PyTorch's read_trainset.py read): one binary record per line, the footer before the
/// structures, numbers in shortest round-trip form (read back they are the same Float64 values).
public enum TrainingSetASCIIWriter {
    /// Writes `structures` with `header` and `footer` to `path` (staged: the file appears only when complete).
    public static func write(path: String, header: TrainingSetHeader, footer: TrainingSetFooter,
                             structures: [TrainingSetStructure], overwrite: Bool = false) throws {
        var it = structures.makeIterator()
        try write(path: path, header: header, footer: footer, overwrite: overwrite) { it.next() }
    }

    /// Converts a binary training set into the ASCII layout (as aenet-PyTorch's trainbin2ASCII),
    /// structure by structure.
    public static func convert(binary: String, to path: String, overwrite: Bool = false) throws {
        let r = try TrainingSetReader(path: binary)
        let footer = try r.footer()
        r.rewind()
        try write(path: path, header: r.header, footer: footer, overwrite: overwrite) { try r.next() }
    }

    static func write(path: String, header: TrainingSetHeader, footer: TrainingSetFooter, overwrite: Bool,
                      next: () throws -> TrainingSetStructure?) throws {
        let file = try StagedFile(path: path, overwrite: overwrite)
        do {
            var t = headerText(header) + footerText(footer)
            while let s = try next() {
                t += structureText(s)
                if t.utf8.count > 1 << 20 { try file.write(Array(t.utf8)); t = "" }
            }
            try file.write(Array(t.utf8))
            try file.commit()
        } catch { file.discard(); throw error }
    }

    static func d(_ x: Double) -> String { "\(x)" }
    static func line(_ v: [Double]) -> String { v.map(d).joined(separator: " ") + "\n" }
    static func line(_ v: [Int]) -> String { v.map(String.init).joined(separator: " ") + "\n" }

    public static func headerText(_ h: TrainingSetHeader) -> String {
        var t = "\(h.typeNames.count)\n\(h.structureCount)\n"
        t += h.typeNames.joined(separator: " ") + "\n" + line(h.atomicEnergies)
        t += (h.normalized ? "T" : "F") + "\n" + d(h.scale) + "\n" + d(h.shift) + "\n"
        return t
    }

    public static func footerText(_ f: TrainingSetFooter) -> String {
        var t = "\(f.totalAtoms)\n" + line([f.averageEnergy, f.minimumEnergy, f.maximumEnergy])
        t += (f.setups != nil ? "T" : "F") + "\n"
        for (i, s) in (f.setups ?? []).enumerated() {
            t += "\(i + 1)\n " + s.description.replacingOccurrences(of: "\n", with: " ") + "\n" + s.atomType + "\n"
            t += "\(s.envTypes.count)\n" + s.envTypes.map { $0 + "\n" }.joined()
            t += d(s.rcMin) + "\n" + d(s.rcMax) + "\n" + s.sfType + "\n\(s.nsf)\n\(s.nsfParam)\n"
            t += line(s.sf) + line(s.sfParam) + line(s.sfEnv) + "\(s.neval)\n"
            t += line(s.sfvalMin) + line(s.sfvalMax) + line(s.sfvalAvg) + line(s.sfvalCov)
        }
        return t
    }

    public static func structureText(_ s: TrainingSetStructure) -> String {
        var t = "\(s.path.utf8.count)\n \(s.path)\n\(s.atomCount) \(s.typeCount)\n" + d(s.energy) + "\n"
        for a in 0..<s.atomCount {
            let o = s.fingerprintOffsets[a], n = s.fingerprintCount(a)
            t += "\(s.types[a] + 1)\n" + line(Array(s.coordinates[(3 * a)..<(3 * a + 3)]))
            t += line(Array(s.forces[(3 * a)..<(3 * a + 3)])) + "\(n)\n" + line(Array(s.fingerprints[o..<(o + n)]))
        }
        return t
    }
}
