#!/usr/bin/env bash
# Energies (and forces) of the whole TiO2 set with two aenet potentials.
#   benchmarks/predict-tio2.sh [NN_DIR] [AENET_PREDICT_X]
# (paths are quoted in the deck: aenet cuts unquoted paths at "/").
# NN_DIR holds Ti.10t-10t.nn and O.10t-10t.nn (default: ../shared/aenet-reference/tio2-chebyshev).
# REPEAT (default 3): runs of ours per mode (medians printed); aenet runs once per mode.
# STRIDE (default 1): every STRIDE-th structure in name order (e.g. 10 for a quick 782-structure run).
set -euo pipefail
source "$(dirname "$0")/common.sh"
source "$(dirname "$0")/measure.sh"
nn=$(cd "${1:-$here/../shared/aenet-reference/tio2-chebyshev}" && pwd)
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
find "$data" -name '*.xsf' | sort | awk -v s="${STRIDE:-1}" '(NR - 1) % s == 0' > "$work/files"
n=$(wc -l < "$work/files")
atoms=$(while read -r f; do awk '/PRIMCOORD/{getline; print $1; exit}' "$f"; done < "$work/files" | paste -sd+ | bc)
for mode in energies forces; do
  { printf "TYPES\n2\nTi\nO\n\nNETWORKS\nTi '%s/Ti.10t-10t.nn'\nO  '%s/O.10t-10t.nn'\n\n" "$nn" "$nn"
    [ $mode = forces ] && printf 'FORCES\n\n'
    printf 'FILES\n%d\n' "$n"; cat "$work/files"; } > "$work/predict-$mode.in"
done
machine_line
echo "$n structures, $atoms atoms; ours: $bin/predict (CPU = user + sys of all threads)"
cd "$work"
for mode in energies forces; do
  MEASURE_OUT="predict-$mode.out" measure "ours ($mode)" "${REPEAT:-3}" "$bin/predict" "predict-$mode.in"
  ours=$MED_CPU
  printf 'ours (%s): %.0f atoms/s (cpu)\n' "$mode" "$(echo "$atoms / $ours" | bc -l)"
  if [ $# -ge 2 ]; then
    MEASURE_OUT="aenet-$mode.out" measure "aenet ($mode)" 1 "$2" "predict-$mode.in"
    printf 'aenet (%s): %.0f atoms/s (cpu); ours faster by %.1fx (cpu); load now %s\n' "$mode" \
      "$(echo "$atoms / $MED_CPU" | bc -l)" "$(echo "$MED_CPU / $ours" | bc -l)" "$(cut -d' ' -f1 /proc/loadavg)"
  fi
done
