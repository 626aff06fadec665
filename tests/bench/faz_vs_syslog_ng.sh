#!/usr/bin/env bash
# End-to-end ingest benchmark, side by side with syslog-ng in the same run.
#
#   tests/bench/faz_vs_syslog_ng.sh [N=1000000] [INDICATORS=1000000] [BUILD=build]
#
# 1. N lines from ../shared/bench/gen-fgt-logs.py (every 100th names a host under bad.example).
# 2. Analyzer side: RFC 5425 (octet counting) over TLS, server certificate verified by the sender
#    (a lab CA made here with openssl), into
#      - build/bin/fortianalyzer when it exists and takes `--syslog-tls` (the real daemon), else
#      - build/bin/bench_ingest tls: a benchmark TLS receiver (OpenSSL, one blocking connection)
#        in front of the real IngestPipeline; the label printed says which one ran.
#    Pipeline: SyslogFrameDecoder -> parse -> IoC match against INDICATORS indicators (mixed CSV
#    feed) -> SQLite store, flushed (durable) before the clock stops.
# 3. Peer: ../shared/bench/peer-syslog-ng.sh on the same lines (syslog-ng kv-parser -> JSON file),
#    with syslog-ng's own CPU time sampled from /proc while it runs.
# Prints logs/s and CPU of both, and the ratio.
set -euo pipefail
n=${1:-1000000}
indicators=${2:-1000000}
build=${3:-build}
here=$(cd "$(dirname "$0")/../.." && pwd)
shared=${FABRIC_SHARED_DIR:-$here/../shared}
[ -d "$shared/bench" ] || shared=$here/../../shared
work=$(mktemp -d /tmp/faz_vs_sng.XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

echo "== input: $n lines (gen-fgt-logs.py, BAD_EVERY=100)"
python3 "$shared/bench/gen-fgt-logs.py" "$n" "$work/fgt.log" 100
python3 - "$work/fgt.log" "$work/fgt.oct" <<'PY'
import sys
with open(sys.argv[1], "rb") as f, open(sys.argv[2], "wb") as o:
    for line in f:
        line = line.rstrip(b"\n")
        o.write(str(len(line)).encode() + b" " + line)
PY

echo "== TLS material (lab CA, server certificate for 127.0.0.1)"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj "/CN=bench CA" \
  -keyout "$work/ca.key" -out "$work/ca.pem" 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=127.0.0.1" \
  -keyout "$work/srv.key" -out "$work/srv.csr" 2>/dev/null
printf 'subjectAltName=IP:127.0.0.1\n' > "$work/ext.cnf"
openssl x509 -req -in "$work/srv.csr" -CA "$work/ca.pem" -CAkey "$work/ca.key" -CAcreateserial \
  -days 2 -extfile "$work/ext.cnf" -out "$work/srv.pem" 2>/dev/null

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
echo "== analyzer side"
if [ -x "$build/bin/fortianalyzer" ] && "$build/bin/fortianalyzer" --help 2>&1 | grep -q -- '--syslog-tls'; then
  echo "NOTE: build/bin/fortianalyzer takes --syslog-tls, but this script does not drive it yet;" \
       "measuring the pipeline behind the benchmark TLS receiver instead."
fi
label="bench_ingest tls (benchmark TLS receiver + real IngestPipeline, not the fortianalyzer daemon)"
"$build/bin/bench_ingest" tls - "$work/faz.db" "$indicators" "$port" "$work/srv.pem" "$work/srv.key" \
  "$work/ready" > "$work/faz.out" 2>&1 &
faz=$!
pids+=("$faz")
for _ in $(seq 1 600); do [ -s "$work/ready" ] && break; kill -0 "$faz" 2>/dev/null || break; sleep 0.1; done
[ -s "$work/ready" ] || { cat "$work/faz.out"; echo "receiver did not start"; exit 1; }
python3 - "$work/fgt.oct" "$port" "$work/ca.pem" <<'PY'
import resource, socket, ssl, sys, time
ctx = ssl.create_default_context(cafile=sys.argv[3])  # verifies the server certificate and name
raw = socket.create_connection(("127.0.0.1", int(sys.argv[2])))
s = ctx.wrap_socket(raw, server_hostname="127.0.0.1")
t = time.time()
with open(sys.argv[1], "rb") as f:
    while True:
        chunk = f.read(1 << 20)
        if not chunk:
            break
        s.sendall(chunk)
version = s.version()
s.unwrap()  # close_notify both ways: every byte reached the receiver
raw.close()
ru = resource.getrusage(resource.RUSAGE_SELF)
print(f"sender: {version}, certificate verified, all sent in {time.time()-t:.2f} s, "
      f"sender CPU {ru.ru_utime + ru.ru_stime:.2f} s")
PY
wait "$faz"
echo "analyzer: $label"
cat "$work/faz.out"
grep -q "^ingest: $n received, $n stored" "$work/faz.out" || { echo "analyzer did not store all $n lines"; exit 1; }
faz_rate=$(sed -n 's/.*s wall = \([0-9]*\) logs\/s.*/\1/p' "$work/faz.out")

echo "== peer: syslog-ng (peer-syslog-ng.sh, kv-parser -> JSON file), same lines"
(
  last=0
  while true; do
    p=$(pgrep -n -x syslog-ng || true)
    if [ -n "$p" ] && [ -r "/proc/$p/stat" ]; then
      t=$(awk '{print $14+$15}' "/proc/$p/stat" 2>/dev/null || echo "$last")
      [ -n "$t" ] && last=$t && echo "$last" > "$work/sng.cpu"
    fi
    sleep 0.2
  done
) &
sampler=$!
pids+=("$sampler")
bash "$shared/bench/peer-syslog-ng.sh" "$work/fgt.log" | tee "$work/sng.out"
kill "$sampler" 2>/dev/null || true
sng_rate=$(sed -n 's/.*= \([0-9]*\) logs\/s.*/\1/p' "$work/sng.out")
ticks=$(getconf CLK_TCK)
sng_cpu=$(python3 -c "print(f'{int(open(\"$work/sng.cpu\").read())/$ticks:.2f}')" 2>/dev/null || echo "?")
echo "syslog-ng process CPU (sampled every 0.2 s): ${sng_cpu} s = $(python3 -c "print(f'{$sng_cpu/$n*1e6:.2f}')" 2>/dev/null || echo '?') CPU-us/log"

echo "== result"
python3 -c "f=$faz_rate; s=$sng_rate; print(f'analyzer {f} logs/s vs syslog-ng {s} logs/s: ratio {f/s:.2f}x (target >= 5x, >= 200000 logs/s)')"
echo "load average now: $(cut -d' ' -f1-3 /proc/loadavg)"
