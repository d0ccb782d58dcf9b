#!/usr/bin/env bash
# Featurize TiO2 structures with the 70-function Behler2011 setup of the tio2-behler reference case
# (16 G2 + 54 G4 per species, Rc = 6.5 Å), ours next to aenet's generate.x and DScribe's ACSF
# (the same functions plus DScribe's two G1), one thread each.
#   benchmarks/generate-behler.sh [AENET_GENERATE_X]
# STRUCTURES (default 500, the first in name order), REPEAT (default 3), SETUP_DIR (default
# ../shared/aenet-reference/tio2-behler: Ti.stp, O.stp), PYTHON (default python3; DScribe is run
# when it imports: pip install dscribe ase).
set -euo pipefail
source "$(dirname "$0")/common.sh"
source "$(dirname "$0")/measure.sh"
setup=$(cd "${SETUP_DIR:-$here/../shared/aenet-reference/tio2-behler}" && pwd)
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
cp "$setup/Ti.stp" "$setup/O.stp" "$work/"
find "$data" -name '*.xsf' | sort | sed -n "1,${STRUCTURES:-500}p" > "$work/files"
n=$(wc -l < "$work/files")
atoms=$(while read -r f; do awk '/PRIMCOORD/{getline; print $1; exit}' "$f"; done < "$work/files" | paste -sd+ | bc)
{ printf 'OUTPUT behler.train\n\nTYPES\n2\nTi -1626.66972707\nO  -433.23448532\n\nSETUPS\nTi Ti.stp\nO  O.stp\n\nFILES\n%d\n' "$n"
  cat "$work/files"; } > "$work/generate.in"
machine_line
echo "$n structures, $atoms atoms, $(grep -c '^ *G=' "$work/Ti.stp") functions per species"
cd "$work"
# generate refuses to overwrite its output: remove it before each run.
printf '#!/bin/sh\nrm -f behler.train\nexec "$@" generate.in\n' > fresh.sh; chmod +x fresh.sh
measure "ours (1 thread)" "${REPEAT:-3}" ./fresh.sh "$bin/generate" --threads 1
ours=$MED_CPU
printf 'ours: %.0f atoms/s (cpu)\n' "$(echo "$atoms / $ours" | bc -l)"
measure "ours (2 threads)" "${REPEAT:-3}" ./fresh.sh "$bin/generate"
if [ $# -ge 1 ]; then
  measure "aenet generate.x" 1 ./fresh.sh "$1"
  printf 'aenet: %.0f atoms/s (cpu), ours/aenet %.1fx (cpu)\n' "$(echo "$atoms / $MED_CPU" | bc -l)" "$(echo "$MED_CPU / $ours" | bc -l)"
fi
py=${PYTHON:-python3}
if "$py" -c 'import dscribe, ase' 2>/dev/null; then
  for _ in $(seq "${REPEAT:-3}"); do "$py" "$here/benchmarks/dscribe-acsf.py" "$work" files; done | tee dscribe.txt
  d=$(sed -E 's/.*cpu ([0-9.]+) s.*/\1/' dscribe.txt | sort -n | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}')
  printf 'dscribe: median cpu %.3f s, %.0f atoms/s; ours/dscribe %.1fx (cpu; ours includes reading and writing files)\n' \
    "$d" "$(echo "$atoms / $d" | bc -l)" "$(echo "$d / $ours" | bc -l)"
else
  echo "dscribe: not installed for $py (pip install dscribe ase), skipped"
fi
