#!/usr/bin/env bash
# MPI builds of generate, train and predict (issue 13): installs Open MPI from Debian when missing
# (libopenmpi-dev for mpi.h and the `ompi-c` pkg-config module, openmpi-bin for mpirun), builds
# with AENET_MPI=1 into .build-mpi (the serial build in .build is untouched), and prints the folder
# holding the three executables as its LAST line. Run them as `mpirun -np N <folder>/train train.in`.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh >&2
if ! pkg-config --exists ompi-c 2> /dev/null || ! command -v mpirun > /dev/null 2>&1; then
  echo "build-mpi: installing Open MPI (libopenmpi-dev openmpi-bin) with apt-get" >&2
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq >&2 || true
  $sudo apt-get install -y -qq libopenmpi-dev openmpi-bin > /dev/null
fi
for product in generate train predict; do
  AENET_MPI=1 swift build -c release --build-path .build-mpi --product "$product" >&2
done
echo "$(pwd)/.build-mpi/release"
