import Testing
@testable import AenetCore
@testable import AenetTestSupport

/// The O(n) moment sweeps of the contracted angular force kernel against the O(n²) pair loop
/// (and hence, through `accumulateGradientIsTheContraction`, against the full derivatives).

private func gradient(_ fp: ChebyshevFingerprint, _ nb: Neighbourhood, _ w: [Double]) -> [Double] {
    var center = SIMD3<Double>.zero
    var g = [Double](repeating: 0, count: 3 * nb.count)
    w.withUnsafeBufferPointer { wp in g.withUnsafeMutableBufferPointer { gp in
        fp.accumulateGradient(nb, weights: wp.baseAddress!, center: &center, neighbours: gp.baseAddress!) } }
    return g + [center.x, center.y, center.z]
}

@Test(arguments: [
    // (radial Rc, radial N, angular Rc, angular N, ENV size): stale-spin regime, the example setup,
    // the moment limit, one species, three ENV species (O third), orders 0 and 1.
    (5.0, 6, 6.5, 4, 2), (8.0, 16, 6.5, 4, 2), (6.5, 3, 6.5, 8, 2), (6.0, 5, 6.0, 3, 1), (4.5, 2, 6.0, 5, 3),
    (6.5, 2, 6.5, 0, 2), (6.5, 2, 6.5, 1, 2),
])
func momentForceKernelMatchesPairLoop(rr: Double, rn: Int, ra: Double, an: Int, env: Int) throws {
    let s = denseCell(seed: 21)
    let local: [Int32] = env == 1 ? [0, 0] : env == 2 ? [0, 1] : [0, 2]
    var fp = ChebyshevFingerprint(radialCutoff: rr, radialOrder: rn, angularCutoff: ra, angularOrder: an,
                                  localType: local, envCount: env)
    try #require(fp.moments != nil)
    let search = NeighbourSearch(structure: s, types: typesOf(s), cutoff: max(rr, ra))
    var rng = LCG(state: 5)
    var nb = Neighbourhood()
    for i in [0, 1, 7, 40] {
        search.neighbours(of: i, into: &nb)
        #expect(nb.count > 60)
        let w = (0..<fp.count).map { _ in rng.next() - 0.5 }
        fp.forcePairKernel = false
        let fast = gradient(fp, nb, w)
        fp.forcePairKernel = true
        let pairs = gradient(fp, nb, w)
        fp.forcePairKernel = false
        let scale = pairs.map(abs).max()!
        #expect(scale > 0)
        let worst = zip(fast, pairs).map { abs($0 - $1) }.max()!
        #expect(worst <= 1e-12 * scale, "atom \(i): worst |Δ| \(worst) of scale \(scale)")
    }
}
