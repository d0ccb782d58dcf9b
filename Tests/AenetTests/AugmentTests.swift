import Foundation
import Testing
@testable import AenetCore
@testable import AenetTraining
@testable import AenetAugment
@testable import AenetShell
@testable import AenetTestSupport

/// A two-atom periodic structure whose numbers are easy to follow by hand (all products exact).
let handStructure = Structure(
    lattice: Lattice(a: SIMD3(4, 0, 0), b: SIMD3(0, 5, 0), c: SIMD3(1, 0, 6)),
    species: ["Ti", "O"],
    positions: [SIMD3(0.5, 1.0, 1.5), SIMD3(2.0, 2.5, 3.0)],
    forces: [SIMD3(0.5, -1.0, 2.0), SIMD3(-0.5, 1.0, -2.0)],
    totalEnergy: -10)

/// A deck listing the absolute paths of `structures` (written into `dir`). Tests use absolute
/// paths because they run in parallel and must not change the working directory.
func writeDeck(_ dir: TemporaryDirectory, _ structures: [(String, Structure)], extra: String = "") throws -> String {
    for (name, s) in structures { try dir.write(name, XSFWriter.string(s)) }
    return try dir.write("generate.in", """
        OUTPUT  data.train
        TYPES
        2
        Ti -1626.66972707
        O  -433.23448532
        SETUPS
        Ti Ti.stp
        O  O.stp
        FILES
        \(structures.count)
        \(structures.map { dir.path + "/" + $0.0 }.joined(separator: "\n"))
        \(extra)
        """)
}

@Suite struct AugmentTests {
    @Test func energiesAndCoordinatesCheckedByHand() throws {
        let settings = Augmentation.Settings(delta: 0.25, factor: 6)
        let plan = Augmentation.plan(atomCounts: [2], settings: settings)
        // PyITA's order for atom 1: +x +y +z −x −y −z.
        let children = plan.map { Augmentation.makeChild(of: handStructure, $0.displacement, settings: settings) }
        #expect(children.map { $0.child.totalEnergy! } == [-10.125, -9.75, -10.5, -9.875, -10.25, -9.5])
        #expect(children.map(\.deltaE) == [-0.125, 0.25, -0.5, 0.125, -0.25, 0.5])
        #expect(children[0].child.positions == [SIMD3(0.75, 1.0, 1.5), SIMD3(2.0, 2.5, 3.0)])
        #expect(children[4].child.positions == [SIMD3(0.5, 0.75, 1.5), SIMD3(2.0, 2.5, 3.0)])
        for c in children {
            #expect(c.child.lattice == handStructure.lattice && c.child.forces == handStructure.forces)
            #expect(c.child.species == handStructure.species)
        }
        // a = 7 with one 2-atom parent: the 7th child moves atom 2 along +x.
        let seven = Augmentation.plan(atomCounts: [2], settings: Augmentation.Settings(delta: 0.25, factor: 7))
        #expect(seven.last?.displacement == .single(atom: 1, axis: 0, sign: 1))
    }

    @Test func childCountsAndOrders() {
        #expect(Augmentation.requestedCount(parents: 50, factor: 1.1) == 55)   // 55.00000000000001 → 55 (PyITA: 56)
        #expect(Augmentation.requestedCount(parents: 3, factor: 1.5) == 5)     // ⌈4.5⌉, as PyITA
        #expect(Augmentation.requestedCount(parents: 7, factor: 0.3) == 3)
        // Sequential: the first parent gives all 6·n before the second gives any.
        let seq = Augmentation.plan(atomCounts: [1, 3, 3], settings: .init(delta: 0.1, factor: 3))
        #expect(seq.map(\.parent) == [0, 0, 0, 0, 0, 0, 1, 1, 1])
        // Short of displacements: 2 one-atom parents can give only 12 of the 20 asked for.
        #expect(Augmentation.plan(atomCounts: [1, 1], settings: .init(delta: 0.1, factor: 10)).count == 12)
        // Even: quotas ⌈(i+1)a⌉ − ⌈ia⌉ add up to ⌈aN⌉, and the moved atoms cycle.
        let even = Augmentation.plan(atomCounts: [3, 3, 3, 3], settings: .init(delta: 0.1, factor: 1.5, distribution: .even))
        #expect(even.map(\.parent) == [0, 0, 1, 2, 2, 3])
        #expect(even[0].displacement == .single(atom: 0, axis: 0, sign: 1))
        #expect(even[1].displacement == .single(atom: 1, axis: 1, sign: 1))
        // All 6n even displacements of a parent are distinct.
        let all = (0..<30).map { Augmentation.evenDisplacement($0, atoms: 5) }
        #expect(Set(all.map { "\($0)" }).count == 30)
    }

    /// |E_true(child) − E_taylor(child)| for the analytic potential, which shrinks as δ².
    func taylorError(_ parent: Structure, _ settings: Augmentation.Settings, children: Int) throws -> Double {
        var worst = 0.0
        for c in Augmentation.plan(atomCounts: [parent.atomCount], settings: settings).prefix(children) {
            let child = Augmentation.makeChild(of: parent, c.displacement, settings: settings).child
            let exact = try PairPotential.tio2.evaluate(child).energy
            worst = max(worst, abs(exact - child.totalEnergy!))
        }
        return worst
    }

    func referenceParent() throws -> Structure {
        var rng = SplitMix64(seed: 3)
        var s = ReferenceStructures.rattled(ReferenceStructures.strained(ReferenceStructures.rutile(), maxStrain: 0.05, rng: &rng),
                                            amplitude: 0.1, rng: &rng)
        let (e, f) = try PairPotential.tio2.evaluate(s)
        s.totalEnergy = e; s.forces = f
        return s
    }

    @Test func firstOrderErrorShrinksAsDeltaSquared() throws {
        let parent = try referenceParent()
        let errors = try [0.02, 0.01, 0.005].map {
            try taylorError(parent, Augmentation.Settings(delta: $0, factor: 6), children: 12)
        }
        #expect(errors[0] > 1e-5)   // the first-order energy is not exact
        #expect((3.6...4.4).contains(errors[0] / errors[1]))
        #expect((3.6...4.4).contains(errors[1] / errors[2]))
        // The same for the random all-atom strategy (same stream, smaller maximum displacement).
        let random = try [0.04, 0.02, 0.01].map {
            try taylorError(parent, Augmentation.Settings(delta: 0.1, factor: 3, strategy: .randomAll(maxDisplacement: $0, seed: 5)), children: 3)
        }
        #expect((3.6...4.4).contains(random[0] / random[1]) && (3.6...4.4).contains(random[1] / random[2]))
    }

    @Test func randomDisplacementsHaveNoCentreOfMassShift() {
        let species = ["Ti", "O", "O", "Ti", "O", "O"]
        let d = Augmentation.randomDisplacements(species: species, maxDisplacement: 0.05, seed: 11, stream: 4)
        let w = species.map { AtomicMass.of($0)! }
        let com = zip(w, d).reduce(SIMD3<Double>.zero) { $0 + $1.0 * $1.1 }
        #expect(length(com) < 1e-15)
        #expect(d.allSatisfy { length($0) <= 0.05 + 1e-15 } && d.contains { length($0) > 0.01 })
        #expect(d == Augmentation.randomDisplacements(species: species, maxDisplacement: 0.05, seed: 11, stream: 4))
        #expect(d != Augmentation.randomDisplacements(species: species, maxDisplacement: 0.05, seed: 12, stream: 4))
        // The energy is E − Σ δr·F.
        var parent = handStructure
        parent.species = ["Ti", "O"]
        let s = Augmentation.Settings(delta: 0.1, factor: 1, strategy: .randomAll(maxDisplacement: 0.05, seed: 2))
        let (child, dE, _) = Augmentation.makeChild(of: parent, .random(stream: 0), settings: s)
        let moved = zip(child.positions, parent.positions).map { $0 - $1 }
        let expected = -zip(moved, parent.forces!).reduce(0) { $0 + dot($1.0, $1.1) }
        #expect(isClose(dE, expected, absolute: 1e-15) && child.totalEnergy == -10 + dE)
    }

    @Test func xsfWriterRoundTripsExactly() throws {
        var rng = SplitMix64(seed: 1)
        var s = handStructure
        s.positions = (0..<5).map { _ in SIMD3(rng.uniform(-50, 50), rng.uniform(-1e-3, 1e-3), rng.uniform(0, 1) * 1e-7) }
        s.species = ["Ti", "O", "O", "H", "Zr"]
        s.forces = s.positions.map { -3 * $0 }
        s.totalEnergy = -19960.661732601235
        s.cohesiveEnergy = -0.1
        #expect(try XSF.parse(XSFWriter.string(s)) == s)
        s.lattice = nil
        s.forces = nil
        s.cohesiveEnergy = nil
        let text = XSFWriter.string(s)
        #expect(text.hasPrefix("# total energy = -19960.661732601235 eV\n\nATOMS\n"))
        #expect(try XSF.parse(text) == s)
    }

    @Test func deckKeepsEverythingButTheFileList() throws {
        let deck = try FilesDeck.parse("""
            OUTPUT x.train   ! comment
            files
            ! the count follows
            2
            a.xsf
            # a comment inside the list
              dir with space/b.xsf  
            TIMING
            """)
        #expect(deck.paths == ["a.xsf", "dir with space/b.xsf"] && deck.pathLines == [5, 7])
        #expect(deck.render(paths: ["a.xsf", "n/structure0001.xsf"])
                == "OUTPUT x.train   ! comment\nFILES\n2\na.xsf\nn/structure0001.xsf\nTIMING\n")
        #expect(deck.withOutput(suffix: "-test").head == ["OUTPUT x-test.train"])
        #expect(throws: AenetError.self) { try FilesDeck.parse("FILES\n3\na.xsf\n") }
        #expect(throws: AenetError.self) { try FilesDeck.parse("TYPES\n1\n") }
    }

    @Test func endToEndWithIsolatedAndCohesiveParents() throws {
        let dir = try TemporaryDirectory()
        var cluster = Structure(lattice: nil, species: ["O", "O"], positions: [.zero, SIMD3(1.2, 0, 0)],
                                forces: [SIMD3(1, 0, 0), SIMD3(-1, 0, 0)], cohesiveEnergy: -5)
        cluster.totalEnergy = nil
        let deck = try writeDeck(dir, [("p1.xsf", handStructure), ("c/p2.xsf", cluster)])
        let d = dir.path
        let summary = try Augmenter.run(AugmentRequest(
            deckPath: deck, outputDeckPath: d + "/new.in", structuresDirectory: d + "/aug",
            settings: .init(delta: 0.25, factor: 4), provenancePath: d + "/prov.tsv"))
        #expect(summary.children == 8 && summary.parents == 2)
        let newDeck = try String(contentsOfFile: d + "/new.in", encoding: .utf8)
        #expect(newDeck.hasPrefix("OUTPUT  data.train\nTYPES\n2\n"))
        #expect(newDeck.hasSuffix("FILES\n10\n\(d)/p1.xsf\n\(d)/c/p2.xsf\n" + (1...8).map { "\(d)/aug/structure000\($0).xsf\n" }.joined()))
        // Sequential: parent 1 (2 atoms) gives all 8 children; parent 2 none.
        let c7 = try XSF.read(path: dir.path + "/aug/structure0007.xsf")
        #expect(c7.positions[1] == SIMD3(2.25, 2.5, 3.0) && c7.totalEnergy == -10 - 0.25 * -0.5)
        // The new deck reads back as a complete generate.in.
        let input = try GenerateInput(path: dir.path + "/new.in")
        #expect(input.structureFiles.count == 10 && input.typeNames == ["Ti", "O"])
        let table = try String(contentsOfFile: dir.path + "/prov.tsv", encoding: .utf8).split(separator: "\n")
        #expect(table.count == 9 && table[1] == "\(d)/aug/structure0001.xsf\t\(d)/p1.xsf\t1\t0.25\t0.0\t0.0\t0.25\t-0.125\t-")

        // Isolated parent with a cohesive energy, spread evenly.
        let even = try Augmenter.run(AugmentRequest(
            deckPath: deck, outputDeckPath: d + "/even.in", structuresDirectory: d + "/even",
            settings: .init(delta: 0.25, factor: 2, distribution: .even)))
        #expect(even.children == 4)
        let iso = try XSF.read(path: dir.path + "/even/structure0003.xsf")
        #expect(!iso.isPeriodic && iso.cohesiveEnergy == -5 - 0.25 && iso.totalEnergy == nil)
        #expect(iso.positions == [SIMD3(0.25, 0, 0), SIMD3(1.2, 0, 0)])
    }

    @Test func parentLevelSplitKeepsFamiliesTogether() throws {
        let dir = try TemporaryDirectory()
        let parents = (1...10).map { k -> (String, Structure) in
            var s = handStructure; s.totalEnergy = Double(-k); return ("p\(k).xsf", s)
        }
        let deck = try writeDeck(dir, parents)
        let d = dir.path
        let s = try Augmenter.run(AugmentRequest(
            deckPath: deck, outputDeckPath: d + "/new.in", structuresDirectory: d + "/aug",
            settings: .init(delta: 0.1, factor: 2, distribution: .even), provenancePath: d + "/prov.tsv",
            testPercent: 30, splitSeed: 4))
        #expect(s.testParents == 3 && s.splitDecks?.train == d + "/new.train.in" && s.splitDecks?.test == d + "/new.test.in")
        let train = try GenerateInput(path: d + "/new.train.in"), test = try GenerateInput(path: d + "/new.test.in")
        #expect(train.output == "data-train.train" && test.output == "data-test.train")
        #expect(test.structureFiles.count == 3 && train.structureFiles.count == 7 + 14)
        // Every child in the train deck has its parent there too.
        let rows = try String(contentsOfFile: d + "/prov.tsv", encoding: .utf8).split(separator: "\n").dropFirst().map { $0.split(separator: "\t") }
        for r in rows {
            let inTrain = train.structureFiles.contains(String(r[0]))
            #expect(inTrain == train.structureFiles.contains(String(r[1])))
            #expect(inTrain == (r[8] == "train"))
        }
        #expect(Set(test.structureFiles).isDisjoint(with: train.structureFiles))
    }

    /// Every bad input gives one AenetError naming the culprit and leaves the directory as it was.
    @Test func badInputsLeaveNothingBehind() throws {
        let dir = try TemporaryDirectory()
        var noForces = handStructure; noForces.forces = nil
        let d = dir.path
        _ = try writeDeck(dir, [("good.xsf", handStructure), ("noforces.xsf", noForces)])
        try dir.write("missing.in", "FILES\n2\n\(d)/good.xsf\n\(d)/absent.xsf\n")
        try dir.write("good.in", "FILES\n1\n\(d)/good.xsf\n")
        try dir.write("full/structure0001.xsf", "x")
        try dir.write("taken.in", "keep me")
        let before = dir.contents("")

        func fails(_ deck: String, out: String = "new.in", structures: String = "aug", delta: Double = 0.1,
                   factor: Double = 1, naming culprit: String?, kind: AenetError.Kind = .invalidInput) {
            do {
                _ = try Augmenter.run(AugmentRequest(deckPath: d + "/" + deck, outputDeckPath: d + "/" + out,
                                                     structuresDirectory: d + "/" + structures,
                                                     settings: .init(delta: delta, factor: factor)))
                Issue.record("accepted \(deck) \(out) \(structures) \(delta) \(factor)")
            } catch let e as AenetError {
                if let culprit { #expect(e.file == d + "/" + culprit, "\(e)") }
                #expect(e.kind == kind, "\(e)")
                #expect(!"\(e)".contains("\n"))
            } catch { Issue.record("\(error)") }
            #expect(dir.contents("") == before)
        }
        fails("generate.in", naming: "noforces.xsf")
        fails("missing.in", naming: "absent.xsf", kind: .missingFile)
        fails("nonexistent.in", naming: "nonexistent.in", kind: .missingFile)
        fails("good.in", delta: 0, naming: nil)
        fails("good.in", delta: -0.1, naming: nil)
        fails("good.in", delta: .nan, naming: nil)
        fails("good.in", factor: 0, naming: nil)
        fails("good.in", factor: -1, naming: nil)
        fails("good.in", structures: "full", naming: "full", kind: .outputExists)
        fails("good.in", out: "taken.in", naming: "taken.in", kind: .outputExists)
        fails("good.in", out: "good.in", naming: "good.in")
        fails("good.in", out: "nodir/new.in", naming: "nodir/new.in")
        fails("good.in", structures: "nodir/aug", naming: "nodir/aug")
        #expect(try String(contentsOfFile: d + "/taken.in", encoding: .utf8) == "keep me")
    }
}
