import Foundation
import Testing
@testable import AenetCore
@testable import AenetTraining
@testable import AenetAugment
@testable import AenetShell
@testable import AenetTestSupport


/// Energies and forces of each structure in a predict.out (aenet's or ours).
struct PredictOutFile {
    struct Entry { var file: String; var cohesive = 0.0; var total = 0.0; var forces: [SIMD3<Double>] = [] }
    var entries: [Entry] = []

    init(text: String) {
        var inTable = false
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let w = line.split(separator: " ")
            if line.hasPrefix(" File name         :") { entries.append(Entry(file: String(w.last!))); continue }
            if line.hasPrefix(" -----") && !line.hasPrefix(" ------------------------------------------------------------------") {
                inTable = true; continue
            }
            if inTable {
                if w.count >= 7 { entries[entries.count - 1].forces.append(SIMD3(Double(w[4])!, Double(w[5])!, Double(w[6])!)) }
                else { inTable = false }
            }
            if line.hasPrefix(" Cohesive energy") { entries[entries.count - 1].cohesive = Double(w[3])! }
            if line.hasPrefix(" Total energy") { entries[entries.count - 1].total = Double(w[3])! }
        }
    }
}

@Test(.enabled(if: CompatData.has("tio2-chebyshev"), CompatData.skipMessage))
func predictMatchesAenetOnTheTiO2ChebyshevCase() throws {
    let dir = try #require(CompatData.path("tio2-chebyshev"))
    let input = try PredictInput(path: dir + "/predict.in")
    let set = try PotentialSet.load(types: input.types, files: input.networkFiles.map { dir + "/" + $0 })
    let reference = PredictOutFile(text: try String(contentsOfFile: dir + "/predict.out", encoding: .utf8))
    #expect(reference.entries.count == input.files.count)
    let printer = PredictOutput(verbosity: 1, forces: true, atomicEnergies: false)
    let ws = EvaluationWorkspace(set)
    // Three structures keep the debug-build test short; compat/run-predict.sh checks all of them.
    for (k, file) in input.files.prefix(3).enumerated() {
        let s = try XSF.read(path: dir + "/" + file)
        let p = try set.evaluate(s, forces: true, file: file, workspace: ws)
        let ours = PredictOutFile(text: printer.fileInfo(number: k + 1, file: file, structure: s)
                                  + printer.coordinates(s, p) + printer.energies(p)).entries[0]
        let ref = reference.entries[k]
        #expect(ours.file == ref.file)
        #expect(isClose(ours.total, ref.total, absolute: 1e-6))
        #expect(isClose(ours.cohesive, ref.cohesive, absolute: 1e-6))
        #expect(ours.forces.count == ref.forces.count)
        for (a, b) in zip(ours.forces, ref.forces) { #expect(abs(a - b).max() <= 2e-6) }
        // Unrounded values agree with the printed ones to their last digit.
        #expect(isClose(p.totalEnergy, ref.total, absolute: 5e-9 + 1e-6))
    }
}

private func abs(_ v: SIMD3<Double>) -> SIMD3<Double> { SIMD3(Swift.abs(v.x), Swift.abs(v.y), Swift.abs(v.z)) }
