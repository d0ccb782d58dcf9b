#!/usr/bin/env bash
# Runs our predict on an aenet reference case and compares with aenet's stored predict.out.
#
#   compat/run-predict.sh CASE_DIR [TOL_E [TOL_F]]
#
# CASE_DIR holds aenet's predict.in, the .nn files it names and aenet's predict.out. The decks use
# paths relative to the case (e.g. ../../../shared/data/...), so the case is copied into a scratch
# folder at the same depth below a directory where those paths resolve (a symlink farm in $TMPDIR).
# Compares, structure by structure: file names, cohesive and total energies (|ΔE| ≤ TOL_E, default
# 1e-6 eV) and every force component (|ΔF| ≤ TOL_F, default 2e-6 eV/Å). Prints max |ΔE|, max |ΔF|.
# Exit status 0 when everything agrees.
set -euo pipefail
case_dir=$(cd "$1" && pwd)
tol_e=${2:-1e-6}; tol_f=${3:-2e-6}
root=$(cd "$(dirname "$0")/.." && pwd)
bin=$root/.build/release/predict
[ -x "$bin" ] || (cd "$root" && swift build -c release --product predict >/dev/null)

# The case sits at TOP/aenet-reference/CASE; its decks reach TOP through ../../../<basename of TOP>.
# Put the copy at SCRATCH/x/y/case with SCRATCH/<basename of TOP> -> TOP.
top=$(cd "$case_dir/../.." && pwd)
scratch=$(mktemp -d "${TMPDIR:-/tmp}/aenet-compat.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$scratch/x/y/case"
ln -s "$top" "$scratch/$(basename "$top")"
cp "$case_dir"/predict.in "$case_dir"/*.nn "$scratch/x/y/case/" 2>/dev/null || true
for f in "$case_dir"/*.ann; do [ -e "$f" ] && cp "$f" "$scratch/x/y/case/"; done
cd "$scratch/x/y/case"
start=$(date +%s.%N)
"$bin" predict.in > predict.out
echo "our predict: $(echo "$(date +%s.%N) - $start" | bc) s wall"

# Extract "file Ecoh Etot" per structure and force rows, then compare.
extract() {
  awk '
    /^ File name         :/ { n++; file[n]=$NF; table=0; next }
    /^ ----/ && length($0) < 120 && n>0 && $0 !~ /^ -{70}$/ { table=1; next }
    table && NF>=7 { print "F", n, $5, $6, $7; next }
    table && NF<7 { table=0 }
    /^ Cohesive energy/ { print "C", n, $4 }
    /^ Total energy/ { print "T", n, $4 }
    END { for (i=1;i<=n;i++) print "N", i, file[i] }' "$1"
}
paste -d' ' <(extract predict.out) <(extract "$case_dir/predict.out") | awk -v te="$tol_e" -v tf="$tol_f" '
  function abs(x) { return x < 0 ? -x : x }
  $1 != $(NF/2+1) || $2 != $(NF/2+2) { print "layout differs: " $0; bad=1; next }
  $1 == "N" { if ($3 != $6) { print "file differs: " $3 " vs " $6; bad=1 }; files++ ; next }
  $1 == "C" || $1 == "T" { d=abs($3-$6); if (d>de) de=d; if (d>te) { print "energy differs (structure " $2 "): " $3 " vs " $6; bad=1 }; next }
  $1 == "F" { for (k=3;k<=5;k++) { d=abs($k-$(k+5)); if (d>df) df=d; if (d>tf) { print "force differs (structure " $2 "): " $0; bad=1 } } ; nf++ }
  END { printf "structures %d, force rows %d, max |dE| %.2e eV, max |dF| %.2e eV/Ang\n", files, nf, de, df; exit bad }'
n_ours=$(grep -c '^ Structure number' predict.out || true); n_ref=$(grep -c '^ Structure number' "$case_dir/predict.out" || true)
[ "$n_ours" = "$n_ref" ] || { echo "structure count differs: $n_ours vs $n_ref"; exit 1; }
echo "OK: $(basename "$case_dir") agrees with aenet within |dE| <= $tol_e eV, |dF| <= $tol_f eV/Ang"
