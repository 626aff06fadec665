#!/usr/bin/env bash
# The demo until fabricctl runs the whole flow: start a FortiGate in a temporary home, apply the
# seed document's five FortiGate CLI blocks (scripts/seed-fortigate.cli, placeholders filled in)
# through its console, show them back (the EMS password as ENC), call the REST API (system status
# and one cmdb object) over verified HTTPS, and stop the daemon by its pid.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${FABRIC_BUILD_DIR:-$root/build}
fgt=$build/bin/fortigate
[ -x "$fgt" ] || { echo "demo: $fgt is missing; run scripts/build.sh" >&2; exit 1; }

home=$(mktemp -d /tmp/fabric-demo.XXXXXX)
address="127.$((RANDOM % 100 + 100)).$((RANDOM % 250 + 1)).1"
pid=
cleanup() {
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then kill -TERM "$pid"; wait "$pid" || true; fi
  rm -rf "$home"
}
trap cleanup EXIT

# A free port for the HTTPS admin API (system global admin-sport), in the initial config file.
port=$(python3 -c 'import socket,sys; s=socket.socket(); s.bind((sys.argv[1],0)); print(s.getsockname()[1])' "$address")
printf 'config system global\n    set hostname "FGT-demo"\n    set admin-sport %s\nend\n' "$port" > "$home/fortigate.conf"

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "Starting the FortiGate (home $home, https://$address:$port)"
"$fgt" --home "$home" --listen "$address" &
pid=$!
for _ in $(seq 300); do [ -f "$home/ready.json" ] && break; kill -0 "$pid" 2>/dev/null || exit 1; sleep 0.1; done
[ -f "$home/ready.json" ] || { echo "demo: the FortiGate did not become ready" >&2; exit 1; }
cat "$home/ready.json"

ems_ip=${EMS_IP:-127.0.1.3}
ems_serial=${EMS_SERIAL:-FCTEMS0000012345}
ems_admin=${EMS_ADMIN:-admin}
ems_password=${EMS_PASSWORD:-Fabric-Lab-EMS1}
step "Applying the seed's five blocks (EMS $ems_ip, serial $ems_serial, admin $ems_admin) through 'fortigate cli'"
sed -e "s/<EMS_IP_address>/$ems_ip/" -e "s/<EMS_SERIAL_NUMBER>/$ems_serial/" \
    -e "s/<EMS_ADMIN>/$ems_admin/" -e "s/<PASSWORD>/$ems_password/" "$root/scripts/seed-fortigate.cli" |
  "$fgt" cli --home "$home" --echo

step "show (as the console prints it)"
"$fgt" cli --home "$home" -c "show system automation-trigger" -c "show system automation-action" \
  -c "show system automation-stitch" -c "show firewall address EMS01" -c "show endpoint-control forticlient-ems"

step "REST API: an api-user and its key (execute api-user generate-key)"
"$fgt" cli --home "$home" -c 'config system api-user' -c 'edit "demo-api"' -c 'set accprofile "super_admin"' \
  -c 'config trusthost' -c 'edit 1' -c "set ipv4-trusthost $address 255.255.255.255" -c 'next' -c 'end' \
  -c 'next' -c 'end'
key=$("$fgt" cli --home "$home" -c 'execute api-user generate-key demo-api' | sed -n 's/^New API key: //p')
echo "new key for demo-api generated (kept out of this output)"

step "GET /api/v2/monitor/system/status"
curl -sS --fail-with-body --cacert "$home/tls/ca.pem" --interface "$address" \
  -H "Authorization: Bearer $key" "https://$address:$port/api/v2/monitor/system/status"
echo
step "GET /api/v2/cmdb/system/automation-stitch/stitch01"
curl -sS --fail-with-body --cacert "$home/tls/ca.pem" --interface "$address" \
  -H "Authorization: Bearer $key" "https://$address:$port/api/v2/cmdb/system/automation-stitch/stitch01"
echo

step "Event log (DIR/event.log)"
cat "$home/event.log"

step "Stopping the FortiGate (pid $pid)"
kill -TERM "$pid"
wait "$pid"
pid=
echo "stopped cleanly"
