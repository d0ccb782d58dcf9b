import Testing
@testable import AenetKit

/// Small deterministic generator so that tests are reproducible.
struct LCG {
    var state: UInt64
    mutating func next() -> Double {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return Double(state >> 11) / Double(1 << 53)
    }
    mutating func vector(_ scale: Double) -> SIMD3<Double> { SIMD3(next(), next(), next()) * scale }
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
            #expect(abs(nb.distance[e] - length(nb.displacement(e))) < 1e-12)
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
    for c in 0..<3 { #expect(abs(frame.map { $0[c] }.min()! - 1e-6) < 1e-15) }
    let cubic = Structure(lattice: Lattice(a: SIMD3(3, 0, 0), b: SIMD3(0, 3, 0), c: SIMD3(0, 0, 3)),
                          species: ["O"], positions: [SIMD3(-0.5, 3.0, 7.5)])
    let w = NeighbourSearch.aenetFrame(cubic)[0]
    #expect(abs(w.x - 2.5) < 1e-14 && abs(w.y) < 1e-14 && abs(w.z - 1.5) < 1e-14)
    #expect(NeighbourSearch.wrap(SIMD3(-1e-18, 1.0, 0.25)) == SIMD3(0, 0, 0.25))
}
