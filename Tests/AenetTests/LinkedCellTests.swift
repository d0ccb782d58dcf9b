import Testing
@testable import AenetCore

/// A random triclinic cell (angles well away from 90°) with `n` atoms at random fractional
/// coordinates, some outside [0, 1) so that wrapping is exercised.
func randomSkewedCell(_ n: Int, size: Double, seed: UInt64) -> Structure {
    var g = LCG(state: seed)
    let a = SIMD3(size * (0.8 + 0.4 * g.next()), 0, 0)
    let b = SIMD3(size * (g.next() - 0.5) * 1.2, size * (0.7 + 0.4 * g.next()), 0)
    let c = SIMD3(size * (g.next() - 0.5), size * (g.next() - 0.5), size * (0.6 + 0.5 * g.next()))
    let lat = Lattice(a: a, b: b, c: c)
    let pos = (0..<n).map { _ in lat.cartesian(SIMD3(g.next() * 1.6 - 0.3, g.next() * 1.6 - 0.3, g.next())) }
    return Structure(lattice: lat, species: (0..<n).map { $0 % 3 == 0 ? "Ti" : "O" }, positions: pos)
}

/// Both searches list the same entries in the same order with the same bits.
func expectIdenticalLists(_ s: Structure, cutoff: Double, minimumBins: Int = 1, empty: Bool = false,
                          sourceLocation: SourceLocation = #_sourceLocation) {
    let types = typesOf(s)
    let all = NeighbourSearch(structure: s, types: types, cutoff: cutoff, convention: .complete, method: .allPairs)
    let cells = NeighbourSearch(structure: s, types: types, cutoff: cutoff, convention: .complete, method: .linkedCells)
    #expect(all.linkedCells == nil, sourceLocation: sourceLocation)
    guard let grid = cells.linkedCells else {
        Issue.record("no linked cells built", sourceLocation: sourceLocation); return
    }
    #expect(grid.nBins.x * grid.nBins.y * grid.nBins.z >= minimumBins, sourceLocation: sourceLocation)
    var a = Neighbourhood(), c = Neighbourhood()
    var total = 0
    for i in 0..<s.atomCount {
        all.neighbours(of: i, into: &a)
        cells.neighbours(of: i, into: &c)
        total += a.count
        guard a.count == c.count else {
            Issue.record("atom \(i): \(a.count) vs \(c.count) entries", sourceLocation: sourceLocation); return
        }
        let n = a.count
        let same = Array(a.atomIndex[0..<n]) == Array(c.atomIndex[0..<n])
            && Array(a.type[0..<n]) == Array(c.type[0..<n])
            && (0..<n).allSatisfy {
                a.dx[$0].bitPattern == c.dx[$0].bitPattern && a.dy[$0].bitPattern == c.dy[$0].bitPattern
                    && a.dz[$0].bitPattern == c.dz[$0].bitPattern && a.distance[$0].bitPattern == c.distance[$0].bitPattern
            }
        if !same { Issue.record("atom \(i): lists differ", sourceLocation: sourceLocation); return }
    }
    #expect((total == 0) == empty, sourceLocation: sourceLocation)
}

@Test func linkedCellsEqualAllPairsInRandomSkewedCells() {
    for seed in UInt64(1)...8 {
        // ~0.07 atoms/Å³ in cells of 14–20 Å: several bins per axis.
        let s = randomSkewedCell(180, size: 14 + Double(seed), seed: seed)
        expectIdenticalLists(s, cutoff: 4.0 + 0.3 * Double(seed), minimumBins: 8)
    }
}

@Test func linkedCellsEqualAllPairsForCutoffsLongerThanTheCell() {
    for seed in UInt64(11)...16 {
        let s = randomSkewedCell(7, size: 2.5, seed: seed)
        let h = s.lattice!.heights
        let rc = 6.5 + Double(seed % 3)
        #expect(rc / min(h.x, h.y, h.z) > 2)
        expectIdenticalLists(s, cutoff: rc)
    }
    // A flat slab cell: many bins in-plane, many images across.
    let lat = Lattice(a: SIMD3(30, 0, 0), b: SIMD3(9, 28, 0), c: SIMD3(0.4, -0.3, 1.7))
    var g = LCG(state: 99)
    let pos = (0..<150).map { _ in lat.cartesian(SIMD3(g.next(), g.next(), g.next())) }
    expectIdenticalLists(Structure(lattice: lat, species: pos.map { _ in "O" }, positions: pos), cutoff: 5.0, minimumBins: 8)
}

@Test func linkedCellsEqualAllPairsForIsolatedStructures() {
    for seed in UInt64(21)...25 {
        var g = LCG(state: seed)
        // A long, flat cloud: many bins along x, one along z.
        let pos = (0..<200).map { _ in SIMD3(g.next() * 60 - 10, g.next() * 15, g.next() * 0.5) }
        let s = Structure(lattice: nil, species: pos.map { _ in "Ti" }, positions: pos)
        expectIdenticalLists(s, cutoff: 3.0 + Double(seed % 4), minimumBins: 8)
    }
    // Degenerate boxes: one atom, all atoms on a line, two atoms far apart.
    expectIdenticalLists(Structure(lattice: nil, species: ["O"], positions: [SIMD3(1, 2, 3)]), cutoff: 4, empty: true)
    let line = (0..<40).map { SIMD3(0.9 * Double($0), 0, 0) }
    expectIdenticalLists(Structure(lattice: nil, species: line.map { _ in "O" }, positions: line), cutoff: 2.5, minimumBins: 8)
    expectIdenticalLists(Structure(lattice: nil, species: ["O", "Ti"], positions: [.zero, SIMD3(1e4, 0, 0)]), cutoff: 4, empty: true)
}

@Test func automaticChoiceUsesLinkedCellsForLargeCellsAndKeepsTheOrder() {
    let s = randomSkewedCell(1500, size: 28, seed: 5)
    let search = NeighbourSearch(structure: s, types: typesOf(s), cutoff: 5.0)
    #expect(search.linkedCells != nil)
    let small = skewedCell()
    #expect(NeighbourSearch(structure: small, types: typesOf(small), cutoff: 4.0).linkedCells == nil)
    #expect(NeighbourSearch(structure: s, types: typesOf(s), cutoff: 5.0, convention: .aenet204).linkedCells == nil)
    // The documented order, checked directly on the linked-cell list.
    var nb = Neighbourhood()
    for i in [0, 777, 1499] {
        search.neighbours(of: i, into: &nb)
        let keys = translations(nb, search).map { (j, t) -> [Int] in [j == i ? 0 : 1, -j, t == .zero ? 0 : 1, t.z, t.y, t.x] }
        #expect(keys.count > 20)
        for q in 1..<keys.count { #expect(keys[q - 1].lexicographicallyPrecedes(keys[q])) }
    }
}

@Test func linkedCellsBoundTheirBins() {
    // A huge, nearly empty cell: bins are capped at 2 per atom.
    let lat = Lattice(a: SIMD3(1000, 0, 0), b: SIMD3(0, 1000, 0), c: SIMD3(0, 0, 1000))
    let pos = [SIMD3(1.0, 1, 1), SIMD3(2.0, 1, 1), SIMD3(999.5, 1, 1)]
    let s = Structure(lattice: lat, species: ["O", "O", "O"], positions: pos)
    let search = NeighbourSearch(structure: s, types: typesOf(s), cutoff: 3, convention: .complete, method: .linkedCells)
    let n = search.linkedCells!.nBins
    #expect(n.x * n.y * n.z <= 6)
    expectIdenticalLists(s, cutoff: 3)
    var nb = Neighbourhood()
    search.neighbours(of: 2, into: &nb)
    #expect(Array(nb.atomIndex[0..<nb.count]) == [1, 0])   // both through the periodic boundary
}

@Test func degenerateCellsAreRefused() throws {
    let a = SIMD3(3.0, 0, 0), b = SIMD3(0, 3.0, 0)
    let thin = Structure(lattice: Lattice(a: a, b: b, c: a + SIMD3(0, 0, 1e-9)), species: ["O"], positions: [.zero])
    #expect(throws: AenetError.self) { try NeighbourSearch.validate(thin, cutoff: 6.5, file: "thin.xsf") }
    let flat = Structure(lattice: Lattice(a: a, b: b, c: SIMD3(0, 0, 1e-4)), species: ["O"], positions: [.zero])
    do {
        _ = try NeighbourSearch(validating: flat, types: [0], cutoff: 6.5, file: "flat.xsf")
        Issue.record("a 1e-4 Å thick cell was accepted")
    } catch let e as AenetError {
        #expect(e.description.hasPrefix("flat.xsf: "))
        #expect(e.description.contains("periodic images"))
    }
    let singular = Structure(lattice: Lattice(a: a, b: b, c: a + b), species: ["O"], positions: [.zero])
    #expect(throws: AenetError.self) { try NeighbourSearch.validate(singular, cutoff: 6.5, file: "s.xsf") }
    let nan = Structure(lattice: nil, species: ["O", "O"], positions: [.zero, SIMD3(.nan, 0, 0)])
    #expect(throws: AenetError.self) { try NeighbourSearch.validate(nan, cutoff: 6.5, file: "n.xsf") }
    let inf = Structure(lattice: Lattice(a: a, b: b, c: SIMD3(0, 0, .infinity)), species: ["O"], positions: [.zero])
    #expect(throws: AenetError.self) { try NeighbourSearch.validate(inf, cutoff: 6.5, file: "i.xsf") }
    // Dense: 2000 atoms in 1 Å³.
    let dense = Structure(lattice: Lattice(a: SIMD3(1, 0, 0), b: SIMD3(0, 1, 0), c: SIMD3(0, 0, 1)),
                          species: Array(repeating: "O", count: 2000), positions: Array(repeating: .zero, count: 2000))
    #expect(throws: AenetError.self) { try NeighbourSearch.validate(dense, cutoff: 6.5, file: "d.xsf") }
    // Ordinary cells pass, including a small one with a long cutoff.
    try NeighbourSearch.validate(skewedCell(), cutoff: 8.0, file: "ok.xsf")
    try NeighbourSearch.validate(randomSkewedCell(100, size: 12, seed: 3), cutoff: 6.5, file: "ok.xsf")
    try NeighbourSearch.validate(cluster(), cutoff: 6.5, file: "ok.xsf")
}
