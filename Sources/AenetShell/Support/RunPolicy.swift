import AenetTraining
import COpenBLAS
import Foundation

/// The process-wide choices of a run, made in one place: threads, BLAS threads, and what the
/// environment may switch. The numerical layers below take these as parameters.
public enum RunPolicy {
    /// Worker threads for featurization, loss evaluation and prediction: the cores (at most 8).
    public static var workerThreads: Int { max(1, min(ProcessInfo.processInfo.activeProcessorCount, 8)) }

    /// Parallelism comes from our worker threads; BLAS calls inside them stay single-threaded
    /// (two BLAS threads per worker oversubscribe the cores and run 2-3x slower).
    public static func singleThreadedBLAS() { openblas_set_num_threads(1) }

    /// Runs `body` with one BLAS thread per core: for the rare large products that scale
    /// (LM's J·Jᵀ and Cholesky solve), between which the workers are idle.
    public static func withAllBLASThreads(_ body: () -> Void) {
        openblas_set_num_threads(Int32(workerThreads))
        body()
        openblas_set_num_threads(1)
    }

    /// Bytes a single large work array set (an optimizer's matrices, a structure's derivatives)
    /// may take: the machine's memory, or the cgroup limit of a container if lower.
    public static var memoryLimit: Double {
        var limit = Double(ProcessInfo.processInfo.physicalMemory)
        for f in ["/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"] {
            if let t = try? String(contentsOfFile: f, encoding: .utf8),
               let v = Double(t.trimmingCharacters(in: .whitespacesAndNewlines)), v > 0 { limit = min(limit, v) }
        }
        return limit
    }

    /// Whether train should read a normalized training set from its mapped file instead of
    /// copying it into memory: when it takes more than half the physical memory, or as
    /// `AENET_TRAIN_STREAM=1|0` says.
    public static func streamTrainingSet(path: String) -> Bool {
        if let v = ProcessInfo.processInfo.environment["AENET_TRAIN_STREAM"] { return v == "1" }
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        return UInt64(size) > ProcessInfo.processInfo.physicalMemory / 2
    }
}

extension RunPolicy {
    /// Where train keeps the derivative blocks of a `.forces` file: in a mapped file (next to
    /// the training set, or in the working directory when that folder is not writable) when the
    /// `.forces` file takes more than 1/8 of the memory limit, or as `AENET_FORCES_MAP=1|0` says;
    /// otherwise in memory. Both give the same results, bit for bit.
    public static func forceBlockPlacement(forcesPath: String, setPath: String) -> ForceBlockPlacement {
        let mapped: Bool
        if let v = ProcessInfo.processInfo.environment["AENET_FORCES_MAP"] { mapped = v == "1" }
        else {
            let size = (try? FileManager.default.attributesOfItem(atPath: forcesPath)[.size] as? Int) ?? 0
            mapped = Double(size) > memoryLimit / 8
        }
        guard mapped else { return .memory }
        let dir = (setPath as NSString).deletingLastPathComponent
        let folder = dir.isEmpty ? "." : dir
        // AENET_FORCES_MAP_FILE=PATH (tests): write the blocks through that existing file, e.g.
        // /dev/full for a full disk.
        let file = ProcessInfo.processInfo.environment["AENET_FORCES_MAP_FILE"].flatMap { $0.isEmpty ? nil : $0 }
        return .mappedFile(directory: access(folder, W_OK) == 0 ? folder : ".", file: file)
    }
}

/// The fixed file names of train.x in the working directory.
enum TrainFiles {
    /// Optimizer state for continuing a run.
    public static let restart = "train.restart"
    /// The random-number state that fixes the test split.
    public static let rngState = "train.rngstate"
    /// Its presence ends training after the current epoch.
    public static let stop = "STOP"
}

extension RunPolicy {
    /// `AENET_LM_SYSTEM=weights` (tests): lm always solves the nw × nw normal equations, also for
    /// batches smaller than the network (which otherwise use the equal B × B system).
    static var lmWeightSpaceOnly: Bool { ProcessInfo.processInfo.environment["AENET_LM_SYSTEM"] == "weights" }
}
