import Foundation
import Testing
@testable import AenetCore
@testable import AenetShell

/// generate on one structure large enough for the per-atom threads: the training set is the same,
/// byte for byte, with 1 and 2 threads, and an RMIN violation gives the serial loop's message.
@Suite struct LargeStructureGenerateTests {
    /// A periodic H lattice of `n` atoms (jittered simple cubic, 1.1 Å apart), with energy and forces.
    static func lattice(_ n: Int, close: Bool = false) -> String {
        var s = jitteredCell(n, seed: 17)
        s.species = s.species.map { _ in "H" }
        s.positions = s.positions.map { $0 * (1.1 / 1.9) }
        if let l = s.lattice { s.lattice = Lattice(a: l.a * (1.1 / 1.9), b: l.b * (1.1 / 1.9), c: l.c * (1.1 / 1.9)) }
        if close {
            s.positions[3000] = s.positions[2500] + SIMD3(0.2, 0, 0)
            s.positions[4000] = s.positions[3900] + SIMD3(0.1, 0, 0)
        }
        s.forces = s.positions.map { _ in SIMD3(0.1, -0.2, 0.3) }
        s.totalEnergy = -1.5 * Double(n)
        return XSFWriter.string(s)
    }

    @Test func oneLargeStructureOnTwoThreadsIsByteIdentical() throws {
        let n = TrainingSetGenerator.parallelAtoms + 500
        let d = try TemporaryDirectory()
        try d.write("H.stp", GenerateCLITests.setup)
        try d.write("big.xsf", Self.lattice(n))
        var outputs: [Data] = []
        for threads in [1, 2] {
            try d.write("generate.in", GenerateCLITests.deck(["big.xsf"], output: "h\(threads).train"))
            let r = try runTool("generate", ["--threads", "\(threads)", "generate.in"], in: d.url)
            #expect(r.status == 0, "\(r.stderr)")
            outputs.append(try Data(contentsOf: d.url.appendingPathComponent("h\(threads).train")))
        }
        #expect(outputs[0].count > 8 * 10 * n)
        #expect(outputs[0] == outputs[1])
    }

    /// The large structure between small ones (put off until after the per-structure loop, then
    /// featurized on both threads): the training set is the 1-thread one, byte for byte.
    @Test func largeStructureAmongSmallOnesOnTwoThreadsIsByteIdentical() throws {
        let d = try TemporaryDirectory()
        try d.write("H.stp", GenerateCLITests.setup)
        try d.write("big.xsf", Self.lattice(TrainingSetGenerator.parallelAtoms + 100))
        try d.write("small.xsf", Self.lattice(60))
        let files = ["small.xsf", "big.xsf", "small.xsf", "small.xsf", "big.xsf", "small.xsf"]
        var outputs: [Data] = []
        for threads in [1, 2] {
            try d.write("generate.in", GenerateCLITests.deck(files, output: "m\(threads).train"))
            let r = try runTool("generate", ["--threads", "\(threads)", "generate.in"], in: d.url)
            #expect(r.status == 0, "\(r.stderr)")
            outputs.append(try Data(contentsOf: d.url.appendingPathComponent("m\(threads).train")))
        }
        #expect(outputs[0].count > 8 * 10 * 2 * TrainingSetGenerator.parallelAtoms)
        #expect(outputs[0] == outputs[1])
    }

    @Test func rminViolationIsReportedForTheFirstAtom() throws {
        let d = try TemporaryDirectory()
        try d.write("H.stp", GenerateCLITests.setup)
        try d.write("big.xsf", Self.lattice(TrainingSetGenerator.parallelAtoms + 500, close: true))
        try d.write("generate.in", GenerateCLITests.deck(["big.xsf"]))
        var messages: [String] = []
        for threads in [1, 2] {
            let r = try runTool("generate", ["--threads", "\(threads)", "generate.in"], in: d.url)
            #expect(r.status != 0)
            messages.append(r.stderr)
        }
        #expect(messages[0] == messages[1])
        #expect(messages[0].contains("atoms 2501 and 3001"), "\(messages[0])")
    }
}
