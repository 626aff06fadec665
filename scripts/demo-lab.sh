#!/usr/bin/env bash
# The lab demo: the seed scenario on a fresh lab (its own directory, addresses and certificates),
# ending in the five-step timeline of the quarantine flow. Everything it starts it stops.
# Run after building (`./run.sh demo` builds first).
set -euo pipefail
cd "$(dirname "$0")/.."
exec build/bin/fabricctl run scenarios/seed.scenario
