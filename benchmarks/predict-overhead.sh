#!/usr/bin/env bash
# Per-invocation cost of predict on one small structure (workflow tools call predict once per
# Monte-Carlo step), with forces, and of `predict --version` (process start alone).
#   benchmarks/predict-overhead.sh [NN_DIR] [AENET_PREDICT_X]
# RUNS invocations each (default 21); medians of wall and CPU time (rusage, µs resolution).
set -euo pipefail
source "$(dirname "$0")/common.sh"
source "$(dirname "$0")/measure.sh"
nn=$(cd "${1:-$here/../shared/aenet-reference/tio2-chebyshev}" && pwd)
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
file=$(find "$data" -name '*.xsf' | sort | sed -n 1p)
cp "$file" "$work/one.xsf"
printf "TYPES\n2\nTi\nO\n\nNETWORKS\nTi '%s/Ti.10t-10t.nn'\nO  '%s/O.10t-10t.nn'\n\nFORCES\n\nFILES\n1\none.xsf\n" "$nn" "$nn" > "$work/predict.in"
machine_line
echo "structure: $(basename "$file"), $(awk '/PRIMCOORD/{getline; print $1; exit}' "$file") atoms"
cd "$work"
per_run() { local label=$1; shift; echo "$label: $(python3 "$here/benchmarks/cpu-per-run.py" "${RUNS:-21}" "$@")"; }
per_run "ours, predict --version" "$bin/predict" --version
per_run "ours, predict one structure" "$bin/predict" predict.in
if [ $# -ge 2 ]; then
  per_run "aenet, predict.x one structure" "$2" predict.in
fi
