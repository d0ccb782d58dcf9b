import AenetTraining
import AenetAugment
import AenetCore
import Foundation

/// The interactive (no-argument) way of running `augment`: five answers, one a line, in PyITA's
/// order — δ, existing generate.in, new generate.in, directory for the new XSF files, a — so that
/// scripts which pipe answers into PyITA work unchanged. Answers are trimmed of surrounding blanks.
public enum AugmentPrompts {
    /// The questions, in the order they are asked.
    public static let questions = [
        "Displacement delta in Angstrom: ",
        "Existing generate.in: ",
        "New generate.in to write: ",
        "Directory for the new XSF files: ",
        "Augmentation factor a (new structures = a x existing ones): ",
    ]
    static let what = ["delta", "path of the existing generate.in", "path of the new generate.in",
                       "directory for the new XSF files", "augmentation factor a"]

    /// Asks the five questions (`ask` shows a prompt, `readLine` returns the next answer or nil at
    /// the end of input) and returns the request they describe, with PyITA's defaults otherwise.
    public static func request(ask: (String) -> Void, readLine: () -> String?) throws -> AugmentRequest {
        var answers: [String] = []
        for (k, q) in questions.enumerated() {
            ask(q)
            guard let line = readLine() else {
                throw AenetError("input ended before the \(what[k]) was given (answer \(k + 1) of 5)")
            }
            answers.append(line.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        let delta = try number(answers[0], what: "delta")
        let factor = try number(answers[4], what: "augmentation factor a")
        return AugmentRequest(deckPath: answers[1], outputDeckPath: answers[2], structuresDirectory: answers[3],
                              settings: Augmentation.Settings(delta: delta, factor: factor))
    }

    /// A number as Python's float() or a Fortran deck would write it (`0.03`, `3e-2`, `0.03d0`).
    public static func number(_ text: String, what: String) throws -> Double {
        if let v = Double(text) ?? ListDirected.double(text[...]), text.count > 0 { return v }
        throw AenetError("the \(what) must be a number, got '\(text)'")
    }
}
