import AenetCore
#if AENET_MPI
import AenetMPI
#endif

/// The processes of this run: MPI_COMM_WORLD in an MPI build (scripts/build-mpi.sh, which makes
/// Package.swift define AENET_MPI for this target only), else one. Started on first use, after the
/// command line was parsed. The one home of the choice for generate, train and predict.
nonisolated(unsafe) public let world: any Communicator = {
    #if AENET_MPI
    return MPICommunicator.start()
    #else
    return SerialCommunicator()
    #endif
}()
