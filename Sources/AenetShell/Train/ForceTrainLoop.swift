import AenetCore
import AenetTraining
import Foundation

extension TrainCommand {
    /// The `.forces` file of the training set (aenet-PyTorch: the training-set name with
    /// `.forces`; ours: TRAININGSET + `.forces`, as generate writes it).
    var forcesPath: String {
        let t = input.trainingSet
        if t.hasSuffix(".ascii"), !FileManager.default.fileExists(atPath: t + ".forces") { return String(t.dropLast(6)) + ".forces" }
        return t + ".forces"
    }

    /// FORCES: the structures with derivatives, checked against the training set, before any
    /// file is written.
    func loadForces(keep: ((Int) -> Bool)? = nil) throws {
        let path = forcesPath
        guard FileManager.default.fileExists(atPath: path) else {
            throw AenetError(.missingFile, "FORCES is set but the forces file of the training set is missing; run generate with FORCES (and FORCESPERCENT) to write it", file: path)
        }
        // The derivative blocks are kept in memory, or, for large files, in a mapped file next
        // to the training set (the resident memory then holds only the blocks in use).
        let placement = RunPolicy.forceBlockPlacement(forcesPath: path, setPath: set.path)
        forceSet = try ForceSet.load(scaledPath: set.path, forcesPath: path, setups: set.setups, placement: placement, keep: keep)
        if let fs = forceSet, fs.blocksAreMapped, communicator.isRoot {
            diagnostics.note(String(format: "note: the force derivatives (%.3g GB) are read from a mapped file, not held in memory", Double(fs.blockBytes) / 1e9))
        }
    }
}

extension TrainCommand {
    /// The blocks of the training, test and validation structures this process holds (global
    /// index ranges into trainSetIndices, testSetIndices, validationSetIndices).
    var blocks: (train: Range<Int>, test: Range<Int>, validation: Range<Int>) {
        (share.range, communicator.block(of: testSetIndices.count), communicator.block(of: validationSetIndices.count))
    }

    /// MPI: every process reads the force data of its own structures only (training, test and
    /// validation blocks); an error on any process stops all with one message.
    func loadForceShare() throws {
        let comm = communicator, b = blocks
        var mine = Set<Int>()
        for i in b.train { mine.insert(trainSetIndices[i]) }
        for i in b.test { mine.insert(testSetIndices[i]) }
        for i in b.validation { mine.insert(validationSetIndices[i]) }
        try comm.checked { try loadForces(keep: { mine.contains($0) }) }
        let total = comm.allreduceSum(Double(forceSet?.structureCount ?? 0))
        guard total > 0 else {
            throw AenetError(.invalidInput, "no structure of the training set has derivatives in this file; run generate with FORCES and FORCESPERCENT > 0", file: forcesPath)
        }
    }
}

/// The epoch loop for aenet-PyTorch decks (FORCES and/or `METHOD method=adam|adamw`): its loss
/// (1−α)·RMSE_E + α·RMSE_F on stratified mini-batches, energy and force errors in train.out with
/// their units, energies.train/test and forces.train/test in its layout, train.restart and STOP
/// as for energy training. Snapshots `<net>-NNNNN` are not written (thousands of epochs).
struct ForceTrainLoop {
    let c: TrainCommand

    init(command: TrainCommand) { c = command }

    struct Errors { var maeE = 0.0, rmseE = 0.0, rmseF = 0.0, forceAtoms = 0 }

    /// Energy MAE/RMSE (eV/atom) and force RMSE (eV/Å, √(mean over atoms of |ΔF|²)) of a set
    /// of `count` structures (with MPI: `d` is this process's block, the sums are reduced).
    func errors(_ d: TrainingData, count: Int, forceStructures: [Int], _ ev: LossEvaluator, _ fe: ForceEvaluator, _ w: [Double]) -> (Errors, dE: [Double]) {
        var e = [Double](repeating: 0, count: d.structureCount)
        var sse = e.withUnsafeMutableBufferPointer { ev.loss(w, data: d, errors: $0.baseAddress!) }
        let n = Double(max(1, count)), scale = c.set.header.scale
        var mae = e.reduce(0) { $0 + abs($1) / n }
        var fsse = 0.0, fatoms = 0
        if let fs = c.forceSet, !forceStructures.isEmpty {
            let f = w.withUnsafeBufferPointer { fe.sumSquaredErrors($0.baseAddress!, set: fs, structures: forceStructures) }
            fsse = f.sse; fatoms = f.atoms
        }
        let comm = c.communicator
        if comm.size > 1 {
            var sums = [mae, sse, fsse, Double(fatoms)]
            comm.allreduceSum(&sums)
            mae = sums[0]; sse = sums[1]; fsse = sums[2]; fatoms = Int(sums[3])
        }
        var r = Errors()
        r.maeE = mae / scale
        r.rmseE = (2 * sse / n).squareRoot() / scale
        if fatoms > 0 {
            r.rmseF = (fsse / Double(fatoms)).squareRoot() / scale
            r.forceAtoms = fatoms
        }
        return (r, e)
    }

    func run() throws {
        let input = c.input, out = c.out, torch = input.torch!, comm = c.communicator
        let ev = LossEvaluator(networks: c.networks, threads: c.threads)
        let fe = ForceEvaluator(networks: c.networks, threads: c.threads)
        // Training / test structures (this process's blocks) → their structure in the force set.
        var forceIndex: [Int: Int] = [:]
        if let fs = c.forceSet { for (k, s) in fs.setIndex.enumerated() { forceIndex[s] = k } }
        let blocks = c.blocks
        let trainForce = c.trainSetIndices[blocks.train].map { forceIndex[$0] ?? -1 }
        let trainForceList = trainForce.filter { $0 >= 0 }
        let testForceList = c.testSetIndices[blocks.test].compactMap { forceIndex[$0] }
        // Which training structures have forces, over all processes (for the stratified batches).
        var globalHasForces: [Bool]? = nil
        if comm.size > 1 {
            var flags = [Double](repeating: 0, count: c.share.count)
            for (i, k) in trainForce.enumerated() where k >= 0 { flags[blocks.train.lowerBound + i] = 1 }
            comm.allreduceSum(&flags)
            globalHasForces = flags.map { $0 > 0 }
        }
        let forceCounts = comm.size > 1 ? [trainForceList.count, testForceList.count].map { Int(comm.allreduceSum(Double($0))) }
            : [trainForceList.count, testForceList.count]
        func onRoot(_ body: () throws -> Void) throws { try comm.checked { if comm.isRoot { try body() } } }
        // VALIDATION: the weights with the lowest validation loss (1−α)·RMSE_E + α·RMSE_F among
        // the reported epochs (every ITERWRITE); early stopping counts epochs as for energy decks.
        let validationForceList = c.validationSetIndices[blocks.validation].compactMap { forceIndex[$0] }
        let validationForceCount = comm.size > 1 ? Int(comm.allreduceSum(Double(validationForceList.count))) : validationForceList.count
        var stopping = EarlyStopping(patience: input.validationPatience)
        let trainer = try Trainer(evaluator: ev, train: c.trainData, method: input.method, sampling: .random,
                                  l2: torch.optimizer == "bfgs" ? torch.weightDecay : 0, rng: GfortranRandom(clock: Int32(truncatingIfNeeded: torch.npSeed)), share: c.share)
        let objective = ForceObjective(energy: ev, force: fe, alpha: torch.alpha, train: c.trainData,
                                       forceSet: c.forceSet, trainForceIndex: trainForce, share: c.share, globalHasForces: globalHasForces)
        trainer.objective = objective
        let (first, startIdentity) = try c.startEpochs(trainer, optimizer: torch.optimizer)
        if torch.memoryMode == "gpu", comm.isRoot { c.diagnostics.note("note: MEMORY_MODE gpu: this train runs on the CPU.") }
        out.write(Self.header(torch: torch, iterations: input.iterations, trainer: trainer, c: c,
                              trainForces: forceCounts[0], testForces: forceCounts[1],
                              validationForces: c.validationData == nil ? nil : validationForceCount))
        func report(_ epoch: Int) throws {
            let (tr, _) = errors(c.trainData, count: c.trainSetIndices.count, forceStructures: trainForceList, ev, fe, trainer.weights)
            let (te, _) = errors(c.testData, count: c.testSetIndices.count, forceStructures: testForceList, ev, fe, trainer.weights)
            var columns = [tr.maeE, tr.rmseE, te.maeE, te.rmseE, tr.rmseF, te.rmseF]
            if let vd = c.validationData {
                let (va, _) = errors(vd, count: c.validationSetIndices.count, forceStructures: validationForceList, ev, fe, trainer.weights)
                columns += [va.rmseE, va.rmseF]
                let loss = (1 - torch.alpha) * va.rmseE + (validationForceCount == 0 ? 0 : torch.alpha * va.rmseF)
                stopping.record(epoch: epoch, rmse: loss, weights: trainer.weights)
            }
            let line = " " + FortranFormat.i(epoch, 6) + "  " + columns
                .map { FortranFormat.es($0, 13, 5) }.joined(separator: "  ") + " <\n"
            out.write(line); out.flush()
            guard tr.rmseE.isFinite, tr.rmseF.isFinite, trainer.weights.allSatisfy(\.isFinite) else {
                throw AenetError(.invalidInput, "training diverged: the errors or weights in epoch \(epoch) are NaN or infinite; nothing of this epoch was written (the .nn files are unchanged). Lower the learning rate")
            }
        }
        try report(first - 1)
        let timing = input.timing ? TimingLog() : nil
        let progress = EpochProgress(total: input.iterations, first: first, enabled: comm.isRoot && isatty(2) != 0)
        var epoch = first
        var lastReported = first - 1
        while epoch <= input.iterations {
            let t0 = Date()
            // bfgs: converged (gradient ≈ 0) or no lower point along its direction.
            let converged = trainer.epoch()
            timing?.add("epoch \(epoch)", Date().timeIntervalSince(t0))
            let last = epoch == input.iterations || converged
            // Rank 0 looks for STOP; every process follows its answer.
            let stop = comm.broadcast(value: comm.isRoot && FileManager.default.fileExists(atPath: TrainFiles.stop))
            if epoch % torch.iterWrite == 0 || last || stop {
                try report(epoch); lastReported = epoch
                try onRoot { try TrainRestart.write(trainer, epoch: epoch, finished: false, identity: startIdentity, path: TrainFiles.restart) }
            }
            progress.update(epoch)
            if stop { out.write(" File `STOP' detected.  Training halted.\n"); break }
            if converged, epoch < input.iterations { out.write(" The optimizer converged (no lower loss found).  Training stopped.\n"); break }
            if epoch == lastReported, stopping.shouldStop(after: epoch) {
                out.write(" No lower validation loss for \(input.validationPatience) epochs.  Training stopped.\n"); break
            }
            epoch += 1
        }
        if lastReported < min(epoch, input.iterations) { try report(min(epoch, input.iterations)) }
        progress.finish()
        out.write("\n Training finished.\n\n")
        let best = stopping.best
        if let b = best {
            // The final networks and files are those of the best validation epoch; train.restart
            // keeps the optimizer's last state for continuing.
            out.write(" Lowest validation loss     = \(FortranFormat.es(b.rmse, 13, 5)) ((1-alpha)*RMSE_E + alpha*RMSE_F, eV/atom and eV/Ang) in epoch \(b.epoch)\n")
            out.write(" The final networks are those of epoch \(b.epoch).\n\n")
        }
        let w = best?.weights ?? trainer.weights
        c.networks = ev.networks(with: w)
        let (tr, eTrain) = errors(c.trainData, count: c.trainSetIndices.count, forceStructures: trainForceList, ev, fe, w)
        let (te, eTest) = errors(c.testData, count: c.testSetIndices.count, forceStructures: testForceList, ev, fe, w)
        func meV(_ x: Double) -> String { FortranFormat.f(1000 * x, 10, 3) }
        func evA(_ x: Double) -> String { FortranFormat.f(x, 10, 5) }
        out.write(" Final energy RMSE  : train \(meV(tr.rmseE)) meV/atom   test \(meV(te.rmseE)) meV/atom\n")
        out.write(" Final energy MAE   : train \(meV(tr.maeE)) meV/atom   test \(meV(te.maeE)) meV/atom\n")
        if c.forceSet != nil {
            out.write(" Final force RMSE   : train \(evA(tr.rmseF)) eV/Ang    test \(evA(te.rmseF)) eV/Ang  (sqrt of the mean |F_ANN - F_ref|^2 over atoms)\n")
        }
        out.write("\n")
        if input.saveEnergies {
            try saveEnergies(name: "energies.train", c.trainData, eTrain)
            try saveEnergies(name: "energies.test", c.testData, eTest)
            out.write(" Energies of training structures : energies.train\n Energies of testing structures  : energies.test\n")
        }
        if torch.saveForces, let fs = c.forceSet {
            try saveForces(name: "forces.train", fs, trainForceList, w, fe)
            try saveForces(name: "forces.test", fs, testForceList, w, fe)
            out.write(" Forces of training structures   : forces.train\n Forces of testing structures    : forces.test\n")
        }
        if input.saveEnergies || torch.saveForces { out.write("\n") }
        try c.saveNetworks(suffix: "", verbose: true)
        try onRoot {
            try TrainRestart.write(trainer, epoch: min(epoch, input.iterations), finished: true,
                                   identity: c.restartIdentity(networks: c.networks), path: TrainFiles.restart)
            try timing?.write()
        }
        out.write(TrainReport.closing())
        out.flush()
    }

    static func header(torch: TorchSettings, iterations: Int, trainer: Trainer, c: TrainCommand, trainForces: Int, testForces: Int,
                       validationForces: Int? = nil) -> String {
        var s = AenetText.header("Training process") + "\n"
        s += " Weight optimization for \(iterations) epochs with \(torch.optimizer) (aenet-PyTorch's loss).\n\n"
        if torch.optimizer == "bfgs" {
            s += " Loss                        : (1-alpha)*RMSE_E + alpha*RMSE_F over the whole training set (normalized units)\n"
            s += " alpha                       : \(String(format: "%.4f", torch.alpha))\n"
            s += " L2 regularization           : \(String(format: "%.6e", torch.weightDecay)) (adds 0.5*lambda*|w|^2 to the loss)\n"
            s += " Epoch                       : one L-BFGS iteration over the whole training set\n"
        } else {
            s += " Loss                        : (1-alpha)*RMSE_E + alpha*RMSE_F per mini-batch (normalized units)\n"
            s += " alpha                       : \(String(format: "%.4f", torch.alpha))\n"
            s += " Learning rate               : \(String(format: "%.6e", torch.learningRate))\n"
            s += " Weight decay                : \(String(format: "%.6e", torch.weightDecay))\n"
            s += " Mini-batch size             : \(torch.batchSize) (\(Trainer.batchCount(structures: trainer.structureCount, size: torch.batchSize)) batches per epoch)\n"
        }
        s += " Structures with forces      : \(trainForces) training, \(testForces) testing\n"
        if let v = validationForces { s += " Validation structures       : \(c.validationData?.structureCount ?? 0) (\(v) with forces; final networks: lowest validation loss)\n" }
        s += " Errors every                : \(torch.iterWrite) epoch(s)\n\n"
        s += "          |------ENERGY TRAIN (eV/atom)-|  |------ENERGY TEST (eV/atom)--|  |------FORCE RMSE (eV/Ang)----|"
        s += validationForces == nil ? "\n" : "  |--VALIDATION E and F RMSE----|\n"
        s += "  " + FortranFormat.a("epoch", 6) + "  " + (["MAE", "<RMSE>", "MAE", "<RMSE>", "train", "test"] + (validationForces == nil ? [] : ["E (eV/atom)", "F (eV/Ang)"]))
            .map { FortranFormat.a($0, 13) }.joined(separator: "  ") + "\n"
        return s
    }

    /// energies.train / energies.test in aenet-PyTorch's layout: atoms, E_ref, E_ANN (eV), the
    /// same per atom, path.
    func saveEnergies(name: String, _ d: TrainingData, _ e: [Double]) throws {
        let scale = c.set.header.scale, shift = c.set.header.shift
        var text = ""
        for s in 0..<d.structureCount {
            let n = Double(d.atomCounts[s])
            let ref = d.energies[s] / scale + n * shift
            let ann = (d.energies[s] - e[s] * n) / scale + n * shift
            text += String(format: "%12d    % 12.6f  % 12.6f  % 12.6f  % 12.6f      ", d.atomCounts[s], ref, ann, ref / n, ann / n) + d.paths[s] + "\n"
        }
        try writeGathered(text, to: name)
    }

    /// forces.train / forces.test in aenet-PyTorch's layout: per structure `# atoms |ΔF|/N path`,
    /// then per atom its index, |ΔF|, F_ref and F_ANN (eV/Å).
    func saveForces(name: String, _ fs: ForceSet, _ list: [Int], _ w: [Double], _ fe: ForceEvaluator) throws {
        let scale = c.set.header.scale
        var f = [Double](repeating: 0, count: 3 * fs.atomCount)
        if !list.isEmpty {
            _ = w.withUnsafeBufferPointer { wp in f.withUnsafeMutableBufferPointer { fe.sumSquaredErrors(wp.baseAddress!, set: fs, structures: list, forcesOut: $0.baseAddress!) } }
        }
        var text = ""
        for k in list {
            let atoms = fs.atoms(of: k)
            var sum = 0.0
            for a in atoms { for q in 0..<3 { let d = (f[3 * a + q] - fs.forces[3 * a + q]) / scale; sum += d * d } }
            text += String(format: "# %12d  % 12.6f   ", atoms.count, sum.squareRoot() / Double(atoms.count)) + fs.paths[k] + "\n"
            for (i, a) in atoms.enumerated() {
                let r = (0..<3).map { fs.forces[3 * a + $0] / scale }, p = (0..<3).map { f[3 * a + $0] / scale }
                let d = zip(r, p).reduce(0) { $0 + ($1.1 - $1.0) * ($1.1 - $1.0) }.squareRoot()
                text += String(format: "%4d   % 12.6f   % 12.6f % 12.6f % 12.6f   % 12.6f % 12.6f % 12.6f \n", i, d, r[0], r[1], r[2], p[0], p[1], p[2])
            }
        }
        try writeGathered(text, to: name)
    }

    /// Writes `text` of every process, in rank order (= the serial order: blocks are contiguous),
    /// as one file from rank 0.
    func writeGathered(_ text: String, to name: String) throws {
        let comm = c.communicator
        guard comm.size > 1 else { try AtomicFile.write(Array(text.utf8), to: name, overwrite: true); return }
        let parts = comm.gather(Array(text.utf8), root: 0)
        try comm.checked { if let parts, comm.isRoot { try AtomicFile.write(parts.flatMap { $0 }, to: name, overwrite: true) } }
    }
}
