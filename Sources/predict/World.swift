import AenetCore
#if AENET_MPI
import AenetMPI
#endif

/// The processes of this run: MPI_COMM_WORLD in an MPI build (scripts/build-mpi.sh), else one.
/// Started on first use, after the command line was parsed.
nonisolated(unsafe) let world: any Communicator = {
    #if AENET_MPI
    return MPICommunicator.start()
    #else
    return SerialCommunicator()
    #endif
}()
