import AenetCore

extension PredictOutput {
    /// `predict --stress` (beyond aenet): the virial of the analytic forces and, for periodic
    /// structures, the stress σ = −W/V in eV/Å³ and GPa (Voigt order xx yy zz yz xz xy; positive =
    /// tensile, ASE's sign). Printed after the energies; without the flag the output is aenet's.
    func stress(virial w: [Double], structure s: Structure) -> String {
        let voigt = [w[0], w[4], w[8], 0.5 * (w[5] + w[7]), 0.5 * (w[2] + w[6]), 0.5 * (w[1] + w[3])]
        func row(_ v: [Double], _ width: Int, _ digits: Int) -> String { v.map { " " + FortranFormat.f($0, width, digits) }.joined() }
        var t = " Virial W = sum r_ij (x) f_ij (eV), xx yy zz yz xz xy :" + row(voigt, 14, 6) + "\n"
        if let l = s.lattice {
            let v = abs(l.volume)
            let sigma = voigt.map { -$0 / v }
            t += " Stress (eV/Ang^3), xx yy zz yz xz xy :" + row(sigma, 14, 8) + "\n"
            t += " Stress (GPa),      xx yy zz yz xz xy :" + row(sigma.map { $0 * 160.21766208 }, 14, 6) + "\n"
            t += " Pressure -tr(stress)/3 (GPa)        : " + FortranFormat.f(-(sigma[0] + sigma[1] + sigma[2]) / 3 * 160.21766208, 14, 6) + "\n"
        }
        return t + "\n"
    }
}
