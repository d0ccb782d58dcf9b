import Foundation
import Testing
@testable import AenetCore
@testable import AenetTraining
@testable import AenetAugment
@testable import AenetShell
@testable import AenetTestSupport

/// Small synthetic Ti/O potentials (our own numbers): a setup from .stp text, a random 2-hidden-layer
/// network, invented feature statistics and training-set info.
func makePotentials(behler: Bool, seed: UInt64 = 5) throws -> [Potential] {
    var rng = TestRNG(seed)
    return try ["Ti", "O"].map { species in
        let stp = behler ? """
            ATOM \(species)
            ENV 2
            Ti
            O
            RMIN 0.5
            FUNCTIONS type=Behler2011
            5
            G=2 type2=O eta=0.5 Rs=1.0 Rc=3.5
            G=1 type2=Ti Rc=3.5
            G=3 type2=O kappa=1.2 Rc=3.5
            G=4 type2=Ti type3=O lambda=-1.0 zeta=2.0 eta=0.1 Rc=3.5
            G=5 type2=O type3=O lambda=1.0 zeta=1.0 eta=0.2 Rc=3.5
            """ : """
            ATOM \(species)
            ENV 2
            Ti
            O
            RMIN 0.5
            BASIS type=Chebyshev
            radial_Rc = 3.6 radial_N = 4 angular_Rc = 3.2 angular_N = 3
            """
        var setup = try SetupFile.parse(Deck(text: stp)).setup
        setup.clearStatistics()
        for g in 0..<setup.nsf {
            setup.sfvalAvg[g] = rng.next(); setup.sfvalCov[g] = setup.sfvalAvg[g] * setup.sfvalAvg[g] + 0.5 + rng.next() * 0.25
            setup.sfvalMin[g] = -3; setup.sfvalMax[g] = 3
        }
        setup.neval = 10
        var net = try FeedForwardNetwork(inputs: setup.nsf, hidden: ["6:tanh", "4:twist"])
        for k in net.weights.indices { net.weights[k] = 0.5 * rng.next() }
        let ts = TrainingSetInfo(file: "synthetic.train.scaled", normalized: true, scale: 0.8, shift: -0.3,
                                 typeNames: ["Ti", "O"], atomicEnergies: [-1600.5, -430.25], totalAtoms: 100,
                                 structureCount: 10, minimumEnergy: -1, maximumEnergy: 1, averageEnergy: 0.1)
        return try Potential(network: net, setup: setup, trainingSet: ts, path: "\(species).nn")
    }
}

/// A skewed periodic TiO2-like cell and an isolated cluster.
func testStructures() -> [Structure] {
    let lat = Lattice(a: SIMD3(3.1, 0, 0), b: SIMD3(0.7, 2.9, 0), c: SIMD3(0.4, -0.5, 3.3))
    let periodic = Structure(lattice: lat, species: ["Ti", "O", "O"],
                             positions: [SIMD3(0.1, 0.2, 0.05), SIMD3(1.6, 1.1, 1.4), SIMD3(2.5, 2.4, 2.6)])
    let cluster = Structure(lattice: nil, species: ["O", "Ti", "O", "Ti"],
                            positions: [SIMD3(0, 0, 0), SIMD3(1.8, 0.2, 0.1), SIMD3(2.4, 1.7, -0.4), SIMD3(0.6, 1.9, 1.2)])
    return [periodic, cluster]
}

@Test(arguments: [(false, false), (true, false), (false, true)])
func forcesAreMinusTheEnergyGradient(behler: Bool, legacy: Bool) throws {
    let set = try PotentialSet(types: ["Ti", "O"], potentials: makePotentials(behler: behler), legacyChebyshev: legacy)
    let ws = EvaluationWorkspace(set)
    for s in testStructures() {
        let p = try set.evaluate(s, forces: true, workspace: ws)
        #expect(isClose(p.totalEnergy, p.atomicEnergies.reduce(0, +), absolute: 1e-9))
        let h = 1e-5
        for i in 0..<s.atomCount {
            for c in 0..<3 {
                var plus = s, minus = s
                plus.positions[i][c] += h; minus.positions[i][c] -= h
                let ep = try set.evaluate(plus, forces: false, workspace: ws).totalEnergy
                let em = try set.evaluate(minus, forces: false, workspace: ws).totalEnergy
                let fd = -(ep - em) / (2 * h)
                #expect(isClose(p.forces![i][c], fd, tolerance: 1e-6), "atom \(i) component \(c): \(p.forces![i][c]) vs \(fd)")
            }
        }
    }
}

@Test(arguments: [false, true])
func contractedChebyshevGradientMatchesFullDerivatives(legacy: Bool) throws {
    let pot = try makePotentials(behler: false)[0]
    var fp = try #require(try pot.setup.makeFingerprint(globalTypes: ["Ti", "O"]) as? ChebyshevFingerprint)
    fp.legacyAngularDomain = legacy
    let s = testStructures()[0]
    let search = NeighbourSearch(structure: s, types: [0, 1, 1], cutoff: 3.6)
    var nb = Neighbourhood()
    search.neighbours(of: 1, into: &nb)
    var rng = TestRNG(1)
    let w = (0..<fp.count).map { _ in rng.next() }
    var g1 = [Double](repeating: 0, count: 3 * nb.count), g2 = g1
    var c1 = SIMD3<Double>.zero, c2 = SIMD3<Double>.zero
    fp.accumulateGradient(nb, weights: w, center: &c1, neighbours: &g1)
    var values = [Double](repeating: 0, count: fp.count), dc = [Double](repeating: 0, count: 3 * fp.count)
    var dn = [Double](repeating: 0, count: 3 * fp.count * nb.count)
    fp.evaluate(nb, values: &values, dCenter: &dc, dNeighbours: &dn)
    for c in 0..<3 {
        for g in 0..<fp.count {
            c2[c] += w[g] * dc[g + fp.count * c]
            for j in 0..<nb.count { g2[3 * j + c] += w[g] * dn[j + nb.count * (g + fp.count * c)] }
        }
    }
    #expect(nb.count > 10)
    for k in g1.indices { #expect(isClose(g1[k], g2[k], tolerance: 1e-11)) }
    for c in 0..<3 { #expect(isClose(c1[c], c2[c], tolerance: 1e-11)) }
}

@Test func potentialFilesRoundTripAndAcceptIfortLogicals() throws {
    let pot = try makePotentials(behler: true)[1]
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("aenet-pot-\(getpid())").path
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let path = dir + "/O.nn"
    try pot.write(path: path)
    let back = try Potential.read(path: path)
    #expect(back.network == pot.network && back.setup == pot.setup && back.trainingSet == pot.trainingSet)
    #expect(back.fileBytes() == pot.fileBytes())
    // ifort writes .true. as −1: patch the `normalized` record (T2) and read again.
    var bytes = pot.fileBytes()
    let reader = FortranRecordReader(data: Data(bytes))
    for _ in 0..<(9 + 17 + 1) { try reader.skip() }
    let t2 = reader.position + 4
    for k in 0..<4 { bytes[t2 + k] = 0xFF }
    try AtomicFile.write(bytes, to: path, overwrite: true)
    #expect(try Potential.read(path: path).trainingSet.normalized)
    // Truncated file: clear error naming the file.
    try AtomicFile.write(Array(bytes.prefix(bytes.count - 30)), to: path, overwrite: true)
    #expect { try Potential.read(path: path) } throws: { ($0 as? AenetError)?.file == path }
}

@Test func legacyChebyshevStatisticsAreRecognised() throws {
    var s = try makePotentials(behler: false)[0].setup
    let t0 = s.chebyshevParameters.radialN + 1
    s.sfvalAvg[t0] = 10; s.sfvalMax[t0] = 14
    s.sfvalAvg[t0 + 1] = 2; s.sfvalMin[t0 + 1] = -3; s.sfvalMax[t0 + 1] = 6      // |T1| ≤ T0: 2.0.4
    #expect(ChebyshevConvention.diagnose(s)?.isLegacy == false)
    s.sfvalAvg[t0 + 1] = -12; s.sfvalMin[t0 + 1] = -20; s.sfvalMax[t0 + 1] = -4  // T1 < −T0: legacy
    #expect(ChebyshevConvention.diagnose(s)?.isLegacy == true)
    s.sfvalAvg[t0 + 1] = -6; s.sfvalMin[t0 + 1] = -9; s.sfvalMax[t0 + 1] = -4    // fits both
    #expect(ChebyshevConvention.diagnose(s) == nil)
}

@Test func predictDeckIsReadLikeAenet() throws {
    let deck = Deck(text: """
        TYPES
        2
          Ti   ! indented: aenet would miss it
        O
        NETWORKS
          O  ../nets/O.nn
          Ti ../nets/Ti.nn
        relax
        steps=5 F_conv=0.05 dmax=0.2 0.3 0.4
        print_atomic_energies
        FILES
        2
        a.xsf
        dir/b c.xsf
        VERBOSITY low
        """, path: "predict.in")
    let inp = try PredictInput(deck: deck)
    #expect(inp.types == ["Ti", "O"])
    #expect(inp.networkFiles == ["../nets/Ti.nn", "../nets/O.nn"])
    #expect(inp.forces && inp.printAtomicEnergies && inp.verbosity == 0)
    #expect(inp.relax?.steps == 5 && inp.relax?.forceTolerance == 0.05 && inp.relax?.energyTolerance == 0.001)
    #expect(inp.relax?.maxStep == SIMD3(0.2, 0.3, 0.4))
    #expect(inp.files == ["a.xsf", "dir/b c.xsf"])
    #expect(throws: AenetError.self) { try PredictInput(deck: Deck(text: "TYPES\n1\nTi\nNETWORKS\nO o.nn\n")) }
}

@Test func badStructuresGiveClearErrors() throws {
    let set = try PotentialSet(types: ["Ti", "O"], potentials: makePotentials(behler: false))
    let ws = EvaluationWorkspace(set)
    let close = Structure(lattice: nil, species: ["Ti", "O"], positions: [.zero, SIMD3(0.3, 0, 0)])
    #expect { try set.evaluate(close, forces: false, file: "x.xsf", workspace: ws) } throws: {
        ($0 as? AenetError)?.message.contains("RMIN") == true }
    let alien = Structure(lattice: nil, species: ["Ti", "Zr"], positions: [.zero, SIMD3(2, 0, 0)])
    #expect { try set.evaluate(alien, forces: false, file: "x.xsf", workspace: ws) } throws: {
        ($0 as? AenetError)?.message.contains("Zr") == true }
}

@Test func relaxationLowersTheEnergyAndHonoursDmax() throws {
    let set = try PotentialSet(types: ["Ti", "O"], potentials: makePotentials(behler: false))
    let ws = EvaluationWorkspace(set)
    let s = testStructures()[1]
    let p0 = try set.evaluate(s, forces: true, workspace: ws)
    var o = PredictInput.Relax(); o.steps = 6; o.maxStep = SIMD3(0.05, 0.05, 0.05)
    let r = try set.relax(s, initial: p0, options: o, file: "c.xsf", workspace: ws)
    #expect(r.prediction.cohesiveEnergy < p0.cohesiveEnergy)
    let bound = 0.05 * Double(r.iterations) + 1e-12
    for (a, b) in zip(r.structure.positions, s.positions) {
        let d: SIMD3<Double> = a - b
        #expect(max(abs(d.x), abs(d.y), abs(d.z)) <= bound)
    }
    #expect(r.table.contains("Geometry optimization:"))
}
