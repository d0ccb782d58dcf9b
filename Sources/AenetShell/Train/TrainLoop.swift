import AenetCore
import AenetTraining
import AenetAugment
import Foundation

/// The epoch loop of train.x and what follows it: table, snapshots, restart file, STOP file,
/// energies files, final networks (aenet train.f90, aenet train.f90, aenet train.f90, aenet train.f90, save_all_energies).
struct TrainLoop {
    let c: TrainCommand

    init(command: TrainCommand) { c = command }

    /// (MAE, RMSE) in eV/atom and the per-structure errors of a data set at the current weights.
    /// With several ranks `d` is this rank's part: the sums are over all ranks, `dE` stays local.
    func errors(_ d: TrainingData, _ ev: LossEvaluator, _ w: [Double], known: [Double]? = nil) -> (mae: Double, rmse: Double, dE: [Double]) {
        var e = known ?? [Double](repeating: 0, count: d.structureCount)
        var sse = known.map { $0.reduce(0) { $0 + 0.5 * $1 * $1 } }
            ?? e.withUnsafeMutableBufferPointer { ev.loss(w, data: d, errors: $0.baseAddress!) }
        let comm = c.communicator
        var count = Double(d.structureCount)
        if comm.size > 1 {
            var sums = [sse, count, e.reduce(0) { $0 + abs($1) }]
            comm.allreduceSum(&sums)
            sse = sums[0]; count = sums[1]
            let n = count, scale = c.set.header.scale
            return (sums[2] / n / scale, (2 * sse / n).squareRoot() / scale, e)
        }
        let n = count, scale = c.set.header.scale
        return (e.reduce(0) { $0 + abs($1) / n } / scale, (2 * sse / n).squareRoot() / scale, e)
    }

    /// This rank's errors of the training structures placed in the whole training set's array
    /// (summed over ranks: the array is the same on every rank).
    func globalTrainErrors(_ local: [Double]) -> [Double] {
        guard c.communicator.size > 1 else { return local }
        var all = [Double](repeating: 0, count: c.share.count)
        for (k, x) in local.enumerated() { all[c.share.range.lowerBound + k] = x }
        c.communicator.allreduceSum(&all)
        return all
    }

    /// Rank 0 does `body` (writing files); every rank learns whether it worked.
    func onRoot(_ body: () throws -> Void) throws {
        let comm = c.communicator
        try comm.checked { if comm.isRoot { try body() } }
    }

    func run() throws {
        let input = c.input, out = c.out
        let ev = LossEvaluator(networks: c.networks, threads: c.threads)
        let comm = c.communicator
        let trainer = try Trainer(evaluator: ev, train: c.trainData, method: input.method, sampling: input.sampling,
                                  l2: input.l2, rng: GfortranRandom(clock: comm.broadcast(value: Int32(truncatingIfNeeded: time(nil) &+ 17))),
                                  memoryLimit: RunPolicy.memoryLimit, share: c.share)
        if let fixed = input.method.type.fixedSampling, input.samplingGiven, input.sampling != fixed {
            c.diagnostics.warning("Sampling type set to '\(fixed.rawValue)' for \(input.method.token.uppercased()).")
        }
        (trainer.method as? LMMethod)?.wideBLAS = RunPolicy.withAllBLASThreads
        (trainer.method as? LMMethod)?.weightSpaceOnly = RunPolicy.lmWeightSpaceOnly
        let (first, startIdentity) = try c.startEpochs(trainer, optimizer: input.method.token)
        out.write(TrainReport.processHeader(iterations: input.iterations, method: trainer.method, sampling: trainer.sampling.rawValue,
                                            validation: c.validationData != nil))
        // VALIDATION: the weights with the lowest validation RMSE so far (ties keep the earlier epoch).
        var stopping = EarlyStopping(patience: input.validationPatience)
        func report(_ epoch: Int) throws {
            // bfgs evaluated the training set at exactly these weights in its last step: reuse it.
            let known = trainer.lastErrorsWeights == trainer.weights ? trainer.lastErrors : nil
            let tr = errors(c.trainData, ev, trainer.weights, known: known), te = errors(c.testData, ev, trainer.weights)
            // Only `weighted` sampling needs every structure's error on every rank.
            if comm.size == 1 || trainer.sampling == .weighted { trainer.trainErrors = globalTrainErrors(tr.dE) }
            var columns = [tr.mae, tr.rmse, te.mae, te.rmse]
            guard tr.rmse.isFinite, trainer.weights.allSatisfy(\.isFinite) else {
                out.write(TrainReport.epochLine(epoch, columns)); out.flush()
                let kept = epoch == first - 1 ? "nothing was written" : "nothing of this epoch was written: the .nn files are unchanged, the last snapshots and \(TrainFiles.restart) are those of epoch \(epoch - 1)"
                throw AenetError(.invalidInput, "training diverged: the \(tr.rmse.isFinite ? "weights" : "training error") in epoch \(epoch) \(tr.rmse.isFinite ? "are" : "is") NaN or infinite; \(kept). Lower the learning rate or step size, or check the training set for extreme energies")
            }
            if let vd = c.validationData {
                let va = errors(vd, ev, trainer.weights)
                columns += [va.mae, va.rmse]
                stopping.record(epoch: epoch, rmse: va.rmse, weights: trainer.weights)
            }
            out.write(TrainReport.epochLine(epoch, columns))
            out.flush()
        }
        try report(first - 1)
        let timing = input.timing ? TimingLog() : nil
        let progress = EpochProgress(total: input.iterations, first: first, enabled: comm.isRoot && isatty(2) != 0)
        var converged = false
        var epoch = first
        while epoch <= input.iterations {
            if converged { out.write(" The optimization has converged. Training stopped.\n\n"); break }
            let t0 = Date()
            converged = trainer.epoch()
            try report(epoch)
            c.networks = ev.networks(with: trainer.weights)
            try onRoot {
                try c.saveNetworks(suffix: "-" + String(format: "%05d", epoch), verbose: false)
                try TrainRestart.write(trainer, epoch: epoch, finished: false, identity: startIdentity, path: TrainFiles.restart)
            }
            timing?.add("epoch \(epoch)", Date().timeIntervalSince(t0))
            progress.update(epoch)
            // Rank 0 looks for STOP; every rank follows its answer.
            if comm.broadcast(value: comm.isRoot && FileManager.default.fileExists(atPath: TrainFiles.stop)) {
                out.write(" File `STOP' detected.  Training halted.\n"); break
            }
            if stopping.shouldStop(after: epoch) {
                out.write(" No lower validation RMSE for \(input.validationPatience) epochs.  Training stopped.\n"); break
            }
            epoch += 1
        }
        progress.finish()
        out.write("\n Training finished.\n\n")
        let best = stopping.best
        if let b = best {
            // The final networks (and energies files) are those of the best validation epoch; the
            // restart file keeps the optimizer's last state (and its weights) for continuing.
            out.write(" Lowest validation RMSE     = \(FortranFormat.f(1000 * b.rmse, 8, 1)) meV/atom in epoch \(b.epoch)\n")
            out.write(" The final networks are those of epoch \(b.epoch) (snapshot <net>-\(String(format: "%05d", b.epoch))).\n\n")
        }
        c.networks = ev.networks(with: best?.weights ?? trainer.weights)
        if input.saveEnergies { try saveEnergies(ev, best?.weights ?? trainer.weights) }
        try onRoot {
            try c.saveNetworks(suffix: "", verbose: true)
            try TrainRestart.write(trainer, epoch: min(epoch, input.iterations), finished: true,
                                   identity: c.restartIdentity(networks: c.networks), path: TrainFiles.restart)
            if input.debug { _ = FileManager.default.createFile(atPath: "train.debug0", contents: Data()) }
            try timing?.write()
        }
        out.write(TrainReport.closing())
        out.flush()
    }

    /// energies.train.0 / energies.test.0 and the final error summary (save_all_energies).
    func saveEnergies(_ ev: LossEvaluator, _ w: [Double]) throws {
        let out = c.out, scale = c.set.header.scale, shift = c.set.header.shift
        out.write(AenetText.header("Storing final energies") + "\n")
        out.write(" Energies of training structures : energies.train.PROCESS\n Energies of testing structures  : energies.test.PROCESS\n")
        out.write(" (Manually concatenate the files from different processes.)\n\n")
        var summary: [(Double, Double)] = []
        for (name, d) in [("energies.train.0", c.trainData!), ("energies.test.0", c.testData!)] {
            let (mae, rmse, e) = errors(d, ev, w)
            summary.append((mae, rmse))
            var text = c.communicator.isRoot ? TrainReport.energiesHeader(species: c.species) + "\n" : ""
            for s in 0..<d.structureCount {
                let n = Double(d.atomCounts[s])
                let ref = d.energies[s] / scale + n * shift
                let ann = (d.energies[s] - e[s] * n) / scale + n * shift
                text += TrainReport.energiesLine(ref: ref, ann: ann, atoms: d.atomCounts[s], error: e[s], scale: scale,
                                                 speciesCounts: (0..<d.speciesCount).map { d.atoms(ofSpecies: $0, in: s) }, path: d.paths[s])
            }
            // Each rank's structures are a contiguous block: rank order is the serial order.
            let parts = c.communicator.gather(Array(text.utf8), root: 0)
            try onRoot { try AtomicFile.write(parts!.flatMap { $0 }, to: name, overwrite: true) }
        }
        func meV(_ x: Double) -> String { FortranFormat.f(1000 * x, 8, 1) }
        out.write(" Final MAE of training set  = \(meV(summary[0].0)) meV/atom\n Final MAE of testing set   = \(meV(summary[1].0)) meV/atom\n\n")
        out.write(" Final RMSE of training set = \(meV(summary[0].1)) meV/atom\n Final RMSE of testing set  = \(meV(summary[1].1)) meV/atom\n\n")
    }
}

/// Epoch time and ETA on stderr when it is a terminal (stdout stays aenet's).
final class EpochProgress {
    let total: Int, first: Int, start = Date(), enabled: Bool
    init(total: Int, first: Int, enabled: Bool = isatty(2) != 0) { self.total = total; self.first = first; self.enabled = enabled }
    func update(_ epoch: Int) {
        guard enabled else { return }
        let per = Date().timeIntervalSince(start) / Double(epoch - first + 1)
        let line = String(format: "\repoch %d/%d  %.3f s/epoch  ETA %.0f s   ", epoch, total, per, per * Double(total - epoch))
        FileHandle.standardError.write(Data(line.utf8))
    }
    func finish() { if enabled { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) } }
}

/// TIMING: a free-form `train.time` log, as aenet's is free-form too.
final class TimingLog {
    var lines: [String] = []
    func add(_ what: String, _ seconds: Double) { lines.append(String(format: "%-30@ %12.6f s", what as NSString, seconds)) }
    func write() throws { try AtomicFile.write(Array((lines.joined(separator: "\n") + "\n").utf8), to: "train.time", overwrite: true) }
}
