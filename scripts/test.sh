#!/usr/bin/env bash
# The test suite (unit tests, self-made reference inputs, and the aenet cross-validation tests,
# which skip with a message when ../shared is absent). Release build: the numerical tests are
# 10-100x slower in debug.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
export OPENBLAS_NUM_THREADS=1
# libaenet (aenet's C interface) for the C-API tests (LibAenetTests) and the Python package.
scripts/build-libaenet.sh out/libaenet > /dev/null
swift test -c release "$@"
# The Python package (ASE calculator) against the same library.
scripts/test-python.sh
# The KIM model driver with stock LAMMPS (and ASE via kimpy): installs lammps, libkim-api-dev,
# cmake (apt-get) and kimpy (pip) when missing; KIM_TESTS=0 skips it.
KIM_TESTS_PREBUILT=1 scripts/test-kim.sh
# MPI builds of generate/train/predict against the serial tools (mpirun -np 2 and 3; installs Open MPI
# when missing; MPI_TESTS=0 skips it).
scripts/test-mpi.sh
