#!/usr/bin/env bash
# Tests of the Python package (python/: ctypes bindings + ASE calculator over libaenet) in a
# virtual environment under .build/pyenv (numpy, ase, pytest from PyPI). Needs out/libaenet
# (scripts/build-libaenet.sh) and the release build of predict; scripts/test.sh runs this.
set -euo pipefail
cd "$(dirname "$0")/.."
py=${PYTHON:-python3}
sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
if ! command -v "$py" > /dev/null || ! "$py" -c "import venv, ensurepip" 2> /dev/null; then
  echo "installing python3 and python3-venv with apt-get" >&2
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq && $sudo apt-get install -y -qq python3 python3-venv > /dev/null
fi
env=.build/pyenv
[ -x "$env/bin/python" ] || "$py" -m venv "$env"
"$env/bin/python" -m pip install -q --disable-pip-version-check numpy ase pytest
"$env/bin/python" -m pip install -q --disable-pip-version-check --force-reinstall --no-deps ./python
export AENET_LIB=${AENET_LIB:-$PWD/out/libaenet/lib/libaenet.so}
export AENET_PREDICT=${AENET_PREDICT:-$(swift build -c release --show-bin-path)/predict}
cd python/tests
"../../$env/bin/python" -m pytest -q -rs -s -p no:cacheprovider . "$@"
