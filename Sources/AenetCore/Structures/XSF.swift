import Foundation

/// Reader for XCrySDen structure files as aenet reads them (aenet ext/xsflib.f90).
///
/// `# total energy = X` and `# cohesive energy = X` lines carry the energies (case-sensitive,
/// before comment handling); `PRIMVEC` makes the structure periodic; `PRIMCOORD` (count line
/// ignored) or `ATOMS` start the atom block, which ends at a blank line or the end of the file.
/// Forces are present when the last atom line has six or more values.
///
/// The reader works on the UTF-8 bytes (lines end at LF; a CR before it is a blank), because
/// data sets have thousands of files: 7815 TiO2 files (34 MB) are read in well under a second.
public enum XSF {
    public static func read(path: String) throws -> Structure {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw AenetError(.missingFile, "cannot read structure file (missing or unreadable); check the path in the deck", file: path)
        }
        return try data.withUnsafeBytes { try parse(bytes: $0.bindMemory(to: UInt8.self), path: path) }
    }

    public static func parse(_ text: String, path: String = "<xsf>") throws -> Structure {
        var text = text
        return try text.withUTF8 { try parse(bytes: $0, path: path) }
    }

    static func parse(bytes b: UnsafeBufferPointer<UInt8>, path: String) throws -> Structure {
        // Physical lines as byte ranges, without the LF.
        var lines: [Range<Int>] = []
        var start = 0
        for i in 0..<b.count where b[i] == 10 { lines.append(start..<i); start = i + 1 }
        lines.append(start..<b.count)

        var lattice: Lattice?
        var species: [String] = []
        var positions: [SIMD3<Double>] = []
        var forces: [SIMD3<Double>] = []
        var hasForces = false
        var totalEnergy: Double?
        var cohesiveEnergy: Double?
        var sawAtoms = false
        var tokens: [Range<Int>] = []
        var k = 0

        func isBlank(_ r: Range<Int>) -> Bool { r.allSatisfy { b[$0] == 32 || b[$0] == 9 || b[$0] == 13 } }
        func contains(_ r: Range<Int>, _ key: StaticString) -> Bool {
            let n = key.utf8CodeUnitCount
            guard r.count >= n else { return false }
            let p = key.utf8Start
            outer: for s in r.lowerBound...(r.upperBound - n) {
                for j in 0..<n where b[s + j] != p[j] { continue outer }
                return true
            }
            return false
        }
        func text(_ r: Range<Int>) -> Substring { String(decoding: UnsafeBufferPointer(rebasing: b[r]), as: UTF8.self)[...] }
        /// Position just after the first occurrence of the ASCII `key` in `r`.
        func end(of key: StaticString, in r: Range<Int>) -> Int? {
            let n = key.utf8CodeUnitCount, p = key.utf8Start
            guard r.count >= n else { return nil }
            outer: for s in r.lowerBound...(r.upperBound - n) {
                for j in 0..<n where b[s + j] != p[j] { continue outer }
                return s + n
            }
            return nil
        }
        func energy(after key: StaticString, in r: Range<Int>, at lineNo: Int) throws -> Double {
            // Bytes up to the "=" after the key; only the rest of the line becomes text.
            guard let k = end(of: key, in: r),
                  let eq = (k..<r.upperBound).first(where: { b[$0] == UInt8(ascii: "=") }),
                  let tok = ListDirected.values(text((eq + 1)..<r.upperBound)).first,
                  let v = ListDirected.double(tok) else {
                throw AenetError("cannot read the value of '\(key)' (a finite number)", file: path, line: lineNo)
            }
            return v
        }
        func vector(_ lineNo: Int) throws -> SIMD3<Double> {
            guard lineNo < lines.count else { throw AenetError("file ends inside PRIMVEC", file: path, line: lineNo) }
            ListDirected.valueRanges(b, lines[lineNo], into: &tokens)
            let v = tokens.prefix(3).compactMap { ListDirected.double(b, $0) }
            guard v.count == 3 else { throw AenetError("expected three finite numbers (a lattice vector)", file: path, line: lineNo + 1) }
            guard v.allSatisfy({ abs($0) <= XSFLimits.maxCoordinate }) else {
                throw AenetError("lattice vector component beyond \(XSFLimits.maxCoordinate) Å", file: path, line: lineNo + 1)
            }
            return SIMD3(v[0], v[1], v[2])
        }
        func readAtoms(from start: Int) throws -> Int {
            var end = start
            while end < lines.count, !isBlank(lines[end]) { end += 1 }
            guard end > start else { throw AenetError("no atoms after the coordinate keyword", file: path, line: start + 1) }
            ListDirected.valueRanges(b, lines[end - 1], into: &tokens)
            hasForces = tokens.count >= 6
            let need = hasForces ? 7 : 4
            var nums = [Double](repeating: 0, count: 6)
            for n in start..<end {
                ListDirected.valueRanges(b, lines[n], into: &tokens)
                var got = 0
                if tokens.count >= need {
                    for t in tokens[1..<need] {
                        if let x = ListDirected.double(b, t) { nums[got] = x; got += 1 }
                    }
                }
                guard got == need - 1 else {
                    throw AenetError(hasForces ? "expected 'symbol x y z Fx Fy Fz' (finite numbers)" : "expected 'symbol x y z' (finite numbers)",
                                     file: path, line: n + 1)
                }
                guard abs(nums[0]) <= XSFLimits.maxCoordinate, abs(nums[1]) <= XSFLimits.maxCoordinate, abs(nums[2]) <= XSFLimits.maxCoordinate else {
                    throw AenetError("coordinate beyond \(XSFLimits.maxCoordinate) Å", file: path, line: n + 1)
                }
                guard positions.count < XSFLimits.maxAtoms else {
                    throw AenetError("more than \(XSFLimits.maxAtoms) atoms", file: path, line: n + 1)
                }
                species.append(ListDirected.speciesName(b, tokens[0]))
                positions.append(SIMD3(nums[0], nums[1], nums[2]))
                if hasForces { forces.append(SIMD3(nums[3], nums[4], nums[5])) }
            }
            sawAtoms = true
            return end
        }

        while k < lines.count {
            let raw = lines[k]
            let lineNo = k + 1
            k += 1
            if isBlank(raw) { continue }
            if contains(raw, "cohesive energy") { cohesiveEnergy = try energy(after: "cohesive energy", in: raw, at: lineNo); continue }
            if contains(raw, "total energy") { totalEnergy = try energy(after: "total energy", in: raw, at: lineNo); continue }
            if let first = raw.first(where: { b[$0] != 32 && b[$0] != 9 }), b[first] == UInt8(ascii: "#") { continue }
            if contains(raw, "PRIMVEC") {
                lattice = Lattice(a: try vector(k), b: try vector(k + 1), c: try vector(k + 2))
                k += 3
            } else if contains(raw, "PRIMCOORD") {
                k = try readAtoms(from: k + 1)
            } else if contains(raw, "ATOMS") {
                k = try readAtoms(from: k)
            }
        }
        guard sawAtoms else { throw AenetError("no PRIMCOORD or ATOMS block: not an XSF structure", file: path) }
        if let l = lattice, abs(l.volume) < 1e-12 {
            throw AenetError("the PRIMVEC lattice vectors are linearly dependent", file: path)
        }
        return Structure(lattice: lattice, species: species, positions: positions,
                         forces: hasForces ? forces : nil, totalEnergy: totalEnergy, cohesiveEnergy: cohesiveEnergy)
    }
}

/// Limits of what the XSF reader accepts (beyond them a structure is refused with its line).
public enum XSFLimits {
    /// |coordinate| and |lattice vector component| in Å.
    public static let maxCoordinate = 1.0e6
    /// Atoms per structure.
    public static let maxAtoms = 10_000_000
}
