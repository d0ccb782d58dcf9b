import Foundation
import Testing
@testable import AenetCore

/// `predict --errors`: per-component force MAE/RMSE and the per-atom error-vector MAE/RMSE
/// (|F_pred − F_ref| per atom), checked on errors worked out by hand.
@Suite struct ReferenceErrorsTests {
    /// The number after the colon of the summary line that starts with `label`.
    static func value(_ summary: String, _ label: String) -> Double? {
        for line in summary.split(separator: "\n") where line.trimmingCharacters(in: .whitespaces).hasPrefix(label) {
            return line.split(separator: ":").last.flatMap { Double($0.trimmingCharacters(in: .whitespaces)) }
        }
        return nil
    }

    @Test func forceErrorsPerComponentAndPerAtomVector() throws {
        // Two atoms; force errors (3, 4, 0) eV/Å (length 5) and (0, 0, -1) (length 1).
        let s = Structure(lattice: nil, species: ["Ti", "O"], positions: [.zero, SIMD3(2, 0, 0)],
                          forces: [SIMD3(1, 1, 1), SIMD3(0, 2, 0)], totalEnergy: -10)
        let p = Prediction(positions: s.positions, atomicEnergies: [-5.5, -5.5],
                           forces: [SIMD3(4, 5, 1), SIMD3(0, 2, -1)], cohesiveEnergy: 0, totalEnergy: -11)
        var e = ReferenceErrors()
        e.add(file: "x.xsf", structure: s, prediction: p)
        let t = e.summary
        #expect(Self.value(t, "Force components compared") == 6)
        // components: |3| + |4| + |0| + |0| + |0| + |-1| = 8 over 6; squares 9 + 16 + 1 = 26 over 6
        #expect(abs(Self.value(t, "Force MAE             (eV/Ang)")! - 8.0 / 6) < 1e-6)
        #expect(abs(Self.value(t, "Force RMSE            (eV/Ang)")! - (26.0 / 6).squareRoot()) < 1e-6)
        // vectors: (5 + 1) / 2 atoms; sqrt((25 + 1) / 2)
        #expect(abs(Self.value(t, "Force MAE |dF| per atom")! - 3.0) < 1e-6)
        #expect(abs(Self.value(t, "Force RMSE |dF| per atom")! - 13.0.squareRoot()) < 1e-6)
        #expect(abs(Self.value(t, "Energy RMSE")! - 500.0) < 1e-3)   // (−11 − (−10))/2 eV/atom
    }
}
