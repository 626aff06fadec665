#!/usr/bin/env bash
# The demo (`./run.sh demo`, which builds first): the seed scenario on a fresh lab — its own
# directory, loopback addresses, CA and certificates; the FortiGate configured with the seed's CLI
# blocks. An endpoint visits a domain of the demo threat feed; the FortiAnalyzer spots the IoC in its
# logs and notifies the FortiGate; the stitch asks EMS to quarantine the endpoint; EMS tells the
# endpoint, which isolates itself; then `U-<ip>` on the FortiGate CLI releases it. It ends with
# the endpoint's timelines rebuilt from the FortiAnalyzer's logs: the five-step quarantine flow
# first, then the release flow. Everything it starts it stops (by pid); the lab directory is removed on
# success and kept on failure.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${FABRIC_BUILD_DIR:-$root/build}
fabricctl=$build/bin/fabricctl
[ -x "$fabricctl" ] || { echo "demo: $fabricctl is missing; run scripts/build.sh" >&2; exit 1; }
exec "$fabricctl" run "$root/scenarios/seed.scenario"
