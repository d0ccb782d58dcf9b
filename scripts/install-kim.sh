#!/usr/bin/env bash
# Installs the aenet KIM model driver (kim/driver) into the user's KIM collection, and builds
# kim-model (the tool that turns .nn files into KIM model folders). Idempotent: re-running
# rebuilds and replaces the installed driver.
#
#   scripts/install-kim.sh
#
# Library: this project's libaenet (built here and copied to $AENET_KIM_PREFIX, default
# ~/.local/share/aenet-swift, so the installed driver keeps working when the checkout moves).
# To drive another libaenet with the same aenet.h API (e.g. aenet's own), set
# AENET_LIBRARY=/path/libaenet.so AENET_INCLUDE_DIR=/folder/of/aenet.h [AENET_EXTRA_LIBS=...]
# and AENET_KIM_DRIVER_NAME=another_name to install it next to ours.
#
# Installs lammps, libkim-api-dev and cmake with apt-get when kim-api-collections-management or
# cmake is missing. KIM_API_CONFIGURATION_FILE selects another KIM configuration (the tests use
# a private one).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

if ! command -v kim-api-collections-management > /dev/null || ! command -v cmake > /dev/null \
   || ! command -v lmp > /dev/null; then
  echo "installing lammps, libkim-api-dev and cmake with apt-get" >&2
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  for attempt in 1 2 3 4 5 6; do  # another apt-get may hold the lock
    if $sudo apt-get update -qq && $sudo apt-get install -y -qq lammps libkim-api-dev cmake > /dev/null; then
      break
    fi
    [ "$attempt" -eq 6 ] && { echo "install-kim.sh: apt-get failed" >&2; exit 1; }
    sleep 10
  done
fi

scripts/install-deps.sh
export OPENBLAS_NUM_THREADS=1
# AENET_KIM_PREBUILT=1: kim-model (and libaenet, given as AENET_LIBRARY) are already built (the
# test suite sets it after `swift test`, whose build flags differ from `swift build`'s).
[ "${AENET_KIM_PREBUILT:-0}" = 1 ] || swift build -c release --product kim-model >&2
bin=$(swift build -c release --show-bin-path)

if [ -z "${AENET_LIBRARY:-}" ]; then
  # This project's libaenet, staged as PREFIX/lib/libaenet.so + PREFIX/include/aenet.h.
  prefix=${AENET_KIM_PREFIX:-$HOME/.local/share/aenet-swift}
  scripts/build-libaenet.sh "$prefix" >&2
  export AENET_LIBRARY="$prefix/lib/libaenet.so" AENET_INCLUDE_DIR="$prefix/include"
fi
export AENET_LIBRARY AENET_INCLUDE_DIR="${AENET_INCLUDE_DIR:?set AENET_INCLUDE_DIR to the folder of aenet.h}"
driver=${AENET_KIM_DRIVER_NAME:-aenet_swift_driver}
export AENET_KIM_DRIVER_NAME=$driver

log=$(mktemp)
if ! kim-api-collections-management install --force user "$root/kim/driver" > "$log" 2>&1; then
  cat "$log" >&2; rm -f "$log"
  echo "install-kim.sh: building or installing the driver failed (output above)" >&2
  exit 1
fi
rm -f "$log"
echo "installed KIM model driver $driver (library $AENET_LIBRARY) into the user collection"
echo "make a model:  $bin/kim-model --name MY_MODEL --output MY_MODEL Ti.nn O.nn"
echo "install it:    kim-api-collections-management install user MY_MODEL"
echo "use it:        lmp: kim init MY_MODEL metal ... kim interactions Ti O"
