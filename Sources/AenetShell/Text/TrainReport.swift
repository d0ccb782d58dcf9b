import AenetCore
import AenetTraining
import AenetAugment
import Foundation

/// train.x's stdout text (aenet train.f90, aenet train.f90), so that our train.out reads like aenet's.
enum TrainReport {
    public static func banner(_ title: String, date: Date = Date()) -> String {
        let blank = " " + String(repeating: " ", count: 70)
        return AenetText.header(title, rule: "=") + blank + "\n " + AenetText.centered(AenetText.timestamp(date)) + "\n" + blank + "\n"
    }

    public static let copyright = """

         Copyright (C) 2015-2018 Nongnuch Artrith and Alexander Urban

         This program is distributed in the hope that it will be useful, but
         WITHOUT ANY WARRANTY; without even the implied warranty of
         MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the
         Mozilla Public License, v. 2.0, for more details.


        """

    /// The closing timestamp and banner.
    public static func closing(date: Date = Date()) -> String {
        let blank = " " + String(repeating: " ", count: 70)
        return blank + "\n " + AenetText.centered(AenetText.timestamp(date)) + "\n" + blank + "\n"
            + AenetText.header("Neural Network training done.", rule: "=")
    }

    /// `Training details`: method, parameters, counts and the test structures.
    public static func details(method: MethodChoice, iterations: Int, isTest: [Bool], restarted: Bool) -> String {
        var s = AenetText.header("Training details") + "\n"
        s += " Training method         : \(method.displayName)\n"
        s += method.detailLines
        let nTest = isTest.filter { $0 }.count
        s += "\n Number of iterations    : \(iterations)\n\n"
        s += " Training structures     : \(isTest.count - nTest)\n Testing  structures     : \(nTest)\n\n"
        s += restarted ? " Testing set (restarted from previous run): \n" : " Testing set : \n"
        var k = 0
        for (i, t) in isTest.enumerated() where t {
            if k % 8 == 0 { s += "\n" }
            k += 1
            s += FortranFormat.i(i + 1, 8) + " "
        }
        return s + "\n\n"
    }

    /// `Training process` header and the epoch-table heading.
    /// With `validation` (VALIDATION, our extension) two more columns follow the test columns.
    public static func processHeader(iterations: Int, method: any TrainingMethod, sampling: String,
                                     validation: Bool = false) -> String {
        var s = AenetText.header("Training process") + "\n"
        s += " Weight optimization for \(iterations) epochs using the \(type(of: method).displayName) method.\n\n"
        s += " Sampling type               : \(sampling)\n" + method.processLines + "\n"
        s += String(repeating: " ", count: 8) + "|------------TRAIN-----------|  |------------TEST------------|"
        s += validation ? "  |---------VALIDATION---------|\n" : "\n"
        let cols = validation ? ["MAE", "<RMSE>", "MAE", "<RMSE>", "MAE", "<RMSE>"] : ["MAE", "<RMSE>", "MAE", "<RMSE>"]
        s += " " + FortranFormat.a("epoch", 5) + "  " + cols.map { FortranFormat.a($0, 14) }.joined(separator: "  ") + "\n"
        return s
    }

    /// One row of the epoch table (eV/atom).
    public static func epochLine(_ epoch: Int, _ v: [Double]) -> String {
        " " + FortranFormat.i(epoch, 5) + "  " + v.map { FortranFormat.es($0, 14, 6) }.joined(separator: "  ") + " <\n"
    }

    /// Heading line of energies.train/test (aenet train.f90, save_all_energies).
    public static func energiesHeader(species: [String]) -> String {
        var h = "  Ref(eV)        ANN(eV)      #atoms  Ref(eV/atom)   ANN(eV/atom) Ref-ANN(eV/atom)    Cost-Func"
        // aenet appends trim('  #'//name) per species, then four blanks and the path label.
        h += " " + species.map { "  #" + $0.trimmingCharacters(in: .whitespaces) }.joined()
        return h + "    Path-of-input-file"
    }

    /// One line of energies.train/test.
    public static func energiesLine(ref: Double, ann: Double, atoms: Int, error: Double, scale: Double,
                                    speciesCounts: [Int], path: String) -> String {
        let n = Double(atoms)
        var s = " " + FortranFormat.es(ref, 14, 6) + " " + FortranFormat.es(ann, 14, 6) + " " + FortranFormat.i(atoms, 5) + " "
        s += [ref / n, ann / n, error / scale, error].map { FortranFormat.es($0, 14, 6) + " " }.joined()
        s += speciesCounts.map { " " + FortranFormat.i($0, 4) }.joined()
        return s + " " + path + "\n"
    }
}
