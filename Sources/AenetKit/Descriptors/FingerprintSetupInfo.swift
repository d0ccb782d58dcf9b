extension FingerprintSetup {
    /// stp_print_info's text: description (`$$` = line break), environment, ranges and the
    /// basis-specific block (Chebyshev orders / Behler2011 function table).
    public var infoText: String {
        var s = " Structural fingerprint (SF) set-up for \(atomType.trimmingBlanks)\n\n"
        // stp_print_descr: one line per `$$`-separated piece, the last one only if not blank.
        var rest = Substring(description)
        while let r = rest.range(of: "$$") {
            s += " \(rest[..<r.lowerBound])\n"
            rest = rest[r.upperBound...]
        }
        let last = String(rest).trimmingBlanks.isEmpty ? nil : rest.reversed().drop(while: { $0 == " " }).reversed()
        if let last { s += " \(String(last))\n" }
        s += "\n"
        if !envTypes.isEmpty {
            s += " environment types: " + envTypes.map { FortranFormat.leftA($0, 2) + " " }.joined()
        }
        s += "\n"
        s += " minimal distance : \(FortranFormat.adjustl(rcMin, digits: 2)) Angstrom\n"
        s += " maximal cut-off  : \(FortranFormat.adjustl(rcMax, digits: 2)) Angstrom\n"
        s += " size of basis    : \(nsf)\n"
        s += " evaluations      : \(neval)\n\n"
        if isChebyshev {
            let p = chebyshevParameters
            s += " Basis function type Chebyshev\n [N. Artrith and A. Urban (2016)]\n\n"
            s += " Radial Rc     : \(FortranFormat.adjustl(p.radialRc, digits: 2))\n"
            s += " Angular Rc    : \(FortranFormat.adjustl(p.angularRc, digits: 2))\n"
            s += " Radial order  : \(p.radialN)\n"
            s += " Angular order : \(p.angularN)\n\n"
        } else if isBehler2011 {
            s += behlerTable
        }
        return s
    }

    private var behlerTable: String {
        var s = " Basis function type Behler2011\n\n [see also: J. Behler, J. Chem. Phys. 134 (2011) 074106]\n\n\n"
        s += "      G  parameters\n\n"
        func f(_ x: Double) -> String { FortranFormat.f(x, 7, 3) }
        func env(_ i: Int) -> String { (1...envTypes.count).contains(i) ? FortranFormat.leftA(envTypes[i - 1], 2) : "  " }
        for k in 0..<nsf {
            let p = sfParam[(4 * k)..<(4 * k + 4)].map { $0 }
            let head = " \(FortranFormat.i(k + 1, 3))  \(FortranFormat.i(sf[k], 1))  type2=\(env(sfEnv[2 * k]))"
            switch sf[k] {
            case 1: s += head + "  Rc = \(f(p[0]))\n"
            case 2: s += head + "  Rc = \(f(p[0]))  Rs = \(f(p[1]))  eta = \(f(p[2]))\n"
            case 3: s += head + "  Rc = \(f(p[0]))  kappa = \(f(p[1]))\n"
            case 4, 5:
                s += head + "  type3=\(env(sfEnv[2 * k + 1]))  Rc = \(f(p[0]))  lambda = \(f(p[1]))  zeta = \(f(p[2]))  eta = \(f(p[3]))\n"
            default: break
            }
        }
        return s + "\n"
    }
}
// (FortranFormat.leftA now comes from main's FortranFormat.swift.)
