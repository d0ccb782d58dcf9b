#!/usr/bin/env bash
# Featurize the whole TiO2 set (7815 structures) with aenet's example Chebyshev setup.
#   benchmarks/generate-tio2.sh [AENET_GENERATE_X]
# With an aenet executable as argument it is timed on the same deck too (once).
# REPEAT (default 3): runs of ours (medians printed). STRIDE (default 1): every STRIDE-th structure.
set -euo pipefail
source "$(dirname "$0")/common.sh"
source "$(dirname "$0")/measure.sh"
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
write_chebyshev_setups "$work"; write_generate_deck "$work" tio2.train
if [ "${STRIDE:-1}" != 1 ]; then
  find "$data" -name '*.xsf' | sort | awk -v s="$STRIDE" '(NR - 1) % s == 0' > "$work/files"
  { sed '/^FILES/,$d' "$work/generate.in"; printf 'FILES\n%d\n' "$(wc -l < "$work/files")"; cat "$work/files"; } > "$work/g.in"
  mv "$work/g.in" "$work/generate.in"
fi
n=$(grep -c '\.xsf$' "$work/generate.in")
atoms=$(grep '\.xsf$' "$work/generate.in" | while read -r f; do awk '/PRIMCOORD/{getline; print $1; exit}' "$f"; done | paste -sd+ | bc)
machine_line
echo "$n structures, $atoms atoms; ours: $bin/generate (CPU = user + sys of all threads)"
cd "$work"
# generate refuses to overwrite its output: remove it before each run.
printf '#!/bin/sh\nrm -f tio2.train\nexec "$@" generate.in\n' > fresh.sh; chmod +x fresh.sh
measure "ours" "${REPEAT:-3}" ./fresh.sh "$bin/generate"
ours=$MED_CPU
echo "ours: $(printf '%.0f' "$(echo "$atoms / $ours" | bc -l)") atoms/s (cpu), $(du -h tio2.train | cut -f1) training set"
if [ $# -ge 1 ]; then
  mkdir aenet; cp ./*.stp generate.in fresh.sh aenet/
  (cd aenet && measure "aenet" 1 ./fresh.sh "$1"
   printf 'aenet: %.0f atoms/s (cpu); ours faster by %.1fx (cpu); load now %s\n' "$(echo "$atoms / $MED_CPU" | bc -l)" \
     "$(echo "$MED_CPU / $ours" | bc -l)" "$(cut -d' ' -f1 /proc/loadavg)")
fi
