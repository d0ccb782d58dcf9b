import AenetCore
/// TiO2-like structures the project builds itself (no external data): rutile and anatase cells,
/// supercells, strained (triclinic) cells, rattled atoms, atoms moved outside the cell, and small
/// isolated Ti/O clusters. All randomness comes from a caller's SplitMix64, so the same seed gives
/// the same structures on every machine.
public enum ReferenceStructures {
    /// Rutile TiO2 (P4₂/mnm), 6 atoms: a = 4.594 Å, c = 2.959 Å, u = 0.305.
    public static func rutile() -> Structure {
        let a = 4.594, c = 2.959, u = 0.305
        let frac: [(String, SIMD3<Double>)] = [
            ("Ti", SIMD3(0, 0, 0)), ("Ti", SIMD3(0.5, 0.5, 0.5)),
            ("O", SIMD3(u, u, 0)), ("O", SIMD3(1 - u, 1 - u, 0)),
            ("O", SIMD3(0.5 + u, 0.5 - u, 0.5)), ("O", SIMD3(0.5 - u, 0.5 + u, 0.5)),
        ]
        return cell(Lattice(a: SIMD3(a, 0, 0), b: SIMD3(0, a, 0), c: SIMD3(0, 0, c)), frac)
    }

    /// Anatase TiO2 (I4₁/amd, conventional cell), 12 atoms: a = 3.785 Å, c = 9.514 Å, z = 0.2081.
    public static func anatase() -> Structure {
        let a = 3.785, c = 9.514, z = 0.2081
        var frac: [(String, SIMD3<Double>)] = [
            ("Ti", SIMD3(0, 0, 0)), ("Ti", SIMD3(0, 0.5, 0.25)), ("Ti", SIMD3(0.5, 0.5, 0.5)), ("Ti", SIMD3(0.5, 0, 0.75)),
        ]
        for p in [SIMD3(0, 0, z), SIMD3(0, 0.5, z + 0.25), SIMD3(0.5, 0, 0.75 - z), SIMD3(0.5, 0.5, 0.5 - z),
                  SIMD3(0.5, 0.5, z + 0.5), SIMD3(0.5, 0, z + 0.75), SIMD3(0, 0.5, 0.25 - z), SIMD3(0, 0, 1 - z)] {
            frac.append(("O", p))
        }
        return cell(Lattice(a: SIMD3(a, 0, 0), b: SIMD3(0, a, 0), c: SIMD3(0, 0, c)), frac)
    }

    static func cell(_ l: Lattice, _ frac: [(String, SIMD3<Double>)]) -> Structure {
        Structure(lattice: l, species: frac.map(\.0), positions: frac.map { l.cartesian($0.1) })
    }

    /// An n₁ × n₂ × n₃ supercell (atoms ordered cell by cell).
    public static func supercell(_ s: Structure, _ n: SIMD3<Int>) -> Structure {
        let l = s.lattice!
        var out = Structure(lattice: Lattice(a: Double(n.x) * l.a, b: Double(n.y) * l.b, c: Double(n.z) * l.c),
                            species: [], positions: [])
        for i in 0..<n.x { for j in 0..<n.y { for k in 0..<n.z {
            let t = l.cartesian(SIMD3(Double(i), Double(j), Double(k)))
            out.species += s.species
            out.positions += s.positions.map { $0 + t }
        } } }
        return out
    }

    /// Applies the deformation (1 + ε) to cell and atoms, with every component of ε drawn from
    /// [−maxStrain, maxStrain] (off-diagonal components make the cell triclinic).
    public static func strained(_ s: Structure, maxStrain: Double, rng: inout SplitMix64) -> Structure {
        var m = [[Double]](repeating: [0, 0, 0], count: 3)
        for i in 0..<3 { for j in 0..<3 { m[i][j] = (i == j ? 1 : 0) + rng.uniform(-maxStrain, maxStrain) } }
        func apply(_ v: SIMD3<Double>) -> SIMD3<Double> {
            SIMD3(m[0][0] * v.x + m[0][1] * v.y + m[0][2] * v.z,
                  m[1][0] * v.x + m[1][1] * v.y + m[1][2] * v.z,
                  m[2][0] * v.x + m[2][1] * v.y + m[2][2] * v.z)
        }
        var out = s
        let l = s.lattice!
        out.lattice = Lattice(a: apply(l.a), b: apply(l.b), c: apply(l.c))
        out.positions = s.positions.map(apply)
        return out
    }

    /// Moves every coordinate by a uniform random amount in [−amplitude, amplitude] Å.
    public static func rattled(_ s: Structure, amplitude: Double, rng: inout SplitMix64) -> Structure {
        var out = s
        for i in out.positions.indices {
            out.positions[i] += SIMD3(rng.uniform(-amplitude, amplitude), rng.uniform(-amplitude, amplitude),
                                      rng.uniform(-amplitude, amplitude))
        }
        return out
    }

    /// Shifts about `fraction` of the atoms by a random lattice vector (±1 along each axis), so that
    /// they lie outside the cell; the structure itself does not change.
    public static func withAtomsOutside(_ s: Structure, fraction: Double, rng: inout SplitMix64) -> Structure {
        var out = s
        let l = s.lattice!
        for i in out.positions.indices where rng.unit() < fraction {
            let t = SIMD3(Double(Int(rng.next() % 3) - 1), Double(Int(rng.next() % 3) - 1), Double(Int(rng.next() % 3) - 1))
            out.positions[i] += l.cartesian(t == .zero ? SIMD3(1, 0, 0) : t)
        }
        return out
    }

    /// An isolated Ti_n O_m cluster grown atom by atom: each new atom sits 1.8–2.2 Å from a random
    /// earlier atom of the other species (or 2.8–3.2 Å from one of the same species) and at least
    /// 1.7 Å (Ti–O), 2.4 Å (O–O) or 2.6 Å (Ti–Ti) from all others.
    public static func cluster(titanium nTi: Int, oxygen nO: Int, rng: inout SplitMix64) -> Structure {
        // Ti, O, O, Ti, O, O, … (whatever is left over at the end).
        var species: [String] = []
        var (ti, o) = (nTi, nO)
        while ti + o > 0 {
            if ti > 0 && (species.count % 3 == 0 || o == 0) { species.append("Ti"); ti -= 1 } else { species.append("O"); o -= 1 }
        }
        var pos: [SIMD3<Double>] = [.zero]
        func minimum(_ a: String, _ b: String) -> Double { a != b ? 1.7 : (a == "O" ? 2.4 : 2.6) }
        while pos.count < species.count {
            let s = species[pos.count]
            let anchor = Int(rng.next() % UInt64(pos.count))
            let (lo, hi) = species[anchor] != s ? (1.8, 2.2) : (2.8, 3.2)
            var dir: SIMD3<Double>
            repeat { dir = SIMD3(rng.uniform(-1, 1), rng.uniform(-1, 1), rng.uniform(-1, 1)) } while dot(dir, dir) > 1 || dot(dir, dir) < 1e-4
            let p = pos[anchor] + rng.uniform(lo, hi) * dir / length(dir)
            if pos.indices.allSatisfy({ length(pos[$0] - p) >= minimum(species[$0], s) }) { pos.append(p) }
        }
        return Structure(lattice: nil, species: species, positions: pos)
    }

    /// The shortest distance between two atoms, periodic images included.
    public static func shortestDistance(_ s: Structure) -> Double {
        var best = Double.infinity
        let images: [SIMD3<Double>]
        if let l = s.lattice {
            var t: [SIMD3<Double>] = []
            for i in -2...2 { for j in -2...2 { for k in -2...2 { t.append(l.cartesian(SIMD3(Double(i), Double(j), Double(k)))) } } }
            images = t
        } else {
            images = [.zero]
        }
        for i in s.positions.indices { for j in s.positions.indices { for t in images {
            let d = length(s.positions[j] + t - s.positions[i])
            if d > 1e-9 { best = min(best, d) }
        } } }
        return best
    }
}
