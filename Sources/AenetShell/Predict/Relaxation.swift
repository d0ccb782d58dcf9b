import AenetCore
import AenetTraining
import AenetAugment
/// Outcome of a RELAX run on one structure.
struct Relaxation: Sendable {
    public var structure: Structure
    public var prediction: Prediction
    /// Iterations done (aenet's `iter`; 0 means the input was returned unchanged).
    public var iterations: Int
    public var converged: Bool
    /// The "Geometry optimization:" table as predict.x prints it (verbosity ≥ 1).
    public var table: String
}

extension PotentialSet {
    /// Geometry optimisation with BFGS in Cartesian coordinates (aenet predict.F90 and optimize.f90, done correctly).
    ///
    /// This is deliberately not training's L-BFGS (AenetTraining/Methods/BFGS.swift): a structure
    /// has a few hundred coordinates, so a dense inverse Hessian with a per-atom step cap (`dmax`)
    /// and no line search (one force evaluation per step, as predict.x) is the right tool here,
    /// while training needs limited memory and a Wolfe line search over 10³–10⁵ weights.
    ///
    /// aenet hands L-BFGS-B fractional coordinates with Cartesian forces and clips every step to
    /// 0.1 in fractional units, ignoring `dmax` (quirks a, b). Here the variables are the
    /// Cartesian positions, the objective is E_coh with gradient −F, and every step is scaled down
    /// uniformly so that no atom moves more than `dmax` (per Cartesian direction, Å).
    /// Converged when every force component is ≤ F_conv (aenet's pgtol test) or when the energy
    /// change falls below E_conv·ε·max(|E|, 1) (aenet's factr test, which in practice never fires).
    /// The printed table keeps aenet's layout.
    func relax(_ start: Structure, initial: Prediction, options o: PredictInput.Relax, file: String,
                      workspace ws: EvaluationWorkspace) throws -> Relaxation {
        var s = start, p = initial
        let n = 3 * s.atomCount
        var x = flatten(s.positions)
        var g = flatten(p.forces!).map { -$0 }
        // Inverse Hessian, starting as I/70 Å²/eV (a stiff bond: the first step is gentle).
        var h = [Double](repeating: 0, count: n * n)
        for k in 0..<n { h[k * n + k] = 1.0 / 70 }
        var table = " Geometry optimization:\n\n"
        table += "        " + "   energy change  " + "     rms force    " + "\n"
        table += "        " + "        (eV)      " + "     (eV/Ang)     " + "\n"
        table += " " + String(repeating: "-", count: 60) + "\n"
        let e0 = p.cohesiveEnergy
        var iter = 0, converged = false, previousRms = 0.0, previousE = e0
        while iter < o.steps {
            iter += 1
            let rms = ForceStatistics(p.forces!).rms
            table += " " + FortranFormat.i(iter, 5) + "  " + FortranFormat.f(p.cohesiveEnergy - e0, 16, 8)
                + "  " + FortranFormat.f(rms, 16, 8) + (iter > 1 ? "  " + FortranFormat.f(rms - previousRms, 16, 8) : "") + "\n"
            previousRms = rms
            let fMax = g.map(abs).max() ?? 0
            let eTest = iter > 1 && abs(previousE - p.cohesiveEnergy) <= o.energyTolerance * 2.220446049250313e-16 * max(abs(p.cohesiveEnergy), 1)
            if fMax <= o.forceTolerance || eTest {
                converged = true
                table += "    converged after \(iter) iterations.\n"
                break
            }
            // Quasi-Newton step d = −H g, limited to dmax per component.
            var d = [Double](repeating: 0, count: n)
            for r in 0..<n { var acc = 0.0; for c in 0..<n { acc -= h[r * n + c] * g[c] }; d[r] = acc }
            if zip(d, g).reduce(0, { $0 + $1.0 * $1.1 }) >= 0 {
                // Not a descent direction (curvature went bad): reset to steepest descent.
                for k in 0..<(n * n) { h[k] = 0 }
                for k in 0..<n { h[k * n + k] = 1.0 / 70; d[k] = -g[k] / 70 }
            }
            var limit = 1.0
            for k in 0..<n where abs(d[k]) * limit > o.maxStep[k % 3] { limit = o.maxStep[k % 3] / abs(d[k]) }
            for k in 0..<n { d[k] *= limit }
            for k in 0..<n { x[k] += d[k] }
            s.positions = (0..<s.atomCount).map { SIMD3(x[3 * $0], x[3 * $0 + 1], x[3 * $0 + 2]) }
            previousE = p.cohesiveEnergy
            p = try evaluate(s, forces: true, file: file, workspace: ws)
            let gNew = flatten(p.forces!).map { -$0 }
            updateInverseHessian(&h, n: n, s: d, y: zip(gNew, g).map { $0 - $1 })
            g = gNew
        }
        return Relaxation(structure: s, prediction: p, iterations: iter, converged: converged, table: table)
    }

    private func flatten(_ v: [SIMD3<Double>]) -> [Double] { v.flatMap { [$0.x, $0.y, $0.z] } }

    /// BFGS update of the inverse Hessian: H ← (I − ρsyᵀ) H (I − ρysᵀ) + ρssᵀ, skipped when
    /// the curvature sᵀy is not positive (keeps H positive definite).
    private func updateInverseHessian(_ h: inout [Double], n: Int, s: [Double], y: [Double]) {
        let sy = zip(s, y).reduce(0) { $0 + $1.0 * $1.1 }
        guard sy > 1e-12 else { return }
        let rho = 1 / sy
        var hy = [Double](repeating: 0, count: n)
        for r in 0..<n { var acc = 0.0; for c in 0..<n { acc += h[r * n + c] * y[c] }; hy[r] = acc }
        let yhy = zip(y, hy).reduce(0) { $0 + $1.0 * $1.1 }
        let a = (1 + rho * yhy) * rho
        for r in 0..<n {
            for c in 0..<n {
                h[r * n + c] += a * s[r] * s[c] - rho * (hy[r] * s[c] + s[r] * hy[c])
            }
        }
    }
}
