#!/usr/bin/env bash
# Proofs of the KIM model driver with stock LAMMPS (Debian `lammps`) and ASE (kimpy):
#   run 0 energy/forces = our predict; mpirun -np 2 = 1 rank; pressure = finite differences of the
#   energy (library virial and force-based virial); NVE energy drift; ASE = predict; bad input
#   gives a KIM error with a message, never a crash.
# Trains a potential on reference-inputs with our generate/train, installs the driver (our
# libaenet, scripts/install-kim.sh) and the model into a private KIM collection under
# .build/kim-tests, so the user's own collection is not touched.
#
# Installs lammps, libkim-api-dev, cmake (apt-get) and kimpy + ase (pip, into .build/kim-venv)
# when missing. Skips, saying so, when they cannot be installed. KIM_TESTS=0 skips everything,
# KIM_TESTS_ASE=0 skips the ASE part (kimpy compiles from source: ~2-5 minutes the first time).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

if [ "${KIM_TESTS:-1}" = "0" ]; then
  echo "SKIP kim: KIM_TESTS=0"; echo "kim: 0 passed, 0 failed, 1 skipped"; exit 0
fi
can_install=no
if [ "$(id -u)" -eq 0 ] || sudo -n true 2> /dev/null; then can_install=yes; fi
if ! command -v lmp > /dev/null || ! command -v kim-api-collections-management > /dev/null \
   || ! command -v cmake > /dev/null; then
  if [ "$can_install" = no ] || ! command -v apt-get > /dev/null; then
    echo "SKIP kim: lmp / kim-api-collections-management / cmake missing and apt-get not usable here"
    echo "kim: 0 passed, 0 failed, 1 skipped"; exit 0
  fi
fi

work=$root/.build/kim-tests
rm -rf "$work"; mkdir -p "$work/collection"
# Private KIM collection (user collection = folders under $work).
cat > "$work/kim-config" << EOF
model-drivers-dir = $work/collection/model-drivers
portable-models-dir = $work/collection/portable-models
simulator-models-dir = $work/collection/simulator-models
EOF
mkdir -p "$work/collection/model-drivers" "$work/collection/portable-models" "$work/collection/simulator-models"
export KIM_API_CONFIGURATION_FILE=$work/kim-config
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1

bin=$(swift build -c release --show-bin-path)
if [ "${KIM_TESTS_PREBUILT:-0}" = 1 ] && [ -f out/libaenet/lib/libaenet.so ]; then
  # scripts/test.sh: `swift test` built the tools (kim-model included) and
  # scripts/build-libaenet.sh staged libaenet in out/libaenet; rebuilding with `swift build`
  # flags would recompile everything.
  export AENET_KIM_PREBUILT=1 AENET_LIBRARY=$root/out/libaenet/lib/libaenet.so AENET_INCLUDE_DIR=$root/out/libaenet/include
else
  swift build -c release --product generate >&2
  swift build -c release --product train >&2
  swift build -c release --product predict >&2
fi

echo "== driver (scripts/install-kim.sh)" >&2
AENET_KIM_PREFIX=$work/prefix scripts/install-kim.sh > "$work/install.log" 2>&1 || {
  cat "$work/install.log"; echo "FAIL kim: scripts/install-kim.sh failed"; echo "kim: 0 passed, 1 failed"; exit 1; }
grep -E '^installed' "$work/install.log" >&2

echo "== potential: generate + train on reference-inputs" >&2
cp -R reference-inputs/. "$work/"
( cd "$work" && "$bin/generate" generate.in > generate.out && "$bin/train" train.in > train.out )
grep -E 'Final RMSE' "$work/train.out" >&2

echo "== model (kim-model + kim-api-collections-management)" >&2
model=aenet_test_TiO2
"$bin/kim-model" --name "$model" --output "$work/model" "$work/Ti.nn" "$work/O.nn" >&2
kim-api-collections-management install user "$work/model" > "$work/model-install.log" 2>&1 || {
  cat "$work/model-install.log"; echo "FAIL kim: model install failed"; echo "kim: 0 passed, 1 failed"; exit 1; }

# A physical TiO2 potential for the NVE run: aenet's example potentials in ../shared, if present.
nve_model=""
dft=$root/../shared/aenet-reference/tio2-chebyshev
if [ -f "$dft/Ti.10t-10t.nn" ] && [ -f "$dft/O.10t-10t.nn" ]; then
  "$bin/kim-model" --name aenet_test_TiO2_example --output "$work/model-example" \
    "$dft/Ti.10t-10t.nn" "$dft/O.10t-10t.nn" > /dev/null
  kim-api-collections-management install user "$work/model-example" > "$work/model-example.log" 2>&1 \
    && nve_model=aenet_test_TiO2_example
fi

ase_python=""
if [ "${KIM_TESTS_ASE:-1}" != "0" ]; then
  venv=$root/.build/kim-venv
  if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import kimpy, ase' 2> /dev/null; then
    echo "== ASE: pip install kimpy ase into $venv (kimpy compiles; first time takes minutes)" >&2
    if ! command -v pkg-config > /dev/null && [ "$can_install" = yes ]; then
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq pkg-config > /dev/null || true
    fi
    { python3 -m venv "$venv" && "$venv/bin/pip" install -q kimpy ase; } > "$work/pip.log" 2>&1 || tail -5 "$work/pip.log" >&2
  fi
  if "$venv/bin/python" -c 'import kimpy, ase' 2> /dev/null; then ase_python=$venv/bin/python; fi
fi

echo "== checks" >&2
python3 kim/tests/check_kim.py --bin "$bin" --work "$work" --model "$model" \
  --reference "$work" --ase-python "$ase_python" --nve-model "$nve_model" "$@"
