#!/usr/bin/env bash
# SSE events parsed per second per core by `stampede load sse`: N fast streams against nginx
# (one worker) serving a static file of SSE events (the server is never the slow side), with the
# generator pinned to one engine thread. Prints events/s and the generator's CPU per event.
# Usage: bench/parse_rate.sh [stampede binary] [streams] [seconds]   (PERF=FILE: record the generator with perf -g)
set -euo pipefail
bin="${1:-.build/release/stampede}"; streams="${2:-1000}"; secs="${3:-15}"
source "$(dirname "$0")/../scripts/lib.sh"
port=$(free_port)
mkdir -p "$work/www" "$work/nginx"
python3 - "$work/www/s.events" <<'PY'
import sys
data = '{"type": "assistant", "content": [{"type": "text", "text": "' + "x" * 250 + '"}]}'
with open(sys.argv[1], "w") as f:
    for i in range(1, 20001):   # ~6 MB: 20,000 events of ~330 bytes
        f.write(f"id: s:{i}\r\nevent: message\r\ndata: {data}\r\n\r\n")
PY
chmod 755 "$work" "$work/www"; chmod 644 "$work/www/s.events"
cat > "$work/nginx/nginx.conf" <<CONF
worker_processes 1;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log;
events { worker_connections 4096; }
http {
  access_log off;
  types { text/event-stream events; }
  server { listen 127.0.0.1:$port; root $work/www; sendfile on; keepalive_requests 100000; }
}
CONF
start_bg "$work/nginx.out" nginx -c "$work/nginx/nginx.conf" -g "daemon off;"
wait_http "http://127.0.0.1:$port/s.events" || { cat "$work/nginx.out" "$work/nginx/error.log" >&2; exit 1; }
/usr/bin/time -f "%U %S %M" -o "$work/time" ${PERF:+perf record -e cpu-clock -F 999 -g -o "$PERF" --} "$bin" load sse --url "http://127.0.0.1:$port/s.events" --clients "$streams" \
  --threads 1 --ramp 5000/s --duration "${secs}s" --quiet --out "$work/r.json" > "$work/out" 2>&1 || true
python3 - "$work/r.json" "$work/time" "$secs" <<'PY'
import json, sys
r = json.load(open(sys.argv[1])); u, s, m = open(sys.argv[2]).read().split()[-3:]
ev = r["counters"]["events"]; cpu = float(u) + float(s)
print(f"events {ev}  in {r['elapsedSeconds']:.1f} s  = {ev / r['elapsedSeconds']:,.0f} events/s on one engine thread")
print(f"generator CPU {cpu:.1f} s  = {1e6 * cpu / ev:.2f} us per event  ({cpu / r['elapsedSeconds'] * 100:.0f} % of a core)")
print(f"gaps {r['counters']['gaps']}  duplicates {r['counters']['duplicates']}  errors {sum(r['errors'].values())}")
PY
