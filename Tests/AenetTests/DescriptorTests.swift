import Foundation
import Testing
@testable import AenetCore
@testable import AenetTraining
@testable import AenetAugment
@testable import AenetShell
@testable import AenetTestSupport

let envTiO: [Int32] = [0, 1]

/// Every G type, mixed species, cutoffs below the neighbour-list cutoff.
func behlerSetup() -> Behler2011Fingerprint {
    let f: [SymmetryFunction] = [
        .init(kind: 4, type2: 1, type3: 0, cutoff: 3.8, eta: 0.05, lambda: -1, zeta: 2),
        .init(kind: 2, type2: 1, cutoff: 3.5, rs: 1.5, eta: 0.7),
        .init(kind: 1, type2: 0, cutoff: 3.9),
        .init(kind: 5, type2: 0, type3: 0, cutoff: 3.6, eta: 0.02, lambda: 1, zeta: 4),
        .init(kind: 3, type2: 1, cutoff: 3.9, kappa: 1.3),
        .init(kind: 2, type2: 0, cutoff: 3.7, rs: 0, eta: 0.3),
        .init(kind: 4, type2: 1, type3: 1, cutoff: 3.9, eta: 0.1, lambda: 1, zeta: 1),
        .init(kind: 1, type2: 1, cutoff: 3.2),
        .init(kind: 5, type2: 0, type3: 1, cutoff: 3.9, eta: 0.01, lambda: -1, zeta: 1.5),
    ]
    return Behler2011Fingerprint(functions: f, localType: envTiO, envCount: 2)
}

/// Radial cutoff below the angular one (stale-spin regime) and the reverse; one above the moment limit.
func chebyshevSetups() -> [ChebyshevFingerprint] {
    [ChebyshevFingerprint(radialCutoff: 3.0, radialOrder: 5, angularCutoff: 3.9, angularOrder: 3, localType: envTiO, envCount: 2),
     ChebyshevFingerprint(radialCutoff: 3.9, radialOrder: 4, angularCutoff: 3.4, angularOrder: 4, localType: envTiO, envCount: 2),
     ChebyshevFingerprint(radialCutoff: 3.9, radialOrder: 2, angularCutoff: 3.9, angularOrder: 10, localType: envTiO, envCount: 2),
     ChebyshevFingerprint(radialCutoff: 3.5, radialOrder: 3, angularCutoff: 3.5, angularOrder: 2, localType: [0, 0], envCount: 1)]
}

func allSetups() -> [any Fingerprint] { chebyshevSetups() + [behlerSetup()] }

func values(_ fp: any Fingerprint, _ nb: Neighbourhood) -> [Double] {
    var v = [Double](repeating: 0, count: fp.count)
    v.withUnsafeMutableBufferPointer { fp.evaluate(nb, values: $0.baseAddress!) }
    return v
}

func derivatives(_ fp: any Fingerprint, _ nb: Neighbourhood) -> (v: [Double], c: [Double], n: [Double]) {
    var v = [Double](repeating: 0, count: fp.count)
    var c = [Double](repeating: 9, count: 3 * fp.count), n = [Double](repeating: 9, count: 3 * fp.count * nb.count)
    v.withUnsafeMutableBufferPointer { vp in c.withUnsafeMutableBufferPointer { cp in n.withUnsafeMutableBufferPointer { np in
        fp.evaluate(nb, values: vp.baseAddress!, dCenter: cp.baseAddress!, dNeighbours: np.baseAddress!) } } }
    return (v, c, n)
}

func close(_ a: [Double], _ b: [Double], _ tol: Double) -> Bool { isClose(a, b, tolerance: tol) }

/// Neighbourhoods of a periodic skewed cell and of an isolated cluster (cutoff 4 Å).
func testNeighbourhoods() -> [Neighbourhood] {
    var out: [Neighbourhood] = []
    for s in [skewedCell(), cluster(9)] {
        let search = NeighbourSearch(structure: s, types: typesOf(s), cutoff: 4.0)
        for i in 0..<min(s.atomCount, 2) {
            var nb = Neighbourhood(); search.neighbours(of: i, into: &nb); out.append(nb)
        }
    }
    return out
}

@Test func derivativesMatchFiniteDifferences() {
    let h = 1e-5
    for fp in allSetups() {
        for nb in testNeighbourhoods() {
            let (v0, dc, dn) = derivatives(fp, nb)
            #expect(close(v0, values(fp, nb), 1e-12))   // vectorised/moment path = pair path
            let n = nb.count, g = fp.count
            var worst = 0.0
            // Every 5th entry keeps debug builds quick; -1 = the centre (every displacement moves by −h).
            for e in stride(from: -1, to: n, by: 5) {
                for c in 0..<3 {
                    func shifted(_ s: Double) -> [Double] {
                        var p = nb
                        for q in (e < 0 ? 0..<n : e..<(e + 1)) {
                            let d = e < 0 ? -s : s
                            if c == 0 { p.dx[q] += d } else if c == 1 { p.dy[q] += d } else { p.dz[q] += d }
                        }
                        p.updateDistances()
                        return values(fp, p)
                    }
                    let plus = shifted(h), minus = shifted(-h)
                    for k in 0..<g {
                        let fd = (plus[k] - minus[k]) / (2 * h)
                        let an = e < 0 ? dc[k + g * c] : dn[e + n * (k + g * c)]
                        worst = max(worst, abs(fd - an) / max(1, abs(an)))
                    }
                }
            }
            #expect(worst < 1e-6, "\(type(of: fp)) nnb \(n): worst FD deviation \(worst)")
        }
    }
}

@Test func accumulateGradientIsTheContraction() {
    var rng = LCG(state: 3)
    for fp in allSetups() {
        for nb in testNeighbourhoods() {
            let (_, dc, dn) = derivatives(fp, nb)
            let g = fp.count, n = nb.count
            let w = (0..<g).map { _ in rng.next() - 0.5 }
            var center = SIMD3<Double>(1, 2, 3)
            var nbg = [Double](repeating: 0.5, count: 3 * n)
            w.withUnsafeBufferPointer { wp in nbg.withUnsafeMutableBufferPointer { np in
                fp.accumulateGradient(nb, weights: wp.baseAddress!, center: &center, neighbours: np.baseAddress!) } }
            for c in 0..<3 {
                let ref = (0..<g).reduce(0.0) { $0 + w[$1] * dc[$1 + g * c] }
                #expect(isClose(center[c], Double(c + 1) + ref, tolerance: 1e-10))
                for e in 0..<n {
                    let r = (0..<g).reduce(0.0) { $0 + w[$1] * dn[e + n * ($1 + g * c)] }
                    #expect(isClose(nbg[3 * e + c], 0.5 + r, tolerance: 1e-10))
                }
            }
        }
    }
}

@Test func invariantUnderRotationTranslationPermutation() {
    let s = cluster(8, seed: 11)
    // Rotation about a skew axis, a translation, and a permutation that swaps same-species atoms.
    let axis = SIMD3(0.3, -0.5, 0.8) / length(SIMD3(0.3, -0.5, 0.8)), ang = 0.7
    func rot(_ v: SIMD3<Double>) -> SIMD3<Double> {
        v * cos(ang) + cross(axis, v) * sin(ang) + axis * dot(axis, v) * (1 - cos(ang))
    }
    let perm = [3, 2, 1, 0, 5, 4, 6, 7]   // Ti at 0,3,6; O elsewhere
    #expect(perm.indices.allSatisfy { s.species[perm[$0]] == s.species[$0] })
    var t = s
    for i in 0..<s.atomCount { t.positions[i] = rot(s.positions[perm[i]]) + SIMD3(5.5, -2, 1) }
    // Chebyshev with angular ≤ radial cutoff (otherwise the stale-spin quirk depends on list order).
    let fps: [any Fingerprint] = [chebyshevSetups()[1], chebyshevSetups()[2], behlerSetup()]
    let a = NeighbourSearch(structure: s, types: typesOf(s), cutoff: 4.0)
    let b = NeighbourSearch(structure: t, types: typesOf(t), cutoff: 4.0)
    var na = Neighbourhood(), nb = Neighbourhood()
    for fp in fps {
        for i in 0..<s.atomCount {
            a.neighbours(of: perm[i], into: &na); b.neighbours(of: i, into: &nb)
            #expect(close(values(fp, na), values(fp, nb), 1e-10))
        }
    }
}

@Test func featureOrderAndSpins() {
    // Spec aenet ext/symmfunc.f90 example: file lines 1:G4 O-Ti, 2:G2 O, 3:G1 Ti, 4:G5 Ti-Ti, 5:G3 O, 6:G2 Ti,
    // 7:G4 O-O, 8:G1 O, 9:G4 Ti-O → stored order 3,6,4,1,9,8,2,5,7 (1-based).
    let kinds = [(4, 1, 0), (2, 1, 0), (1, 0, 0), (5, 0, 0), (3, 1, 0), (2, 0, 0), (4, 1, 1), (1, 1, 0), (4, 0, 1)]
    let f = kinds.map { SymmetryFunction(kind: $0.0, type2: $0.1, type3: $0.2, cutoff: 4, eta: 0.1, kappa: 1, lambda: 1, zeta: 1) }
    let b = Behler2011Fingerprint(functions: f, localType: envTiO, envCount: 2)
    #expect(b.evaluationOrder.map { $0 + 1 } == [3, 6, 4, 1, 9, 8, 2, 5, 7])
    #expect(ChebyshevFingerprint.typeSpins(2) == [-1, 1])
    #expect(ChebyshevFingerprint.typeSpins(3) == [-1, 0, 1])
    #expect(ChebyshevFingerprint.typeSpins(4) == [-2, -1, 1, 2])
    #expect(ChebyshevFingerprint.typeSpins(5) == [-2, -1, 0, 1, 2])
    let c = ChebyshevFingerprint(radialCutoff: 8, radialOrder: 16, angularCutoff: 6.5, angularOrder: 4, localType: envTiO, envCount: 2)
    #expect(c.count == 44)
}
