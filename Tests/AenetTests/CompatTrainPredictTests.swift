import Foundation
import Testing
@testable import AenetCore
@testable import AenetTraining
@testable import AenetAugment
@testable import AenetShell
@testable import AenetTestSupport

/// On aenet's tio2-train-1000 case: our split and the networks we write load in our predict and
/// give the energies listed in our energies.train.0.
@Test(.enabled(if: CompatData.has("tio2-train-1000"), CompatData.skipMessage))
func compatTrainedPotentialsLoadInPredict() throws {
    let caseDir = try #require(CompatData.path("tio2-train-1000"))
    let dir = try TemporaryDirectory()
    let fm = FileManager.default
    try fm.copyItem(atPath: caseDir + "/tio2-1000.train.scaled", toPath: dir.path + "/tio2-1000.train.scaled")
    try fm.copyItem(atPath: caseDir + "/train.rngstate.initial", toPath: dir.path + "/train.rngstate")
    let deck = try String(contentsOfFile: caseDir + "/train.in", encoding: .utf8)
        .replacingOccurrences(of: "ITERATIONS  100", with: "ITERATIONS  2")
        .replacingOccurrences(of: "MAXENERGY   1.0 eV", with: "")
    try dir.write("train.in", deck)
    let r = try runTool("train", ["train.in"], in: dir.url)
    #expect(r.status == 0, "\(r.stderr)")
    let expected = try String(contentsOfFile: caseDir + "/train.out", encoding: .utf8)
    let listed = { (t: String) in t.components(separatedBy: "Testing set")[1].components(separatedBy: "-----")[0] }
    #expect(listed(r.stdout) == listed(expected))
    let lines = try String(contentsOfFile: dir.path + "/energies.train.0", encoding: .utf8).split(separator: "\n").dropFirst().prefix(3)
    let xsf = lines.map { TestPaths.shared.appendingPathComponent("data/tio2/xsf/" + ($0.split(separator: "/").last.map(String.init) ?? "")).path }
    try dir.write("predict.in", "TYPES\n2\nTi\nO\n\nNETWORKS\n  Ti Ti.10t-10t.nn\n  O  O.10t-10t.nn\n\nFILES\n3\n" + xsf.joined(separator: "\n") + "\n")
    let p = try runTool("predict", ["predict.in"], in: dir.url)
    #expect(p.status == 0, "\(p.stderr)")
    let predicted = p.stdout.split(separator: "\n").filter { $0.contains("Cohesive energy") }.compactMap { Double($0.split(separator: " ").dropLast().last ?? "") }
    let listedANN = lines.compactMap { Double($0.split(separator: " ")[1]) }
    #expect(predicted.count == 3 && listedANN.count == 3)
    for (a, b) in zip(predicted, listedANN) { #expect(isClose(a, b, tolerance: 1e-5), "predict \(a) vs energies.train.0 \(b)") }
}
