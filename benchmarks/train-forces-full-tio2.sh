#!/usr/bin/env bash
# Force training on the full TiO2 set (issue 12: test force MAE ≤ 0.20 eV/Å with test energy
# RMSE ≤ 4 meV/atom within 3600 CPU s of generate + train), against the energy-only baseline:
#   benchmarks/train-forces-full-tio2.sh [WORKDIR]
# Runs rows a (energy only, LM) and c (forces on FORCESPERCENT % of the training structures,
# default 10: 300 epochs AdamW, alpha 0.1, lr 0.001 → 0.0001, starting from a's networks) of
# benchmarks/forces-vs-augmentation.sh, which holds
# out 10 % of the structures as the test set before anything is generated and evaluates both
# potentials on them with `predict --errors` (every test structure has DFT forces in its XSF).
# The settings of that script apply (NODES, LM_EPOCHS, F_EPOCHS, ALPHA, LR, LR_FINAL, BATCH, SEED).
# Last line: test energy RMSE, force MAE per component and per atom (|ΔF|), CPU s, peak memory.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=${1:-$(mktemp -d)}; mkdir -p "$work"; work=$(cd "$work" && pwd)
[ $# -ge 1 ] || trap 'rm -rf "$work"' EXIT
ROWS="a c" FPCT_C=${FORCESPERCENT:-10} \
  bash "$here/forces-vs-augmentation.sh" "$work" > "$work/table.txt"
cat "$work/table.txt" >&2
for r in a c; do
  awk -F'\t' -v r="$r" '$1 == r {printf "%s: test energy RMSE %s meV/atom, test force MAE %s eV/A per component, %s eV/A per atom (|dF|), cpu %s s, peak memory %s MB (%s)\n", (r == "a" ? "energy only" : "forces"), $2, $4, $5, $6, $7, $8}' "$work/table.txt"
done
