import Foundation
import Testing
@testable import AenetCore
@testable import AenetShell

/// Every tool reports a failure the same way: one line `tool: error: file[:line]: message` on
/// stderr, nothing on stdout that looks like success, and exit status 1.
@Suite struct ToolErrorTests {
    @Test(arguments: [("generate", ["missing.in"]), ("train", ["missing.in"]), ("predict", ["missing.in"]),
                      ("augment", ["missing.in", "--delta", "0.03", "--factor", "1", "--structures", "aug", "--output", "new.in"])])
    func missingDeckIsOneRenderedLine(_ tool: String, _ args: [String]) throws {
        let dir = try TemporaryDirectory()
        let r = try runTool(tool, args, in: dir.url)
        #expect(r.status == 1, "\(tool): \(r.stderr)")
        let lines = r.stderr.split(separator: "\n")
        #expect(lines.count == 1 && lines[0].hasPrefix("\(tool): error: missing.in: "), "\(r.stderr)")
    }

    @Test func deckErrorsNameTheLine() throws {
        let dir = try TemporaryDirectory()
        try dir.write("train.in", "TRAININGSET x.train\nMETHOD\nlm adjust=0.5\nNETWORKS\nTi Ti.nn 1 3:tanh\n")
        let r = try runTool("train", ["train.in"], in: dir.url)
        #expect(r.status == 1)
        #expect(r.stderr.hasPrefix("train: error: train.in:3: method lm: adjust=0.5 must be greater than 1"), "\(r.stderr)")
    }

    @Test func renderingIsOneFormat() {
        let d = Diagnostics(tool: "generate")
        #expect(d.render(AenetError(.corruptFile, "record 3: truncated", file: "a.train", line: nil)) == "generate: error: a.train: record 3: truncated")
        #expect(d.render(AenetError("bad value", file: "generate.in", line: 7)) == "generate: error: generate.in:7: bad value")
    }
}
