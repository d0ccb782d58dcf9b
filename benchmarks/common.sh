# Shared set-up for the benchmark scripts: the TiO2 data set and aenet's example Chebyshev setup.
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
data=${TIO2_XSF:-$here/../shared/data/tio2/xsf}
bin=${BIN:-$here/.build/release}
if [ ! -d "$data" ]; then
  echo "benchmark: TiO2 data not found at $data (set TIO2_XSF to a folder of XSF files)" >&2; exit 2
fi
# BIN=DIR uses the executables in DIR as they are (no build), e.g. a copy kept for a long run.
[ -n "${BIN:-}" ] || (cd "$here" && swift build -c release >&2)
export OPENBLAS_NUM_THREADS=1

# write_chebyshev_setups DIR: aenet's example setup (radial 8.0 Å/16, angular 6.5 Å/4, 44 features).
write_chebyshev_setups() {
  for sp in Ti O; do
    printf 'ATOM %s\nENV 2\nTi\nO\nRMIN 0.55d0\nBASIS type=Chebyshev\nradial_Rc = 8.0  radial_N = 16 angular_Rc = 6.5  angular_N = 4\n' "$sp" > "$1/$sp.stp"
  done
}

# write_generate_deck DIR OUTPUT: a generate.in over every XSF file of the data set.
write_generate_deck() {
  local n; n=$(find "$data" -name '*.xsf' | wc -l)
  { printf 'OUTPUT %s\n\nTYPES\n2\nTi -1626.66972707\nO  -433.23448532\n\nSETUPS\nTi Ti.stp\nO  O.stp\n\nFILES\n%d\n' "$2" "$n"
    find "$data" -name '*.xsf' | sort; } > "$1/generate.in"
}

# timed LABEL COMMAND...: runs the command, prints wall time, CPU time and peak memory.
timed() {
  local label=$1; shift
  /usr/bin/time -f "$label: wall %e s, user %U s, sys %S s, peak memory %M KB" "$@"
}
