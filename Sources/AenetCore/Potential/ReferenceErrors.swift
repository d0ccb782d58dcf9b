import Foundation

/// Errors of the predictions against the reference energies and forces in the structure files
/// (beyond aenet; opt-in). Energies compare per atom: the total energy when the file has one,
/// else the cohesive energy.
public struct ReferenceErrors: Sendable {
    /// One structure's comparison.
    public struct Row: Sendable {
        public var file: String
        public var atoms: Int
        public var reference: Double
        public var predicted: Double
        /// (E_pred − E_ref)/N in eV/atom.
        public var energyErrorPerAtom: Double
        /// Over the force components of this structure (nil without reference or predicted forces).
        public var forceMAE: Double?
        public var forceRMSE: Double?
    }

    public private(set) var rows: [Row] = []
    private var forceAbsSum = 0.0, forceSqSum = 0.0, forceComponents = 0
    /// Σ over atoms of |F_pred − F_ref| (the length of the error vector).
    private var forceNormSum = 0.0

    public init() {}

    /// What one structure adds: its row (nil without a reference energy) and its force sums.
    /// Computed where the structure was evaluated (any MPI rank) and added in input order, so the
    /// totals are those of a serial run bit for bit.
    public struct Contribution: Sendable {
        public var row: Row?
        public var forceAbsSum = 0.0, forceSqSum = 0.0, forceNormSum = 0.0, forceComponents = 0

        /// Serialized for a `Communicator` (ByteWriter/ByteReader).
        public func write(to w: inout ByteWriter) {
            w.double(forceAbsSum); w.double(forceSqSum); w.double(forceNormSum); w.int(forceComponents)
            guard let r = row else { w.int(0); return }
            w.int(1); w.string(r.file); w.int(r.atoms); w.double(r.reference); w.double(r.predicted); w.double(r.energyErrorPerAtom)
            w.int(r.forceMAE == nil ? 0 : 1); w.double(r.forceMAE ?? 0)
            w.int(r.forceRMSE == nil ? 0 : 1); w.double(r.forceRMSE ?? 0)
        }

        public init(from r: inout ByteReader) {
            forceAbsSum = r.double(); forceSqSum = r.double(); forceNormSum = r.double(); forceComponents = r.int()
            guard r.int() == 1 else { return }
            let file = r.string(), atoms = r.int(), ref = r.double(), pred = r.double(), e = r.double()
            let hasMAE = r.int() == 1, mae = r.double(), hasRMSE = r.int() == 1, rmse = r.double()
            row = Row(file: file, atoms: atoms, reference: ref, predicted: pred, energyErrorPerAtom: e,
                      forceMAE: hasMAE ? mae : nil, forceRMSE: hasRMSE ? rmse : nil)
        }

        public init(file: String, structure s: Structure, prediction p: Prediction) {
            let pair: (Double, Double)? = if let e = s.totalEnergy { (e, p.totalEnergy) }
                else if let e = s.cohesiveEnergy { (e, p.cohesiveEnergy) } else { nil }
            var fMAE: Double?, fRMSE: Double?
            if let ref = s.forces, let f = p.forces, ref.count == f.count {
                var a = 0.0, q = 0.0
                var n = 0.0
                for (u, v) in zip(ref, f) { let d = v - u; a += abs(d.x) + abs(d.y) + abs(d.z); q += (d * d).sum(); n += (d * d).sum().squareRoot() }
                forceAbsSum = a; forceSqSum = q; forceNormSum = n; forceComponents = 3 * f.count
                fMAE = a / Double(3 * f.count); fRMSE = (q / Double(3 * f.count)).squareRoot()
            }
            guard let (ref, pred) = pair else { return }
            row = Row(file: file, atoms: s.atomCount, reference: ref, predicted: pred,
                      energyErrorPerAtom: (pred - ref) / Double(s.atomCount), forceMAE: fMAE, forceRMSE: fRMSE)
        }
    }

    /// Adds a structure; structures without a reference energy are ignored.
    public mutating func add(file: String, structure s: Structure, prediction p: Prediction) {
        add(Contribution(file: file, structure: s, prediction: p))
    }

    /// Adds one structure's contribution (in input order).
    public mutating func add(_ c: Contribution) {
        forceAbsSum += c.forceAbsSum; forceSqSum += c.forceSqSum; forceNormSum += c.forceNormSum
        forceComponents += c.forceComponents
        if let r = c.row { rows.append(r) }
    }

    /// The summary printed after aenet's normal output.
    public var summary: String {
        var t = " " + String(repeating: "=", count: 70) + "\n"
        t += " Errors against the reference data in the structure files\n\n"
        let e = rows.map { abs($0.energyErrorPerAtom) * 1000 }
        t += " Structures with reference energy  : \(rows.count)\n"
        if !e.isEmpty {
            let sorted = e.sorted()
            let median = sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
            t += " Energy MAE            (meV/atom)  : \(FortranFormat.f(e.reduce(0, +) / Double(e.count), 14, 4))\n"
            t += " Energy RMSE           (meV/atom)  : \(FortranFormat.f((e.reduce(0) { $0 + $1 * $1 } / Double(e.count)).squareRoot(), 14, 4))\n"
            t += " Energy median |error| (meV/atom)  : \(FortranFormat.f(median, 14, 4))\n"
        }
        t += " Force components compared         : \(forceComponents)\n"
        if forceComponents > 0 {
            t += " Force MAE             (eV/Ang)    : \(FortranFormat.f(forceAbsSum / Double(forceComponents), 14, 6))\n"
            t += " Force RMSE            (eV/Ang)    : \(FortranFormat.f((forceSqSum / Double(forceComponents)).squareRoot(), 14, 6))\n"
            t += " Force MAE |dF| per atom (eV/Ang)  : \(FortranFormat.f(forceNormSum / Double(forceComponents / 3), 14, 6))\n"
            t += " Force RMSE |dF| per atom (eV/Ang) : \(FortranFormat.f((forceSqSum / Double(forceComponents / 3)).squareRoot(), 14, 6))\n"
        }
        return t + "\n"
    }

    /// Per-structure errors as CSV (energies in eV, per-atom error in meV/atom, forces in eV/Å).
    public var csv: String {
        var t = "file,atoms,E_reference,E_predicted,dE_meV_per_atom,force_MAE,force_RMSE\n"
        for r in rows {
            let quoted = r.file.contains(",") || r.file.contains("\"") ? "\"" + r.file.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : r.file
            t += "\(quoted),\(r.atoms),\(r.reference),\(r.predicted),\(r.energyErrorPerAtom * 1000),"
            t += (r.forceMAE.map { "\($0)" } ?? "") + "," + (r.forceRMSE.map { "\($0)" } ?? "") + "\n"
        }
        return t
    }
}
