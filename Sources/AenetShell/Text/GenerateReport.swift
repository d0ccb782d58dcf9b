import AenetCore
import AenetTraining
import AenetAugment
/// generate.x's stdout text around the structure table.
extension TrainingSetGenerator {
    public static let banner = AenetText.header("generate.x - training set generation", rule: "=") + "\n" + copyright

    static let copyright = """
         Copyright (C) 2015-2018 Nongnuch Artrith and Alexander Urban

         This program is distributed in the hope that it will be useful, but
         WITHOUT ANY WARRANTY; without even the implied warranty of
         MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the
         Mozilla Public License, v. 2.0, for more details.


        """

    static var closing: String {
        AenetText.header(AenetText.timestamp(), rule: " ") + AenetText.header("Training set generation done.", rule: "=")
    }

    func printPreamble(_ out: TextOutput) {
        out.write(AenetText.header("Generation of training set started") + "\n")
        out.line(" Number of atom types  : \(input.typeNames.count)")
        var types = " types                 : "
        for (k, t) in input.typeNames.enumerated() {
            if (k + 1) % 7 == 0 { types += "\n" + String(repeating: " ", count: 29) }
            types += FortranFormat.a(FortranFormat.leftA(t, 2), 5) + " "
        }
        out.line(types)
        out.line(" Number of structures  : \(input.structureFiles.count)")
        out.line()
        out.write(AenetText.header("Structural fingerprint basis set-up") + "\n")
        for s in setups { out.write(s.formattedInfo()) }
    }
}

extension FingerprintSetup {
    /// aenet's `stp_print_info` text.
    public func formattedInfo() -> String {
        var o = " Structural fingerprint (SF) set-up for \(atomType)\n\n"
        var pieces = description.components(separatedBy: "$$")
        if pieces.last?.trimmingCharacters(in: .whitespaces).isEmpty ?? false { pieces.removeLast() }
        for p in pieces { o += " \(p)\n" }
        o += "\n"
        if !envTypes.isEmpty {
            o += " environment types: " + envTypes.map { FortranFormat.leftA($0, 2) + " " }.joined()
        }
        o += "\n"
        o += " minimal distance : \(FortranFormat.adjustl(rcMin)) Angstrom\n"
        o += " maximal cut-off  : \(FortranFormat.adjustl(rcMax)) Angstrom\n"
        o += " size of basis    : \(nsf)\n"
        o += " evaluations      : \(neval)\n\n"
        if isChebyshev {
            let p = chebyshevParameters
            o += " Basis function type Chebyshev\n [N. Artrith and A. Urban (2016)]\n\n"
            o += " Radial Rc     : \(FortranFormat.adjustl(p.radialRc))\n"
            o += " Angular Rc    : \(FortranFormat.adjustl(p.angularRc))\n"
            o += " Radial order  : \(p.radialN)\n"
            o += " Angular order : \(p.angularN)\n\n"
        } else if isBehler2011 {
            o += " Basis function type Behler2011\n\n [see also: J. Behler, J. Chem. Phys. 134 (2011) 074106]\n\n\n"
            o += "      G  parameters\n\n"
            func f(_ x: Double) -> String { FortranFormat.f(x, 7, 3) }
            for k in 0..<nsf {
                let p = sfParam[(4 * k)..<(4 * k + 4)].map { $0 }
                let t2 = name(ofEnv: sfEnv[2 * k]), t3 = name(ofEnv: sfEnv[2 * k + 1])
                var line = " " + FortranFormat.i(k + 1, 3) + "  " + FortranFormat.i(sf[k], 1) + "  type2=" + t2
                switch sf[k] {
                case 1: line += "  Rc = " + f(p[0])
                case 2: line += "  Rc = " + f(p[0]) + "  Rs = " + f(p[1]) + "  eta = " + f(p[2])
                case 3: line += "  Rc = " + f(p[0]) + "  kappa = " + f(p[1])
                default: line += "  type3=" + t3 + "  Rc = " + f(p[0]) + "  lambda = " + f(p[1]) + "  zeta = " + f(p[2]) + "  eta = " + f(p[3])
                }
                o += line + "\n"
            }
            o += "\n"
        }
        return o
    }

    private func name(ofEnv k: Int) -> String {
        FortranFormat.leftA(k >= 1 && k <= envTypes.count ? envTypes[k - 1] : "", 2)
    }
}
