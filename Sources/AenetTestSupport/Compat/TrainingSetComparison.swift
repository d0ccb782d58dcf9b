import AenetCore
/// Record-by-record comparison of two training-set files, for cross-validation against aenet.
public struct TrainingSetComparison: Sendable {
    public private(set) var structures = 0
    public private(set) var values = 0
    /// Largest |a − b| / max(|a|, |b|, floor) over all floating-point values.
    public private(set) var maxRelativeDifference = 0.0
    public private(set) var worst = ""
    public private(set) var maxAbsoluteDifference = 0.0
    /// Differences that are not numerical round-off (counts, names, layout).
    public private(set) var mismatches: [String] = []

    /// Relative differences are taken against max(|a|, |b|, `floor`), so values near zero are
    /// compared absolutely at the scale of `floor`.
    public let floor: Double

    public init(_ a: String, _ b: String, floor: Double = 1e-6) throws {
        self.floor = floor
        let ra = try TrainingSetReader(path: a), rb = try TrainingSetReader(path: b)
        let ha = ra.header, hb = rb.header
        check(ha.typeNames == hb.typeNames, "species \(ha.typeNames) vs \(hb.typeNames)")
        check(ha.structureCount == hb.structureCount, "structure count \(ha.structureCount) vs \(hb.structureCount)")
        check(ha.normalized == hb.normalized, "normalized flag \(ha.normalized) vs \(hb.normalized)")
        compare(ha.atomicEnergies, hb.atomicEnergies, "atomic energies")
        compare([ha.scale, ha.shift], [hb.scale, hb.shift], "scale/shift")
        guard mismatches.isEmpty else { return }
        while let sa = try ra.next(), let sb = try rb.next() {
            structures += 1
            let at = "structure \(structures) (\(sa.path))"
            check(sa.path == sb.path, "\(at): path vs \(sb.path)")
            check(sa.types == sb.types && sa.typeCount == sb.typeCount, "\(at): atom types differ")
            check(sa.fingerprintOffsets == sb.fingerprintOffsets, "\(at): fingerprint lengths differ")
            guard mismatches.isEmpty else { return }
            compare([sa.energy], [sb.energy], "\(at) energy")
            compare(sa.coordinates, sb.coordinates, "\(at) coordinates")
            compare(sa.forces, sb.forces, "\(at) forces")
            compare(sa.fingerprints, sb.fingerprints, "\(at) fingerprints")
        }
        let fa = try ra.footer(), fb = try rb.footer()
        check(fa.totalAtoms == fb.totalAtoms, "footer atom count \(fa.totalAtoms) vs \(fb.totalAtoms)")
        compare([fa.averageEnergy, fa.minimumEnergy, fa.maximumEnergy],
                [fb.averageEnergy, fb.minimumEnergy, fb.maximumEnergy], "footer energy statistics")
        check((fa.setups == nil) == (fb.setups == nil), "footer setups present in one file only")
        for (k, (x, y)) in zip(fa.setups ?? [], fb.setups ?? []).enumerated() {
            let at = "setup \(k + 1)"
            check(x.atomType == y.atomType && x.envTypes == y.envTypes && x.sfType == y.sfType
                  && x.nsf == y.nsf && x.sf == y.sf && x.sfEnv == y.sfEnv && x.neval == y.neval,
                  "\(at): setup fields differ")
            if !x.description.allSatisfy({ $0 == " " }) || !y.description.allSatisfy({ $0 == " " }) {
                // aenet writes garbage when a setup has no DESCR (compat/DIFFERENCES.md); compare only real text.
                if x.description.contains("$$") || y.description.contains("$$") {
                    check(x.description == y.description, "\(at): description differs")
                }
            }
            compare([x.rcMin, x.rcMax] + x.sfParam, [y.rcMin, y.rcMax] + y.sfParam, "\(at) parameters")
            compare(x.sfvalMin + x.sfvalMax + x.sfvalAvg + x.sfvalCov,
                    y.sfvalMin + y.sfvalMax + y.sfvalAvg + y.sfvalCov, "\(at) statistics")
        }
    }

    public var summary: String {
        var s = "\(structures) structures, \(values) values compared; max absolute difference \(maxAbsoluteDifference), max relative difference \(maxRelativeDifference) (relative to max(|a|, |b|, \(floor)))"
        if !worst.isEmpty { s += " (\(worst))" }
        for m in mismatches { s += "\n  MISMATCH: \(m)" }
        return s
    }

    private mutating func check(_ ok: Bool, _ what: String) { if !ok { mismatches.append(what) } }

    private mutating func compare(_ a: [Double], _ b: [Double], _ what: String) {
        guard a.count == b.count else { mismatches.append("\(what): \(a.count) vs \(b.count) values"); return }
        for k in a.indices {
            values += 1
            maxAbsoluteDifference = max(maxAbsoluteDifference, abs(a[k] - b[k]))
            let d = abs(a[k] - b[k]) / max(abs(a[k]), abs(b[k]), floor)
            if d > maxRelativeDifference || d.isNaN { maxRelativeDifference = d; worst = "\(what) [\(k)]: \(a[k]) vs \(b[k])" }
        }
    }
}
