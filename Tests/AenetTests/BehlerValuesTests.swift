import Testing
@testable import AenetCore

/// The vectorised values-only Behler path agrees with the full kernel (which also yields the
/// derivatives) to 1e-12 relative, for every G type, mixed cutoffs, integer and non-integer ζ,
/// ENV species outside the setup, periodic and isolated neighbourhoods of many sizes.
@Test func behlerValuesPathMatchesTheFullKernel() {
    var setups = [behlerSetup()]
    // Many functions sharing (Rc, η) and (λ, ζ), as in real setups, plus ζ = 3 and ζ = 16.
    var f: [SymmetryFunction] = []
    for eta in [0.0004, 0.03, 0.09] {
        for (lambda, zeta) in [(-1.0, 1.0), (1.0, 2.0), (-1.0, 4.0), (1.0, 3.0), (1.0, 16.0)] {
            for (t2, t3) in [(1, 1), (1, 0), (0, 0)] {
                f.append(.init(kind: 4, type2: t2, type3: t3, cutoff: 4.5, eta: eta, lambda: lambda, zeta: zeta))
            }
            f.append(.init(kind: 5, type2: 0, type3: 1, cutoff: 4.2, eta: eta, lambda: lambda, zeta: zeta))
        }
        f.append(.init(kind: 2, type2: 0, cutoff: 4.5, rs: 0.5, eta: eta))
    }
    setups.append(Behler2011Fingerprint(functions: f, localType: envTiO, envCount: 2))
    // A third species in the structure that the setup does not know (localType −1).
    setups.append(Behler2011Fingerprint(functions: f, localType: [0, 1, -1], envCount: 2))
    var hoods = testNeighbourhoods()
    let big = randomSkewedCell(120, size: 11, seed: 4)
    let types: [Int32] = (0..<big.atomCount).map { Int32($0 % 3) }
    let search = NeighbourSearch(structure: big, types: types, cutoff: 4.6)
    for i in [0, 1, 2, 50, 119] { var nb = Neighbourhood(); search.neighbours(of: i, into: &nb); hoods.append(nb) }
    var compared = 0
    for fp in setups {
        for nb in hoods {
            let fast = values(fp, nb)
            let full = derivatives(fp, nb).v
            #expect(close(fast, full, 1e-12), "\(zip(fast, full).map { abs($0 - $1) }.max() ?? 0)")
            compared += 1
            #expect(full.contains { $0 != 0 })
        }
    }
    #expect(compared >= 20)
}
