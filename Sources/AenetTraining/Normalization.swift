import AenetCore
import Foundation

/// aenet's training-set normalization (ts_normalize, aenet trainset.f90, ts_normalize): writes `<set>.scaled` with
/// energies scaled to [−1, 1] and z-scored fingerprints, in the training-set layout.
public enum Normalization {
    /// scale = 2/(Emax' − Emin), shift = (Emax' + Emin)/2 with Emax' = min(E_max, maxEnergy).
    public static func energyScaling(minimum: Double, maximum: Double, maxEnergy: Double) -> (scale: Double, shift: Double) {
        let emax = min(maximum, maxEnergy)
        return (2.0 / (emax - minimum), 0.5 * (emax + minimum))
    }

    /// Normalizes the raw set at `rawPath` into `scaledPath` (which must not exist), streaming
    /// structure by structure, and returns aenet's stdout text for it. Warnings go to `warn`.
    public static func normalize(rawPath: String, scaledPath: String, maxEnergy: Double,
                                 warn: (String) -> Void) throws -> String {
        let reader = try TrainingSetReader(path: rawPath)
        let footer = try reader.footer()
        reader.rewind()
        guard let setups = footer.setups else {
            throw AenetError(.corruptFile, "the training set has no fingerprint setups in its footer (not written by generate?)", file: rawPath)
        }
        var text = AenetText.header("Training set normalization") + "\n"
        text += " The training set will be normalized now.  Depending on its size this\n"
        text += " process can take a while.  The normalized data set will be written to\n"
        text += " another file. Load that file in future to avoid this step.\n\n"
        text += " Name of the new training set file: \(scaledPath)\n\n"
        let (scale, shift) = energyScaling(minimum: footer.minimumEnergy, maximum: footer.maximumEnergy, maxEnergy: maxEnergy)
        guard scale.isFinite, scale > 0 else {
            throw AenetError("cannot normalize energies: E_min = \(footer.minimumEnergy), E_max' = \(min(footer.maximumEnergy, maxEnergy)) (MAXENERGY below every structure's energy, or all energies equal)", file: rawPath)
        }
        text += " The network output energy will be normalized to the interval [-1,1].\n"
        text += "   Energy scaling factor: f = \(FortranFormat.adjustl(scale, digits: 6))\n"
        text += "   Atomic energy shift  : s = \(FortranFormat.adjustl(shift, digits: 6))\n\n"
        let keep: (TrainingSetStructure) -> Bool = { s in
            scale * (s.energy - Double(s.atomCount) * shift) / Double(s.atomCount) <= 1.001
        }
        var kept = reader.header.structureCount
        if maxEnergy < footer.maximumEnergy {
            kept = 0
            while let s = try reader.next() { if keep(s) { kept += 1 } }
            reader.rewind()
            text += " \(reader.header.structureCount - kept) high-energy structures will be removed from the scaled training set.\n\n"
        }
        let scaling = setups.map { $0.featureScaling() }
        for (t, sc) in scaling.enumerated() where !sc.constant.isEmpty {
            warn("\(sc.constant.count) fingerprint function(s) of \(setups[t].atomType) are constant in the training set (e.g. a species never present); they are set to 0 (as aenet does).")
        }
        var header = reader.header
        header.structureCount = kept; header.normalized = true; header.scale = scale; header.shift = shift
        let writer = try TrainingSetWriter(path: scaledPath, header: header)
        do {
            while var s = try reader.next() {
                guard keep(s) else { continue }
                s.energy = scale * (s.energy - Double(s.atomCount) * shift)
                for k in s.forces.indices { s.forces[k] *= scale }
                for a in 0..<s.atomCount {
                    let t = s.types[a], o = s.fingerprintOffsets[a], n = s.fingerprintCount(a)
                    guard n == setups[t].nsf else {
                        throw AenetError(.corruptFile, "structure \(s.path): atom \(a + 1) has \(n) fingerprint values, its species' setup \(setups[t].nsf)", file: rawPath)
                    }
                    for g in 0..<n { s.fingerprints[o + g] = scaling[t].factor[g] * (s.fingerprints[o + g] - scaling[t].shift[g]) }
                }
                try writer.append(s)
            }
            try writer.finish(setups: setups)
        } catch { writer.abandon(); throw error }
        return text + " Training set normalization done.\n\n"
    }
}

/// A normalized training set loaded for training: header, footer (with setups) and the data.
public struct LoadedTrainingSet {
    public var path: String
    public var header: TrainingSetHeader
    public var footer: TrainingSetFooter
    public var setups: [FingerprintSetup]
    public var data: TrainingData

    /// Reads a normalized set into memory, or maps it (`streaming`: the data are read from the
    /// mapped file when used, for sets larger than the memory).
    public static func load(path: String, streaming: Bool) throws -> LoadedTrainingSet {
        if streaming { return try loadStreaming(path: path) }
        let reader = try TrainingSetReader(path: path)
        guard reader.header.normalized else { throw AenetError("training set is not normalized", file: path) }
        let footer = try reader.footer()
        reader.rewind()
        guard let setups = footer.setups else {
            throw AenetError(.corruptFile, "the training set has no fingerprint setups in its footer", file: path)
        }
        let data = TrainingData(featureCounts: setups.map(\.nsf))
        while let s = try reader.next() {
            let f = (0..<s.atomCount).map { a in Array(s.fingerprints[s.fingerprintOffsets[a]..<(s.fingerprintOffsets[a] + s.fingerprintCount(a))]) }
            do { try data.append(path: s.path, energy: s.energy, species: s.types, features: f) }
            catch let e as AenetError { throw AenetError(.corruptFile, e.message, file: path) }
        }
        guard data.structureCount > 0 else { throw AenetError("the training set contains no structures", file: path) }
        return LoadedTrainingSet(path: path, header: reader.header, footer: footer, setups: setups, data: data)
    }

    /// Maps the file and records where each atom's fingerprint is; nothing else is copied.
    static func loadStreaming(path: String) throws -> LoadedTrainingSet {
        guard FileManager.default.fileExists(atPath: path) else { throw AenetError(.missingFile, "file not found", file: path) }
        let mapped: Data
        do { mapped = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped) }
        catch { throw AenetError(.missingFile, "cannot map file (\(error.localizedDescription))", file: path) }
        let r = FortranRecordReader(data: mapped, name: path)
        let header = try TrainingSetHeader.read(from: r)
        guard header.normalized else { throw AenetError("training set is not normalized", file: path) }
        let nTypes = header.typeNames.count
        var structures: [(String, Double, [Int], [Int], [Int])] = []   // path, energy, species, offsets, nsf
        for _ in 0..<header.structureCount {
            try r.skip()
            var rec = try r.next(); let name = try rec.restAsString()
            rec = try r.next(); let nAtoms = try rec.int()
            guard nAtoms > 0, nAtoms < 10_000_000 else { throw r.failure("implausible atom count \(nAtoms)") }
            rec = try r.next(); let energy = try rec.double()
            var species: [Int] = [], offsets: [Int] = [], nsf: [Int] = []
            for _ in 0..<nAtoms {
                rec = try r.next(); let t = try rec.int() - 1
                guard (0..<nTypes).contains(t) else { throw r.failure("atom type \(t + 1) outside 1…\(nTypes)") }
                try r.skip(); try r.skip()
                rec = try r.next(); let n = try rec.int()
                let g = try r.next()
                guard g.count == 8 * n else { throw r.failure("fingerprint record of \(g.count) bytes for \(n) values") }
                species.append(t); offsets.append(g.start); nsf.append(n)
            }
            structures.append((name, energy, species, offsets, nsf))
        }
        let footer = try TrainingSetFooter.read(from: r, typeCount: nTypes)
        guard let setups = footer.setups else { throw AenetError(.corruptFile, "the training set has no fingerprint setups in its footer", file: path) }
        let data = TrainingData(featureCounts: setups.map(\.nsf), mapped: mapped)
        for (name, energy, species, offsets, nsf) in structures {
            for (t, n) in zip(species, nsf) where n != setups[t].nsf {
                throw AenetError(.corruptFile, "structure \(name): fingerprint of length \(n), the setup of its species has \(setups[t].nsf)", file: path)
            }
            data.append(path: name, energy: energy, species: species, offsets: offsets)
        }
        guard data.structureCount > 0 else { throw AenetError("the training set contains no structures", file: path) }
        return LoadedTrainingSet(path: path, header: header, footer: footer, setups: setups, data: data)
    }

    /// The training-set info stored in potentials and printed by train.x.
    public var info: TrainingSetInfo {
        TrainingSetInfo(file: path, header: header, footer: footer, structureCount: data.structureCount)
    }
}
