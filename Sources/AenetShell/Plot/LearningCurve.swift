import AenetCore
import Foundation

/// Errors per epoch read from a train.out, finished or still being written.
///
/// Two layouts are understood:
/// - aenet's (and ours): a group line such as `|----TRAIN----|  |----TEST----|` (more groups may
///   follow: VALIDATION, and force groups whose name contains `FORCE`), then rows
///   `epoch  MAE RMSE  MAE RMSE … <`, energies in eV/atom, forces in eV/Å;
/// - aenet-PyTorch's: rows `epoch : total(train) total(test) | E(train) E(test) | F(train) F(test)`,
///   RMSEs in its normalized units; they are divided by its energy scaling factor
///   (`Energy scaling factor:  f = …` in the same file) to give eV/atom and eV/Å. Its force
///   error is the RMS of the per-atom force-vector error |ΔF| (network.py, get_loss_RMSE_F:
///   sqrt(Σ|ΔF|²/N_atoms)); it is divided by √3 as well to give the per-component RMSE that
///   `predict --errors` and our train.out report.
///
/// A last line cut short by a running train is ignored; a file without any epoch row is an error.
public struct LearningCurve: Sendable {
    /// One plotted quantity: values per epoch.
    public struct Column: Sendable, Equatable {
        public var name: String
        public var values: [Double]
    }

    public enum Layout: Sendable, Equatable { case aenet, aenetPyTorch }

    public var layout: Layout
    public var epochs: [Int] = []
    /// Energy error columns (eV/atom), e.g. "train MAE", "train RMSE", "test MAE", "test RMSE".
    public var energy: [Column] = []
    /// Force error columns (eV/Å); empty when the file has none.
    public var force: [Column] = []

    public static func read(path: String) throws -> LearningCurve {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw AenetError(.missingFile, "cannot read the train output (missing or unreadable)", file: path)
        }
        return try parse(String(decoding: data, as: UTF8.self), file: path)
    }

    public static func parse(_ text: String, file: String) throws -> LearningCurve {
        if text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            throw AenetError(.invalidInput, "the file is empty (no epochs written yet?)", file: file)
        }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        // A running train may have written half a line.
        if !text.hasSuffix("\n"), !lines.isEmpty { lines.removeLast() }
        if lines.contains(where: { $0.contains("ERROR(train)") && $0.contains("|") }) {
            return try parsePyTorch(lines, file: file)
        }
        return try parseAenet(lines, file: file)
    }

    /// Group names of a line like `|-----TRAIN-----|  |-----TEST-----|`.
    static func groups(_ line: Substring) -> [String]? {
        guard line.contains("|-") else { return nil }
        let parts = line.split(separator: "|").map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "- ")) }.filter { !$0.isEmpty }
        return parts.isEmpty ? nil : parts
    }

    static func parseAenet(_ lines: [Substring], file: String) throws -> LearningCurve {
        var curve = LearningCurve(layout: .aenet)
        var names: [String] = []
        var width = 0, inTable = false
        for (k, l) in lines.enumerated() {
            if let g = groups(l), g.contains(where: { $0.uppercased().contains("TRAIN") }) {
                names = g; continue
            }
            let f = l.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" })
            if f.first?.lowercased() == "epoch" { inTable = true; continue }   // the table's heading
            guard inTable, let first = f.first, let epoch = Int(first), f.count >= 3 else { continue }
            var vals = f.dropFirst()
            if vals.last == "<" { vals = vals.dropLast() }
            // An empty test set (TESTPERCENT 0) prints 0 and NaN in its columns, as aenet does.
            let v = vals.compactMap { $0.lowercased() == "nan" ? Double.nan : ListDirected.double($0) }
            guard v.count == vals.count, v.count >= 2, v.count % 2 == 0 else { continue }   // not a table row
            if width == 0 {
                width = v.count
                if names.count != width / 2 {
                    // No usable group line: energies train/test, then (eight columns) forces train/test.
                    names = width == 8 ? ["TRAIN", "TEST", "FORCES TRAIN", "FORCES TEST"] : (0..<(width / 2)).map { ["TRAIN", "TEST", "VALIDATION"][min($0, 2)] }
                }
                for g in names {
                    let isForce = g.uppercased().contains("FORCE")
                    let base = g.uppercased().replacingOccurrences(of: "FORCES", with: "").replacingOccurrences(of: "FORCE", with: "")
                        .trimmingCharacters(in: .whitespaces).lowercased()
                    let cols = [Column(name: "\(base.isEmpty ? g.lowercased() : base) MAE", values: []),
                                Column(name: "\(base.isEmpty ? g.lowercased() : base) RMSE", values: [])]
                    if isForce { curve.force += cols } else { curve.energy += cols }
                }
            }
            guard v.count == width else {
                throw AenetError(.invalidInput, "epoch row with \(v.count) values, earlier rows have \(width)", file: file, line: k + 1)
            }
            curve.epochs.append(epoch)
            var e = 0, fo = 0
            for (i, g) in names.enumerated() {
                if g.uppercased().contains("FORCE") {
                    curve.force[fo].values.append(v[2 * i]); curve.force[fo + 1].values.append(v[2 * i + 1]); fo += 2
                } else {
                    curve.energy[e].values.append(v[2 * i]); curve.energy[e + 1].values.append(v[2 * i + 1]); e += 2
                }
            }
        }
        guard !curve.epochs.isEmpty else {
            throw AenetError(.invalidInput, "no epoch rows found (not a train output, or training has not started)", file: file)
        }
        // Columns with nothing to draw on a log scale (an empty test set's 0 and NaN) are left out.
        func drawable(_ c: Column) -> Bool { c.values.contains { $0.isFinite && $0 > 0 } }
        curve.energy = curve.energy.filter(drawable)
        curve.force = curve.force.filter(drawable)
        return curve
    }

    static func parsePyTorch(_ lines: [Substring], file: String) throws -> LearningCurve {
        var curve = LearningCurve(layout: .aenetPyTorch)
        var scale: Double?
        for l in lines where l.contains("Energy scaling factor") {
            if let t = l.split(separator: "=").last, let v = ListDirected.double(t.trimmingCharacters(in: .whitespaces)[...]), v > 0 { scale = v }
        }
        guard let f = scale else {
            throw AenetError(.invalidInput, "aenet-PyTorch output without its 'Energy scaling factor' line: cannot convert its errors to eV", file: file)
        }
        curve.energy = [Column(name: "train RMSE", values: []), Column(name: "test RMSE", values: [])]
        curve.force = [Column(name: "train RMSE", values: []), Column(name: "test RMSE", values: [])]
        var hasForces = false
        for l in lines {
            let parts = l.split(separator: ":", maxSplits: 1)
            guard parts.count == 2, let epoch = Int(parts[0].trimmingCharacters(in: .whitespaces)) else { continue }
            let groups = parts[1].split(separator: "|").map { $0.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" }) }
            guard groups.count >= 2, groups.allSatisfy({ $0.count == 2 }) else { continue }
            let v = groups.map { $0.compactMap { ListDirected.double($0) } }
            guard v.allSatisfy({ $0.count == 2 }) else { continue }
            curve.epochs.append(epoch)
            curve.energy[0].values.append(v[1][0] / f); curve.energy[1].values.append(v[1][1] / f)
            if v.count >= 3 {
                hasForces = true
                let g = f * 3.0.squareRoot()
                curve.force[0].values.append(v[2][0] / g); curve.force[1].values.append(v[2][1] / g)
            }
        }
        guard !curve.epochs.isEmpty else {
            throw AenetError(.invalidInput, "no epoch rows found (training has not started?)", file: file)
        }
        if !hasForces { curve.force = [] }
        return curve
    }

    /// The learning-curve chart: energy errors (and force errors in a second panel) per epoch, log scale.
    public func plot(title: String) -> SVGPlot {
        let source = layout == .aenetPyTorch ? " (aenet-PyTorch, converted)" : ""
        func panel(_ name: String, _ unit: String, _ cols: [Column]) -> SVGPlot.Panel {
            var p = SVGPlot.Panel(title: name + " error" + source, xLabel: "epoch", yLabel: "\(name) error (\(unit))", logY: true)
            for (i, c) in cols.enumerated() {
                p.series.append(.init(name: c.name, points: zip(epochs, c.values).map { (Double($0), $1) },
                                      style: .line, color: SVGPlot.palette[i % SVGPlot.palette.count]))
            }
            return p
        }
        var panels = [panel("energy", "eV/atom", energy)]
        if !force.isEmpty { panels.append(panel("force", "eV/Å", force)) }
        return SVGPlot(title: title, panels: panels)
    }
}
