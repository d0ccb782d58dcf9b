import Foundation
import Testing
@testable import AenetCore
@testable import AenetTraining
@testable import AenetAugment
@testable import AenetShell
@testable import AenetTestSupport

/// Our `.scaled` file equals aenet's (MAXENERGY 1.0 on the 1000-structure TiO2 set) to 1e-9.
@Test(.enabled(if: CompatData.has("tio2-train-1000/tio2-1000.train", "tio2-train-1000/tio2-1000.train.scaled"), CompatData.skipMessage))
func compatScaledFileMatchesAenet() throws {
    let raw = try #require(CompatData.path("tio2-train-1000/tio2-1000.train"))
    let ref = try #require(CompatData.path("tio2-train-1000/tio2-1000.train.scaled"))
    let dir = try TemporaryDirectory()
    let out = dir.path + "/tio2-1000.train.scaled"
    let text = try Normalization.normalize(rawPath: raw, scaledPath: out, maxEnergy: 1.0, warn: { _ in })
    #expect(text.contains("139 high-energy structures will be removed"))
    #expect(text.contains("Energy scaling factor: f = 1.156976"))
    let c = try TrainingSetComparison(out, ref, floor: 1e-6)
    print("compat .scaled: " + c.summary)
    #expect(c.mismatches.isEmpty)
    #expect(c.maxRelativeDifference <= 1e-9)
}
