import Testing
@testable import AenetCore
@testable import AenetTraining
@testable import AenetAugment
@testable import AenetShell
@testable import AenetTestSupport

/// Small deterministic generator so that tests are reproducible.
struct LCG {
    var state: UInt64
    mutating func next() -> Double {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return Double(state >> 11) / Double(1 << 53)
    }
    mutating func vector(_ scale: Double) -> SIMD3<Double> { SIMD3(next(), next(), next()) * scale }
}

/// A dense random periodic TiO2-like cell: ~100 neighbours within 6.5 Å, Ti and O.
func denseCell(seed: UInt64) -> Structure {
    let lat = Lattice(a: SIMD3(9.2, 0, 0), b: SIMD3(0.8, 9.0, 0), c: SIMD3(-0.6, 0.5, 8.7))
    var g = LCG(state: seed)
    var frac: [SIMD3<Double>] = []
    while frac.count < 66 {
        let f = SIMD3(g.next(), g.next(), g.next())
        let p = lat.cartesian(f)
        if frac.allSatisfy({ length(lat.cartesian($0) - p) > 1.3 }) { frac.append(f) }
    }
    return Structure(lattice: lat, species: (0..<frac.count).map { $0 % 3 == 0 ? "Ti" : "O" },
                     positions: frac.map { lat.cartesian($0) })
}

/// A skewed triclinic cell with heights ≈ 1.4–1.9 Å, atoms partly outside the cell.
func skewedCell() -> Structure {
    let lat = Lattice(a: SIMD3(2.1, 0, 0), b: SIMD3(1.3, 1.8, 0), c: SIMD3(-0.9, 0.7, 1.5))
    let frac: [SIMD3<Double>] = [SIMD3(0.1, 0.2, 0.3), SIMD3(1.4, -0.3, 0.55), SIMD3(-0.75, 0.6, 2.2)]
    return Structure(lattice: lat, species: ["Ti", "O", "O"], positions: frac.map { lat.cartesian($0) })
}

func cluster(_ n: Int = 7, seed: UInt64 = 7) -> Structure {
    var g = LCG(state: seed)
    var pos: [SIMD3<Double>] = []
    while pos.count < n {
        let p = g.vector(4.0)
        if pos.allSatisfy({ length($0 - p) > 1.2 }) { pos.append(p) }
    }
    return Structure(lattice: nil, species: (0..<n).map { $0 % 3 == 0 ? "Ti" : "O" }, positions: pos)
}

func typesOf(_ s: Structure) -> [Int32] { s.species.map { $0 == "Ti" ? 0 : 1 } }

/// (atom, T) of every entry, T recovered from the displacement.
func translations(_ nb: Neighbourhood, _ search: NeighbourSearch) -> [(Int, SIMD3<Int>)] {
    (0..<nb.count).map { e in
        let j = Int(nb.atomIndex[e])
        let shift = nb.displacement(e) - (search.positions[j] - search.positions[nb.centerIndex])
        let f = search.lattice.map { $0.fractional(shift) } ?? .zero
        return (j, SIMD3(Int(f.x.rounded()), Int(f.y.rounded()), Int(f.z.rounded())))
    }
}

@Test func neighbourListIsCompleteInSkewedCell() {
    let s = skewedCell(), rc = 6.3
    let lat = s.lattice!
    #expect(rc / min(lat.heights.x, lat.heights.y, lat.heights.z) > 4)
    let search = NeighbourSearch(structure: s, types: typesOf(s), cutoff: rc)
    let lim = 10
    var nb = Neighbourhood()
    for i in 0..<s.atomCount {
        search.neighbours(of: i, into: &nb)
        var brute: [(Int, SIMD3<Int>)] = []
        for j in 0..<s.atomCount {
            for t3 in -lim...lim { for t2 in -lim...lim { for t1 in -lim...lim {
                if i == j && t1 == 0 && t2 == 0 && t3 == 0 { continue }
                let r = search.positions[j] + lat.cartesian(SIMD3(Double(t1), Double(t2), Double(t3))) - search.positions[i]
                if dot(r, r) <= (rc + 0.001) * (rc + 0.001) { brute.append((j, SIMD3(t1, t2, t3))) }
            } } }
        }
        let got = translations(nb, search)
        #expect(got.count == brute.count)
        let key = { (e: (Int, SIMD3<Int>)) in "\(e.0) \(e.1.x) \(e.1.y) \(e.1.z)" }
        #expect(Set(got.map(key)) == Set(brute.map(key)))
        for e in 0..<nb.count {
            #expect(isClose(nb.distance[e], length(nb.displacement(e)), tolerance: 1e-12))
            #expect(nb.type[e] == search.types[Int(nb.atomIndex[e])])
        }
    }
}

@Test func neighbourOrderFollowsAenet() {
    let s = skewedCell()
    let search = NeighbourSearch(structure: s, types: typesOf(s), cutoff: 4.0)
    var nb = Neighbourhood()
    search.neighbours(of: 1, into: &nb)
    // Sort key: self images first, then descending atom index; home image first; then T3, T2, T1.
    let keys = translations(nb, search).map { (j, t) -> [Int] in
        [j == 1 ? 0 : 1, -j, t == .zero ? 0 : 1, t.z, t.y, t.x]
    }
    #expect(keys.count > 20)
    for q in 1..<keys.count { #expect(keys[q - 1].lexicographicallyPrecedes(keys[q])) }
    #expect(keys.contains { $0[0] == 0 })
}

@Test func isolatedClusterAndFrames() {
    let s = cluster()
    let search = NeighbourSearch(structure: s, types: typesOf(s), cutoff: 3.0)
    var nb = Neighbourhood()
    for i in 0..<s.atomCount {
        search.neighbours(of: i, into: &nb)
        let expected = (0..<s.atomCount).reversed().filter { $0 != i && length(s.positions[$0] - s.positions[i]) <= 3.001 }
        #expect(Array(nb.atomIndex.prefix(nb.count)).map(Int.init) == expected)
    }
    let frame = NeighbourSearch.aenetFrame(s)
    for c in 0..<3 { #expect(isClose(frame.map { $0[c] }.min()!, 1e-6, absolute: 1e-15)) }
    let cubic = Structure(lattice: Lattice(a: SIMD3(3, 0, 0), b: SIMD3(0, 3, 0), c: SIMD3(0, 0, 3)),
                          species: ["O"], positions: [SIMD3(-0.5, 3.0, 7.5)])
    let w = NeighbourSearch.aenetFrame(cubic)[0]
    #expect(isClose(w.x, 2.5, absolute: 1e-14) && isClose(w.y, 0, absolute: 1e-14) && isClose(w.z, 1.5, absolute: 1e-14))
    #expect(NeighbourSearch.wrap(SIMD3(-1e-18, 1.0, 0.25)) == SIMD3(0, 0, 0.25))
}

// MARK: - aenet 2.0.4 neighbour convention (compat/DIFFERENCES.md)

/// Brute-force (j, T) set of atom i, |T_k| ≤ lim.
func bruteForce(_ search: NeighbourSearch, _ i: Int, rc: Double, lim: Int = 8) -> [(Int, SIMD3<Int>)] {
    let lat = search.lattice!
    var out: [(Int, SIMD3<Int>)] = []
    for j in 0..<search.positions.count {
        for t3 in -lim...lim { for t2 in -lim...lim { for t1 in -lim...lim {
            if i == j && t1 == 0 && t2 == 0 && t3 == 0 { continue }
            let r = search.positions[j] + lat.cartesian(SIMD3(Double(t1), Double(t2), Double(t3))) - search.positions[i]
            if dot(r, r) <= (rc + 0.001) * (rc + 0.001) { out.append((j, SIMD3(t1, t2, t3))) }
        } } }
    }
    return out
}

/// The shape of TiO2 structure1157: a is along x, b is skewed towards a. aenet bounds T_k by
/// ceil((Rc+0.001)·|A⁻¹e_k| + 0.001) div 2 + 2 (column of A⁻¹, not the reciprocal vector |b_k| =
/// 1/height_k): here (3, 3, 3), while |T_1| = 4 is needed (the correct rule would give (4, 3, 3)).
func skewedTiO2Like() -> Structure {
    let lat = Lattice(a: SIMD3(2.93579572, 0, 0), b: SIMD3(2.16468345, 4.05878079, 0), c: SIMD3(0, 0, 4.76011565))
    let frac: [SIMD3<Double>] = [SIMD3(0.1, 0.5, 0.5), SIMD3(0.0, 0.0, 0.0), SIMD3(0.97, 0.02, 0.2), SIMD3(0.45, 0.8, 0.8)]
    return Structure(lattice: lat, species: ["Ti", "Ti", "O", "O"], positions: frac.map { lat.cartesian($0) })
}

@Test func aenetImageRangeUsesColumnsOfInverseLattice() {
    let s = skewedTiO2Like(), lat = s.lattice!
    #expect(AenetCellList.supercellBound([lat.a, lat.b, lat.c], 8.0) == SIMD3(3, 3, 3))
    let (ra, rb, rc) = lat.reciprocal
    let correct = [ra, rb, rc].map { Int(((8.0 + 0.001) * length($0) + 0.001).rounded(.up)) / 2 + 2 }
    #expect(correct == [4, 3, 3])
}

@Test func aenetConventionDropsExactlyThePredictedEntries() {
    let s = skewedTiO2Like(), rc = 8.0
    let full = NeighbourSearch(structure: s, types: typesOf(s), cutoff: rc)
    let aenet = NeighbourSearch(structure: s, types: typesOf(s), cutoff: rc, convention: .aenet204)
    let key = { (e: (Int, SIMD3<Int>)) in "\(e.0) \(e.1.x) \(e.1.y) \(e.1.z)" }
    var a = Neighbourhood(), c = Neighbourhood(), dropped = 0
    for i in 0..<s.atomCount {
        full.neighbours(of: i, into: &c)
        aenet.neighbours(of: i, into: &a)
        let complete = translations(c, full)
        // Complete mode equals brute force.
        #expect(Set(complete.map(key)) == Set(bruteForce(full, i, rc: rc).map(key)))
        #expect(complete.count == bruteForce(full, i, rc: rc).count)
        // Single grid cell: aenet's list is the complete list without |T_k| > (3, 3, 3), same order.
        let predicted = complete.filter { abs($0.1.x) <= 3 && abs($0.1.y) <= 3 && abs($0.1.z) <= 3 }
        #expect(translations(a, aenet).map(key) == predicted.map(key))
        dropped += complete.count - predicted.count
        for e in 0..<a.count { #expect(a.distance[e] == c.distance[complete.firstIndex { key($0) == key(translations(a, aenet)[e]) }!]) }
    }
    #expect(dropped == 2)   // (1, T = (−4, 1, 0)) of atom 2 and (2, (4, −1, 0)) of atom 1, 7.92 Å
}

@Test func aenetConventionEqualsCompleteWhenRangeSuffices() {
    let s = skewedTiO2Like()
    for rc in [3.0, 5.5] {
        let full = NeighbourSearch(structure: s, types: typesOf(s), cutoff: rc)
        let aenet = NeighbourSearch(structure: s, types: typesOf(s), cutoff: rc, convention: .aenet204)
        var a = Neighbourhood(), c = Neighbourhood()
        for i in 0..<s.atomCount {
            full.neighbours(of: i, into: &c); aenet.neighbours(of: i, into: &a)
            #expect(a.count == c.count)
            #expect(Array(a.atomIndex[0..<a.count]) == Array(c.atomIndex[0..<c.count]))
            #expect(Array(a.distance[0..<a.count]) == Array(c.distance[0..<c.count]))
        }
    }
}

/// A 12.3 Å chain of atoms (isolated): aenet's bounding-box grid has 24 cells of ≈0.51 Å along x and
/// its stencil reaches ceil((8+0.001)/0.5125 + 0.001) div 2 + 2 = 10 cells either way, so atoms more
/// than 10 grid cells away are not even candidates although closer than Rc = 8.
@Test func aenetConventionLosesCandidatesOutsideTheCellStencil() {
    var xs = (0..<20).map { 0.6 * Double($0) }
    xs.append(12.3)
    let s = Structure(lattice: nil, species: xs.map { _ in "Ti" }, positions: xs.map { SIMD3($0, 0, 0) })
    let rc = 8.0
    let full = NeighbourSearch(structure: s, types: typesOf(s), cutoff: rc)
    let aenet = NeighbourSearch(structure: s, types: typesOf(s), cutoff: rc, convention: .aenet204)
    let cell = { (x: Double) in Int((24 * (x + 1e-6) / (12.3 + 2e-6)).rounded(.down)) }
    var a = Neighbourhood(), c = Neighbourhood(), dropped = 0
    for i in 0..<s.atomCount {
        full.neighbours(of: i, into: &c); aenet.neighbours(of: i, into: &a)
        let all = Array(c.atomIndex[0..<c.count]).map(Int.init)
        #expect(all == (0..<s.atomCount).reversed().filter { $0 != i && abs(xs[$0] - xs[i]) <= rc + 0.001 })
        let kept = all.filter { abs(cell(xs[$0]) - cell(xs[i])) <= 10 }
        // aenet order: stencil cells from −10 to +10 (one atom per cell here), own cell first.
        let expected = kept.filter { cell(xs[$0]) == cell(xs[i]) } + kept.filter { cell(xs[$0]) != cell(xs[i]) }.sorted { xs[$0] < xs[$1] }
        #expect(Array(a.atomIndex[0..<a.count]).map(Int.init) == expected)
        dropped += all.count - kept.count
    }
    #expect(dropped > 0)
}
