import Foundation
import Testing
@testable import AenetCore
@testable import AenetTraining
@testable import AenetAugment
@testable import AenetShell
@testable import AenetTestSupport

/// The `augment` executable: flag mode, prompt mode, exit codes.
@Suite struct AugmentToolTests {
    /// A folder with a deck of two small parents (relative paths, as users write them).
    func workspace() throws -> TemporaryDirectory {
        let dir = try TemporaryDirectory()
        var second = handStructure
        second.lattice = nil
        second.totalEnergy = -7.5
        try dir.write("xsf/a.xsf", XSFWriter.string(handStructure))
        try dir.write("xsf/b.xsf", XSFWriter.string(second))
        try dir.write("generate.in", "OUTPUT t.train\nTYPES\n2\nTi -1.0\nO -2.0\nSETUPS\nTi Ti.stp\nO O.stp\nFILES\n2\nxsf/a.xsf\nxsf/b.xsf\n")
        return dir
    }

    func files(_ dir: TemporaryDirectory, _ names: [String]) throws -> [String: Data] {
        var out: [String: Data] = [:]
        for n in names { out[n] = FileManager.default.contents(atPath: dir.path + "/" + n) }
        return out
    }

    @Test func promptModeAndFlagModeWriteTheSameFiles() throws {
        let a = try workspace(), b = try workspace()
        let flags = try runTool("augment", ["generate.in", "--delta", "0.03", "--factor", "6.5",
                                            "--structures", "new", "--output", "new-generate.in"], in: a.url)
        #expect(flags.status == 0, "\(flags.stderr)")
        let prompts = try runTool("augment", [], in: b.url, stdin: "0.03\ngenerate.in\nnew-generate.in\nnew\n6.5\n")
        #expect(prompts.status == 0, "\(prompts.stderr)")
        let names = ["new-generate.in"] + (1...13).map { "new/" + Augmenter.childFileName($0) }
        let listA = try FileManager.default.contentsOfDirectory(atPath: a.path + "/new").sorted()
        let listB = try FileManager.default.contentsOfDirectory(atPath: b.path + "/new").sorted()
        #expect(listA.count == 13 && listA == listB)
        let fa = try files(a, names), fb = try files(b, names)
        #expect(fa.count == 14 && fa == fb)
        let deck = fa["new-generate.in"].map { String(decoding: $0, as: UTF8.self) } ?? ""
        #expect(deck.hasSuffix("FILES\n15\nxsf/a.xsf\nxsf/b.xsf\n" + (1...13).map { "new/" + Augmenter.childFileName($0) + "\n" }.joined()))
        #expect(prompts.stdout.contains("2 parents, 13 new structures"))
    }

    @Test func badInputsExitNonZeroWithOneLine() throws {
        let dir = try workspace()
        try dir.write("full/x.xsf", "")
        let before = dir.contents("")
        for (args, culprit) in [
            (["generate.in", "--delta", "0", "--factor", "1", "--structures", "n", "--output", "n.in"], "delta"),
            (["generate.in", "--delta", "0.1", "--factor=-2", "--structures", "n", "--output", "n.in"], "factor"),
            (["nothere.in", "--delta", "0.1", "--factor", "1", "--structures", "n", "--output", "n.in"], "nothere.in"),
            (["generate.in", "--delta", "0.1", "--factor", "1", "--structures", "full", "--output", "n.in"], "full"),
            (["generate.in", "--delta", "0.1", "--factor", "1", "--structures", "n", "--output", "generate.in"], "generate.in"),
        ] {
            let r = try runTool("augment", args, in: dir.url)
            #expect(r.status != 0)
            #expect(r.stderr.hasPrefix("augment: ") && r.stderr.contains(culprit) && r.stderr.split(separator: "\n").count == 1, "\(r.stderr)")
            #expect(dir.contents("") == before)
        }
        let eof = try runTool("augment", [], in: dir.url, stdin: "0.03\ngenerate.in\n")
        #expect(eof.status != 0 && eof.stderr.contains("new generate.in"))
        #expect(dir.contents("") == before)
    }

    @Test func helpExplainsTheForcesAndVersionAnswers() throws {
        let dir = try TemporaryDirectory()
        let help = try runTool("augment", ["--help"], in: dir.url)
        #expect(help.status == 0)
        for word in ["APPROXIMATE FORCES", "--delta", "--factor", "--structures", "--output", "--distribution",
                     "--strategy", "--seed", "--provenance", "--test-percent"] {
            #expect(help.stdout.contains(word), "help lacks \(word)")
        }
        let version = try runTool("augment", ["--version"], in: dir.url)
        #expect(version.status == 0 && version.stdout.hasPrefix("augment "))
    }
}
