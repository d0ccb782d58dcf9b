import AenetCore
import AenetTraining
import AenetAugment
import Foundation

/// predict.x's stdout, column for column (aenet predict.F90; predict.F90 print_fileinfo,
/// print_coordinates, print_energy), so that existing parsers of predict.out keep working.
struct PredictOutput: Sendable {
    public var verbosity: Int
    public var forces: Bool
    public var atomicEnergies: Bool

    public init(verbosity: Int, forces: Bool, atomicEnergies: Bool) {
        self.verbosity = verbosity; self.forces = forces; self.atomicEnergies = atomicEnergies
    }

    /// Banner, copyright, potential info and the "Energy evaluation" header (verbosity ≥ 1).
    public func preamble(_ set: PotentialSet, date: Date = Date()) -> String {
        guard verbosity > 0 else { return "" }
        var s = AenetText.header("Atomic Energy Network Interpolation", rule: "=")
        s += AenetText.header(AenetText.timestamp(date), rule: " ") + "\n"
        s += " Copyright (C) 2015-2018 Nongnuch Artrith and Alexander Urban\n\n"
        s += " This program is distributed in the hope that it will be useful, but\n"
        s += " WITHOUT ANY WARRANTY; without even the implied warranty of\n"
        s += " MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the\n"
        s += " Mozilla Public License, v. 2.0, for more details.\n\n"
        for p in set.potentials { s += p.infoText }
        return s + AenetText.header("Energy evaluation") + "\n"
    }

    /// The closing timestamp and banner (verbosity ≥ 1).
    public func closing(date: Date = Date()) -> String {
        guard verbosity > 0 else { return "" }
        return AenetText.header(AenetText.timestamp(date), rule: " ") + AenetText.header("Atomic Energy Network done.", rule: "=")
    }

    /// Separator printed between structures (not after the last).
    public static let separator = " " + String(repeating: "+", count: 70) + "\n\n"

    /// print_fileinfo (verbosity ≥ 1): number, file, atom and species counts, cell.
    public func fileInfo(number: Int, file: String, structure s: Structure) -> String {
        guard verbosity > 0 else { return "" }
        var t = " Structure number  : \(number)\n File name         : \(file.trimmingBlanks)\n"
        t += " Number of atoms   : \(s.atomCount)\n Number of species : \(s.distinctSpecies.count)\n\n"
        t += " Lattice vectors (Angstrom):\n\n"
        let cell = Self.printedCell(s)
        for (name, v) in [("a", cell.a), ("b", cell.b), ("c", cell.c)] {
            t += "   "; t += name; t += " = ( "
            for c in 0..<3 { t += "  "; t += FortranFormat.f(v[c], 15, 8) }
            t += " )\n"
        }
        return t + "\n"
    }

    /// The cell aenet prints: the lattice, or for isolated structures the bounding box
    /// (extent + 2e-6 Å per axis, geo_get_bounds).
    static func printedCell(_ s: Structure) -> Lattice {
        if let l = s.lattice { return l }
        var lo = s.positions[0], hi = s.positions[0]
        for p in s.positions { lo = pointwiseMin(lo, p); hi = pointwiseMax(hi, p) }
        let e = hi - lo + 2.0e-6
        return Lattice(a: SIMD3(e.x, 0, 0), b: SIMD3(0, e.y, 0), c: SIMD3(0, 0, e.z))
    }

    /// print_coordinates: the coordinate table, with force and atomic-energy columns as requested.
    public func coordinates(_ s: Structure, _ p: Prediction, optimized: Bool = false,
                            withForces: Bool? = nil, withEnergies: Bool? = nil) -> String {
        let f = (withForces ?? forces) && p.forces != nil
        let e = withEnergies ?? atomicEnergies
        var t = " Cartesian atomic coordinates " + (optimized ? "(optimized)" : "(input)")
        t += (f ? " and corresponding atomic forces" : "") + ":\n\n"
        t += "   " + ["     x      ", "     y      ", "     z      "].map { "  " + $0 }.joined()
        if f { t += ["     Fx     ", "    Fy      ", "    Fz      "].map { "  " + $0 }.joined() }
        if e { t += "     E_atom   " }
        t += "\n   " + String(repeating: "      (Ang)   ", count: 3)
        if f { t += String(repeating: "    (eV/Ang)  ", count: 3) }
        if e { t += "      (eV)    " }
        t += "\n " + String(repeating: "-", count: 44 + (f ? 42 : 0) + (e ? 14 : 0)) + "\n"
        // One append per field (no temporary arrays): the text of the set is megabytes.
        t.reserveCapacity(t.utf8.count + s.atomCount * (4 + 14 * (3 + (f ? 3 : 0) + (e ? 1 : 0))))
        for i in 0..<s.atomCount {
            t += " "; t += FortranFormat.leftA(s.species[i], 2)
            let r = p.positions[i]
            for c in 0..<3 { t += "  "; t += FortranFormat.f(r[c], 12, 6) }
            if f, let fo = p.forces {
                for c in 0..<3 { t += "  "; t += FortranFormat.f(fo[i][c], 12, 6) }
            }
            if e { t += "  "; t += FortranFormat.f(p.atomicEnergies[i], 12, 6) }
            t += "\n"
        }
        return t + "\n"
    }

    /// print_energy: energies and, with forces, the force statistics.
    public func energies(_ p: Prediction) -> String {
        var t = " Cohesive energy            :  " + FortranFormat.f(p.cohesiveEnergy, 20, 8) + " eV\n"
        t += " Total energy               :  " + FortranFormat.f(p.totalEnergy, 20, 8) + " eV\n"
        if forces, let f = p.forces {
            let st = ForceStatistics(f)
            func row(_ v: SIMD3<Double>) -> String { (0..<3).map { "  " + FortranFormat.f(v[$0], 12, 6) }.joined() }
            t += " Mean force (must be zero)  :" + row(st.mean) + "\n"
            t += " Mean absolute force        :" + row(st.meanAbsolute) + "\n"
            t += " Maximum force              :" + row(st.maximum) + "\n"
            t += " RMS force                  :  " + FortranFormat.f(st.rms, 12, 6) + "\n"
            t += " The maximum force is acting on atom \(st.maximumAtom + 1).\n"
            t += " All forces are given in eV/Angstrom.\n"
        }
        return t + "\n"
    }
}

/// calc_rms_force: mean, mean absolute value, largest force (first atom on ties) and RMS.
struct ForceStatistics: Sendable {
    public var mean = SIMD3<Double>.zero
    public var meanAbsolute = SIMD3<Double>.zero
    public var maximum = SIMD3<Double>.zero
    /// 0-based index of the atom with the largest |F| (aenet prints it 1-based; 0 if all forces are 0).
    public var maximumAtom = 0
    public var rms = 0.0

    public init(_ f: [SIMD3<Double>]) {
        var largest = 0.0, sum2 = 0.0
        for (i, v) in f.enumerated() {
            mean += v
            meanAbsolute += SIMD3(abs(v.x), abs(v.y), abs(v.z))
            let a2 = (v * v).sum()
            sum2 += a2
            if a2 > largest { largest = a2; maximum = v; maximumAtom = i }
        }
        let n = Double(max(f.count, 1))
        mean /= n; meanAbsolute /= n
        rms = (sum2 / n).squareRoot()
    }
}
