import Foundation
import Testing
@testable import AenetCore
@testable import AenetTraining
@testable import AenetAugment
@testable import AenetShell
@testable import AenetTestSupport

/// The generate executable on small decks made here: errors, exit codes, no partial output.
@Suite struct GenerateCLITests {
    static let setup = "ATOM H\nENV 1\nH\nRMIN 0.5\nBASIS type=Chebyshev\nradial_Rc = 3.0 radial_N = 4 angular_Rc = 2.5 angular_N = 2\n"

    func scratch(_ xsfs: [String: String], deck: String) throws -> TemporaryDirectory {
        let d = try TemporaryDirectory()
        try d.write("H.stp", Self.setup)
        for (name, text) in xsfs { try d.write(name, text) }
        try d.write("generate.in", deck)
        return d
    }

    static let h2 = "# total energy = -2.0 eV\nATOMS\nH 0 0 0 0 0 0.1\nH 0 0 0.8 0 0 -0.1\n"
    static func deck(_ files: [String], output: String = "h.train") -> String {
        "OUTPUT \(output)\nTYPES\n1\nH -0.5\nSETUPS\nH H.stp\nFILES\n\(files.count)\n" + files.joined(separator: "\n") + "\n"
    }

    @Test func writesATrainingSetThatReadsBack() throws {
        let d = try scratch(["a.xsf": Self.h2], deck: Self.deck(["a.xsf"]))
        let r = try runTool("generate", ["generate.in"], in: d.url)
        #expect(r.status == 0, "\(r.stderr)")
        let reader = try TrainingSetReader(path: d.url.appendingPathComponent("h.train").path)
        let s = try #require(try reader.next())
        #expect(s.energy == -1.0)          // E_total − 2 · E_atom(H)
        #expect(s.coordinates[0] == 1e-6)  // isolated structures are shifted to min = 1e-6 as in aenet
        let footer = try reader.footer()
        #expect(footer.setups?.first?.neval == 2)
        #expect(r.stdout.contains("      1       2       1  -5.00000000E-01  a.xsf"))
    }

    @Test(arguments: [
        ("missing.xsf", "cannot read structure file"),
        ("noforces.xsf", "needs an energy"),
        ("close.xsf", "closer than RMIN"),
        ("helium.xsf", "not in TYPES"),
    ])
    func badStructuresFailWithoutOutput(_ file: String, _ message: String) throws {
        let d = try scratch([
            "a.xsf": Self.h2,
            "noforces.xsf": "# total energy = -1\nATOMS\nH 0 0 0\nH 0 0 1\n",
            "close.xsf": "# total energy = -1\nATOMS\nH 0 0 0 0 0 0\nH 0 0 0.3 0 0 0\n",
            "helium.xsf": "# total energy = -1\nATOMS\nHe 0 0 0 0 0 0\nH 0 0 1 0 0 0\n",
        ], deck: Self.deck(["a.xsf", file]))
        let r = try runTool("generate", ["generate.in"], in: d.url)
        #expect(r.status != 0)
        #expect(r.stderr.contains(file) && r.stderr.contains(message), "\(r.stderr)")
        #expect(r.stderr.split(separator: "\n").count == 1)
        #expect(!d.exists("h.train"))
        #expect(d.contents("").allSatisfy { !$0.hasPrefix(".h.train") }, "temporary file left behind")
    }

    @Test func setupsOutOfStepWithTypesAreRefused() throws {
        // ENV lists He, which TYPES does not: aenet reads out of bounds here (compat/DIFFERENCES.md).
        let d = try scratch(["a.xsf": Self.h2], deck: Self.deck(["a.xsf"]))
        try d.write("H.stp", Self.setup.replacingOccurrences(of: "ENV 1\nH\n", with: "ENV 2\nH\nHe\n"))
        let r = try runTool("generate", ["generate.in"], in: d.url)
        #expect(r.status != 0 && r.stderr.contains("H.stp") && r.stderr.contains("He"), "\(r.stderr)")
        #expect(!d.exists("h.train"))
    }

    @Test func withoutRminCloseAtomsAreAcceptedAsInAenet() throws {
        let close = "# total energy = -1\nATOMS\nH 0 0 0 0 0 0\nH 0 0 0.3 0 0 0\n"
        let d = try scratch(["close.xsf": close], deck: Self.deck(["close.xsf"]))
        try d.write("H.stp", Self.setup.replacingOccurrences(of: "RMIN 0.5\n", with: ""))
        let r = try runTool("generate", ["generate.in"], in: d.url)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("RMIN not set"))
        #expect(d.exists("h.train"))
    }

    @Test func refusesToOverwriteAnExistingTrainingSet() throws {
        let d = try scratch(["a.xsf": Self.h2], deck: Self.deck(["a.xsf"]))
        try d.write("h.train", "precious")
        let r = try runTool("generate", ["generate.in"], in: d.url)
        #expect(r.status != 0 && r.stderr.contains("already exists"))
        #expect(try String(contentsOf: d.url.appendingPathComponent("h.train"), encoding: .utf8) == "precious")
    }

    @Test func timingWritesGenerateTime() throws {
        let d = try scratch(["a.xsf": Self.h2], deck: Self.deck(["a.xsf"]) + "TIMING\n")
        let r = try runTool("generate", ["generate.in"], in: d.url)
        #expect(r.status == 0 && r.stdout.contains("Timing info will be written to: generate.time"))
        #expect(try String(contentsOf: d.url.appendingPathComponent("generate.time"), encoding: .utf8).contains("1 structures"))
    }

    @Test func lowerCaseFilesWorks() throws {
        let d = try scratch(["a.xsf": Self.h2], deck: Self.deck(["a.xsf"]).replacingOccurrences(of: "FILES", with: "files"))
        let r = try runTool("generate", ["generate.in"], in: d.url)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(d.exists("h.train"))
    }

    @Test func forcesFileHasAenetLayout() throws {
        let deck = Self.deck(["a.xsf", "a.xsf"]) + "FORCES\nFORCESPERCENT 50\n"
        let d = try scratch(["a.xsf": Self.h2], deck: deck)
        let r = try runTool("generate", ["generate.in"], in: d.url)
        #expect(r.status == 0, "\(r.stderr)")
        let f = try FortranRecordReader(path: d.url.appendingPathComponent("h.train.forces").path)
        var rec = try f.next(); #expect(try rec.int() == 2)
        var stored = 0, maxNeighbours = 0
        for _ in 0..<2 {
            rec = try f.next(); #expect(try rec.int() == 5)
            rec = try f.next(); #expect(try rec.restAsString() == "a.xsf")
            rec = try f.next(); #expect(try rec.int() == 2 && rec.int() == 1)
            rec = try f.next(); let flag = try rec.int()
            guard flag == 1 else { continue }
            stored += 1
            for _ in 0..<2 {
                rec = try f.next(); #expect(try rec.int() == 1)
                rec = try f.next(); let nsf = try rec.int(), nnb = try rec.int()
                #expect(nsf == 5 + 3 && nnb == 1)
                maxNeighbours = max(maxNeighbours, nnb)
                rec = try f.next(); #expect(rec.count == 4 * nnb)
                rec = try f.next(); let dCenter = try rec.doubles(3 * nsf)
                rec = try f.next(); let dNeighbours = try rec.doubles(3 * nsf * nnb)
                // Translation invariance: the centre's derivative is minus the neighbours' sum.
                for k in 0..<(3 * nsf) { #expect(abs(dCenter[k] + dNeighbours[k]) < 1e-12) }
                #expect(dCenter.contains { $0 != 0 })
            }
        }
        #expect(stored == 1)  // nint(2 · 50 %)
        rec = try f.next(); #expect(try rec.int() == maxNeighbours)
        #expect(f.atEnd)
    }

    @Test func helpAndVersion() throws {
        let d = try TemporaryDirectory()
        let h = try runTool("generate", ["--help"], in: d.url)
        #expect(h.status == 0 && h.stdout.contains("generate.in"))
        let v = try runTool("generate", ["--version"], in: d.url)
        #expect(v.status == 0 && v.stdout.contains("aenet 2.0.4"))
        let missing = try runTool("generate", ["nonexistent.in"], in: d.url)
        #expect(missing.status != 0 && missing.stderr.contains("nonexistent.in"))
    }
}
