#!/usr/bin/env bash
# Tests the dependency detection of install-deps.sh on faked partial machines (no installs).
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=/dev/null
source "$here/install-deps.sh"
fail=0
check() {  # name, expected ("" = nothing missing, else a word of the message), actual
  if [ -z "$2" ]; then
    [ -z "$3" ] && echo "ok: $1" || { echo "FAIL: $1: reported missing: $3"; fail=1; }
  else
    echo "$3" | grep -q "$2" && echo "ok: $1" || { echo "FAIL: $1: expected '$2', got '$3'"; fail=1; }
  fi
}
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
cc=""; for c in "${CC:-}" cc clang gcc; do [ -n "$c" ] && command -v "$c" > /dev/null && { cc="$(command -v "$c")"; break; }; done

# 1. This machine (after install-deps.sh ran): nothing missing.
check "complete machine" "" "$(missing_build_deps)"
# 2. No pkg-config on PATH.
mkdir -p "$tmp/bin-empty"
check "no pkg-config" "pkg-config" "$(PATH="$tmp/bin-empty" missing_build_deps)"
# 3. pkg-config without the openblas module (runtime library and some cblas.h may exist).
mkdir -p "$tmp/pc-empty"
check "no openblas module" "openblas (pkg-config module)" "$(PKG_CONFIG_LIBDIR="$tmp/pc-empty" PKG_CONFIG_PATH="" missing_build_deps)"
# 4. An openblas module whose library lacks the symbols (a netlib-like cblas.h, a stub library).
if [ -n "$cc" ]; then
  mkdir -p "$tmp/pc" "$tmp/lib" "$tmp/inc"
  printf 'enum CBLAS_ORDER {CblasColMajor=102};\nenum CBLAS_TRANSPOSE {CblasNoTrans=111};\nvoid cblas_dgemm(enum CBLAS_ORDER, enum CBLAS_TRANSPOSE, enum CBLAS_TRANSPOSE, int, int, int, double, const double *, int, const double *, int, double, double *, int);\n' > "$tmp/inc/cblas.h"
  echo 'int unrelated(void) { return 0; }' > "$tmp/stub.c"
  "$cc" -shared -fPIC "$tmp/stub.c" -o "$tmp/lib/libopenblas.so"
  printf 'Name: openblas\nDescription: stub\nVersion: 0\nCflags: -I%s\nLibs: -L%s -lopenblas\n' "$tmp/inc" "$tmp/lib" > "$tmp/pc/openblas.pc"
  check "openblas module without the symbols" "linking" "$(PKG_CONFIG_LIBDIR="$tmp/pc" PKG_CONFIG_PATH="" missing_build_deps)"
else
  echo "skip: no C compiler for the stub-library case"
fi
exit $fail
