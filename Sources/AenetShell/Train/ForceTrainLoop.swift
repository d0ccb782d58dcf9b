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
    func loadForces() throws {
        let path = forcesPath
        guard FileManager.default.fileExists(atPath: path) else {
            throw AenetError(.missingFile, "FORCES is set but the forces file of the training set is missing; run generate with FORCES (and FORCESPERCENT) to write it", file: path)
        }
        // The derivatives are held in memory (at most the file's size once periodic images are
        // merged): refuse a file that cannot fit, before reading it.
        let bytes = Double((try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0)
        let limit = 0.8 * RunPolicy.memoryLimit
        if bytes > limit {
            throw AenetError(.resources, String(format: "the forces file takes %.3g GB and train holds its derivatives in memory, more than the %.3g GB this machine allows: run generate with a lower FORCESPERCENT", bytes / 1e9, limit / 1e9), file: path)
        }
        forceSet = try ForceSet.load(scaledPath: set.path, forcesPath: path, setups: set.setups)
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

    /// Energy MAE/RMSE (eV/atom) and force RMSE (eV/Å, √(mean over atoms of |ΔF|²)) of a set.
    func errors(_ d: TrainingData, forceStructures: [Int], _ ev: LossEvaluator, _ fe: ForceEvaluator, _ w: [Double]) -> (Errors, dE: [Double]) {
        var e = [Double](repeating: 0, count: d.structureCount)
        let sse = e.withUnsafeMutableBufferPointer { ev.loss(w, data: d, errors: $0.baseAddress!) }
        let n = Double(max(1, d.structureCount)), scale = c.set.header.scale
        var r = Errors()
        r.maeE = e.reduce(0) { $0 + abs($1) / n } / scale
        r.rmseE = (2 * sse / n).squareRoot() / scale
        if let fs = c.forceSet, !forceStructures.isEmpty {
            let f = w.withUnsafeBufferPointer { fe.sumSquaredErrors($0.baseAddress!, set: fs, structures: forceStructures) }
            r.rmseF = (f.sse / Double(max(1, f.atoms))).squareRoot() / scale
            r.forceAtoms = f.atoms
        }
        return (r, e)
    }

    func run() throws {
        let input = c.input, out = c.out, torch = input.torch!
        let ev = LossEvaluator(networks: c.networks, threads: c.threads)
        let fe = ForceEvaluator(networks: c.networks, threads: c.threads)
        // Training / test structures → their structure in the force set.
        var forceIndex: [Int: Int] = [:]
        if let fs = c.forceSet { for (k, s) in fs.setIndex.enumerated() { forceIndex[s] = k } }
        let trainForce = c.trainSetIndices.map { forceIndex[$0] ?? -1 }
        let trainForceList = trainForce.filter { $0 >= 0 }
        let testForceList = c.testSetIndices.compactMap { forceIndex[$0] }
        if c.validationData != nil {
            throw AenetError(.invalidInput, "VALIDATION is not supported with aenet-PyTorch's keywords (FORCES / method=…); remove one of them", file: input.deckPath)
        }
        let trainer = try Trainer(evaluator: ev, train: c.trainData, method: input.method, sampling: .random,
                                  l2: 0, rng: GfortranRandom(clock: Int32(truncatingIfNeeded: torch.npSeed)))
        let objective = ForceObjective(energy: ev, force: fe, alpha: torch.alpha, train: c.trainData,
                                       forceSet: c.forceSet, trainForceIndex: trainForce)
        trainer.objective = objective
        var first = 1
        let startIdentity = c.restartIdentity(networks: c.networks)
        let (state, note) = c.allNetworksLoaded ? try TrainRestart.read(into: trainer, path: TrainFiles.restart, identity: startIdentity)
            : (nil, FileManager.default.fileExists(atPath: TrainFiles.restart) ? "Note: new networks were created, so \(TrainFiles.restart) is not used." : nil)
        if let note { c.diagnostics.note(note) }
        if !c.allNetworksLoaded {
            try TrainRestart.write(trainer, epoch: 0, finished: false, identity: startIdentity, path: TrainFiles.restart)
        }
        if let s = state {
            if !s.finished { first = s.epoch + 1 }
            c.diagnostics.note("Restarting the \(torch.optimizer) optimizer from \(TrainFiles.restart)" + (s.finished ? "" : " (resuming after epoch \(s.epoch))"))
        }
        if torch.memoryMode == "gpu" { c.diagnostics.note("note: MEMORY_MODE gpu: this train runs on the CPU.") }
        out.write(Self.header(torch: torch, iterations: input.iterations, trainer: trainer, c: c,
                              trainForces: trainForceList.count, testForces: testForceList.count))
        func report(_ epoch: Int) throws {
            let (tr, _) = errors(c.trainData, forceStructures: trainForceList, ev, fe, trainer.weights)
            let (te, _) = errors(c.testData, forceStructures: testForceList, ev, fe, trainer.weights)
            let line = " " + FortranFormat.i(epoch, 6) + "  " + [tr.maeE, tr.rmseE, te.maeE, te.rmseE, tr.rmseF, te.rmseF]
                .map { FortranFormat.es($0, 13, 5) }.joined(separator: "  ") + " <\n"
            out.write(line); out.flush()
            guard tr.rmseE.isFinite, tr.rmseF.isFinite, trainer.weights.allSatisfy(\.isFinite) else {
                throw AenetError(.invalidInput, "training diverged: the errors or weights in epoch \(epoch) are NaN or infinite; nothing of this epoch was written (the .nn files are unchanged). Lower the learning rate")
            }
        }
        try report(first - 1)
        let progress = EpochProgress(total: input.iterations, first: first)
        var epoch = first
        var lastReported = first - 1
        while epoch <= input.iterations {
            _ = trainer.epoch()
            let last = epoch == input.iterations
            let stop = FileManager.default.fileExists(atPath: TrainFiles.stop)
            if epoch % torch.iterWrite == 0 || last || stop {
                try report(epoch); lastReported = epoch
                try TrainRestart.write(trainer, epoch: epoch, finished: false, identity: startIdentity, path: TrainFiles.restart)
            }
            progress.update(epoch)
            if stop { out.write(" File `STOP' detected.  Training halted.\n"); break }
            epoch += 1
        }
        if lastReported < min(epoch, input.iterations) { try report(min(epoch, input.iterations)) }
        progress.finish()
        out.write("\n Training finished.\n\n")
        let w = trainer.weights
        c.networks = ev.networks(with: w)
        let (tr, eTrain) = errors(c.trainData, forceStructures: trainForceList, ev, fe, w)
        let (te, eTest) = errors(c.testData, forceStructures: testForceList, ev, fe, w)
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
        try TrainRestart.write(trainer, epoch: min(epoch, input.iterations), finished: true,
                               identity: c.restartIdentity(networks: c.networks), path: TrainFiles.restart)
        out.write(TrainReport.closing())
        out.flush()
    }

    static func header(torch: TorchSettings, iterations: Int, trainer: Trainer, c: TrainCommand, trainForces: Int, testForces: Int) -> String {
        var s = AenetText.header("Training process") + "\n"
        s += " Weight optimization for \(iterations) epochs with \(torch.optimizer) (aenet-PyTorch's loss).\n\n"
        s += " Loss                        : (1-alpha)*RMSE_E + alpha*RMSE_F per mini-batch (normalized units)\n"
        s += " alpha                       : \(String(format: "%.4f", torch.alpha))\n"
        s += " Learning rate               : \(String(format: "%.6e", torch.learningRate))\n"
        s += " Weight decay                : \(String(format: "%.6e", torch.weightDecay))\n"
        s += " Mini-batch size             : \(torch.batchSize) (\(Trainer.batchCount(structures: trainer.structureCount, size: torch.batchSize)) batches per epoch)\n"
        s += " Structures with forces      : \(trainForces) training, \(testForces) testing\n"
        s += " Errors every                : \(torch.iterWrite) epoch(s)\n\n"
        s += "          |------ENERGY TRAIN (eV/atom)-|  |------ENERGY TEST (eV/atom)--|  |------FORCE RMSE (eV/Ang)----|\n"
        s += "  " + FortranFormat.a("epoch", 6) + "  " + ["MAE", "<RMSE>", "MAE", "<RMSE>", "train", "test"].map { FortranFormat.a($0, 13) }.joined(separator: "  ") + "\n"
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
        try AtomicFile.write(Array(text.utf8), to: name, overwrite: true)
    }

    /// forces.train / forces.test in aenet-PyTorch's layout: per structure `# atoms |ΔF|/N path`,
    /// then per atom its index, |ΔF|, F_ref and F_ANN (eV/Å).
    func saveForces(name: String, _ fs: ForceSet, _ list: [Int], _ w: [Double], _ fe: ForceEvaluator) throws {
        let scale = c.set.header.scale
        var f = [Double](repeating: 0, count: 3 * fs.atomCount)
        _ = w.withUnsafeBufferPointer { wp in f.withUnsafeMutableBufferPointer { fe.sumSquaredErrors(wp.baseAddress!, set: fs, structures: list, forcesOut: $0.baseAddress!) } }
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
        try AtomicFile.write(Array(text.utf8), to: name, overwrite: true)
    }
}
