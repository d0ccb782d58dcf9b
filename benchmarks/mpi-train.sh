#!/usr/bin/env bash
# MPI training on the full TiO2 set (issue 13): one epoch with 1 and 2 ranks, energy-only, CPU and
# wall time per epoch, and the bytes each rank moves per epoch for several network sizes.
#   benchmarks/mpi-train.sh [EPOCHS]        (default 5 epochs per run; needs ../shared/data/tio2)
# The set is generated first (aenet's example Chebyshev setup, 44 features). Every run starts from
# the same networks, train.rngstate and train.restart. Times: TIMING's train.time (rank 0, wall per
# epoch) and /usr/bin/time over mpirun (CPU of all ranks). Bytes: AENET_MPI_STATS=1 (payload of the
# collectives, per rank), per epoch = (run of E+1 epochs) − (run of 1 epoch), divided by E.
set -euo pipefail
source "$(dirname "$0")/common.sh"
epochs=${1:-5}
mpi_setup
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
write_chebyshev_setups "$work"; write_generate_deck "$work" tio2.train
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
(cd "$work" && timed "generate (serial)" "$bin/generate" generate.in > generate.out)

deck() {   # deck METHOD ITERATIONS NODES
  printf 'TRAININGSET tio2.train\nTESTPERCENT 10\nITERATIONS %s\nTIMING\nMETHOD\n%s\nNETWORKS\n  Ti Ti.nn 2 %s:tanh %s:tanh\n  O  O.nn  2 %s:tanh %s:tanh\n' "$2" "$1" "$3" "$3" "$3" "$3"
}
# start METHOD NODES: a folder with the normalized set and the same starting state for every run.
start() {
  local d="$work/start-${1%% *}-$2"
  if [ ! -d "$d" ]; then
    mkdir "$d"; cp "$work/tio2.train" "$d/"
    [ -f "$work/tio2.train.scaled" ] && cp "$work/tio2.train.scaled" "$d/"
    (cd "$d" && deck "$1" 0 "$2" > train.in && "$bin/train" train.in > train.out 2> /dev/null)
    [ -f "$work/tio2.train.scaled" ] || cp "$d/tio2.train.scaled" "$work/"
  fi
  echo "$d"
}
# run METHOD NODES RANKS EPOCHS: prints "wall-per-epoch cpu-total bytes-rank0 bytes-rank1"
run() {
  local s; s=$(start "$1" "$2")
  local d="$work/run-$RANDOM$RANDOM"; mkdir "$d"
  cp "$s"/tio2.train.scaled "$s"/train.rngstate "$s"/train.restart "$s"/Ti.nn "$s"/O.nn "$d/"
  deck "$1" "$4" "$2" > "$d/train.in"
  mpi_train "$d" "$3"
  rm -rf "$d"
}

echo
echo "Epoch of the full set (90 % of 7815 structures in training), 2 hidden layers of 10 tanh nodes:"
printf '%-16s %5s %14s %14s %10s\n' method ranks "wall/epoch s" "CPU/epoch s" speed-up
for m in bfgs "adam batchsize=32" "lm batchsize=256"; do
  w1=""
  for n in 1 2; do
    read -r per cpu _ _ <<< "$(run "$m" 10 $n "$epochs")"
    read -r _ cpu0 _ _ <<< "$(run "$m" 10 $n 0)"
    cpuper=$(echo "($cpu - $cpu0) / $epochs" | bc -l)
    [ -z "$w1" ] && w1=$per
    [ "${m%% *}" = bfgs ] && [ $n = 1 ] && bfgs_cpu1=$cpuper
    printf '%-16s %5d %14.3f %14.3f %10.2f\n' "${m%% *}" $n "$per" "$cpuper" "$(echo "$w1 / $per" | bc -l)"
  done
done

echo
echo "Bytes moved per epoch and rank (2 ranks; payload of the collectives; rank 0 gathers and broadcasts):"
printf '%-16s %6s %9s %16s %16s\n' method nodes weights "rank 0 B/epoch" "rank 1 B/epoch"
for m in bfgs "adam batchsize=32" "lm batchsize=256"; do
  for nodes in 5 10 20 40; do
    read -r _ _ a0 a1 <<< "$(run "$m" $nodes 2 1)"
    read -r _ _ b0 b1 <<< "$(run "$m" $nodes 2 $((epochs + 1)))"
    wts=$(( 2 * ((44 + 1) * nodes + (nodes + 1) * nodes + nodes + 1) ))
    printf '%-16s %6d %9d %16.0f %16.0f\n' "${m%% *}" $nodes $wts "$(echo "($b0 - $a0) / $epochs" | bc -l)" "$(echo "($b1 - $a1) / $epochs" | bc -l)"
    [ "${m%% *}" = bfgs ] && [ $nodes = 10 ] && bfgs_bytes=$(echo "($b1 - $a1) / $epochs" | bc -l) && bfgs_w=$wts
  done
done
echo
echo "MODEL (not a measurement): bfgs epoch for 10^6 structures on 64 ranks, from the 1-rank CPU per"
echo "structure above and the bytes a non-root rank moves per epoch (the root moves 63x that: linear"
echo "gather + broadcast); network: bandwidth 5 GB/s, latency 2 us per message hop (typical InfiniBand)."
awk -v cpu="$bfgs_cpu1" -v n0=7033 -v b="$bfgs_bytes" -v w="$bfgs_w" 'BEGIN {
  c = cpu / n0; p = 64; n = 1e6
  compute = n * c / p
  red = b / (2 * 8 * (w + 1))                      # reductions per epoch (gather + broadcast each)
  comm = (p - 1) * b / 5e9 + red * 2 * 6 * 2e-6    # root: (p-1) x bytes; log2(64) = 6 hops x 2 per reduction
  printf "  CPU per structure and epoch %.2f us; %.1f reductions per epoch of %d weights\n", 1e6 * c, red, w
  printf "  compute %.3f s + communication %.4f s = %.3f s per epoch (communication %.1f %%)\n", compute, comm, compute + comm, 100 * comm / (compute + comm)
}'
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
