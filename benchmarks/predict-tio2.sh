#!/usr/bin/env bash
# Energies (and forces) of the whole TiO2 set with two aenet potentials.
#   benchmarks/predict-tio2.sh [NN_DIR] [AENET_PREDICT_X]
# (paths are quoted in the deck: aenet cuts unquoted paths at "/").
# NN_DIR holds Ti.10t-10t.nn and O.10t-10t.nn (default: ../shared/aenet-reference/tio2-chebyshev).
set -euo pipefail
source "$(dirname "$0")/common.sh"
nn=$(cd "${1:-$here/../shared/aenet-reference/tio2-chebyshev}" && pwd)
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
n=$(find "$data" -name '*.xsf' | wc -l)
atoms=$(find "$data" -name '*.xsf' -exec awk '/PRIMCOORD/{getline; s += $1; nextfile} END{print s}' {} + | paste -sd+ | bc)
for mode in energies forces; do
  { printf "TYPES\n2\nTi\nO\n\nNETWORKS\nTi '%s/Ti.10t-10t.nn'\nO  '%s/O.10t-10t.nn'\n\n" "$nn" "$nn"
    [ $mode = forces ] && printf 'FORCES\n\n'
    printf 'FILES\n%d\n' "$n"; find "$data" -name '*.xsf' | sort; } > "$work/predict-$mode.in"
done
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); $n structures, $atoms atoms"
for mode in energies forces; do
  start=$(date +%s.%N)
  (cd "$work" && timed "ours ($mode)" "$bin/predict" "predict-$mode.in" > "predict-$mode.out")
  end=$(date +%s.%N)
  echo "ours ($mode): $(echo "$n / ($end - $start)" | bc -l | xargs printf '%.0f') structures/s, $(echo "$atoms / ($end - $start)" | bc -l | xargs printf '%.0f') atoms/s"
  if [ $# -ge 2 ]; then
    (cd "$work" && timed "aenet ($mode)" "$2" "predict-$mode.in" > "aenet-$mode.out")
  fi
done
