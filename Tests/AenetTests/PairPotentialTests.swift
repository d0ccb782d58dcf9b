import Testing
@testable import AenetCore
@testable import AenetTraining
@testable import AenetAugment
@testable import AenetShell
@testable import AenetTestSupport

@Suite struct PairPotentialTests {
    let potential = PairPotential.tio2

    /// Largest |F_i,a + ∂E/∂r_i,a| over all atoms and axes, by central differences with step h.
    func forceError(_ s: Structure, h: Double = 1e-5) throws -> (error: Double, largest: Double) {
        let (_, f) = try potential.evaluate(s)
        var worst = 0.0, largest = 0.0
        for i in s.positions.indices {
            for a in 0..<3 {
                var p = s, m = s
                p.positions[i][a] += h
                m.positions[i][a] -= h
                let numeric = -(try potential.evaluate(p).energy - potential.evaluate(m).energy) / (2 * h)
                worst = max(worst, abs(numeric - f[i][a]))
                largest = max(largest, abs(f[i][a]))
            }
        }
        return (worst, largest)
    }

    @Test func forcesAreMinusTheGradientInASkewedCell() throws {
        var rng = SplitMix64(seed: 7)
        let s = ReferenceStructures.withAtomsOutside(
            ReferenceStructures.rattled(ReferenceStructures.strained(ReferenceStructures.rutile(), maxStrain: 0.1, rng: &rng),
                                        amplitude: 0.1, rng: &rng), fraction: 0.5, rng: &rng)
        let (err, largest) = try forceError(s)
        #expect(largest > 0.1)      // a real test: the forces are not all zero
        #expect(err < 1e-7)
    }

    @Test func forcesAreMinusTheGradientInACluster() throws {
        var rng = SplitMix64(seed: 8)
        let (err, largest) = try forceError(ReferenceStructures.cluster(titanium: 2, oxygen: 4, rng: &rng))
        #expect(largest > 0.1 && err < 1e-7)
    }

    @Test func switchingRegionIsSmooth() {
        // Inside [r_on, r_c] the derivative is exact too, and V and V' vanish at the cut-off.
        let m = potential.parameters("Ti", "O")!
        for r in stride(from: 5.05, through: 5.95, by: 0.15) {
            let h = 1e-6
            let numeric = (potential.pair(m, r + h).v - potential.pair(m, r - h).v) / (2 * h)
            #expect(isClose(numeric, potential.pair(m, r).dv, tolerance: 1e-8))
        }
        #expect(potential.pair(m, 6.0).v == 0 && abs(potential.pair(m, 6.0 - 1e-9).dv) < 1e-9)
    }

    @Test func energyIgnoresWhichImageAnAtomIsWrittenAs() throws {
        var rng = SplitMix64(seed: 9)
        let s = ReferenceStructures.rattled(ReferenceStructures.anatase(), amplitude: 0.05, rng: &rng)
        var moved = s
        moved.positions[3] += s.lattice!.cartesian(SIMD3(2, -1, 1))
        let (e1, f1) = try potential.evaluate(s)
        let (e2, f2) = try potential.evaluate(moved)
        #expect(isClose(e1, e2, absolute: 1e-10))
        #expect(zip(f1, f2).allSatisfy { length($0 - $1) < 1e-10 })
        // A 1x1x2 supercell (cut-off larger than the cell) has exactly twice the energy.
        let (e3, _) = try potential.evaluate(ReferenceStructures.supercell(s, SIMD3(1, 1, 2)))
        #expect(isClose(e3, 2 * e1, absolute: 1e-9))
    }

    @Test func referenceGeometriesAreSensible() {
        // Ti–O bonds ≈ 1.95 Å in both polymorphs; no atoms on top of each other.
        #expect(isClose(ReferenceStructures.shortestDistance(ReferenceStructures.rutile()), 1.95, absolute: 0.05))
        #expect(isClose(ReferenceStructures.shortestDistance(ReferenceStructures.anatase()), 1.95, absolute: 0.05))
    }
}
