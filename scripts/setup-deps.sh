#!/usr/bin/env bash
# Install the Debian 12 packages Fabric Lab builds and runs with, if any is missing.
# Idempotent and quiet when everything is already there.
set -euo pipefail
packages=(
  cmake ninja-build g++ ccache pkg-config lld
  libasio-dev libcpp-httplib-dev libssl-dev nlohmann-json3-dev catch2 libcli11-dev libsqlite3-dev
  liblz4-dev                   # the analyzer's log segments are LZ4-compressed
  clang-14 libclang-rt-14-dev   # fuzz targets (libFuzzer) and sanitizer builds
  python3                      # benchmark input generator (../shared/bench)
  iproute2 nftables            # network-namespace lab mode: quarantine enforced by nftables
  openssl sqlite3 procps       # inspecting certificates and stores by hand; pgrep in scripts
  curl                         # the demo calls the FortiGate REST API
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup-deps: installing ${missing[*]}"
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -q
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
