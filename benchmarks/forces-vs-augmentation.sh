#!/usr/bin/env bash
# Augmentation versus force training on the TiO2 set, with ONE held-out test set of original
# structures (split first; only the training part is ever augmented or used for forces):
#   benchmarks/forces-vs-augmentation.sh [WORKDIR]
# Rows (ROWS="a b c d" by default; each row in WORKDIR/<row>):
#   a  energy-only: generate (no forces), Levenberg–Marquardt on energies (aenet's method),
#      early stopping on 10 % of the training structures (VALIDATION 10 patience=20, ≤ LM_EPOCHS)
#   b  energy-only on `augment` output: a = 6, δ = 0.03 Å (PyITA's values; --distribution even),
#      the parents plus their children, then the same LM training as a
#   c  force training with FPCT_C % (default 10) of the training structures with forces: generate
#      with FORCES/FORCESPERCENT, then AdamW on (1−α)·RMSE_E + α·RMSE_F for F_EPOCHS epochs,
#      starting from row a's networks (the energy-only pre-fit; its CPU time is counted in c)
#   d  as c with FPCT_D % (default 100) of the training structures with forces; D_SUBSET=N
#      (default: all) trains on N evenly spaced training structures only (energies and forces of
#      that subset; for machines where the .forces file would not fit), and the row says so.
#      Measured: all 5029 training structures write a 14 GB .forces file; train peaks at 4.4 GB.
# Same networks in every row (NODES-NODES tanh, default 20-20); the test set is evaluated with
# `predict --errors` on the held-out XSF files (energies and forces of every test structure).
# Data: structures of $TIO2_XSF (../shared/data/tio2/xsf) whose cohesive energy per atom lies
# within 1.0 eV/atom of the lowest (as MAXENERGY 1.0 in compat/BENCHMARK-train.md); SEED
# (default 1) draws the 10 % test structures. Descriptor: aenet-PyTorch's example (Chebyshev,
# radial 6.5 Å/20, angular 5.0 Å/6). Last lines: one table row per row, tab-separated:
#   row  test-E-RMSE  median|dE|  (meV/atom)  F-MAE-component  F-MAE-vector (eV/A)  CPU-s  peak-MB
set -euo pipefail
source "$(dirname "$0")/common.sh"
work=${1:-$(mktemp -d)}; mkdir -p "$work"; work=$(cd "$work" && pwd)
[ $# -ge 1 ] || trap 'rm -rf "$work"' EXIT
rows=${ROWS:-a b c d}; nodes=${NODES:-20}; seed=${SEED:-1}
lm_epochs=${LM_EPOCHS:-60}; f_epochs=${F_EPOCHS:-300}; alpha=${ALPHA:-0.1}
lr=${LR:-0.001}; lrfinal=${LR_FINAL:-0.0001}; batch=${BATCH:-64}
fpct_c=${FPCT_C:-10}; fpct_d=${FPCT_D:-100}; d_subset=${D_SUBSET:-1000000000}
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); work folder $work; rows: $rows" >&2
cd "$work"
for sp in Ti O; do
  printf 'ATOM %s\nENV 2\nTi\nO\nRMIN 0.35d0\nBASIS type=Chebyshev\nradial_Rc = 6.5  radial_N = 20 angular_Rc = 5.0  angular_N = 6\n' "$sp" > "$sp.stp"
done
# Selection and split (once): test.list / train.list of absolute XSF paths.
if [ ! -s train.list ]; then
  find "$data" -name '*.xsf' | sort | xargs awk '
    FNR == 1 { e = "" } /total energy/ { for (i = 1; i <= NF; i++) if ($i == "=") e = $(i + 1) }
    /PRIMCOORD/ { getline; n = $1; c = e; for (k = 0; k < n; k++) { getline; c -= ($1 == "Ti") ? -1626.66972707 : -433.23448532 }
                  if (e != "") print FILENAME, c / n }' |
    awk '{f[NR] = $1; v[NR] = $2; if (NR == 1 || $2 < m) m = $2} END {for (i = 1; i <= NR; i++) if (v[i] <= m + 1.0) print f[i]}' > selected.list
  awk -v s="$seed" 'BEGIN {srand(s)} {print > (rand() < 0.1 ? "test.list" : "train.list")}' selected.list
fi
echo "structures: $(wc -l < selected.list) selected, $(wc -l < train.list) training, $(wc -l < test.list) test" >&2

# gen_deck OUTPUT LIST [FORCESPERCENT]: a generate.in over the files of LIST.
gen_deck() {
  printf 'OUTPUT %s\n\nTYPES\n2\nTi -1626.66972707\nO  -433.23448532\n\nSETUPS\nTi ../Ti.stp\nO  ../O.stp\n\n' "$1"
  [ -z "${3:-}" ] || printf 'FORCES\nFORCESPERCENT %s\n\n' "$3"
  printf 'FILES\n%d\n' "$(wc -l < "$2")"; cat "$2"
}
lm_deck() {
  printf 'TRAININGSET set.train\nTESTPERCENT 0\nVALIDATION 10 patience=20\nITERATIONS %s\nMETHOD\nlm batchsize=10000 learnrate=0.1 adjust=10\n\nNETWORKS\n  Ti  Ti.nn  2  %s:tanh %s:tanh\n  O   O.nn   2  %s:tanh %s:tanh\n' \
    "$lm_epochs" "$nodes" "$nodes" "$nodes" "$nodes"
}
force_deck() {
  printf 'TRAININGSET set.train\nTESTPERCENT 0\nITERATIONS %s\nITERWRITE %s\nBATCHSIZE %s\nNPSEED 1\nPHSEED 2\n\nFORCES\nalpha=%s\n\nMETHOD\nmethod=adamw lr=%s lr_final=%s\n\nREGULARIZATION 0.0\n\nNETWORKS\n  Ti  Ti.nn  2  %s:tanh %s:tanh\n  O   O.nn   2  %s:tanh %s:tanh\n' \
    "$f_epochs" "$(( f_epochs / 20 > 0 ? f_epochs / 20 : 1 ))" "$batch" "$alpha" "$lr" "$lrfinal" "$nodes" "$nodes" "$nodes" "$nodes"
}
# t LABEL COMMAND...: runs a step, appends "wall user sys maxrss" to ./times.
t() { local l=$1; shift; /usr/bin/time -a -o times -f "%e %U %S %M" "$@"; echo "  $l done: $(tail -1 times)" >&2; }
evaluate() {   # in a row folder: predict --errors on the held-out files
  { printf 'TYPES\n2\nTi\nO\n\nNETWORKS\n  Ti  Ti.nn\n  O   O.nn\n\nFORCES\n\nFILES\n%d\n' "$(wc -l < ../test.list)"; cat ../test.list; } > predict.in
  "$bin/predict" --errors predict.in > predict.out
  sed -n '/Errors against the reference/,$p' predict.out > errors.txt
}
summary() {   # ROW LABEL: one tab-separated line from errors.txt and times
  local v; v() { awk -v k="$1" 'index($0, k) {print $NF; exit}' "$2/errors.txt"; }
  read -r cpu peak < <(awk '{c += $2 + $3; if ($4 > m) m = $4} END {printf "%.0f %d\n", c, m / 1024}' "$2/times")
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$(v 'Energy RMSE' "$2")" "$(v 'Energy median' "$2")" \
    "$(v 'Force MAE   ' "$2")" "$(v 'Force MAE |dF|' "$2")" "$cpu" "$peak" "$3"
}
energy_row() {   # DIR LIST: generate without forces, LM training, evaluation
  (cd "$1" && gen_deck set.train "$2" > generate.in &&
   t generate "$bin/generate" generate.in > generate.out && lm_deck > train.in &&
   t "train (LM)" "$bin/train" train.in > train.out && evaluate)
}
force_row() {   # DIR LIST PERCENT: generate with forces, force training from row a's networks
  (cd "$1" && gen_deck set.train "$2" "$3" > generate.in &&
   t generate "$bin/generate" generate.in > generate.out && echo "  .forces: $(du -h set.train.forces | cut -f1)" >&2 &&
   cp ../a/Ti.nn ../a/O.nn . && cat ../a/times >> times && force_deck > train.in &&
   t "train (forces)" "$bin/train" train.in > train.out && evaluate)
}
for row in $rows; do
  rm -rf "$row"; mkdir -p "$row"
  echo "row $row ($(date -u +%H:%M:%S) UTC, load $(cut -d' ' -f1 /proc/loadavg))" >&2
  case $row in
    a) energy_row a "$work/train.list"; label="energy only, LM $nodes-$nodes, VALIDATION 10, <= $lm_epochs epochs" ;;
    b) (cd b && t augment "$bin/augment" ../a/generate.in --delta 0.03 --factor 6 --distribution even --structures children --output aug.in > augment.out)
       grep -E '^(/|children/)[^ ]*\.xsf$' b/aug.in | sed "s#^children/#$work/b/children/#" > b/train.list
       energy_row b "$work/b/train.list"; label="energy only on augment output (a = 6, delta 0.03 A, even), $(wc -l < b/train.list) structures" ;;
    c) force_row c "$work/train.list" "$fpct_c"; label="forces on $fpct_c % of the training structures, alpha $alpha, $f_epochs epochs AdamW from row a" ;;
    d) awk -v n="$(wc -l < train.list)" -v k="$d_subset" 'n <= k || int((NR - 1) * k / n) != int(NR * k / n)' train.list > d.list
       what="all $(wc -l < d.list) training structures"
       [ "$(wc -l < d.list)" = "$(wc -l < train.list)" ] || what="an evenly spaced SUBSET of $(wc -l < d.list) of the $(wc -l < train.list) training structures (energies and forces of the subset only)"
       force_row d "$work/d.list" "$fpct_d"; label="forces on $fpct_d % of $what, alpha $alpha, $f_epochs epochs AdamW from row a" ;;
  esac
  summary "$row" "$work/$row" "$label" | tee -a "$work/table.tsv" >&2
done
printf 'row\tE RMSE\tmedian |dE|\tF MAE comp\tF MAE |dF|\tCPU s\tpeak MB\twhat\n'
for row in $rows; do grep "^$row	" "$work/table.tsv" | tail -1; done
