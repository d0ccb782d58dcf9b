#include <mpi.h>
/* Open MPI's MPI_COMM_WORLD, MPI_DOUBLE, ... are macros taking the address of a global struct,
   which Swift does not import: static inline functions hand them over. */
static inline MPI_Comm     cmpi_comm_world(void) { return MPI_COMM_WORLD; }
static inline MPI_Datatype cmpi_double(void)     { return MPI_DOUBLE; }
static inline MPI_Datatype cmpi_int64(void)      { return MPI_INT64_T; }
static inline MPI_Datatype cmpi_byte(void)       { return MPI_BYTE; }
