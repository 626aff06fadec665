#!/usr/bin/env bash
# Fabric Lab's two entry points. Both install what is missing, build, then:
#   ./run.sh demo   start a lab and run the seed scenario, printing the five-step timeline
#   ./run.sh test   run every test (unit, integration, end-to-end, fuzz corpora, scenarios)
set -euo pipefail
root=$(cd "$(dirname "$0")" && pwd)
cmd=${1:-}
case "$cmd" in
  demo|test) ;;
  *) echo "usage: ./run.sh demo | ./run.sh test" >&2; exit 2 ;;
esac
"$root/scripts/setup-deps.sh"
"$root/scripts/build.sh"
"$root/scripts/$cmd.sh"
