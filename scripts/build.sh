#!/usr/bin/env bash
# Configure and build Fabric Lab into build/ (or $FABRIC_BUILD_DIR). Extra arguments go to cmake.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${FABRIC_BUILD_DIR:-$root/build}
# A build directory configured here (CI's, a fresh checkout's) gets line-table debug info (-g1)
# instead of full -g: backtraces and sanitizer reports keep function, file and line, and the cold
# build is about a quarter shorter (docs/build.md). Configure with cmake yourself for full -g.
if [ ! -f "$build/build.ninja" ] || [ $# -gt 0 ]; then
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 -g1 -DNDEBUG" "$@" >/dev/null
fi
cmake --build "$build" -j "$(nproc)"
