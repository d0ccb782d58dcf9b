import Foundation

/// Reader for XCrySDen structure files as aenet reads them (spec §5.5).
///
/// `# total energy = X` and `# cohesive energy = X` lines carry the energies (case-sensitive,
/// before comment handling); `PRIMVEC` makes the structure periodic; `PRIMCOORD` (count line
/// ignored) or `ATOMS` start the atom block, which ends at a blank line or the end of the file.
/// Forces are present when the last atom line has six or more values.
public enum XSF {
    public static func read(path: String) throws -> Structure {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw AenetError("cannot read structure file (missing or unreadable); check the path in the deck", file: path)
        }
        return try parse(String(decoding: data, as: UTF8.self), path: path)
    }

    public static func parse(_ text: String, path: String = "<xsf>") throws -> Structure {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        var lattice: Lattice?
        var species: [String] = []
        var positions: [SIMD3<Double>] = []
        var forces: [SIMD3<Double>] = []
        var hasForces = false
        var totalEnergy: Double?
        var cohesiveEnergy: Double?
        var sawAtoms = false
        var k = 0

        func energy(after key: String, in line: Substring, at lineNo: Int) throws -> Double {
            guard let keyRange = line.range(of: key),
                  let eq = line[keyRange.upperBound...].firstIndex(of: "="),
                  let tok = ListDirected.values(line[line.index(after: eq)...]).first,
                  let v = ListDirected.double(tok) else {
                throw AenetError("cannot read the value of '\(key)'", file: path, line: lineNo)
            }
            return v
        }
        func vector(_ lineNo: Int) throws -> SIMD3<Double> {
            guard lineNo < lines.count else { throw AenetError("file ends inside PRIMVEC", file: path, line: lineNo) }
            let v = ListDirected.values(lines[lineNo]).prefix(3).compactMap(ListDirected.double)
            guard v.count == 3 else { throw AenetError("expected three numbers (a lattice vector)", file: path, line: lineNo + 1) }
            return SIMD3(v[0], v[1], v[2])
        }
        func readAtoms(from start: Int) throws -> Int {
            var end = start
            while end < lines.count, !lines[end].allSatisfy({ $0 == " " || $0 == "\t" || $0 == "\r" }) { end += 1 }
            guard end > start else { throw AenetError("no atoms after the coordinate keyword", file: path, line: start + 1) }
            hasForces = ListDirected.values(lines[end - 1]).count >= 6
            for n in start..<end {
                let v = ListDirected.values(lines[n])
                let need = hasForces ? 7 : 4
                let nums = v.dropFirst().prefix(need - 1).compactMap(ListDirected.double)
                guard v.count >= need, nums.count == need - 1 else {
                    throw AenetError(hasForces ? "expected 'symbol x y z Fx Fy Fz'" : "expected 'symbol x y z'",
                                     file: path, line: n + 1)
                }
                species.append(String(v[0].prefix(2)))
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
            if raw.allSatisfy({ $0 == " " || $0 == "\t" || $0 == "\r" }) { continue }
            if raw.contains("cohesive energy") { cohesiveEnergy = try energy(after: "cohesive energy", in: raw, at: lineNo); continue }
            if raw.contains("total energy") { totalEnergy = try energy(after: "total energy", in: raw, at: lineNo); continue }
            let line = raw.drop(while: { $0 == " " || $0 == "\t" })
            if line.first == "#" { continue }
            if line.contains("PRIMVEC") {
                lattice = Lattice(a: try vector(k), b: try vector(k + 1), c: try vector(k + 2))
                k += 3
            } else if line.contains("PRIMCOORD") {
                k = try readAtoms(from: k + 1)
            } else if line.contains("ATOMS") {
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
