#!/usr/bin/env bash
# LAMMPS (Debian's stock lmp, pair_style kim) MD speed with an aenet TiO2 potential through the
# KIM driver: rutile supercells of ~10^4, 10^5, 10^6 atoms, NVE, on 1 and 2 MPI ranks.
#
#   benchmarks/lammps-kim-tio2.sh [NN_DIR]
#
# NN_DIR holds Ti.10t-10t.nn and O.10t-10t.nn (or Ti.nn and O.nn); default
# ../shared/aenet-reference/tio2-chebyshev. Environment:
#   SIZES="10k 100k 1M"   supercells to run (10k = 12x12x12 cells = 10 368 atoms, 100k = 26x26x25
#                         = 101 400, 1M = 56x56x54 = 1 016 064)
#   RANKS="1 2"           MPI ranks
#   ATOM_STEPS=200000     atom-steps per measurement (steps = max(1, ATOM_STEPS / atoms))
#   RC=8.0                radius for the reported neighbour count (aenet's TiO2 example: 8.0 A)
#   AENET_FORTRAN_LIB=/path/libaenet.so AENET_FORTRAN_INCLUDE=/folder/of/aenet.h
#       [AENET_FORTRAN_EXTRA_LIBS="openblas"]  also run aenet's own library through the same
#       driver (installed as aenet_fortran_driver), at the sizes in FORTRAN_SIZES (default "10k 100k").
# Prints, per run: atoms, steps, neighbours per atom within the cutoff, loop wall time, CPU use,
# ms per atom-step (wall and CPU), peak memory per rank and per atom.
# Requires the driver to be installable (scripts/install-kim.sh; it is run here).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
nn=$(cd "${1:-$here/../shared/aenet-reference/tio2-chebyshev}" && pwd)
sizes=${SIZES:-10k 100k 1M}
ranks_list=${RANKS:-1 2}
atom_steps=${ATOM_STEPS:-200000}
rc=${RC:-8.0}   # neighbours are counted within this radius (the potential's largest cutoff)
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1

ti=""; o=""
for f in "$nn"/Ti.10t-10t.nn "$nn"/Ti.nn; do [ -f "$f" ] && [ -z "$ti" ] && ti=$f; done
for f in "$nn"/O.10t-10t.nn "$nn"/O.nn; do [ -f "$f" ] && [ -z "$o" ] && o=$f; done
[ -n "$ti" ] && [ -n "$o" ] || { echo "benchmark: no Ti/O potentials in $nn" >&2; exit 2; }

# Private KIM collection for the benchmark models and drivers.
mkdir -p "$work/c/md" "$work/c/pm" "$work/c/sm"
printf 'model-drivers-dir = %s\nportable-models-dir = %s\nsimulator-models-dir = %s\n' \
  "$work/c/md" "$work/c/pm" "$work/c/sm" > "$work/kim-config"
export KIM_API_CONFIGURATION_FILE=$work/kim-config

AENET_KIM_PREFIX=$work/prefix "$here/scripts/install-kim.sh" > "$work/install.log" 2>&1 || { cat "$work/install.log"; exit 1; }
grep '^installed' "$work/install.log"
bin=$(cd "$here" && swift build -c release --show-bin-path)
"$bin/kim-model" --name bench_ours --output "$work/bench_ours" "$ti" "$o" > /dev/null
kim-api-collections-management install user "$work/bench_ours" > "$work/m1.log" 2>&1 || { cat "$work/m1.log"; exit 1; }
models="bench_ours"
if [ -n "${AENET_FORTRAN_LIB:-}" ]; then
  AENET_LIBRARY=$AENET_FORTRAN_LIB AENET_INCLUDE_DIR=${AENET_FORTRAN_INCLUDE:?set AENET_FORTRAN_INCLUDE} \
  AENET_EXTRA_LIBS=${AENET_FORTRAN_EXTRA_LIBS:-} AENET_KIM_DRIVER_NAME=aenet_fortran_driver \
    "$here/scripts/install-kim.sh" > "$work/install-f.log" 2>&1 || { cat "$work/install-f.log"; exit 1; }
  grep '^installed' "$work/install-f.log"
  "$bin/kim-model" --driver aenet_fortran_driver --name bench_aenet --output "$work/bench_aenet" "$ti" "$o" > /dev/null
  kim-api-collections-management install user "$work/bench_aenet" > "$work/m2.log" 2>&1 || { cat "$work/m2.log"; exit 1; }
  models="$models bench_aenet"
fi

cells() { case $1 in 10k) echo "12 12 12";; 100k) echo "26 26 25";; 1M) echo "56 56 54";; *) echo "$1";; esac; }
mpi=(mpirun --oversubscribe); [ "$(id -u)" -eq 0 ] && mpi+=(--allow-run-as-root)

echo "machine: $(getconf _NPROCESSORS_ONLN) cores, load $(cut -d' ' -f1-3 /proc/loadavg) at start"
printf '%-12s %-6s %5s %9s %6s %6s %10s %6s %12s %12s %12s %10s\n' model size ranks atoms steps neigh \
  "loop[s]" "CPU%" "ms/at-step" "CPUms/at-st" "peakMB/rank" "KB/atom"
for model in $models; do
  for size in $sizes; do
    if [ "$model" = bench_aenet ] && ! [[ " ${FORTRAN_SIZES:-10k 100k} " == *" $size "* ]]; then continue; fi
    read -r nx ny nz <<< "$(cells "$size")"
    natoms=$((nx * ny * nz * 6))
    steps=$((atom_steps / natoms)); [ "$steps" -ge 1 ] || steps=1
    cat > "$work/in.$model.$size" << EOF
kim init $model metal
boundary p p p
lattice custom 1.0 a1 4.594 0 0 a2 0 4.594 0 a3 0 0 2.959 &
  basis 0 0 0 basis 0.5 0.5 0.5 basis 0.305 0.305 0 basis 0.695 0.695 0 &
  basis 0.805 0.195 0.5 basis 0.195 0.805 0.5
region box block 0 $nx 0 $ny 0 $nz
create_box 2 box
create_atoms 1 box basis 1 1 basis 2 1 basis 3 2 basis 4 2 basis 5 2 basis 6 2
mass 1 47.867
mass 2 15.999
kim interactions Ti O
velocity all create 300 4928459 mom yes rot yes dist gaussian
compute cn all coord/atom cutoff $rc
compute cnavg all reduce ave c_cn
thermo_style custom step pe c_cnavg
run 0
fix nve all nve
timestep 0.001
thermo_style custom step pe etotal
run $steps
EOF
    for ranks in $ranks_list; do
      cmd=(lmp -in "in.$model.$size" -log "log.$model.$size.$ranks")
      [ "$ranks" -gt 1 ] && cmd=("${mpi[@]}" -np "$ranks" "${cmd[@]}")
      (cd "$work" && /usr/bin/time -f '%M' -o "time.$model.$size.$ranks" "${cmd[@]}" > "out.$model.$size.$ranks" 2>&1) || {
        tail -20 "$work/out.$model.$size.$ranks"; exit 1; }
      log=$work/log.$model.$size.$ranks
      neigh=$(awk '$1 == "Step" && /c_cnavg/ {getline; print $3; exit}' "$log")
      loop=$(grep 'Loop time' "$log" | tail -1 | awk '{print $4}')
      cpu=$(grep 'CPU use' "$log" | tail -1 | sed 's/%.*//')
      peak=$(tail -1 "$work/time.$model.$size.$ranks")
      printf '%-12s %-6s %5d %9d %6d %6.1f %10.2f %6.1f %12.4f %12.4f %12.0f %10.2f\n' "$model" "$size" "$ranks" \
        "$natoms" "$steps" "$neigh" "$loop" "$cpu" \
        "$(echo "$loop * 1000 / ($natoms * $steps)" | bc -l)" \
        "$(echo "$loop * $cpu / 100 * $ranks * 1000 / ($natoms * $steps)" | bc -l)" \
        "$(echo "$peak / 1024" | bc -l)" "$(echo "$peak * $ranks / $natoms" | bc -l)"
    done
  done
done
echo "machine: load $(cut -d' ' -f1-3 /proc/loadavg) at end"
echo "aenet-LAMMPS (published): water, 165 neighbours/atom, 0.16 ms/atom-step on 1 core;"
echo "  943 296 atoms: 903 s on 1 core, 91 s on 12 cores."
