#!/usr/bin/env bash
# Force training on 1000 TiO2 structures, from scratch, as aenet-PyTorch's example (its
# example/01-generate and 02-train: Chebyshev radial 6.5 Å/20, angular 5.0 Å/6; FORCESPERCENT 25;
# 10 % test; 5-5 tanh networks; AdamW with REGULARIZATION 0.001; alpha = 0.1):
#   benchmarks/train-forces-tio2.sh [WORKDIR]
# The 1000 structures: of the data set ($TIO2_XSF or ../shared/data/tio2/xsf), the structures
# within 1.6 eV/atom of the lowest energy per atom (the energy window of aenet-PyTorch's example
# subset, -8.57 … -7.00 eV/atom; the full set reaches +30 eV/atom above it), evenly spaced in name order. Our settings (learning rate, batch size, epochs) are chosen to reach its
# accuracy fast: ITERATIONS/LR/BATCH can be overridden from the environment.
# Ends with one line: test energy RMSE, test force RMSE (√ of the mean |ΔF|² over atoms, the
# quantity aenet-PyTorch prints, in eV/Å), wall time (generate + train) and peak memory.
set -euo pipefail
source "$(dirname "$0")/common.sh"
work=${1:-$(mktemp -d)}; mkdir -p "$work"; work=$(cd "$work" && pwd)
[ $# -ge 1 ] || trap 'rm -rf "$work"' EXIT
epochs=${ITERATIONS:-400}; lr=${LR:-0.01}; batch=${BATCH:-32}
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); work folder $work" >&2
for sp in Ti O; do
  printf 'ATOM %s\nENV 2\nTi\nO\nRMIN 0.35d0\nBASIS type=Chebyshev\nradial_Rc = 6.5  radial_N = 20 angular_Rc = 5.0  angular_N = 6\n' "$sp" > "$work/$sp.stp"
done
{ printf 'OUTPUT TiO.train\n\nTYPES\n2\nTi -1626.66972707\nO  -433.23448532\n\nSETUPS\nTi Ti.stp\nO  O.stp\n\nFORCES\nFORCESPERCENT 25\n\nFILES\n1000\n'
  find "$data" -name '*.xsf' | sort | xargs awk '
    FNR == 1 { e = "" } /total energy/ { for (i = 1; i <= NF; i++) if ($i == "=") e = $(i + 1) }
    /PRIMCOORD/ { getline; if (e != "") print FILENAME, e / $1 }' |
  awk '{f[NR] = $1; v[NR] = $2; if (NR == 1 || $2 < m) m = $2}
       END {for (i = 1; i <= NR; i++) if (v[i] <= m + 1.6) s[++n] = f[i]; for (i = 0; i < 1000; i++) print s[int(i * n / 1000) + 1]}'; } > "$work/generate.in"
cat > "$work/train.in" <<EOF
TRAININGSET TiO.train
TESTPERCENT 10
ITERATIONS  $epochs
ITERWRITE   $(( epochs / 20 > 0 ? epochs / 20 : 1 ))
BATCHSIZE   $batch
NPSEED 1
PHSEED 2

FORCES
alpha=0.1

SAVE_ENERGIES
SAVE_FORCES

METHOD
method=adamw   lr=$lr

REGULARIZATION 0.001

NETWORKS
  Ti     Ti.nn    2    5:tanh    5:tanh
  O      O.nn     2    5:tanh    5:tanh
EOF
rm -f "$work"/TiO.train* "$work"/*.nn "$work"/train.r* "$work/STOP"
cd "$work"
/usr/bin/time -o gen.time -f "%e %U %S %M" "$bin/generate" generate.in > generate.out
/usr/bin/time -o train.time -f "%e %U %S %M" "$bin/train" train.in > train.out
read -r gw gu gs gm < gen.time; read -r tw tu ts tm < train.time
printf 'generate: wall %s s, cpu %.1f s, peak %d MB; .forces %s\n' "$gw" "$(echo "$gu + $gs" | bc -l)" $((gm / 1024)) "$(du -h TiO.train.forces | cut -f1)" >&2
printf 'train:    wall %s s, cpu %.1f s, peak %d MB (%s epochs, lr %s, batch %s)\n' "$tw" "$(echo "$tu + $ts" | bc -l)" $((tm / 1024)) "$epochs" "$lr" "$batch" >&2
sed -n '/Final energy RMSE/,/Final force RMSE/p' train.out >&2
e=$(awk '/Final energy RMSE/{print $(NF-1)}' train.out)
f=$(awk '/Final force RMSE/{for (i = 1; i <= NF; i++) if ($i == "test") print $(i+1)}' train.out)
peak=$(( (gm > tm ? gm : tm) / 1024 ))
printf 'test energy RMSE %.2f meV/atom, test force RMSE %.3f eV/A, wall %.1f s, peak memory %d MB\n' "$e" "$f" "$(echo "$gw + $tw" | bc -l)" "$peak"
