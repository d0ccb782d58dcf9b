import AenetCore
import Foundation

/// Per-structure errors from `predict --errors-csv` (ReferenceErrors.csv:
/// `file,atoms,E_reference,E_predicted,dE_meV_per_atom,force_MAE,force_RMSE`).
public struct ParityData: Sendable {
    public struct Row: Sendable, Equatable {
        public var file: String
        public var atoms: Int
        public var reference: Double
        public var predicted: Double
        public var forceMAE: Double?
        public var forceRMSE: Double?
    }

    public var rows: [Row] = []

    public static let header = "file,atoms,E_reference,E_predicted,dE_meV_per_atom,force_MAE,force_RMSE"

    public static func read(path: String) throws -> ParityData {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw AenetError(.missingFile, "cannot read the errors CSV (missing or unreadable)", file: path)
        }
        return try parse(String(decoding: data, as: UTF8.self), file: path)
    }

    /// Splits one CSV line (quoted fields with doubled quotes, as ReferenceErrors writes them).
    static func fields(_ line: Substring) -> [String] {
        var out: [String] = [], cur = "", quoted = false
        var it = line.makeIterator()
        var pending: Character? = nil
        while let c = pending ?? it.next() {
            pending = nil
            if quoted {
                if c == "\"" {
                    if let n = it.next() { if n == "\"" { cur.append("\"") } else { quoted = false; pending = n } } else { quoted = false }
                } else { cur.append(c) }
            } else if c == "\"" { quoted = true }
            else if c == "," { out.append(cur); cur = "" }
            else if c != "\r" { cur.append(c) }
        }
        out.append(cur)
        return out
    }

    public static func parse(_ text: String, file: String) throws -> ParityData {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard let first = lines.first, first.trimmingCharacters(in: .whitespacesAndNewlines) == header else {
            throw AenetError(.invalidInput, "not a `predict --errors-csv` file: the first line must be \(header)", file: file, line: 1)
        }
        var d = ParityData()
        for (k, l) in lines.enumerated().dropFirst() where !l.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            let f = fields(l)
            func fail(_ m: String) -> AenetError { AenetError(.invalidInput, m, file: file, line: k + 1) }
            guard f.count == 7 else { throw fail("\(f.count) fields, expected 7") }
            guard let n = Int(f[1]), n > 0 else { throw fail("atom count '\(f[1])' is not a positive integer") }
            guard let er = ListDirected.double(f[2][...]), let ep = ListDirected.double(f[3][...]) else {
                throw fail("energies '\(f[2])', '\(f[3])' are not finite numbers")
            }
            func optional(_ s: String, _ what: String) throws -> Double? {
                if s.isEmpty { return nil }
                guard let v = ListDirected.double(s[...]), v >= 0 else { throw fail("\(what) '\(s)' is not a finite non-negative number") }
                return v
            }
            d.rows.append(Row(file: f[0], atoms: n, reference: er, predicted: ep,
                              forceMAE: try optional(f[5], "force MAE"), forceRMSE: try optional(f[6], "force RMSE")))
        }
        guard !d.rows.isEmpty else { throw AenetError(.invalidInput, "no structures in the errors CSV", file: file) }
        return d
    }

    /// Energy parity (reference vs predicted energy per atom) and, when the CSV has force errors,
    /// each structure's force RMSE and MAE against its energy error (log scales). The CSV holds
    /// per-structure force errors, not force components, so there is no force-component parity.
    public func plot(title: String) -> SVGPlot {
        var e = SVGPlot.Panel(title: "energy parity (\(rows.count) structures)", xLabel: "reference energy (eV/atom)",
                              yLabel: "predicted energy (eV/atom)", diagonal: true)
        e.series.append(.init(name: "structures", points: rows.map { ($0.reference / Double($0.atoms), $0.predicted / Double($0.atoms)) },
                              style: .markers, color: SVGPlot.palette[0]))
        var panels = [e]
        let withForces = rows.filter { $0.forceRMSE != nil }
        if !withForces.isEmpty {
            var f = SVGPlot.Panel(title: "force errors per structure", xLabel: "|energy error| (meV/atom)",
                                  yLabel: "force error (eV/Å)", logX: true, logY: true)
            func de(_ r: Row) -> Double { abs(r.predicted - r.reference) / Double(r.atoms) * 1000 }
            f.series.append(.init(name: "force RMSE", points: withForces.map { (de($0), $0.forceRMSE!) }, style: .markers, color: SVGPlot.palette[1]))
            f.series.append(.init(name: "force MAE", points: withForces.compactMap { r in r.forceMAE.map { (de(r), $0) } }, style: .markers, color: SVGPlot.palette[2]))
            panels.append(f)
        }
        return SVGPlot(title: title, panels: panels)
    }
}
