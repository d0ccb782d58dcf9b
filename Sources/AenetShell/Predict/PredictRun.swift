import AenetCore
import AenetTraining
import AenetAugment
import Dispatch
import Foundation
import COpenBLAS

/// A whole predict.x run: structures are evaluated in parallel (one OpenBLAS thread per worker,
/// `DispatchQueue.concurrentPerform`), the text of each is printed in input order.
///
/// Bad structures (unreadable file, unknown species, atoms closer than RMIN, …) are reported on
/// stderr with the file name and skipped; the others are still evaluated. `run` returns the number
/// of failed structures so the executable can exit non-zero at the end. (aenet stops at the first
/// bad structure, exit status 0.)
public struct PredictRun: Sendable {
    public var input: PredictInput
    public var potentials: PotentialSet
    /// Structure files in order (command line, else FILES).
    public var files: [String]
    public var threads: Int
    /// Print the reference-error summary after the normal output (beyond aenet).
    public var errorSummary = false
    /// Also write per-structure errors to this CSV file.
    public var errorCSV: String?
    /// Write each relaxed structure as XSF into this directory (same base name).
    public var relaxedDirectory: String?
    /// Print the virial and stress tensor after the energies (`predict --stress`, beyond aenet).
    public var stress = false

    public init(input: PredictInput, potentials: PotentialSet, files: [String],
                threads: Int = RunPolicy.workerThreads) {
        self.input = input; self.potentials = potentials; self.files = files; self.threads = max(1, threads)
    }

    /// What one structure produced: its stdout text, or the error.
    struct Outcome { var text = ""; var structure: Structure?; var prediction: Prediction?; var error: String? }

    /// Runs everything, writing stdout through `out` and messages through `err`; returns the
    /// number of structures that failed.
    ///
    /// With several ranks (`communicator`, MPI) each block of structures is split into contiguous
    /// parts, one per rank; rank 0 gathers the texts and prints them in input order, so stdout is
    /// that of a serial run. Only rank 0 prints (the others' `out` and `err` are not used) and
    /// returns the failure count (the others return 0).
    public func run(out: (String) -> Void, err: (String) -> Void,
                    communicator comm: any Communicator = SerialCommunicator()) throws -> Int {
        // The printing of one block overlaps the evaluation of the next (`OrderedBackgroundJobs`);
        // every job has finished before `runOrdered` returns.
        try withoutActuallyEscaping(out) { out in
            try withoutActuallyEscaping(err) { err in try runOrdered(out: out, err: err, communicator: comm) }
        }
    }

    private func runOrdered(out: @escaping (String) -> Void, err: @escaping (String) -> Void,
                            communicator comm: any Communicator) throws -> Int {
        RunPolicy.singleThreadedBLAS()
        try comm.checked { try check(ranks: comm.size) }
        let printer = PredictOutput(verbosity: input.verbosity, forces: input.forces,
                                    atomicEnergies: input.printAtomicEnergies)
        out(printer.preamble(potentials))
        var errors = ReferenceErrors(), failed = 0, printed = 0
        let workers = (0..<threads).map { _ in EvaluationWorkspace(potentials) }
        for w in workers { w.threads = threads }   // large structures use all threads themselves
        let stressWorkers = stress ? (0..<threads).map { _ in AtomWorkspace(potentials) } : []
        let block = 32 * threads
        // One rank: a block's text is printed on a second thread while the next block is evaluated.
        let printing = OrderedBackgroundJobs(background: threads > 1 && comm.size == 1)
        defer { printing.drain() }
        var start = 0
        while start < files.count {
            let whole = start..<min(start + block * comm.size, files.count)
            let mine = comm.block(of: whole.count)
            let range = (whole.lowerBound + mine.lowerBound)..<(whole.lowerBound + mine.upperBound)
            let results = Results(count: range.count)
            let set = potentials, inp = input, dir = relaxedDirectory
            // With several ranks, a structure with more atoms than one block (and no RELAX) is
            // evaluated by all ranks together (`huge`); the others by the rank that holds them.
            var huge: [Int: Outcome] = [:]
            let preread = Results(count: comm.size > 1 ? range.count : 0)
            if comm.size > 1 {
                let limit = input.relax == nil ? workers[0].blockSize : Int.max
                DispatchQueue.concurrentPerform(iterations: workers.count) { w in
                    var k = w
                    while k < range.count {
                        if let data = FileManager.default.contents(atPath: files[range.lowerBound + k]),
                           let st = try? XSF.parse(String(decoding: data, as: UTF8.self), path: files[range.lowerBound + k]) {
                            preread[k] = Outcome(structure: st)
                        }
                        k += workers.count
                    }
                }
                var mineHuge = ByteWriter()
                for k in 0..<range.count where (preread[k].structure?.atomCount ?? 0) > limit { mineHuge.int(range.lowerBound + k) }
                var hugeIndices: [Int] = []
                for b in comm.allgather(mineHuge.bytes) { var r = ByteReader(b); while !r.atEnd { hugeIndices.append(r.int()) } }
                for g in hugeIndices {
                    let owner = (0..<comm.size).first { Self.rankRange(whole, rank: $0, size: comm.size).contains(g) }!
                    var bytes = comm.rank == owner ? Array(FileManager.default.contents(atPath: files[g]) ?? Data()) : []
                    comm.broadcast(&bytes, root: owner)
                    if let o = try Self.processTogether(number: g + 1, file: files[g], bytes: bytes, set: set, input: inp, printer: printer,
                                                        ws: workers[0], stressWorkspace: stressWorkers.first, comm: comm) {
                        huge[g] = o
                    }
                    if comm.rank == owner { preread[g - range.lowerBound] = Outcome(text: Self.hugeMarker) }
                }
            }
            let ranks = comm.size
            // A structure larger than one block of atoms is evaluated after the loop, by this
            // thread with all worker threads (`concurrentWorkers(_:items:_:afterwards:)`).
            concurrentWorkers(workers.count, items: range.count) { k, w, inWorkers -> Structure? in
                if ranks > 1, preread[k].text == Self.hugeMarker { results[k] = preread[k]; return nil }
                var pre = ranks > 1 ? preread[k].structure : nil
                if inWorkers {
                    if pre == nil { pre = try? XSF.read(path: files[range.lowerBound + k]) }
                    if let s = pre, s.atomCount > workers[w].blockSize { return s }
                }
                results[k] = Self.process(number: range.lowerBound + k + 1, file: files[range.lowerBound + k],
                                          set: set, input: inp, printer: printer, relaxedDirectory: dir, ws: workers[w],
                                          stressWorkspace: stressWorkers.isEmpty ? nil : stressWorkers[w], structure: pre)
                return nil
            } afterwards: { k, s in
                results[k] = Self.process(number: range.lowerBound + k + 1, file: files[range.lowerBound + k],
                                          set: set, input: inp, printer: printer, relaxedDirectory: dir, ws: workers[0],
                                          stressWorkspace: stressWorkers.first, structure: s)
            }
            if comm.size > 1 {
                // Texts and errors to rank 0, which prints them in input order.
                var w = ByteWriter()
                for k in 0..<range.count {
                    let o = results[k]
                    if o.text == Self.hugeMarker { w.int(2); continue }   // rank 0 evaluated it with all ranks
                    if let e = o.error { w.int(0); w.string(e); continue }
                    w.int(1); w.string(o.text)
                    // The error sums of this structure, added by rank 0 in input order (as serially).
                    if errorSummary {
                        if let s = o.structure, let p = o.prediction {
                            w.int(1); ReferenceErrors.Contribution(file: files[range.lowerBound + k], structure: s, prediction: p).write(to: &w)
                        } else { w.int(0) }
                    }
                }
                if let blocks = comm.gather(w.bytes, root: 0) {
                    var g = whole.lowerBound
                    for b in blocks {
                        var r = ByteReader(b)
                        while !r.atEnd {
                            defer { g += 1 }
                            let kind = r.int()
                            if kind == 2 {
                                let o = huge[g]!
                                if let e = o.error { err(e); failed += 1; continue }
                                if printed > 0 { out(Self.separatorText) }
                                out(o.text)
                                printed += 1
                                if errorSummary, let st = o.structure, let p = o.prediction { errors.add(file: files[g], structure: st, prediction: p) }
                                continue
                            }
                            let text = r.string()
                            if kind == 0 { err(text); failed += 1; continue }
                            if printed > 0 { out(Self.separatorText) }
                            out(text)
                            printed += 1
                            if errorSummary, r.int() == 1 { errors.add(ReferenceErrors.Contribution(from: &r)) }
                        }
                    }
                }
                start = whole.upperBound
                continue
            }
            let done = range
            try printing.submit {
                for k in 0..<done.count {
                    let o = results[k]
                    if let e = o.error { err(e); failed += 1; continue }
                    if printed > 0 { out(Self.separatorText) }
                    out(o.text)
                    printed += 1
                    if let s = o.structure, let p = o.prediction { errors.add(file: files[done.lowerBound + k], structure: s, prediction: p) }
                }
            }
            start = range.upperBound
        }
        try printing.wait()
        guard comm.isRoot else { return 0 }
        out(printer.closing())
        if errorSummary { out(errors.summary) }
        if let csv = errorCSV { try AtomicFile.write(Array(errors.csv.utf8), to: csv, overwrite: true) }
        return failed
    }

    /// The options' checks before anything is evaluated.
    func check(ranks _: Int) throws {
        if let dir = relaxedDirectory, !FileManager.default.fileExists(atPath: dir) {
            throw AenetError("directory for relaxed structures does not exist", file: dir)
        }
    }

    static let separatorText = PredictOutput.separator
    /// Placeholder text of a structure evaluated by all ranks (never printed).
    static let hugeMarker = "\u{0}huge"

    /// This rank's part of a block of structures (as `Communicator.block`).
    static func rankRange(_ whole: Range<Int>, rank: Int, size: Int) -> Range<Int> {
        let b = SerialCommunicator.block(of: whole.count, rank: rank, size: size)
        return (whole.lowerBound + b.lowerBound)..<(whole.lowerBound + b.upperBound)
    }

    /// One structure (more atoms than a block, no RELAX) evaluated by all ranks together: every
    /// rank parses the same bytes (sent by the rank that holds the structure) and takes part in the
    /// blocked evaluation; rank 0 renders the text, as `process` does, and returns the outcome
    /// (nil on the other ranks).
    static func processTogether(number: Int, file: String, bytes: [UInt8], set: PotentialSet, input: PredictInput,
                                printer: PredictOutput, ws: EvaluationWorkspace, stressWorkspace: AtomWorkspace?,
                                comm: any Communicator) throws -> Outcome? {
        do {
            let s = try XSF.parse(String(decoding: bytes, as: UTF8.self), path: file)
            var text = printer.fileInfo(number: number, file: file, structure: s)
            guard let p = try set.evaluate(s, forces: input.forces, file: file, workspace: ws, communicator: comm) else { return nil }
            text += printer.coordinates(s, p)
            text += printer.energies(p)
            if let sws = stressWorkspace { text += printer.stress(virial: try set.virial(s, file: file, workspace: sws).virial, structure: s) }
            return Outcome(text: text, structure: s, prediction: p)
        } catch {
            return comm.isRoot ? Outcome(error: "error: \(error) — structure skipped") : nil
        }
    }

    /// Reads, evaluates (and relaxes) one structure and renders its text.
    static func process(number: Int, file: String, set: PotentialSet, input: PredictInput, printer: PredictOutput,
                        relaxedDirectory: String?, ws: EvaluationWorkspace, stressWorkspace: AtomWorkspace? = nil,
                        structure pre: Structure? = nil) -> Outcome {
        do {
            var s = try pre ?? XSF.read(path: file)
            let reference = s
            var text = printer.fileInfo(number: number, file: file, structure: s)
            var p = try set.evaluate(s, forces: input.forces, file: file, workspace: ws)
            text += printer.coordinates(s, p)
            if let options = input.relax {
                let r = try set.relax(s, initial: p, options: options, file: file, workspace: ws)
                if printer.verbosity > 0 { text += r.table }
                text += "\n" + printer.coordinates(r.structure, r.prediction, optimized: r.iterations > 0,
                                                   withForces: true, withEnergies: false)
                s = r.structure; p = r.prediction
                if let dir = relaxedDirectory {
                    let path = dir + "/" + (file as NSString).lastPathComponent
                    var relaxed = s
                    relaxed.totalEnergy = p.totalEnergy; relaxed.cohesiveEnergy = nil; relaxed.forces = p.forces
                    try AtomicFile.write(Array(XSFWriter.string(relaxed).utf8), to: path, overwrite: true)
                }
            }
            text += printer.energies(p)
            if let sws = stressWorkspace { text += printer.stress(virial: try set.virial(s, file: file, workspace: sws).virial, structure: s) }
            // Errors compare the structure as given, not the relaxed one.
            return Outcome(text: text, structure: input.relax == nil ? reference : nil, prediction: p)
        } catch {
            return Outcome(error: "error: \(error) — structure skipped")
        }
    }
}

/// Result slots written by the workers (each slot by exactly one worker) and read after the join.
final class Results: @unchecked Sendable {
    private let slots: UnsafeMutablePointer<PredictRun.Outcome>
    private let count: Int
    init(count: Int) {
        self.count = count
        slots = .allocate(capacity: count)
        slots.initialize(repeating: PredictRun.Outcome(), count: count)
    }
    deinit { slots.deinitialize(count: count); slots.deallocate() }
    subscript(k: Int) -> PredictRun.Outcome {
        get { slots[k] }
        set { slots[k] = newValue }
    }
}
