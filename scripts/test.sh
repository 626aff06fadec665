#!/usr/bin/env bash
# Run every test of an existing build (./run.sh test builds first).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${FABRIC_BUILD_DIR:-$root/build}
cd "$build"
ctest --output-on-failure -j "$(nproc)" "$@"
