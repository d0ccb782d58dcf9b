import AenetCore
import Foundation

/// A smooth analytic pair potential with exact forces, for reference data the project makes
/// itself (tests, demo inputs): a Morse term per species pair times a C²-smooth switching
/// function that takes it to exactly zero at the cut-off,
///
///     V(r) = D [(1 − e^{−α(r−r₀)})² − 1] · S(r),
///     S(r) = 1 (r ≤ r_on),  1 − 10x³ + 15x⁴ − 6x⁵ with x = (r − r_on)/(r_c − r_on),  0 (r ≥ r_c).
///
/// E = ½ Σ_i Σ_{j,T} V(|r_j + T − r_i|) over all periodic images T (brute force; isolated
/// structures have T = 0 only), and F_i = −∂E/∂r_i exactly.
public struct PairPotential: Sendable {
    public struct Morse: Sendable, Equatable {
        /// Well depth (eV), width (1/Å), equilibrium distance (Å).
        public var depth: Double, alpha: Double, r0: Double
        public init(depth: Double, alpha: Double, r0: Double) { self.depth = depth; self.alpha = alpha; self.r0 = r0 }
    }

    public var cutoff: Double
    public var switchOn: Double
    private var pairs: [String: Morse]

    public init(cutoff: Double, switchOn: Double, pairs: [(String, String, Morse)]) {
        precondition(switchOn < cutoff)
        self.cutoff = cutoff; self.switchOn = switchOn
        var table: [String: Morse] = [:]
        for (a, b, m) in pairs { table[a + "|" + b] = m; table[b + "|" + a] = m }
        self.pairs = table
    }

    /// A made-up Ti–O potential with TiO2-like bond lengths (Ti–O ≈ 1.95 Å), cut off at 6 Å.
    public static let tio2 = PairPotential(cutoff: 6.0, switchOn: 5.0, pairs: [
        ("Ti", "O", Morse(depth: 1.2, alpha: 1.7, r0: 1.95)),
        ("Ti", "Ti", Morse(depth: 0.35, alpha: 1.4, r0: 3.05)),
        ("O", "O", Morse(depth: 0.15, alpha: 1.5, r0: 2.75)),
    ])

    public func parameters(_ a: String, _ b: String) -> Morse? { pairs[a + "|" + b] }

    /// V(r) and dV/dr for one pair.
    public func pair(_ m: Morse, _ r: Double) -> (v: Double, dv: Double) {
        if r >= cutoff { return (0, 0) }
        let e = exp(-m.alpha * (r - m.r0))
        let phi = m.depth * (e * e - 2 * e)
        let dphi = m.depth * (-2 * m.alpha * e * e + 2 * m.alpha * e)
        if r <= switchOn { return (phi, dphi) }
        let w = cutoff - switchOn
        let x = (r - switchOn) / w
        let s = 1 - x * x * x * (10 - 15 * x + 6 * x * x)
        let ds = -30 * x * x * (1 - x) * (1 - x) / w
        return (phi * s, dphi * s + phi * ds)
    }

    /// Energy (eV) and forces (eV/Å) of a structure; throws for a species pair without parameters.
    public func evaluate(_ s: Structure) throws -> (energy: Double, forces: [SIMD3<Double>]) {
        let n = s.atomCount
        var params = [[Morse]](repeating: [], count: n)
        for i in 0..<n {
            for j in 0..<n {
                guard let m = parameters(s.species[i], s.species[j]) else {
                    throw AenetError("no pair parameters for \(s.species[i])–\(s.species[j])")
                }
                params[i].append(m)
            }
        }
        var images: [SIMD3<Double>] = [.zero]
        var reduce: (SIMD3<Double>) -> SIMD3<Double> = { $0 }
        if let l = s.lattice {
            // Differences are first reduced to the image with fractional parts in [−½, ½]; then every
            // image within the cut-off has |n_k| ≤ ⌈r_c/h_k⌉ + 1 along lattice vector k.
            let h = l.heights
            let range = (0..<3).map { Int((cutoff / h[$0]).rounded(.up)) + 1 }
            images = []
            for a in -range[0]...range[0] {
                for b in -range[1]...range[1] {
                    for c in -range[2]...range[2] {
                        images.append(l.cartesian(SIMD3(Double(a), Double(b), Double(c))))
                    }
                }
            }
            reduce = { d in
                let f = l.fractional(d)
                return d - l.cartesian(SIMD3(f.x.rounded(), f.y.rounded(), f.z.rounded()))
            }
        }
        var energy = 0.0
        var forces = [SIMD3<Double>](repeating: .zero, count: n)
        for i in 0..<n {
            for j in 0..<n {
                let d0 = reduce(s.positions[j] - s.positions[i])
                for t in images {
                    let d = d0 + t
                    let r2 = dot(d, d)
                    if r2 >= cutoff * cutoff || r2 < 1e-20 { continue }
                    let r = r2.squareRoot()
                    let (v, dv) = pair(params[i][j], r)
                    energy += 0.5 * v
                    forces[i] += (dv / r) * d
                }
            }
        }
        return (energy, forces)
    }
}
