#!/usr/bin/env bash
# The main job on the bundled reference inputs: augment → generate → train → predict.
# Works in out/demo (recreated each run); prints where each tool's output went.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
export OPENBLAS_NUM_THREADS=1
swift build -c release >&2
bin=$(swift build -c release --show-bin-path)
demo=out/demo
rm -rf "$demo"; mkdir -p "$demo"
cp -R reference-inputs/. "$demo/"
cd "$demo"

echo "1. augment: one child per parent, spread over all parents (δ = 0.02 Å)"
"$bin/augment" generate.in --delta 0.02 --factor 1 --distribution even \
    --structures augmented --output generate-augmented.in --provenance provenance.csv
echo "   → $(ls augmented/*.xsf | wc -l) new structures in $demo/augmented, deck $demo/generate-augmented.in"

echo "2. generate: Chebyshev fingerprints of parents and children"
"$bin/generate" generate-augmented.in > generate.out
echo "   → $demo/reference.train ($(grep -c 'xsf$' generate.out) structures), log $demo/generate.out"

echo "3. train: 10-10 tanh networks, bfgs"
"$bin/train" train.in > train.out
grep -E 'Final (MAE|RMSE)' train.out | sed 's/^/   /'
echo "   → $demo/Ti.nn, $demo/O.nn, log $demo/train.out"

echo "4. predict: energies and forces of four structures, with errors against the reference data"
"$bin/predict" predict.in --errors > predict.out
grep -A8 -i 'errors against' predict.out | sed 's/^/   /' || true
echo "   → $demo/predict.out"
