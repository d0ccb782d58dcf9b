import Testing
@testable import AenetCore

/// A periodic Ti/O cell of `n` atoms on a jittered grid (≥ 1.4 Å apart).
func jitteredCell(_ n: Int, seed: UInt64) -> Structure {
    var g = LCG(state: seed)
    let k = Int(Double(n).squareRoot().rounded(.up))
    let nz = (n + k * k - 1) / (k * k)
    let lat = Lattice(a: SIMD3(1.9 * Double(k), 0, 0), b: SIMD3(0.8, 1.9 * Double(k), 0), c: SIMD3(0.3, -0.4, 1.9 * Double(nz)))
    var pos: [SIMD3<Double>] = []
    var sp: [String] = []
    outer: for z in 0..<nz { for y in 0..<k { for x in 0..<k {
        if pos.count == n { break outer }
        let f = SIMD3((Double(x) + 0.5 + 0.2 * (g.next() - 0.5)) / Double(k), (Double(y) + 0.5 + 0.2 * (g.next() - 0.5)) / Double(k),
                      (Double(z) + 0.5 + 0.2 * (g.next() - 0.5)) / Double(nz))
        pos.append(lat.cartesian(f)); sp.append(g.next() < 0.35 ? "Ti" : "O")
    } } }
    return Structure(lattice: lat, species: sp, positions: pos)
}

@Test(arguments: [false, true])
func blockedEvaluationEqualsOneBatch(behler: Bool) throws {
    let set = try PotentialSet(types: ["Ti", "O"], potentials: makePotentials(behler: behler))
    let s = jitteredCell(300, seed: 3)
    let whole = EvaluationWorkspace(set)
    let p = try set.evaluate(s, forces: true, workspace: whole)
    for (threads, block) in [(1, 7), (2, 16), (2, 64)] {
        let ws = EvaluationWorkspace(set)
        ws.threads = threads; ws.blockSize = block
        let q = try set.evaluate(s, forces: true, workspace: ws)
        #expect(ws.blockWorkers.count == threads)
        #expect(q.positions == p.positions)
        // Network batches of another size may round differently in the last bit (GEMM blocking).
        for i in 0..<s.atomCount {
            #expect(abs(q.atomicEnergies[i] - p.atomicEnergies[i]) <= 1e-12 * abs(p.atomicEnergies[i]))
            let d = q.forces![i] - p.forces![i]
            #expect(max(abs(d.x), abs(d.y), abs(d.z)) <= 1e-11)
        }
        #expect(abs(q.totalEnergy - p.totalEnergy) <= 1e-12 * abs(p.totalEnergy))
        // Thread count does not change a single bit.
        let one = EvaluationWorkspace(set)
        one.threads = 1; one.blockSize = block
        let r = try set.evaluate(s, forces: true, workspace: one)
        #expect(r.forces! == q.forces! && r.atomicEnergies == q.atomicEnergies)
        let e = try set.evaluate(s, forces: false, workspace: ws)
        #expect(e.forces == nil && e.atomicEnergies == q.atomicEnergies)
    }
    #expect(p.forces!.contains { length($0) > 1e-3 })
}

@Test func blockedEvaluationReportsTheFirstCloseAtom() throws {
    let set = try PotentialSet(types: ["Ti", "O"], potentials: makePotentials(behler: false))
    var s = jitteredCell(200, seed: 9)
    s.positions[150] = s.positions[40] + SIMD3(0.2, 0, 0)
    s.positions[170] = s.positions[20] + SIMD3(0.1, 0, 0)
    var messages: [String] = []
    for block in [10_000, 8] {
        let ws = EvaluationWorkspace(set)
        ws.blockSize = block; ws.threads = 2
        do {
            _ = try set.evaluate(s, forces: true, file: "big.xsf", workspace: ws)
            Issue.record("no error")
        } catch let e as AenetError {
            messages.append(e.description)
        }
    }
    #expect(messages.count == 2 && messages[0] == messages[1])
    #expect(messages.first?.contains("atoms 21 and 171") == true)
}
