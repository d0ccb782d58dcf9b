import Foundation
import Testing
@testable import AenetCore
@testable import AenetTraining
@testable import AenetAugment
@testable import AenetShell
@testable import AenetTestSupport

/// The committed reference-inputs/ are what make-reference-inputs writes: every deck and setup
/// reads, and every structure carries the pair potential's energy and exact forces.
@Suite struct ReferenceInputsTests {
    let root = TestPaths.referenceInputs.path

    @Test func decksAndSetupsRead() throws {
        var lists: [[String]] = []
        for deck in ["generate.in", "generate-behler.in", "generate-variants.in", "generate-lowercase-files.in"] {
            let g = try GenerateInput(path: root + "/" + deck)
            #expect(g.typeNames == ["Ti", "O"] && g.atomicEnergies == [-1626.66972707, -433.23448532], "\(deck)")
            lists.append(g.structureFiles)
            for stp in g.setupFiles {
                let setup = try SetupFile.read(path: root + "/" + stp).setup
                #expect(setup.envTypes == ["Ti", "O"] && setup.nsf > 0, "\(stp)")
                #expect(setup.isChebyshev ? setup.nsf == (11 + 5) * 2 : setup.nsf == 14, "\(stp)")
            }
        }
        #expect(lists.allSatisfy { $0 == lists[0] } && lists[0].count == 48)
    }

    @Test func structuresCarryThePotentialsEnergiesAndForces() throws {
        let g = try GenerateInput(path: root + "/generate.in")
        var periodic = 0
        for path in g.structureFiles {
            let s = try XSF.read(path: root + "/" + path)
            let (e, f) = try PairPotential.tio2.evaluate(s)
            let atomic = s.species.reduce(0.0) { $0 + ($1 == "Ti" ? -1626.66972707 : -433.23448532) }
            #expect(isClose(s.totalEnergy!, e + atomic, absolute: 1e-9), "\(path)")
            #expect(zip(s.forces!, f).allSatisfy { length($0 - $1) < 1e-12 }, "\(path)")
            periodic += s.isPeriodic ? 1 : 0
        }
        #expect(periodic == 40)
    }
}
