#!/usr/bin/env bash
# Cross-validate our `train` against aenet's train.x on one reference case.
#
#   compat/run-train.sh [CASE_DIR] [RUNS]
#
# CASE_DIR (default ../shared/aenet-reference/tio2-train-1000) holds aenet's train.in, the raw
# training set, its .scaled file, train.rngstate.initial and train.out. In a scratch folder we
# copy the raw set and train.rngstate.initial → train.rngstate, run our train RUNS times (default 3,
# new random initial weights each time) and report:
#   * whether our test structures are exactly the ones aenet's train.out lists;
#   * the largest relative deviation of our .scaled file from aenet's;
#   * the final test RMSE of each run next to aenet's, and the stdout layout differences.
# If aenet's predict.x is on PATH (or in $AENET_PREDICT) it is run on our .nn files as well.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
case_dir=$(cd "${1:-$here/../shared/aenet-reference/tio2-train-1000}" && pwd)
runs=${2:-3}
bin=${BIN:-$here/.build/release}
[ -x "$bin/train" ] || (cd "$here" && swift build -c release --product train >&2 && swift build -c release --product aenet-compat >&2)
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
set_name=$(awk 'tolower($1)=="trainingset"{print $2; exit}' "$case_dir/train.in")
rmse() { awk '/^ +[0-9]+ +[-0-9.E+]+ +[-0-9.E+]+ +[-0-9.E+]+ +[-0-9.E+]+ <$/{v=$5} END{print v}' "$1"; }
testset() { awk '/Testing set/{f=1;next} f&&NF==0&&n>0{exit} f{for(i=1;i<=NF;i++){print $i;n++}}' "$1"; }
echo "aenet: final test RMSE $(rmse "$case_dir/train.out") eV/atom"
for r in $(seq 1 "$runs"); do
  work="$scratch/run$r"; mkdir -p "$work"
  cp "$case_dir/train.in" "$case_dir/$set_name" "$work"/
  cp "$case_dir/train.rngstate.initial" "$work/train.rngstate"
  (cd "$work" && "$bin/train" train.in > train.out 2> train.err)
  if [ "$r" = 1 ]; then
    if diff <(testset "$work/train.out") <(testset "$case_dir/train.out") > /dev/null; then
      echo "test split: identical ($(testset "$work/train.out" | wc -l) structures)"
    else
      echo "test split: DIFFERENT"
    fi
    echo ".scaled: $("$bin/aenet-compat" compare-trainsets "$work/$set_name.scaled" "$case_dir/$set_name.scaled" --floor 1e-6 || true)"
    strip() { grep -vE '^ +[0-9]{4}-[0-9]{2}-[0-9]{2}  [0-9:]{8} *$|^ +[0-9]+ .* <$|Final (MAE|RMSE)' "$1" || true; }
    echo "stdout lines differing from aenet's (timestamps, numbers of the epoch table aside): $(diff <(strip "$work/train.out") <(strip "$case_dir/train.out") | grep -c '^[<>]' || true)"
  fi
  echo "run $r: final test RMSE $(rmse "$work/train.out") eV/atom"
  predict=${AENET_PREDICT:-$(command -v predict.x || true)}
  if [ -n "$predict" ]; then
    # Our networks in aenet's predict.x and in ours, on five of the project's own structures.
    nets=$(awk 'f && NF>=2 && $1 !~ /^[!#%]/ {print $1, $2} tolower($1)=="networks"{f=1}' "$case_dir/train.in")
    { printf 'TYPES\n%d\n' "$(echo "$nets" | wc -l)"; echo "$nets" | awk '{print $1}'
      printf 'NETWORKS\n%s\nFILES\n5\n' "$nets"; ls "$here"/reference-inputs/structures/periodic-0[1-5].xsf; } > "$work/predict.in"
    (cd "$work" && "$predict" predict.in > predict.aenet.out && "$bin/predict" predict.in > predict.ours.out)
    energies() { grep 'Total energy' "$1" | awk '{print $4}'; }
    if diff <(energies "$work/predict.aenet.out") <(energies "$work/predict.ours.out") > /dev/null; then
      echo "run $r: aenet's predict.x loads our potentials and prints the same total energies as our predict ($(energies "$work/predict.ours.out" | wc -l) structures)"
    else
      echo "run $r: aenet's predict.x and ours DIFFER on our potentials"; paste <(energies "$work/predict.aenet.out") <(energies "$work/predict.ours.out")
    fi
  fi
done
