#!/usr/bin/env bash
# Recipe for a low test RMSE on the full TiO2 set (7815 structures, aenet's example Chebyshev
# setup, MAXENERGY 1.0 eV, 10 % test), see compat/BENCHMARK-train.md:
#   K members (default 4): 20-20 tanh networks, full-batch Levenberg–Marquardt, early stopping on a
#   10 % validation part of the training structures (VALIDATION 10 patience=20, at most 60 epochs), each from its own
#   random initial weights; then `train --average` folds the members of each species into ONE
#   network (hidden layers 20K-20K tanh, block-diagonal: the mean of the members' energies),
#   stored as Ti.nn / O.nn in aenet's format; a final `train` run with ITERATIONS 0 reports the
#   train/test MAE and RMSE of those networks with aenet's definitions.
#   benchmarks/train-recipe-tio2.sh [WORKDIR [RNGSTATE [K]]]
# WORKDIR (default: a new temporary folder) receives everything; RNGSTATE (default: the reference
# train.rngstate.initial of ../shared/aenet-reference/tio2-train-1000) fixes the test and
# validation split. Featurization is timed separately; the printed wall time is training only.
set -euo pipefail
source "$(dirname "$0")/common.sh"
work=${1:-$(mktemp -d)}; mkdir -p "$work"; work=$(cd "$work" && pwd)
rng=${2:-$here/../shared/aenet-reference/tio2-train-1000/train.rngstate.initial}
K=${3:-4}
[ -f "$rng" ] || { echo "benchmark: $rng not found (pass a train.rngstate as 2nd argument)" >&2; exit 2; }
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); work folder $work; $K members"
if [ ! -f "$work/tio2-full.train" ]; then
  write_chebyshev_setups "$work"; write_generate_deck "$work" tio2-full.train
  (cd "$work" && timed "featurize (generate)" "$bin/generate" generate.in > generate.out)
fi
# deck NETWORK-WIDTH ITERATIONS EXTRA-LINES
deck() {
  printf 'TRAININGSET ../tio2-full.train\nTESTPERCENT 10\nITERATIONS  %s\nMAXENERGY   1.0\nSAVE_ENERGIES\n%b\nMETHOD\nlm batchsize=10000 learnrate=0.1 adjust=10\n\nNETWORKS\n  Ti  Ti.nn  2  %s:tanh %s:tanh\n  O   O.nn   2  %s:tanh %s:tanh\n' "$2" "$3" "$1" "$1" "$1" "$1"
}
rm -rf "$work/tio2-full.train.scaled" "$work"/member-* "$work/final"
# train sets its own thread counts (LM's BLAS products use all cores); nice: the machine is shared.
unset OPENBLAS_NUM_THREADS
start=$(date +%s.%N)
for k in $(seq 1 "$K"); do
  m="$work/member-$k"; mkdir -p "$m"; cp "$rng" "$m/train.rngstate"
  deck 20 60 'VALIDATION  10  patience=20' > "$m/train.in"
  (cd "$m" && nice -n 10 "$bin/train" train.in > train.out)
  echo "member $k: $(grep -E 'Lowest validation' "$m/train.out" | sed 's/^ *//'); test RMSE $(grep 'Final RMSE of testing' "$m/train.out" | awk '{print $(NF-1)}') meV/atom"
done
mkdir -p "$work/final"; cp "$rng" "$work/final/train.rngstate"
for sp in Ti O; do "$bin/train" --average "$work/final/$sp.nn" "$work"/member-*/"$sp.nn"; done
end=$(date +%s.%N)
deck $((20 * K)) 0 '' > "$work/final/train.in"
(cd "$work/final" && "$bin/train" train.in > train.out)
echo "final networks $work/final/Ti.nn, O.nn ($((20 * K))-$((20 * K)) tanh):"
grep -E "Final (MAE|RMSE)" "$work/final/train.out"
printf 'train wall time (members + averaging): %.1f min\n' "$(echo "($end - $start) / 60" | bc -l)"
