#!/usr/bin/env bash
# Featurize the whole TiO2 set (7815 structures) with aenet's example Chebyshev setup.
#   benchmarks/generate-tio2.sh [AENET_GENERATE_X]
# With an aenet executable as argument it is timed on the same deck too.
set -euo pipefail
source "$(dirname "$0")/common.sh"
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
write_chebyshev_setups "$work"; write_generate_deck "$work" tio2.train
n=$(grep -c '\.xsf$' "$work/generate.in")
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
start=$(date +%s.%N)
(cd "$work" && timed "ours" "$bin/generate" generate.in > generate.out)
end=$(date +%s.%N)
echo "ours: $n structures, $(echo "$n / ($end - $start)" | bc -l | xargs printf '%.0f') structures/s, $(du -h "$work/tio2.train" | cut -f1) training set"
if [ $# -ge 1 ]; then
  mkdir "$work/aenet"; cp "$work"/*.stp "$work/generate.in" "$work/aenet/"
  (cd "$work/aenet" && timed "aenet" "$1" generate.in > generate.out)
fi
