/// Writer for XSF structure files in a layout aenet's reader (aenet ext/xsflib.f90) and ours read back exactly.
///
/// Layout:
/// ```
/// # total energy = -19960.66173260 eV        (and/or "# cohesive energy = … eV")
///
/// CRYSTAL                                    (periodic)
/// PRIMVEC
///   ax ay az
///   bx by bz
///   cx cy cz
/// PRIMCOORD
/// N 1
/// Ti  x y z Fx Fy Fz
/// ```
/// or `ATOMS` followed by the atom lines for an isolated structure. Every number is written as the
/// shortest decimal text that reads back as the same binary64 value (Swift's `description`, like
/// Python's `repr`), so a round trip through the file loses nothing. Such text (`1e-05`, `-0.0`,
/// `12.5`) is also valid Fortran list-directed input.
public enum XSFWriter {
    /// The whole file for `structure`.
    public static func string(_ structure: Structure) -> String {
        var out = energyLines(total: structure.totalEnergy, cohesive: structure.cohesiveEnergy)
        out += header(lattice: structure.lattice, atomCount: structure.atomCount)
        for i in 0..<structure.atomCount {
            out += atomLine(structure.species[i], structure.positions[i], structure.forces?[i])
        }
        return out
    }

    /// The energy comment lines and the blank line after them; nothing when neither energy is known.
    public static func energyLines(total: Double?, cohesive: Double?) -> String {
        var out = ""
        if let e = total { out += "# total energy = \(number(e)) eV\n" }
        if let e = cohesive { out += "# cohesive energy = \(number(e)) eV\n" }
        if !out.isEmpty { out += "\n" }
        return out
    }

    /// Everything between the energy lines and the first atom line.
    public static func header(lattice: Lattice?, atomCount: Int) -> String {
        guard let l = lattice else { return "ATOMS\n" }
        var out = "CRYSTAL\nPRIMVEC\n"
        for v in [l.a, l.b, l.c] {
            out += "  " + column(v.x) + " " + column(v.y) + " " + column(v.z) + "\n"
        }
        out += "PRIMCOORD\n\(atomCount) 1\n"
        return out
    }

    /// One atom line: symbol, coordinates (Å) and, when given, forces (eV/Å).
    public static func atomLine(_ species: String, _ r: SIMD3<Double>, _ f: SIMD3<Double>?) -> String {
        var out = species
        if species.utf8.count < 2 { out += String(repeating: " ", count: 2 - species.utf8.count) }
        out += "  " + column(r.x) + " " + column(r.y) + " " + column(r.z)
        if let f {
            out += "   " + column(f.x) + " " + column(f.y) + " " + column(f.z)
        }
        return out + "\n"
    }

    /// Shortest round-trip decimal text of `x` (finite values only; callers reject NaN and ∞).
    @inline(__always) public static func number(_ x: Double) -> String { x.description }

    /// `number(x)` right-aligned in 22 characters (wider values are written in full).
    static func column(_ x: Double) -> String {
        let s = number(x)
        let n = s.utf8.count
        return n >= 22 ? s : String(repeating: " ", count: 22 - n) + s
    }
}
