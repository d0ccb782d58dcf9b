import AenetCore
import Foundation

/// What the tools do differently on MPI ranks (issue 13): only rank 0 talks on stdout, and each
/// rank of one machine gets its share of the cores.
public enum Ranks {
    /// stdout for rank 0, nothing for the others.
    public static func output(_ comm: any Communicator) -> TextOutput {
        comm.isRoot ? TextOutput() : TextOutput { _ in }
    }

    /// Worker threads of one rank: the cores divided among the ranks on this machine
    /// (Open MPI's OMPI_COMM_WORLD_LOCAL_SIZE), at least 1.
    public static func threads(_ requested: Int, _ comm: any Communicator) -> Int {
        guard comm.size > 1 else { return max(1, requested) }
        let local = ProcessInfo.processInfo.environment["OMPI_COMM_WORLD_LOCAL_SIZE"].flatMap { Int($0) } ?? comm.size
        return max(1, min(requested, RunPolicy.workerThreads / max(1, local)))
    }

    /// Ends a tool's run: a failure on another rank was reported by that rank, so this one only
    /// exits non-zero.
    public static func isQuiet(_ error: Error) -> Bool { error is RankFailed }
}
