import Foundation
import Testing
@testable import AenetCore
@testable import AenetShell
@testable import AenetTestSupport

/// Largest absolute component.
func maxAbs(_ v: SIMD3<Double>) -> Double { max(abs(v.x), abs(v.y), abs(v.z)) }

/// Strained copy of `s`: cell and positions multiplied by (I + ε).
func strained(_ s: Structure, _ eps: [[Double]]) -> Structure {
    func apply(_ v: SIMD3<Double>) -> SIMD3<Double> {
        SIMD3((0..<3).map { a in v[a] + (0..<3).reduce(0.0) { $0 + eps[a][$1] * v[$1] } })
    }
    var t = s
    if let l = s.lattice { t.lattice = Lattice(a: apply(l.a), b: apply(l.b), c: apply(l.c)) }
    t.positions = s.positions.map(apply)
    return t
}

/// The stress from the analytic pair forces equals the finite-difference derivative of the energy
/// under symmetric cell strain: σ_ab = (1/V) ∂E/∂ε_ab = −W_ab/V.
@Test(arguments: [false, true])
func virialStressMatchesFiniteDifferencesOfTheEnergyUnderStrain(behler: Bool) throws {
    let set = try PotentialSet(types: ["Ti", "O"], potentials: makePotentials(behler: behler))
    let ws = AtomWorkspace(set), ews = EvaluationWorkspace(set)
    var structures = [testStructures()[0]]
    for n in ["periodic-09.xsf", "periodic-33.xsf"] {
        structures.append(try XSF.read(path: TestPaths.referenceInputs.appendingPathComponent("structures/" + n).path))
    }
    for s in structures {
        let (e, w) = try set.virial(s, workspace: ws)
        let reference = try set.evaluate(s, forces: false, workspace: ews).totalEnergy
        #expect(abs(e - reference) <= 1e-10 * abs(reference))
        let h = 1e-5
        var worst = 0.0, scale = 1e-3
        for a in 0..<3 {
            for b in a..<3 {
                var eps = [[Double]](repeating: [0, 0, 0], count: 3)
                eps[a][b] += h / (a == b ? 1 : 2); eps[b][a] += a == b ? 0 : h / 2
                let plus = try set.evaluate(strained(s, eps), forces: false, workspace: ews).totalEnergy
                let minusEps = eps.map { $0.map { -$0 } }
                let minus = try set.evaluate(strained(s, minusEps), forces: false, workspace: ews).totalEnergy
                let fd = (plus - minus) / (2 * h)
                let analytic = -0.5 * (w[3 * a + b] + w[3 * b + a])
                worst = max(worst, abs(fd - analytic)); scale = max(scale, abs(analytic))
            }
        }
        #expect(worst <= 1e-6 * max(1, scale), "strain derivative differs by \(worst) (scale \(scale))")
    }
}

/// The per-atom entry point gives predict's energies and forces when handed predict's neighbour
/// lists, and reports unknown neighbour species instead of computing garbage.
@Test func atomEvaluatorAgreesWithStructureEvaluatorAndChecksSpecies() throws {
    let set = try PotentialSet(types: ["Ti", "O"], potentials: makePotentials(behler: false))
    let ws = AtomWorkspace(set)
    for s in testStructures() {
        let p = try set.evaluate(s, forces: true, workspace: EvaluationWorkspace(set))
        let types = s.species.map { Int32(set.types.firstIndex(of: $0)!) }
        let search = NeighbourSearch(structure: s, types: types, cutoff: set.rcMax)
        var f = [SIMD3<Double>](repeating: .zero, count: s.atomCount)
        for i in 0..<s.atomCount {
            search.neighbours(of: i, into: &ws.hood)
            let e = try set.evaluateAtom(type: Int(types[i]), gradients: true, workspace: ws)
            #expect(abs(e - p.atomicEnergies[i]) <= 1e-12 * abs(e))
            f[i] -= ws.centerGradient
            for j in 0..<ws.hood.count {
                f[Int(ws.hood.atomIndex[j])] -= SIMD3(ws.gradient[3 * j], ws.gradient[3 * j + 1], ws.gradient[3 * j + 2])
            }
        }
        for (a, b) in zip(f, p.forces!) { #expect(maxAbs(a - b) <= 1e-12) }
    }
    ws.hood.removeAll()
    ws.hood.append(SIMD3(1.5, 0, 0), d2: 2.25, atom: 0, type: 5)
    #expect(throws: AenetError.self) { try set.evaluateAtom(type: 0, gradients: false, workspace: ws) }
    #expect(throws: AenetError.self) { try set.evaluateAtom(type: 2, gradients: false, workspace: ws) }
}

/// aenet-PyTorch's ASCII layout: our writer's text reads back to the same potential, files with
/// Fortran-style wrapping (ENV species one per line, d exponents, T/F logicals) read too, and
/// `Potential.load` tells binary from ASCII.
@Test func asciiPotentialsReadLikeBinaryOnes() throws {
    let dir = try TemporaryDirectory()
    for p in try makePotentials(behler: true) + makePotentials(behler: false) {
        let text = p.asciiText()
        let path = try dir.write(p.species + ".nn.ascii", text)
        let back = try Potential.load(path: path)
        #expect(back.network == p.network && back.setup == p.setup && back.trainingSet == p.trainingSet)
        // Fortran list-directed style: values wrapped over lines, ENV one per line, D exponents, "T".
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        lines[8] = lines[8].split(separator: " ").map(String.init).enumerated()
            .map { $0.offset % 3 == 2 ? $0.element + "\n" : $0.element + " " }.joined()
            .trimmingCharacters(in: .whitespacesAndNewlines)
        lines[12] = p.setup.envTypes.joined(separator: "\n")
        lines[27] = lines[27] == "True" ? "T" : "F"
        lines[28] = "8.0D-1"   // the scale of makePotentials, 0.8
        let wrapped = try dir.write("wrapped.nn.ascii", lines.joined(separator: "\n"))
        let w = try Potential.readASCII(path: wrapped)
        #expect(w.network == p.network && w.setup == p.setup && w.trainingSet == p.trainingSet)
        let bin = dir.url.appendingPathComponent("bin.nn").path
        try p.write(path: bin)
        #expect(try Potential.load(path: bin).network == p.network)
    }
    let bad = try dir.write("bad.nn.ascii", "3\n10\nnot-a-number\n")
    #expect(throws: AenetError.self) { try Potential.load(path: bad) }
}

/// `predict --stress` prints the stress of the analytic forces (−W/V); without the flag the text
/// is unchanged (aenet's layout).
@Test func predictStressFlagPrintsTheVirialStress() throws {
    let dir = try TemporaryDirectory()
    let pots = try makePotentials(behler: false)
    for p in pots { try p.write(path: dir.url.appendingPathComponent(p.species + ".nn").path) }
    let s = testStructures()[0]
    try dir.write("s.xsf", XSFWriter.string(s))
    try dir.write("predict.in", "TYPES\n2\nTi\nO\n\nNETWORKS\nTi Ti.nn\nO O.nn\n\nFORCES\n\nFILES\n1\ns.xsf\n")
    let plain = try runTool("predict", ["predict.in"], in: dir.url)
    let withStress = try runTool("predict", ["predict.in", "--stress"], in: dir.url)
    #expect(plain.status == 0 && withStress.status == 0, "\(withStress.stderr)")
    #expect(!plain.stdout.contains("Stress"))
    let line = try #require(withStress.stdout.split(separator: "\n").first { $0.contains("Stress (eV/Ang^3)") })
    let printed = line.split(separator: ":").last!.split(separator: " ").compactMap { Double($0) }
    let set = try PotentialSet(types: ["Ti", "O"], potentials: pots)
    let w = try set.virial(try XSF.read(path: dir.url.appendingPathComponent("s.xsf").path), workspace: AtomWorkspace(set)).virial
    let v = abs(s.lattice!.volume)
    let expected = [w[0], w[4], w[8], 0.5 * (w[5] + w[7]), 0.5 * (w[2] + w[6]), 0.5 * (w[1] + w[3])].map { -$0 / v }
    #expect(printed.count == 6)
    for (a, b) in zip(printed, expected) { #expect(abs(a - b) <= 1e-8) }
    // Everything else is the same text.
    let stripped = withStress.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        .filter { !$0.contains("Virial W") && !$0.contains("Stress (") && !$0.contains("Pressure -tr") }
    let plainLines = plain.stdout.split(separator: "\n", omittingEmptySubsequences: false)
    #expect(stripped.filter { !$0.isEmpty && !$0.contains(":") || $0.contains("energy") } == plainLines.filter { !$0.isEmpty && !$0.contains(":") || $0.contains("energy") })
}
