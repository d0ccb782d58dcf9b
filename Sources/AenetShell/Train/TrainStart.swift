import AenetCore
import AenetTraining
import Foundation

extension TrainCommand {
    /// The start of the epoch loop, for energy and force decks alike. The identity of the `.nn`
    /// files as they are now (existing ones untouched, new ones just written); the optimizer state
    /// of train.restart when it belongs to them (every rank reads the same file: the same state
    /// everywhere); for new networks a restart file at epoch 0, written by rank 0 (a run killed
    /// before its first epoch resumes with them, and an older train.restart can never be taken
    /// for theirs). Returns the first epoch to run (after the last one of an interrupted run) and
    /// that identity.
    func startEpochs(_ trainer: Trainer, optimizer: String) throws -> (first: Int, identity: TrainRestart.Identity) {
        let comm = communicator
        var first = 1
        let identity = restartIdentity(networks: networks)
        let (state, note) = try comm.checked {
            allNetworksLoaded ? try TrainRestart.read(into: trainer, path: TrainFiles.restart, identity: identity)
                : (nil, FileManager.default.fileExists(atPath: TrainFiles.restart) ? "Note: new networks were created, so \(TrainFiles.restart) is not used." : nil)
        }
        if let note, comm.isRoot { diagnostics.note(note) }
        if !allNetworksLoaded {
            try comm.checked { if comm.isRoot { try TrainRestart.write(trainer, epoch: 0, finished: false, identity: identity, path: TrainFiles.restart) } }
        }
        if let s = state {
            if !s.finished { first = s.epoch + 1 }   // resume an interrupted run
            if comm.isRoot { diagnostics.note("Restarting the \(optimizer) optimizer from \(TrainFiles.restart)" + (s.finished ? "" : " (resuming after epoch \(s.epoch))")) }
        }
        return (first, identity)
    }
}
