import Testing
@testable import AenetCore
@testable import AenetTraining
@testable import AenetAugment
@testable import AenetShell
@testable import AenetTestSupport

@Suite struct XSFTests {
    @Test func periodicWithForcesAndEnergy() throws {
        let s = try XSF.parse("""
            # total energy = -19960.66 eV

            CRYSTAL
            PRIMVEC
              3.0 0.0 0.0
              0.0 3.0 0.0
              0.5 0.0 3.0
            PRIMCOORD
            99 1
            Ti  0.0 0.0 0.0  0.1 0.2 0.3
            O   1.5 1.5 1.5d0 -0.1 -0.2 -0.3

            ignored after the block
            """)
        #expect(s.totalEnergy == -19960.66 && s.cohesiveEnergy == nil)
        #expect(s.lattice?.c == SIMD3(0.5, 0, 3))
        #expect(s.species == ["Ti", "O"])   // the PRIMCOORD count (99) is ignored, as in aenet
        #expect(s.positions[1] == SIMD3(1.5, 1.5, 1.5))
        #expect(s.forces?[1] == SIMD3(-0.1, -0.2, -0.3))
    }

    @Test func isolatedWithoutForces() throws {
        let s = try XSF.parse("# cohesive energy = -3.5\nATOMS\nH 0 0 0\nH 0 0 0.74\n")
        #expect(!s.isPeriodic && s.atomCount == 2 && s.forces == nil && s.cohesiveEnergy == -3.5)
    }

    @Test func energyKeysAreCaseSensitiveLikeAenet() throws {
        let s = try XSF.parse("# Total Energy = -1\nATOMS\nH 0 0 0\n")
        #expect(s.totalEnergy == nil)
    }

    @Test func malformedLinesNameTheLine() {
        do {
            _ = try XSF.parse("ATOMS\nH 0 0 0 1 2 3\nH 0 x 0 1 2 3\n", path: "bad.xsf")
            Issue.record("accepted")
        } catch let e as AenetError {
            #expect(e.file == "bad.xsf" && e.line == 3)
        } catch { Issue.record("\(error)") }
        #expect(throws: AenetError.self) { try XSF.parse("# total energy = 1\n", path: "empty.xsf") }
        #expect(throws: AenetError.self) { try XSF.read(path: "/nonexistent/file.xsf") }
    }
}
