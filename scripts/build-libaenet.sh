#!/usr/bin/env bash
# Builds libaenet (aenet 2.0.4's C library interface, implemented by aenet-swift) and stages it
# as an install tree:
#   PREFIX/lib/libaenet.so        shared library; the Swift runtime and Foundation are linked in
#                                 statically, so it runs without the Swift toolchain
#   PREFIX/lib/libaenet.a         static library (one relocatable object with the Swift runtime;
#                                 link with `pkg-config --libs --static aenet`)
#   PREFIX/include/aenet.h        the header (aenet's declarations plus extensions)
#   PREFIX/lib/pkgconfig/aenet.pc
#
#   scripts/build-libaenet.sh [PREFIX]        (default: out/libaenet)
#
# Link an MD code or any C program against it:
#   cc prog.c $(PKG_CONFIG_PATH=PREFIX/lib/pkgconfig pkg-config --cflags --libs aenet)
# (the .pc adds an rpath to PREFIX/lib, so no LD_LIBRARY_PATH is needed).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
prefix=${1:-out/libaenet}
mkdir -p "$prefix"
prefix=$(cd "$prefix" && pwd)
scripts/install-deps.sh >&2
export OPENBLAS_NUM_THREADS=1
swift build -c release --product aenet >&2
bin=$(swift build -c release --show-bin-path)
mkdir -p "$prefix/lib/pkgconfig" "$prefix/include"
cp "$bin/libaenet.so" "$prefix/lib/libaenet.so.tmp" && mv "$prefix/lib/libaenet.so.tmp" "$prefix/lib/libaenet.so"
cp libaenet/aenet.h "$prefix/include/aenet.h"

# Static library: our objects, the C helpers and the needed parts of the static Swift runtime and
# Foundation, linked into one relocatable object whose only global symbols are aenet's.
static_dir=$(dirname "$(dirname "$(command -v swift)")")/lib/swift_static/linux
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
# Objects of the sources that exist now (an incremental build folder keeps objects of renamed or
# deleted files, which would be linked twice).
objs=()
for target in libaenet AenetCore AenetShell AenetTraining AenetAugment CAenetGlobals CVecMath; do
  while IFS= read -r src; do
    obj="$bin/$target.build/$(basename "$src").o"
    [ -f "$obj" ] || { echo "build-libaenet: missing object $obj (run swift build -c release)" >&2; exit 1; }
    objs+=("$obj")
  done < <(find "Sources/$target" -name '*.swift' -o -name '*.c' | sort)
done
ld -r -o "$work/aenet.o" "$static_dir/x86_64/swiftrt.o" "${objs[@]}" \
   -u aenet_init -L"$static_dir" --start-group -lFoundation -lFoundationInternationalization \
   -lFoundationEssentials -lCoreFoundation -l_FoundationICU -l_FoundationCollections -l_FoundationCShims \
   -lswiftSynchronization -lswiftDispatch -ldispatch -lBlocksRuntime -lswiftCore -lswift_StringProcessing \
   -lswift_RegexParser -lswift_Concurrency -lswiftGlibc --end-group 2>"$work/ld.log" || { cat "$work/ld.log" >&2; exit 1; }
nm --defined-only -g "$work/aenet.o" | awk '{print $3}' | grep -E '^(aenet_|AENET_)' > "$work/keep"
objcopy --keep-global-symbols="$work/keep" "$work/aenet.o" "$work/aenet-local.o"
rm -f "$prefix/lib/libaenet.a"
ar rcs "$prefix/lib/libaenet.a" "$work/aenet-local.o"

cat > "$prefix/lib/pkgconfig/aenet.pc" <<EOF
prefix=$prefix
libdir=\${prefix}/lib
includedir=\${prefix}/include

Name: aenet
Description: aenet 2.0.4's C library interface (ANN potentials), implemented by aenet-swift
Version: 2.0.4
Cflags: -I\${includedir}
Libs: -L\${libdir} -Wl,-rpath,\${libdir} -laenet
Libs.private: -lopenblas -lmvec -lstdc++ -lm -ldl -lpthread
EOF
echo "$prefix"
