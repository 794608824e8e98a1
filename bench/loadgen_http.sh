#!/usr/bin/env bash
# stampede load http vs wrk against the same endpoint (the reference server's plain GET /), same
# duration and concurrency (closed model, 50 connections / virtual users): requests/s of each and
# CPU per request of each generator (from /proc/PID/stat). Loopback only.
# Usage: bench/loadgen_http.sh [stampede binary] [seconds] ["extra load flags", e.g. "--transport curl"]
set -euo pipefail
bin="${1:-.build/release/stampede}"; secs="${2:-10}"; extra="${3:-}"
source "$(dirname "$0")/../scripts/lib.sh"
port=$(free_port); dead=$(free_port)
# No Redis/PostgreSQL needed for GET /: the server starts degraded and serves it.
start_bg "$work/serve" "$bin" serve --port "$port" --redis-url "redis://127.0.0.1:$dead/0" \
  --database-url "postgresql://x@127.0.0.1:$dead/x" --log-level critical
wait_http "http://127.0.0.1:$port/"
cpu() { awk '{print $14+$15}' "/proc/$1/stat"; }
ticks=$(getconf CLK_TCK)
# wrk
# each generator's CPU over its whole run, from GNU time
/usr/bin/time -f "%U %S" -o "$work/wrk.time" wrk -t2 -c50 -d"${secs}s" "http://127.0.0.1:$port/" > "$work/wrk2"
wrps=$(awk '/Requests\/sec/ {print $2}' "$work/wrk2"); wtotal=$(awk '/requests in/ {print $1}' "$work/wrk2")
wcpu=$(awk '{print $1+$2}' "$work/wrk.time")
# stampede load http
/usr/bin/time -f "%U %S" -o "$work/sl.time" "$bin" load http --url "http://127.0.0.1:$port/" --vus 50 --duration "${secs}s" \
  --quiet $extra --out "$work/sl.json" > "$work/sl.out" 2>&1 || true
stotal=$(python3 -c "import json; d=json.load(open('$work/sl.json')); print(d['counters']['succeeded'])")
srps=$(python3 -c "print(round($stotal/$secs))")
scpu=$(awk '{print $1+$2}' "$work/sl.time")
python3 - <<PY
w_rps=$wrps; s_rps=$srps; w_us=1e6*$wcpu/$wtotal; s_us=1e6*$scpu/$stotal
print(f"wrk                  {w_rps:>10.0f} req/s   {w_us:6.1f} us CPU/request")
print(f"stampede load http   {s_rps:>10.0f} req/s   {s_us:6.1f} us CPU/request")
print(f"ratio (stampede/wrk) {s_rps/w_rps:10.2f} x     {s_us/w_us:6.2f} x")
PY
