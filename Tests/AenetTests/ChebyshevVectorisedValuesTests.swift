import Foundation
import Testing
@testable import AenetCore
@testable import AenetTestSupport

/// The vectorised values path of the Chebyshev descriptor (`evaluateVectorised`: SIMD over
/// neighbours, libmvec cos, symmetric total moments) against the sequential sums it replaces.

/// A small isolated cluster: neighbour counts 0…4 (the SIMD tails and the empty pair sums).
private func cluster() -> Structure {
    let pos: [SIMD3<Double>] = [SIMD3(0, 0, 0), SIMD3(1.9, 0, 0), SIMD3(0.3, 2.1, 0), SIMD3(0.2, 0.4, 2.4), SIMD3(9, 9, 9),
                                SIMD3(30, 0, 0)]
    return Structure(lattice: nil, species: ["Ti", "O", "O", "Ti", "O", "Ti"], positions: pos)
}

private func values(_ fp: ChebyshevFingerprint, _ nb: Neighbourhood) -> [Double] {
    var v = [Double](repeating: .nan, count: fp.count)
    v.withUnsafeMutableBufferPointer { fp.evaluate(nb, values: $0.baseAddress!) }
    return v
}

@Test(arguments: [
    // (radial Rc, radial N, angular Rc, angular N, ENV size): the example setup, the moment limit,
    // one species, three ENV species, orders 0 and 1, and the stale-spin regime (angular Rc > radial
    // Rc with several species: not vectorised, must be the sequential result exactly).
    (8.0, 16, 6.5, 4, 2), (6.5, 3, 6.5, 8, 2), (6.0, 5, 6.0, 3, 1), (6.0, 2, 6.0, 5, 3),
    (6.5, 0, 6.5, 0, 2), (6.5, 1, 6.5, 1, 2), (5.0, 6, 6.5, 4, 1), (5.0, 6, 6.5, 4, 2),
])
func vectorisedValuesMatchSequentialSums(rr: Double, rn: Int, ra: Double, an: Int, env: Int) throws {
    let local: [Int32] = env == 1 ? [0, 0] : env == 2 ? [0, 1] : [0, 2]
    var fp = ChebyshevFingerprint(radialCutoff: rr, radialOrder: rn, angularCutoff: ra, angularOrder: an,
                                  localType: local, envCount: env)
    let staleSpins = env > 1 && ra > rr
    #expect(fp.vectorisedValues == !staleSpins)
    var nb = Neighbourhood()
    var checked = 0
    for s in [denseCell(seed: 33), cluster()] {
        let search = NeighbourSearch(structure: s, types: typesOf(s), cutoff: max(rr, ra))
        for i in 0..<min(s.atomCount, 8) {
            search.neighbours(of: i, into: &nb)
            fp.sequentialValues = false
            let fast = values(fp, nb)
            fp.sequentialValues = true
            let slow = values(fp, nb)
            fp.sequentialValues = false
            let finite = fast.allSatisfy { $0.isFinite }
            #expect(finite)
            if staleSpins {
                #expect(fast == slow, "atom \(i): the fallback must be the sequential path")
                continue
            }
            let scale = max(slow.map(abs).max()!, 1e-300)
            let worst = zip(fast, slow).map { abs($0 - $1) }.max()!
            #expect(worst <= 1e-12 * scale, "atom \(i) (\(nb.count) neighbours): worst |Δ| \(worst) of scale \(scale)")
            checked += 1
        }
    }
    #expect(staleSpins || checked == 14)
}

/// `FortranFormat.f` (snprintf into the field) writes what String(format: "%.df") + padding wrote.
@Test func fixedFormatMatchesFoundationFormatting() {
    var g = LCG(state: 77)
    var xs: [Double] = [0, -0.0, -1e-17, 1e-17, 0.5, 2.5, -2.5, 1.0000005, 0.0000005, -0.0000015, 1e9, -1e9, 123456.789,
                        -19876.123456785, 1e300, -1e-300, .greatestFiniteMagnitude, .leastNonzeroMagnitude]
    for _ in 0..<2000 { xs.append((g.next() - 0.5) * pow(10, 12 * g.next() - 6)) }
    for x in xs {
        for (w, d) in [(12, 6), (20, 8), (15, 8), (6, 2), (50, 2), (8, 0)] {
            let s = String(format: "%.\(d)f", x)
            let expected = s.count > w ? String(repeating: "*", count: w) : String(repeating: " ", count: w - s.count) + s
            #expect(FortranFormat.f(x, w, d) == expected, "x = \(x), F\(w).\(d)")
        }
    }
}
