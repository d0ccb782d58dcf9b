#!/usr/bin/env bash
# libaenet throughput: energy + forces of rattled rutile TiO2 cells of ~10^4 and ~10^5 atoms through
# the C interface with caller-built (LAMMPS-style) neighbour lists, in one C harness
# (libaenet/tests/bench_libaenet.c) linked once against our libaenet and once against aenet's own
# (built from aenet's source with `make -f makefiles/Makefile.XXX lib`), on one core, CPU time.
#   benchmarks/libaenet-tio2.sh [NN_DIR] [AENET_SRC]
# NN_DIR holds Ti.10t-10t.nn and O.10t-10t.nn (default ../shared/aenet-reference/tio2-chebyshev);
# AENET_SRC is aenet's source tree with src/libaenet.so and lib/liblbfgsb.a (default
# /work/aenet-fortran/src; skipped when absent). SIZES (default "10000 100000") and REPEATS_OURS /
# REPEATS_AENET (3 / 1) can be set in the environment.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
nn=$(cd "${1:-$here/../shared/aenet-reference/tio2-chebyshev}" && pwd)
aenet=${2:-/work/aenet-fortran/src}
prefix=$("$here/scripts/build-libaenet.sh" "$here/out/libaenet")
export OPENBLAS_NUM_THREADS=1
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
src=$here/libaenet/tests/bench_libaenet.c
cc -O2 -I"$prefix/include" "$src" -L"$prefix/lib" -Wl,-rpath,"$prefix/lib" -laenet -lm -o "$work/ours"
have_aenet=0
if [ -f "$aenet/src/libaenet.so" ]; then
  cc -O2 -I"$prefix/include" "$src" -L"$aenet/src" -laenet -L"$aenet/lib" -llbfgsb -lgfortran -lopenblas -lm \
     -Wl,-rpath,"$aenet/src:$aenet/lib" -o "$work/aenet" && have_aenet=1
fi
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); potentials $nn"
for n in ${SIZES:-10000 100000}; do
  echo "== ~$n atoms: ours"
  "$work/ours" "$nn/Ti.10t-10t.nn" "$nn/O.10t-10t.nn" "$n" "${REPEATS_OURS:-3}"
  if [ $have_aenet = 1 ]; then
    echo "== ~$n atoms: aenet's libaenet"
    "$work/aenet" "$nn/Ti.10t-10t.nn" "$nn/O.10t-10t.nn" "$n" "${REPEATS_AENET:-1}"
  fi
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
