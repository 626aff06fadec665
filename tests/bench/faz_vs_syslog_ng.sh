#!/usr/bin/env bash
# End-to-end benchmark of the REAL FortiAnalyzer daemon, side by side with syslog-ng in the same run.
#
#   tests/bench/faz_vs_syslog_ng.sh [N=1000000] [INDICATORS=1000000] [BUILD=build]
#
# 1. N lines from ../shared/bench/gen-fgt-logs.py (every 100th names a host under bad.example),
#    octet-counted for RFC 5425.
# 2. Analyzer: build/bin/fortianalyzer in a fresh home on 127.0.0.1 (its own self-signed
#    certificate, tls/ca.pem), with a `system threat-feed` of INDICATORS mixed CSV indicators
#    (bench_ingest feed). Once the feed is loaded, one Python sender streams the lines over TLS 1.3
#    to the daemon's syslog-tls port, verifying the daemon's certificate; the clock runs from the
#    first byte until `diagnose fortilogd msgstat` shows all N lines of that sender stored
#    (committed to the WAL: durable against kill -9). The daemon's CPU is read from /proc before the
#    first byte and after the last commit (so the start and the feed load are not counted), per
#    thread too (faz-parse, faz-store, faz-checkpoint, the rest = event loop + receiver); peak RSS
#    is VmHWM (the 1,000,000-indicator feed is most of it).
# 3. Peer: ../shared/bench/peer-syslog-ng.sh on the same lines (syslog-ng kv-parser -> JSON file,
#    plain TCP), with syslog-ng's CPU time and VmHWM sampled from /proc every 0.2 s.
# Prints logs/s, CPU-us/log and peak RSS of both, and the ratios.
set -euo pipefail
n=${1:-1000000}
indicators=${2:-1000000}
build=${3:-build}
here=$(cd "$(dirname "$0")/../.." && pwd)
shared=${FABRIC_SHARED_DIR:-$here/../shared}
[ -d "$shared/bench" ] || shared=$here/../../shared
work=$(mktemp -d /tmp/faz_vs_sng.XXXXXX)
faz=""
sampler=""
peer=""
cleanup() {
  [ -n "$sampler" ] && kill "$sampler" 2>/dev/null || true
  [ -n "$peer" ] && kill "$peer" 2>/dev/null || true
  if [ -n "$faz" ]; then kill "$faz" 2>/dev/null || true; wait "$faz" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
ticks=$(getconf CLK_TCK)
bin=$build/bin/fortianalyzer
[ -x "$bin" ] || { echo "$bin not built (ninja -C $build fortianalyzer bench_ingest)"; exit 1; }

echo "== input: $n lines (gen-fgt-logs.py, BAD_EVERY=100), octet-counted"
python3 "$shared/bench/gen-fgt-logs.py" "$n" "$work/fgt.log" 100
python3 - "$work/fgt.log" "$work/fgt.oct" <<'PY'
import sys
with open(sys.argv[1], "rb") as f, open(sys.argv[2], "wb") as o:
    for line in f:
        line = line.rstrip(b"\n")
        o.write(str(len(line)).encode() + b" " + line)
PY

echo "== analyzer: $bin, feed of $indicators indicators"
home=$work/faz
mkdir -p "$home/feeds"
"$build/bin/bench_ingest" feed "$home/feeds/bench.csv" "$indicators"
cat > "$home/fortianalyzer.conf" <<'CONF'
config system threat-feed
    edit "bench"
        set status enable
        set file "feeds/bench.csv"
        set format csv
    next
end
CONF
"$bin" --home "$home" --listen 127.0.0.1 --https-port 0 --udp-port 0 --tcp-port 0 --tls-port 0 \
  > "$work/faz.out" 2>&1 &
faz=$!
cli() { "$bin" cli --home "$home" -c "$1"; }
for _ in $(seq 1 600); do [ -s "$home/ready.json" ] && break; kill -0 "$faz" 2>/dev/null || break; sleep 0.1; done
[ -s "$home/ready.json" ] || { cat "$work/faz.out"; echo "fortianalyzer did not start"; exit 1; }
tls_port=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['ports']['syslog_tls'])" "$home/ready.json")
loaded=""
for _ in $(seq 1 1200); do
  loaded=$(cli "diagnose ioc feed list" | python3 -c "
import json, sys
text = sys.stdin.read(); text = text[text.index('['):text.rindex(']') + 1]
f = [x for x in json.loads(text) if x['name'] == 'bench']
print(f[0]['indicators'] if f and f[0]['loaded'] else '')" 2>/dev/null || true)
  [ -n "$loaded" ] && break
  sleep 0.2
done
[ -n "$loaded" ] || { cli "diagnose ioc feed list"; echo "feed did not load"; exit 1; }
echo "feed loaded: $loaded indicators; syslog-tls port $tls_port"

# CPU ticks of the daemon, in total and per thread name.
threads() {
  for t in /proc/"$faz"/task/*; do
    [ -r "$t/stat" ] && awk '{ c=$0; sub(/^[0-9]+ \(/, "", c); name=substr(c, 1, index(c, ") ")-1);
      sub(/^.*\) /, "", c); split(c, f, " "); print name, f[12]+f[13] }' "$t/stat" 2>/dev/null
  done | awk '{ t[$1]+=$2 } END { for (k in t) print k, t[k] }' | sort
}
stored() {
  cli "diagnose fortilogd msgstat" | awk '$1=="127.0.0.1" && $2=="tls" { s+=$4 } END { print s+0 }'
}
threads > "$work/cpu0"
wchar0=$(awk '$1=="wchar:" {print $2}' "/proc/$faz/io")
perf_pid=""
if [ -n "${FAZ_PERF:-}" ]; then  # FAZ_PERF=FILE: also record a CPU profile of the daemon (perf)
  perf record -F 499 -g -p "$faz" -o "$FAZ_PERF" >/dev/null 2>&1 &
  perf_pid=$!
fi
start=$(date +%s.%N)
python3 - "$work/fgt.oct" "$tls_port" "$home/tls/ca.pem" <<'PY' &
import resource, socket, ssl, sys, time
ctx = ssl.create_default_context(cafile=sys.argv[3])  # verifies the daemon's certificate and address
raw = socket.create_connection(("127.0.0.1", int(sys.argv[2])))
s = ctx.wrap_socket(raw, server_hostname="127.0.0.1")
t = time.time()
with open(sys.argv[1], "rb") as f:
    while True:
        chunk = f.read(1 << 20)
        if not chunk:
            break
        s.sendall(chunk)
ru = resource.getrusage(resource.RUSAGE_SELF)
print(f"sender: {s.version()}, certificate verified, all sent in {time.time()-t:.2f} s, "
      f"sender CPU {ru.ru_utime + ru.ru_stime:.2f} s", flush=True)
# Stay connected until the script has seen every line stored and stops us: closing now, with the
# daemon's TLS 1.3 session tickets unread, would reset the connection and drop bytes in flight.
try:
    while s.recv(65536):
        pass
except OSError:
    pass
PY
sender=$!
got=0
for _ in $(seq 1 36000); do
  got=$(stored)
  [ "$got" -ge "$n" ] && break
  kill -0 "$faz" 2>/dev/null || break
  sleep 0.1
done
end=$(date +%s.%N)
threads > "$work/cpu1"
wchar1=$(awk '$1=="wchar:" {print $2}' "/proc/$faz/io")
[ -n "$perf_pid" ] && { kill -INT "$perf_pid"; wait "$perf_pid" 2>/dev/null || true; }
kill "$sender" 2>/dev/null || true
wait "$sender" 2>/dev/null || true
hwm=$(awk '/VmHWM/ {print $2}' "/proc/$faz/status")
cli "diagnose fortilogd msgstat" | head -4
[ "$got" -ge "$n" ] || { echo "analyzer stored only $got of $n lines"; exit 1; }
python3 - "$work/cpu0" "$work/cpu1" "$n" "$start" "$end" "$ticks" "$hwm" > "$work/faz.res" <<'PY'
import sys
def load(p):
    d = {}
    for line in open(p):
        k, v = line.rsplit(" ", 1); d[k] = int(v)
    return d
c0, c1 = load(sys.argv[1]), load(sys.argv[2])
n, wall, tck, hwm = int(sys.argv[3]), float(sys.argv[5]) - float(sys.argv[4]), int(sys.argv[6]), int(sys.argv[7])
d = {k: (c1.get(k, 0) - c0.get(k, 0)) / tck for k in c1}
total = sum(d.values())
print(f"fortianalyzer: {n} lines over TLS in {wall:.2f} s wall = {n/wall:.0f} logs/s (stored = committed)")
print(f"fortianalyzer: CPU {total:.2f} s = {total/n*1e6:.2f} CPU-us/log -> {2*n/total:.0f} logs/s if 2 cores were ours; peak RSS {hwm/1024:.0f} MiB")
print("fortianalyzer: per thread CPU-us/log: " + ", ".join(f"{k} {v/n*1e6:.2f}" for k, v in sorted(d.items()) if v > 0))
print(f"RESULT faz {n/wall:.0f} {total/n*1e6:.3f} {hwm}")
PY
cat "$work/faz.res"
echo "fortianalyzer: bytes written (write syscalls: WAL + checkpoints + files) $(( (wchar1 - wchar0) / n )) per log"
kill "$faz"; wait "$faz" 2>/dev/null || true; faz=""

echo "== peer: syslog-ng (peer-syslog-ng.sh, kv-parser -> JSON file), same lines"
# A free port and this run's own syslog-ng (a child of this run's peer script): two benchmark runs
# at once (helpers share the VM) neither send to nor sample each other's syslog-ng.
peer_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
bash "$shared/bench/peer-syslog-ng.sh" "$work/fgt.log" "$peer_port" > "$work/sng.out" &
peer=$!
(
  cpu=0 hwm=0
  while true; do
    p=$(pgrep -n -x -P "$peer" syslog-ng || true)
    if [ -n "$p" ] && [ -r "/proc/$p/stat" ]; then
      t=$(awk '{print $14+$15}' "/proc/$p/stat" 2>/dev/null || echo "$cpu")
      h=$(awk '/VmHWM/ {print $2}' "/proc/$p/status" 2>/dev/null || echo "$hwm")
      [ -n "$t" ] && cpu=$t
      [ -n "$h" ] && hwm=$h
      echo "$cpu $hwm" > "$work/sng.cpu"
    fi
    sleep 0.2
  done
) &
sampler=$!
wait "$peer"
peer=""
cat "$work/sng.out"
kill "$sampler" 2>/dev/null || true; sampler=""
python3 - "$work/sng.out" "$work/sng.cpu" "$n" "$ticks" "$work/faz.res" <<'PY'
import re, sys
out, n, tck = open(sys.argv[1]).read(), int(sys.argv[3]), int(sys.argv[4])
rate = float(re.search(r"= (\d+) logs/s", out).group(1))
cpu, hwm = (int(x) for x in open(sys.argv[2]).read().split())
us = cpu / tck / n * 1e6
print(f"syslog-ng: CPU {cpu/tck:.2f} s = {us:.2f} CPU-us/log (sampled every 0.2 s); peak RSS {hwm/1024:.0f} MiB")
f = open(sys.argv[5]).read().split("RESULT faz ")[1].split()
frate, fus = float(f[0]), float(f[1])
print("== result")
print(f"wall: fortianalyzer {frate:.0f} logs/s vs syslog-ng {rate:.0f} logs/s = {frate/rate:.2f}x")
print(f"CPU per log: syslog-ng {us:.2f} / fortianalyzer {fus:.2f} = {us/fus:.2f}x")
print(f"targets: >= 200000 logs/s on 2 cores (2 / CPU per log = {2e6/fus:.0f} logs/s), >= 5x syslog-ng")
PY
echo "load average now: $(cut -d' ' -f1-3 /proc/loadavg)"
