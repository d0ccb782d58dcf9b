#!/usr/bin/env bash
# predict with forces on one rutile TiO2 supercell of 10^3 … 10^6 atoms (time linear in N, memory).
#   benchmarks/predict-scaling.sh [NN_DIR] [AENET_PREDICT_X]
# NN_DIR holds Ti.10t-10t.nn and O.10t-10t.nn (default ../shared/aenet-reference/tio2-chebyshev).
# SIZES (default "1000 10000 100000 1000000"), REPEAT (default 3; 1 for N ≥ 10^6), AENET_MAX
# (largest N given to aenet, default 10000). Also times 300 small structures of the TiO2 set with
# the same potentials for the per-atom rate of small structures.
set -euo pipefail
source "$(dirname "$0")/common.sh"
source "$(dirname "$0")/measure.sh"
nn=$(cd "${1:-$here/../shared/aenet-reference/tio2-chebyshev}" && pwd)
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
deck() {   # deck FILE... > predict.in
  printf "TYPES\n2\nTi\nO\n\nNETWORKS\nTi '%s/Ti.10t-10t.nn'\nO  '%s/O.10t-10t.nn'\n\nFORCES\n\nFILES\n%d\n" "$nn" "$nn" $#
  printf '%s\n' "$@"
}
machine_line
small=$(find "$data" -name '*.xsf' | sort | sed -n 1,300p)
# shellcheck disable=SC2086
deck $small > "$work/small.in"
atoms=$(for f in $small; do awk '/PRIMCOORD/{getline; print $1; exit}' "$f"; done | paste -sd+ | bc)
measure "ours, 300 small structures ($atoms atoms)" "${REPEAT:-3}" "$bin/predict" "$work/small.in"
printf 'ours, small structures: %.0f atoms/s per CPU second\n' "$(echo "$atoms / $MED_CPU" | bc -l)"
echo "     N   wall (s)   cpu (s)   memory (MB)   atoms/s (cpu)   atoms/s (wall)"
for size in ${SIZES:-1000 10000 100000 1000000}; do
  n=$(python3 "$here/benchmarks/make-supercell.py" "$size" "$work/sc.xsf")
  deck "$work/sc.xsf" > "$work/sc.in"
  r=${REPEAT:-3}; [ "$n" -ge 1000000 ] && r=1
  measure "ours, $n atoms" "$r" "$bin/predict" "$work/sc.in" > "$work/line"
  printf '%7d %9.2f %9.2f %12d %15.0f %16.0f\n' "$n" "$MED_WALL" "$MED_CPU" $((MAX_MEM / 1024)) \
    "$(echo "$n / $MED_CPU" | bc -l)" "$(echo "$n / $MED_WALL" | bc -l)"
  if [ $# -ge 2 ] && [ "$n" -le "${AENET_MAX:-10000}" ]; then
    (cd "$work" && measure "aenet, $n atoms" 1 "$2" sc.in)
  fi
done
