#!/usr/bin/env bash
# Installs the system libraries the package links against (Debian/Ubuntu), if missing.
set -euo pipefail
if { [ -f /usr/include/x86_64-linux-gnu/cblas.h ] || [ -f /usr/include/cblas.h ]; } && ldconfig -p | grep -q libopenblas; then
  exit 0
fi
echo "installing OpenBLAS (libopenblas-dev) with apt-get" >&2
sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq libopenblas-dev pkg-config > /dev/null
