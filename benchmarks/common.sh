# Shared set-up for the benchmark scripts: the TiO2 data set and aenet's example Chebyshev setup.
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
data=${TIO2_XSF:-$here/../shared/data/tio2/xsf}
bin=${BIN:-$here/.build/release}
if [ ! -d "$data" ]; then
  echo "benchmark: TiO2 data not found at $data (set TIO2_XSF to a folder of XSF files)" >&2; exit 2
fi
# BIN=DIR uses the executables in DIR as they are (no build), e.g. a copy kept for a long run.
[ -n "${BIN:-}" ] || (cd "$here" && swift build -c release >&2)
export OPENBLAS_NUM_THREADS=1

# write_chebyshev_setups DIR: aenet's example setup (radial 8.0 Å/16, angular 6.5 Å/4, 44 features).
write_chebyshev_setups() {
  for sp in Ti O; do
    printf 'ATOM %s\nENV 2\nTi\nO\nRMIN 0.55d0\nBASIS type=Chebyshev\nradial_Rc = 8.0  radial_N = 16 angular_Rc = 6.5  angular_N = 4\n' "$sp" > "$1/$sp.stp"
  done
}

# write_generate_deck DIR OUTPUT: a generate.in over every XSF file of the data set.
write_generate_deck() {
  local n; n=$(find "$data" -name '*.xsf' | wc -l)
  { printf 'OUTPUT %s\n\nTYPES\n2\nTi -1626.66972707\nO  -433.23448532\n\nSETUPS\nTi Ti.stp\nO  O.stp\n\nFILES\n%d\n' "$2" "$n"
    find "$data" -name '*.xsf' | sort; } > "$1/generate.in"
}

# timed LABEL COMMAND...: runs the command, prints wall time, CPU time and peak memory.
timed() {
  local label=$1; shift
  /usr/bin/time -f "$label: wall %e s, user %U s, sys %S s, peak memory %M KB" "$@"
}

# MPI benchmarks (mpi-train.sh, mpi-scaling.sh). mpi_setup: the MPI executables' folder in $mpibin
# (MPIBIN=DIR, else scripts/build-mpi.sh), Open MPI allowed as root and with more ranks than cores.
mpi_setup() {
  mpibin=${MPIBIN:-$(cd "$here" && scripts/build-mpi.sh 2> /dev/null | tail -1)}
  export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
}
# mpi_train DIR RANKS: the MPI train on DIR/train.in (with TIMING), AENET_MPI_STATS=1, under
# /usr/bin/time; prints "wall-per-epoch cpu-total bytes-rank0 bytes-rank1": the mean epoch time of
# train.time (rank 0, epochs > 0), the CPU of all ranks, each rank's payload of the collectives.
mpi_train() {
  (cd "$1" && AENET_MPI_STATS=1 /usr/bin/time -f "cpu %U %S wall %e" mpirun -np "$2" "$mpibin/train" train.in > train.out 2> err)
  local per cpu b0 b1
  per=$(awk '/^epoch/ && $2 > 0 { s += $3; n++ } END { printf "%.4f", n ? s / n : 0 }' "$1/train.time")
  cpu=$(awk '/^cpu/ { printf "%.3f", $2 + $3 }' "$1/err")
  b0=$(awk '/rank 0:/ { print $6 + $9 }' "$1/err"); b1=$(awk '/rank 1:/ { print $6 + $9 }' "$1/err")
  echo "$per $cpu ${b0:-0} ${b1:-0}"
}
