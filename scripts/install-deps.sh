#!/usr/bin/env bash
# Installs the system libraries the package builds against (Debian/Ubuntu), if missing.
#
# Detection tests what the build uses, not files other packages also provide: the `openblas`
# pkg-config module (Package.swift: pkgConfig "openblas"), and a C program compiled with that
# module's flags and linked against it that calls cblas_dgemm, dposv_ and openblas_set_num_threads
# (Sources/COpenBLAS/shim.h). A machine with only the OpenBLAS runtime (libopenblas0) and
# netlib's cblas.h (libblas-dev) is therefore seen as incomplete.
#
# `source scripts/install-deps.sh` defines the functions without running anything (for tests).
set -uo pipefail

# Prints the missing build dependencies, one a line; nothing when the build has what it needs.
missing_build_deps() {
  if ! command -v pkg-config > /dev/null 2>&1; then
    echo "pkg-config (command)"
    return 0
  fi
  if ! pkg-config --exists openblas 2> /dev/null; then
    echo "openblas (pkg-config module)"
    return 0
  fi
  local cc=""
  for c in "${CC:-}" cc clang gcc; do
    [ -n "$c" ] && command -v "$c" > /dev/null 2>&1 && { cc="$c"; break; }
  done
  if [ -z "$cc" ]; then
    echo "a C compiler (cc, clang or gcc) for the link test"
    return 0
  fi
  local dir
  dir="$(mktemp -d)"
  cat > "$dir/t.c" <<'C'
#include <stddef.h>
#include <cblas.h>
void dposv_(const char *, const int *, const int *, double *, const int *, double *, const int *, int *, size_t);
void openblas_set_num_threads(int);
int main(void) {
  double a[1] = {2}, b[1] = {1}, c[1] = {0};
  int n = 1, info = 0;
  openblas_set_num_threads(1);
  cblas_dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, 1, 1, 1, 1.0, a, 1, b, 1, 0.0, c, 1);
  dposv_("U", &n, &n, a, &n, b, &n, &info, 1);
  return (c[0] == 2 && info == 0) ? 0 : 1;
}
C
  # shellcheck disable=SC2046
  if ! "$cc" "$dir/t.c" -o "$dir/t" $(pkg-config --cflags openblas) $(pkg-config --libs openblas) > "$dir/log" 2>&1; then
    echo "libopenblas-dev: linking cblas_dgemm, dposv_, openblas_set_num_threads with the openblas module failed"
  fi
  rm -rf "$dir"
}

main() {
  local missing
  missing="$(missing_build_deps)"
  [ -z "$missing" ] && return 0
  echo "missing build dependencies:" >&2
  echo "$missing" | sed 's/^/  /' >&2
  echo "installing OpenBLAS (libopenblas-dev) and pkg-config with apt-get" >&2
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq || return 1
  $sudo apt-get install -y -qq libopenblas-dev pkg-config > /dev/null || return 1
  missing="$(missing_build_deps)"
  if [ -n "$missing" ]; then
    echo "still missing after apt-get install:" >&2
    echo "$missing" | sed 's/^/  /' >&2
    return 1
  fi
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  main
  exit $?
fi
