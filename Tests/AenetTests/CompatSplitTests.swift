import Foundation
import Testing
@testable import AenetCore
@testable import AenetTraining
@testable import AenetAugment
@testable import AenetShell
@testable import AenetTestSupport

/// From aenet's initial `train.rngstate`, our split picks the test structures aenet's train.out lists.
@Test(.enabled(if: CompatData.has("tio2-train-1000/train.rngstate.initial", "tio2-train-1000/train.out"), CompatData.skipMessage))
func compatTestSplitMatchesAenet() throws {
    let state = try #require(CompatData.path("tio2-train-1000/train.rngstate.initial"))
    let out = try #require(CompatData.path("tio2-train-1000/train.out"))
    let (g, warning) = try RandomStateFile.read(path: state)
    #expect(warning == nil)
    var rng = try #require(g)
    let text = try String(contentsOfFile: out, encoding: .utf8)
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    let n = try #require(lines.first { $0.contains("Number of structures in the data set") }
        .flatMap { Int($0.split(separator: ":").last!.trimmingCharacters(in: .whitespaces)) })
    let start = try #require(lines.firstIndex { $0.contains("Testing set") })
    var listed: [Int] = []
    for l in lines[(start + 2)...] {
        let ints = l.split(separator: " ").compactMap { Int($0) }
        if ints.isEmpty { break }
        listed += ints
    }
    let isTest = TestSplit.draw(count: n, testPercent: 10, rng: &rng)
    let ours = isTest.indices.filter { isTest[$0] }.map { $0 + 1 }
    #expect(listed.count == 86)
    #expect(ours == listed)
}
