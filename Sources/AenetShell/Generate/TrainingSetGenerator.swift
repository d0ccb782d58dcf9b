import AenetCore
import AenetTraining
import AenetAugment
import Dispatch
import Foundation

/// generate.x: featurizes the structures of a generate.in deck into an aenet training set.
///
/// Structures are read and featurized in parallel in chunks, then written strictly in FILES order
/// (the fingerprint statistics are running means, so their order is part of the result).
/// Memory holds one chunk at a time whatever the number of structures.
public final class TrainingSetGenerator {
    public let input: GenerateInput
    public private(set) var setups: [FingerprintSetup]
    /// The setups as read, for the worker threads (sizes, RMIN, names): `setups` accumulates the
    /// statistics while the next chunk is featurized.
    let workerSetups: [FingerprintSetup]
    public let setupWarnings: [String]
    let fingerprints: [any Fingerprint]
    /// aenet's global interaction range: the largest cut-off of all setups.
    public let cutoff: Double
    /// Whether RMIN was given in each setup (only then is it a distance check).
    let rminGiven: [Bool]
    /// Threads for the atoms of one large structure (set by `run`).
    var atomThreads = 1
    /// Bytes the descriptor derivatives of one structure (FORCES) may take; a structure that needs
    /// more stops the run with a message instead of exhausting the machine's memory.
    public var derivativeLimit = Double.infinity

    /// `.aenet204` reproduces aenet 2.0.4's incomplete neighbour lists (bit-compatible training sets).
    public let neighbourConvention: NeighbourConvention

    /// `aenetNeighbours`: use aenet 2.0.4's neighbour lists, which miss neighbours in some cells
    /// (`NeighbourConvention.aenet204`), instead of complete ones.
    public init(input: GenerateInput, aenetNeighbours: Bool = false) throws {
        self.input = input
        neighbourConvention = aenetNeighbours ? .aenet204 : .complete
        var setups: [FingerprintSetup] = [], warnings: [String] = [], given: [Bool] = []
        for (t, file) in input.setupFiles.enumerated() {
            let parsed = try SetupFile.read(path: file)
            let s = parsed.setup
            let name = input.typeNames[t]
            guard s.atomType == name else {
                throw AenetError("setup is for \(s.atomType) but SETUPS assigns it to \(name)", file: file)
            }
            for other in input.typeNames where !s.envTypes.contains(other) {
                throw AenetError("species \(other) of TYPES is missing from the ENV list \(s.envTypes); ENV must list every species", file: file)
            }
            for e in s.envTypes where !input.typeNames.contains(e) {
                throw AenetError("ENV species \(e) is not in the TYPES of the deck \(input.typeNames); ENV and TYPES must agree", file: file)
            }
            if s.isBehler2011, s.envTypes.firstIndex(of: name) != t {
                throw AenetError("Behler2011 setups need \(name) at the same position in ENV (\(s.envTypes)) as in TYPES (\(input.typeNames)); aenet silently computes wrong values otherwise (compat/DIFFERENCES.md). Reorder ENV", file: file)
            }
            setups.append(s); warnings += parsed.warnings; given.append(parsed.rminGiven)
        }
        self.setups = setups
        workerSetups = setups
        setupWarnings = warnings
        rminGiven = given
        fingerprints = try setups.map { try $0.makeFingerprint(globalTypes: input.typeNames) }
        cutoff = setups.map(\.rcMax).max() ?? 0
    }

    /// One structure ready to be written.
    struct Featurized {
        var record: TrainingSetStructure
        var neighbourCounts: [Int]
        var species: [String]
        var derivatives: ForcesFileWriter.StructureDerivatives?
    }

    /// A structure large enough to be split over the threads (`parallelAtoms`), met inside the loop
    /// over structures: a parallel loop there would run serially, so the caller featurizes it after
    /// that loop.
    struct Deferred: Error { let structure: Structure }

    /// Featurizes structure `path` (reading it unless `structure` is given, checking it, building its
    /// neighbour lists). `inWorkers`: called from the per-structure worker threads (see `Deferred`).
    func featurize(path: String, withDerivatives: Bool, nb: inout Neighbourhood, structure: Structure? = nil,
                   inWorkers: Bool = false) throws -> Featurized {
        let s = try structure ?? XSF.read(path: path)
        if inWorkers, !withDerivatives, atomThreads > 1, s.atomCount >= Self.parallelAtoms { throw Deferred(structure: s) }
        guard s.forces != nil, s.totalEnergy != nil || s.cohesiveEnergy != nil else {
            throw AenetError("needs an energy ('# total energy = …') and forces on every atom line (aenet: incomplete output data)", file: path)
        }
        var types = [Int32](repeating: 0, count: s.atomCount)
        for (i, sp) in s.species.enumerated() {
            guard let t = input.typeNames.firstIndex(of: sp) else {
                throw AenetError("atom \(i + 1) is \(sp), which is not in TYPES \(input.typeNames)", file: path)
            }
            types[i] = Int32(t)
        }
        var energy = s.cohesiveEnergy ?? 0
        if energy == 0 {
            energy = s.totalEnergy ?? 0
            for t in types { energy -= input.atomicEnergies[Int(t)] }
        }
        let search = try NeighbourSearch(validating: s, types: types, cutoff: cutoff, convention: neighbourConvention, file: path)
        let frame = NeighbourSearch.aenetFrame(s)
        let nsf = types.map { workerSetups[Int($0)].nsf }
        var offsets: [Int] = [], total = 0
        for n in nsf { offsets.append(total); total += n }
        var values = [Double](repeating: 0, count: total)
        var counts = [Int](repeating: 0, count: s.atomCount)
        var derivs = withDerivatives ? ForcesFileWriter.StructureDerivatives() : nil
        let inParallel = derivs == nil && atomThreads > 1 && s.atomCount >= Self.parallelAtoms
        try values.withUnsafeMutableBufferPointer { v in
            if inParallel {
                try featurizeAtomsInParallel(search: search, types: types, offsets: offsets, values: v.baseAddress!,
                                             counts: &counts, path: path)
                return
            }
            for i in 0..<s.atomCount {
                search.neighbours(of: i, into: &nb)
                counts[i] = nb.count
                let t = Int(types[i])
                if rminGiven[t] {
                    for j in 0..<nb.count where nb.distance[j] < workerSetups[t].rcMin {
                        throw tooClose(i, Int(nb.atomIndex[j]), nb.distance[j], type: t, path: path)
                    }
                }
                if derivs != nil {
                    derivs!.append(atom: i, type: t, nb: nb, fingerprint: fingerprints[t], values: v.baseAddress! + offsets[i])
                    let held = Double(derivs!.byteCount)
                    if held > derivativeLimit {
                        let estimate = held / Double(i + 1) * Double(s.atomCount)
                        throw AenetError(.resources, String(format: "the descriptor derivatives of this structure (FORCES) need about %.3g GB for its %d atoms, more than the %.3g GB this run may use: leave it out of the FILES list or lower FORCESPERCENT", estimate / 1e9, s.atomCount, derivativeLimit / 1e9), file: path)
                    }
                } else {
                    fingerprints[t].evaluate(nb, values: v.baseAddress! + offsets[i])
                }
            }
        }
        var coords: [Double] = [], forces: [Double] = []
        coords.reserveCapacity(3 * s.atomCount); forces.reserveCapacity(3 * s.atomCount)
        for i in 0..<s.atomCount {
            let f = s.forces![i]
            for c in 0..<3 { coords.append(frame[i][c]); forces.append(f[c]) }
        }
        let record = TrainingSetStructure(path: path, typeCount: s.distinctSpecies.count, energy: energy,
                                          types: types.map { Int($0) }, coordinates: coords, forces: forces,
                                          fingerprints: values, fingerprintOffsets: offsets)
        return Featurized(record: record, neighbourCounts: counts, species: s.species, derivatives: derivs)
    }

    /// Runs the whole generation: stdout in aenet's layout, the training set (and `.forces`) on disk.
    ///
    /// With several ranks (`communicator`, MPI) each chunk of structures is split into contiguous
    /// blocks, one per rank; rank 0 gathers them and writes everything in FILES order, so the
    /// training set and stdout are byte for byte those of a serial run. Only rank 0 holds output
    /// files; a rank holds one chunk at a time. The first bad structure in FILES order stops every
    /// rank with its message, as in a serial run.
    public func run(output out: TextOutput, threads: Int = 2, chunkSize: Int = 64,
                    communicator comm: any Communicator = SerialCommunicator()) throws {
        atomThreads = threads
        let files = input.structureFiles
        let started = Date()
        if input.timing {
            out.line(" Timing info will be written to: generate.time")
            out.line()
        }
        printPreamble(out)
        let header = TrainingSetHeader(typeNames: input.typeNames, atomicEnergies: input.atomicEnergies,
                                       structureCount: files.count)
        let (writer, forcesWriter) = try comm.checked { () throws -> (TrainingSetWriter?, ForcesFileWriter?) in
            guard comm.isRoot else { return (nil, nil) }
            let w = try TrainingSetWriter(path: input.output, header: header)
            do {
                let f = input.forces
                    ? try ForcesFileWriter(path: input.output + ".forces", structureCount: files.count, fraction: input.forcesFraction)
                    : nil
                return (w, f)
            } catch { w.abandon(); throw error }
        }
        let selected = input.forces ? ForcesFileWriter.selection(structureCount: files.count, fraction: input.forcesFraction) : nil
        do {
            out.write(AenetText.header("Adding structures to the training set") + "\n")
            out.line("#     N  nAtoms  nTypes           E/atom  structure file (xsf)")
            let progress = ProgressReporter(label: "generate", total: files.count, unit: "structures", enabled: comm.isRoot && isatty(2) != 0)
            var results = [Result<Featurized, Error>?](repeating: nil, count: min(chunkSize, files.count))
            var workspaces = [Neighbourhood](repeating: Neighbourhood(), count: threads)
            // Serial runs (one rank) write each chunk on a second thread (one chunk behind).
            let writing = OrderedBackgroundJobs(background: threads > 1 && comm.size == 1)
            defer { writing.drain() }
            for chunkStart in stride(from: 0, to: files.count, by: chunkSize * comm.size) {
                let whole = chunkStart..<min(chunkStart + chunkSize * comm.size, files.count)
                let mine = comm.block(of: whole.count)
                let chunk = (whole.lowerBound + mine.lowerBound)..<(whole.lowerBound + mine.upperBound)
                let wants = chunk.map { selected?[$0] ?? false }
                results.withUnsafeMutableBufferPointer { res in
                    workspaces.withUnsafeMutableBufferPointer { ws in
                        let res = UncheckedSendable(res), ws = UncheckedSendable(ws)
                        concurrentWorkers(threads, items: chunk.count) { k, w, inWorkers -> Deferred? in
                            let r = Result { try self.featurize(path: files[chunk.lowerBound + k],
                                                                withDerivatives: wants[k], nb: &ws.value[w], inWorkers: inWorkers) }
                            if case .failure(let e as Deferred) = r { return e }
                            res.value[k] = r
                            return nil
                        } afterwards: { k, e in
                            res.value[k] = Result { try self.featurize(path: files[chunk.lowerBound + k], withDerivatives: wants[k],
                                                                       nb: &ws.value[0], structure: e.structure) }
                        }
                    }
                }
                if comm.size == 1, let writer {
                    // Written in order on the writing thread while the next chunk is featurized.
                    let batch = UncheckedSendable(results), first = chunk.lowerBound, n = chunk.count
                    results = [Result<Featurized, Error>?](repeating: nil, count: results.count)
                    try writing.submit { [self] in
                        for k in 0..<n {
                            try write(try batch.value[k]!.get(), index: first + k, to: writer, forces: forcesWriter, out: out)
                        }
                    }
                } else {
                    var block = ByteWriter()
                    for k in 0..<chunk.count { Self.encode(results[k]!, into: &block); results[k] = nil }
                    let blocks = comm.gather(block.bytes, root: 0)
                    var failure: Error?
                    if let blocks, let writer {
                        do {
                            var index = whole.lowerBound
                            for b in blocks {
                                var r = ByteReader(b)
                                while !r.atEnd {
                                    try write(try Self.decode(&r).get(), index: index, to: writer, forces: forcesWriter, out: out)
                                    index += 1
                                }
                            }
                        } catch { failure = error }
                    }
                    try comm.check(failure)
                }
                progress.update(whole.upperBound)
            }
            try writing.wait()
            progress.finish()
            out.line()
            try comm.checked {
                // The pair appears together or not at all: the training set first (its name is the one
                // concurrent runs race for), then the forces file, withdrawing the set if that fails.
                guard let writer else { return }
                try writer.finish(setups: setups)
                do { try forcesWriter?.finish() } catch { unlink(input.output); throw error }
            }
        } catch {
            writer?.abandon(); forcesWriter?.abandon()
            throw error
        }
        guard let writer else { return }   // the other ranks are done; rank 0 prints the summary
        let stats = writer.statistics
        let info = TrainingSetInfo(file: input.output, normalized: false, scale: 1, shift: 0, typeNames: input.typeNames,
                                   atomicEnergies: input.atomicEnergies, totalAtoms: stats.totalAtoms,
                                   structureCount: files.count, minimumEnergy: stats.minimum,
                                   maximumEnergy: stats.maximum, averageEnergy: stats.average)
        out.write(String(info.formattedInfo().dropFirst()))
        if input.timing { try writeTiming(structures: files.count, atoms: stats.totalAtoms, seconds: Date().timeIntervalSince(started), threads: threads) }
        out.write(Self.closing)
    }

    /// A structure's result as bytes for rank 0 (MPI): the error text, or everything `write` needs.
    static func encode(_ result: Result<Featurized, Error>, into w: inout ByteWriter) {
        switch result {
        case .failure(let e):
            w.int(0); w.string("\(e)")
        case .success(let f):
            w.int(1)
            let r = f.record
            w.string(r.path); w.int(r.typeCount); w.double(r.energy); w.ints(r.types)
            w.doubles(r.coordinates); w.doubles(r.forces); w.doubles(r.fingerprints); w.ints(r.fingerprintOffsets)
            w.ints(f.neighbourCounts); w.strings(f.species)
            if let d = f.derivatives?.transferred {
                w.int(1); w.int(d.maxNeighbours); w.int(d.records.count); w.bytes.append(contentsOf: d.records)
            } else {
                w.int(0)
            }
        }
    }

    static func decode(_ r: inout ByteReader) -> Result<Featurized, Error> {
        guard r.int() == 1 else { return .failure(RemoteError(description: r.string())) }
        let record = TrainingSetStructure(path: r.string(), typeCount: r.int(), energy: r.double(), types: r.ints(),
                                          coordinates: r.doubles(), forces: r.doubles(), fingerprints: r.doubles(),
                                          fingerprintOffsets: r.ints())
        let counts = r.ints(), species = r.strings()
        var derivatives: ForcesFileWriter.StructureDerivatives?
        if r.int() == 1 {
            let m = r.int(), n = r.int()
            derivatives = .init(records: r.raw(n), maxNeighbours: m)
        }
        return .success(Featurized(record: record, neighbourCounts: counts, species: species, derivatives: derivatives))
    }

    private func write(_ f: Featurized, index: Int, to writer: TrainingSetWriter, forces: ForcesFileWriter?, out: TextOutput) throws {
        let r = f.record
        out.line(" " + FortranFormat.i(index + 1, 6) + "  " + FortranFormat.i(r.atomCount, 6) + "  "
                 + FortranFormat.i(r.typeCount, 6) + "  " + FortranFormat.es(r.energy / Double(r.atomCount), 15, 8)
                 + "  " + r.path)
        for i in 0..<r.atomCount {
            out.line(" " + FortranFormat.i(i + 1, 6) + "  " + FortranFormat.a(f.species[i], 2) + "  "
                     + FortranFormat.i(f.neighbourCounts[i], 6))
            let t = r.types[i]
            r.fingerprints.withUnsafeBufferPointer { setups[t].accumulate($0.baseAddress! + r.fingerprintOffsets[i]) }
        }
        try writer.append(r)
        try forces?.append(path: r.path, atomCount: r.atomCount, typeCount: r.typeCount, derivatives: f.derivatives)
    }

    /// TIMING: a free-form `generate.time` as aenet's (which logs per-phase CPU times).
    private func writeTiming(structures: Int, atoms: Int, seconds: Double, threads: Int) throws {
        let text = String(format: "generate: %d structures, %d atoms in %.3f s wall with %d threads (%.1f structures/s)\n",
                          structures, atoms, seconds, threads, Double(structures) / max(seconds, 1e-9))
        try AtomicFile.write(Array(text.utf8), to: "generate.time", overwrite: true)
    }
}
