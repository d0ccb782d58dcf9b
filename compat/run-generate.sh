#!/usr/bin/env bash
# Cross-validate our `generate` against aenet on one case.
#
#   compat/run-generate.sh CASE_DIR [AENET_GENERATE]
#
# CASE_DIR holds generate.in, its .stp files and, when no aenet executable is given, the
# training set and generate.out that aenet wrote (as ../shared/aenet-reference/<case>/ does).
# With AENET_GENERATE (e.g. ~/aenet/bin/generate.x-2.0.4-gfortran_serial) aenet is run on the
# same deck first. Runs in a scratch copy laid out so that relative paths of the deck resolve
# exactly as from CASE_DIR; nothing is written into CASE_DIR.
# GENERATE_FLAGS (e.g. --aenet-neighbours) is passed to our generate.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
case_dir=$(cd "$1" && pwd)
aenet=${2:-}
bin=${BIN:-$here/.build/release}
[ -x "$bin/generate" ] || (cd "$here" && swift build -c release --product generate >&2 && swift build -c release --product aenet-compat >&2)

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
# Mirror the case folder's two parent levels so that ../../.. from the copy is ../../.. from the case.
up3=$(cd "$case_dir/../../.." && pwd)
mkdir -p "$scratch/a/b"
for entry in "$up3"/*; do ln -s "$entry" "$scratch/$(basename "$entry")" 2>/dev/null || true; done
work="$scratch/a/b/case"; mkdir -p "$work"
cp "$case_dir"/*.in "$case_dir"/*.stp "$work"/
output=$(awk 'tolower($1)=="output"{print $2; exit}' "$case_dir/generate.in"); output=${output:-refdata.train}

if [ -n "$aenet" ]; then
  mkdir -p "$scratch/a/b/aenet"; cp "$case_dir"/*.in "$case_dir"/*.stp "$scratch/a/b/aenet"/
  (cd "$scratch/a/b/aenet" && "$aenet" generate.in > generate.out)
  reference="$scratch/a/b/aenet"
else
  reference="$case_dir"
fi

# shellcheck disable=SC2086
(cd "$work" && "$bin/generate" ${GENERATE_FLAGS:-} generate.in > generate.out)
echo "training set: $("$bin/aenet-compat" compare-trainsets "$work/$output" "$reference/$output" || true)"
strip() { grep -avE '^ +[0-9]{4}-[0-9]{2}-[0-9]{2}  [0-9:]{8} *$' "$1" | LC_ALL=C grep -av $'[\x80-\xff]' || true; }
if diff <(strip "$work/generate.out") <(strip "$reference/generate.out") > "$scratch/diff.txt"; then
  echo "stdout: identical (timestamps aside)"
else
  echo "stdout: $(grep -c '^<' "$scratch/diff.txt") lines differ; first ones:"; head -6 "$scratch/diff.txt"
fi
