import Foundation
import Testing
@testable import AenetCore
@testable import AenetShell

/// aenet-plot: learning curves from train.out (ours/aenet's and aenet-PyTorch's layouts, finished
/// or running) and parity plots from `predict --errors-csv`, checked by reading the SVG back.
@Suite struct PlotTests {
    /// The panels of an SVG: axis ranges and, per series, name and number of points.
    struct Panel { var x: (Double, Double); var y: (Double, Double); var logY: Bool; var series: [(String, Int)] }

    static func panels(_ svg: String) -> [Panel] {
        var out: [Panel] = []
        for chunk in svg.components(separatedBy: "<g class=\"panel\"").dropFirst() {
            func attr(_ name: String, in text: String) -> String? {
                guard let r = text.range(of: "\(name)=\"") else { return nil }
                return String(text[r.upperBound...].prefix { $0 != "\"" })
            }
            let head = String(chunk.prefix { $0 != ">" })
            var p = Panel(x: (Double(attr("data-x-min", in: head)!)!, Double(attr("data-x-max", in: head)!)!),
                          y: (Double(attr("data-y-min", in: head)!)!, Double(attr("data-y-max", in: head)!)!),
                          logY: attr("data-log-y", in: head) == "true", series: [])
            for s in chunk.components(separatedBy: "<g class=\"series\"").dropFirst() {
                p.series.append((attr("data-name", in: s)!, Int(attr("data-count", in: s)!)!))
            }
            out.append(p)
        }
        return out
    }

    /// An aenet-layout train.out of `epochs` rows with errors 10^-(1 + e/10), optionally with force groups.
    static func trainOut(epochs: Int, forces: Bool, cut: Bool = false) -> String {
        var t = " Testing set : \n\n       3        7       11\n\n"
        t += "        |------------TRAIN-----------|  |------------TEST------------|"
        t += forces ? "  |--------FORCES TRAIN--------|  |--------FORCES TEST---------|\n" : "\n"
        t += " epoch             MAE          <RMSE>             MAE          <RMSE>" + (forces ? "             MAE          <RMSE>             MAE          <RMSE>\n" : "\n")
        for e in 0..<epochs {
            let v = pow(10, -(1 + Double(e) / 10))
            let cols = (forces ? 8 : 4)
            t += String(format: "%6d", e) + (0..<cols).map { String(format: "  %14.6E", v * Double($0 + 1)) }.joined() + " <\n"
        }
        if cut { t += "   \(epochs)    1.0E-02  2.0" }   // a running train: half a line
        return t
    }

    @Test func learningCurveOfAenetLayout() throws {
        let c = try LearningCurve.parse(Self.trainOut(epochs: 21, forces: false, cut: true), file: "train.out")
        #expect(c.epochs == Array(0...20))
        #expect(c.energy.map(\.name) == ["train MAE", "train RMSE", "test MAE", "test RMSE"])
        #expect(c.force.isEmpty)
        let p = Self.panels(c.plot(title: "t").svg())
        #expect(p.count == 1)
        #expect(p[0].logY && p[0].series.count == 4 && p[0].series.allSatisfy { $0.1 == 21 })
        // Errors from 1e-3 (epoch 20, MAE) to 0.4 (epoch 0, test RMSE): whole decades around them.
        #expect(p[0].y.0 <= 1e-3 && p[0].y.0 >= 1e-4 && p[0].y.1 == 1)
        #expect(p[0].x.0 < 0 && p[0].x.1 > 20)
    }

    /// TESTPERCENT 0 with VALIDATION: the test group prints 0 and NaN; its columns are left out
    /// and the train and validation curves are drawn.
    @Test func emptyTestSetWithValidation() throws {
        var t = "        |------------TRAIN-----------|  |------------TEST------------|  |---------VALIDATION---------|\n"
        t += " epoch             MAE          <RMSE>             MAE          <RMSE>             MAE          <RMSE>\n"
        for e in 0..<6 {
            let v = 0.3 / Double(e + 1)
            t += String(format: "%6d  %14.6E  %14.6E  %14.6E", e, v, 1.2 * v, 0.0) + "             NaN"
            t += String(format: "  %14.6E  %14.6E", 1.1 * v, 1.3 * v)
            t += e % 2 == 0 ? " <\n" : "\n"
        }
        let c = try LearningCurve.parse(t, file: "train.out")
        #expect(c.epochs == Array(0..<6))
        #expect(c.energy.map(\.name) == ["train MAE", "train RMSE", "validation MAE", "validation RMSE"])
        #expect(c.energy[3].values[0] == 0.39)
        let p = Self.panels(c.plot(title: "t").svg())
        #expect(p.count == 1 && p[0].series.count == 4 && p[0].series.allSatisfy { $0.1 == 6 })
    }

    @Test func forceColumnsGoToASecondPanel() throws {
        let c = try LearningCurve.parse(Self.trainOut(epochs: 5, forces: true), file: "train.out")
        #expect(c.force.map(\.name) == ["train MAE", "train RMSE", "test MAE", "test RMSE"])
        #expect(c.force[3].values[0] == 0.8)
        let p = Self.panels(c.plot(title: "t").svg())
        #expect(p.count == 2 && p[1].series.allSatisfy { $0.1 == 5 })
    }

    @Test func learningCurveOfAenetPyTorch() throws {
        let text = """
            Energy scaling factor:  f =     2.000000
             epoch :  ERROR(train)   ERROR(test)   |   E (train)      E (test)   |   F (train)      F (test)
                 0 :      0.876943      0.849528   |    0.774753      0.752434   |    1.796649      1.723380
               100 :      0.541773      0.517648   |    0.490281      0.470530   |    1.005195      0.941711

            """
        let c = try LearningCurve.parse(text, file: "train.out")
        #expect(c.layout == .aenetPyTorch && c.epochs == [0, 100])
        #expect(c.energy[1].values == [0.752434 / 2, 0.470530 / 2])
        #expect(c.force[1].values == [1.723380 / (2 * 3.0.squareRoot()), 0.941711 / (2 * 3.0.squareRoot())])
    }

    @Test func parityFromErrorsCSV() throws {
        let csv = ParityData.header + "\n" + """
            a.xsf,2,-10.0,-10.2,-100.0,0.1,0.2
            "b,c.xsf",4,-40.0,-39.6,100.0,0.3,0.4
            d.xsf,1,-3.0,-3.0,0.0,,

            """
        let d = try ParityData.parse(csv, file: "e.csv")
        #expect(d.rows.count == 3 && d.rows[1].file == "b,c.xsf" && d.rows[2].forceRMSE == nil)
        let p = Self.panels(d.plot(title: "p").svg())
        #expect(p.count == 2)
        #expect(p[0].series[0].1 == 3)
        // Energies per atom −10 … −3 (both axes, parity): the padded range contains them.
        #expect(p[0].x.0 < -10 && p[0].x.1 > -3 && p[0].x == p[0].y)
        #expect(p[1].series.map(\.1) == [2, 2])
        #expect(p[1].y.0 <= 0.1 && p[1].y.0 >= 0.01 && p[1].y.1 == 1)
    }

    @Test(arguments: [("", "empty"), ("garbage\nmore garbage\n", "no epoch rows"),
                      (" epoch  MAE\n    1  0.1 0.2 0.3 0.4 <\n    2  0.1 0.2 <\n", "earlier rows have 4")])
    func badTrainOutIsAClearError(_ text: String, _ message: String) throws {
        let dir = try TemporaryDirectory()
        try dir.write("train.out", text)
        let r = try runTool("aenet-plot", ["learning-curve", "train.out", "-o", "c.svg"], in: dir.url)
        #expect(r.status == 1)
        #expect(r.stderr.hasPrefix("aenet-plot: error: train.out") && r.stderr.contains(message), "\(r.stderr)")
        #expect(r.stderr.split(separator: "\n").count == 1)
        #expect(!dir.exists("c.svg"))
    }

    @Test func theToolWritesSVG() throws {
        let dir = try TemporaryDirectory()
        try dir.write("train.out", Self.trainOut(epochs: 3, forces: false))
        let r = try runTool("aenet-plot", ["learning-curve", "train.out", "-o", "c.svg"], in: dir.url)
        #expect(r.status == 0, "\(r.stderr)")
        let svg = try String(contentsOfFile: dir.path + "/c.svg", encoding: .utf8)
        #expect(svg.hasPrefix("<?xml") && svg.hasSuffix("</svg>\n") && svg.contains("energy error (eV/atom)"))
        try dir.write("bad.csv", "file,atoms\n")
        let b = try runTool("aenet-plot", ["parity", "bad.csv", "-o", "p.svg"], in: dir.url)
        #expect(b.status == 1 && b.stderr.hasPrefix("aenet-plot: error: bad.csv:1: "), "\(b.stderr)")
        #expect(!dir.exists("p.svg"))
    }
}
