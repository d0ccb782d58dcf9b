#!/usr/bin/env bash
# 1 vs 2 MPI ranks for energy-only training epochs (issue 13), ours and (optionally) aenet's MPI
# train.x in the same run: wall and CPU per epoch, and the bytes each rank moves per epoch.
#
#   benchmarks/mpi-scaling.sh [SET [EPOCHS]]
#     SET     tio2       the full TiO2 set (7815 structures; needs ../shared/data/tio2 or TIO2_XSF)
#             augmented  that set augmented with `augment --factor 6 --delta 0.03` (PyITA's order):
#                        7815 parents + 46 890 children = 54 705 structures
#     EPOCHS  epochs per timed run (default 3)
#   WORK=DIR            keep the generated sets in DIR and reuse them in later runs (default: a
#                       temporary folder, removed at the end)
#   METHODS="bfgs|adam batchsize=32|lm batchsize=256"   the methods (| separated)
#   AENET_MPI_TRAIN=/path/train.x-2.0.4-gfortran_openblas_mpi   also aenet's MPI build, with the
#                       same deck and set (bfgs and lm only: aenet 2.0.4 has no adam)
#   OURS=0              only aenet's runs
#   BIN=DIR             serial executables (default: builds .build/release); the MPI ones come from
#                       scripts/build-mpi.sh (MPIBIN=DIR uses DIR instead)
#
# On a quiet 2-core machine `benchmarks/mpi-scaling.sh tio2` takes about 2 minutes and
# `WORK=/tmp/mpi-sets benchmarks/mpi-scaling.sh augmented` about 4 (generate of the augmented set
# included); with AENET_MPI_TRAIN add about 30 s per aenet epoch and run.
#
# Per epoch: ours, wall = the mean epoch time in train.time (TIMING, rank 0); CPU = (CPU of all
# ranks of an EPOCHS run − CPU of a 0-epoch run) / EPOCHS, from /usr/bin/time over mpirun.
# aenet: wall and CPU = (run of 1 + EPOCHS iterations − run of 1 iteration) / EPOCHS.
# Bytes (ours): AENET_MPI_STATS=1, payload of the collectives per rank, (EPOCHS run − 0-epoch run) /
# EPOCHS. Open MPI ranks poll while they wait, so with 2 ranks on a loaded machine the CPU time
# includes the waiting.
set -euo pipefail
source "$(dirname "$0")/common.sh"
set_name=${1:-tio2}
epochs=${2:-3}
IFS='|' read -r -a methods <<< "${METHODS:-bfgs|adam batchsize=32|lm batchsize=256}"
mpi_setup
if [ -n "${WORK:-}" ]; then work=$WORK; mkdir -p "$work"; else work=$(mktemp -d); trap 'rm -rf "$work"' EXIT; fi
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"

# The training set (reused when WORK already holds it).
case $set_name in
  tio2) name=tio2 ;;
  augmented) name=tio2-aug ;;
  *) echo "mpi-scaling: SET must be tio2 or augmented" >&2; exit 2 ;;
esac
if [ ! -f "$work/$name.train" ]; then
  write_chebyshev_setups "$work"; write_generate_deck "$work" tio2.train
  if [ "$set_name" = augmented ]; then
    rm -rf "$work/children"
    (cd "$work" && timed "augment (a = 6, delta 0.03)" "$bin/augment" generate.in --delta 0.03 --factor 6 \
       --structures children --output aug-generate.in --overwrite > /dev/null)
    sed -i "s/^OUTPUT .*/OUTPUT $name.train/" "$work/aug-generate.in"
    (cd "$work" && timed "generate (serial)" "$bin/generate" aug-generate.in > generate.out)
  else
    (cd "$work" && timed "generate (serial)" "$bin/generate" generate.in > generate.out)
  fi
fi
structures=$(awk '/^ *FILES/ { getline; print; exit }' "$work/$( [ "$set_name" = augmented ] && echo aug-generate.in || echo generate.in)")
echo "set: $name.train, $structures structures, $epochs epochs per timed run"

deck() {   # deck METHOD ITERATIONS
  printf 'TRAININGSET %s.train\nTESTPERCENT 10\nITERATIONS %s\nTIMING\nMETHOD\n%s\nNETWORKS\n  Ti Ti.nn 2 10:tanh 10:tanh\n  O  O.nn  2 10:tanh 10:tanh\n' "$name" "$2" "$1"
}
# The same starting networks, train.rngstate and train.restart for every run of a method.
start() {
  local d="$work/start-$name-${1%% *}"
  if [ ! -d "$d" ]; then
    mkdir "$d"; ln -s "$work/$name.train" "$d/"
    [ -f "$work/$name.train.scaled" ] && ln -s "$work/$name.train.scaled" "$d/"
    (cd "$d" && deck "$1" 0 > train.in && "$bin/train" train.in > train.out 2> /dev/null)
    [ -f "$work/$name.train.scaled" ] || { mv "$d/$name.train.scaled" "$work/"; ln -s "$work/$name.train.scaled" "$d/"; }
  fi
  echo "$d"
}
# ours METHOD RANKS EPOCHS: "wall-per-epoch cpu-total bytes-rank0 bytes-rank1"
ours() {
  local s; s=$(start "$1")
  local d="$work/run-$RANDOM$RANDOM"; mkdir "$d"
  ln -s "$work/$name.train.scaled" "$d/"; cp "$s"/train.rngstate "$s"/train.restart "$s"/Ti.nn "$s"/O.nn "$d/"
  deck "$1" "$3" > "$d/train.in"
  mpi_train "$d" "$2"
  rm -rf "$d"
}
# aenet METHOD RANKS ITERATIONS: "wall cpu" of the whole run (its own networks: aenet cannot read a
# restart of ours; the work per epoch does not depend on the weights)
aenet() {
  local d="$work/aenet-$RANDOM$RANDOM"; mkdir "$d"
  ln -s "$work/$name.train" "$d/"
  (cd "$d" && deck "$1" "$3" > train.in \
    && /usr/bin/time -f "cpu %U %S wall %e" mpirun -np "$2" "$AENET_MPI_TRAIN" train.in > train.out 2> err) \
    || { echo "aenet run failed: $(tail -3 "$d/err")" >&2; }
  awk '/^cpu/ { printf "%.3f %.3f\n", $5, $2 + $3 }' "$d/err"
  rm -rf "$d"
}

echo
printf '%-10s %-5s %5s %14s %14s %18s %18s\n' code method ranks "wall/epoch s" "CPU/epoch s" "rank 0 B/epoch" "rank 1 B/epoch"
for m in "${methods[@]}"; do
  [ "${OURS:-1}" = 0 ] && break
  for n in 1 2; do
    read -r per cpu a0 a1 <<< "$(ours "$m" $n "$epochs")"
    read -r _ cpu0 z0 z1 <<< "$(ours "$m" $n 0)"
    printf '%-10s %-5s %5d %14.4f %14.4f %18.0f %18.0f\n' ours "${m%% *}" $n "$per" \
      "$(echo "($cpu - $cpu0) / $epochs" | bc -l)" "$(echo "($a0 - $z0) / $epochs" | bc -l)" "$(echo "($a1 - $z1) / $epochs" | bc -l)"
  done
done
if [ -n "${AENET_MPI_TRAIN:-}" ]; then
  for m in "${methods[@]}"; do
    case ${m%% *} in bfgs|lm) ;; *) continue ;; esac
    for n in 1 2; do
      read -r w1 c1 <<< "$(aenet "$m" $n 1)"
      read -r w2 c2 <<< "$(aenet "$m" $n $((1 + epochs)))"
      printf '%-10s %-5s %5d %14.4f %14.4f %18s %18s\n' aenet-mpi "${m%% *}" $n \
        "$(echo "($w2 - $w1) / $epochs" | bc -l)" "$(echo "($c2 - $c1) / $epochs" | bc -l)" - -
    done
  done
fi
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
