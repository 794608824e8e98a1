#!/usr/bin/env bash
# Requests/s of the reference server measured with wrk: a plain route (GET /), /health (a real
# SELECT 1 + PING) and a cache-hit GET /api/v1/sessions/{id} (one Redis GET), so the cost of the
# backends is visible. Starts embedded Redis + PostgreSQL and one server; stops all at the end.
# Usage: bench/server_http.sh [stampede binary] [seconds] [connections]
set -euo pipefail
bin="${1:-.build/release/stampede}"; secs="${2:-10}"; conns="${3:-50}"
source "$(dirname "$0")/../scripts/lib.sh"
start_services "$bin"
port=$(free_port)
start_bg "$work/serve" "$bin" serve --port "$port" --profile upstream --agent-events 1 --agent-interval 0 --log-level error
spid=$last_pid
wait_http "http://127.0.0.1:$port/health"
key="X-API-Key: stampede-dev-key"
sid=$(curl -sN -X POST "http://127.0.0.1:$port/api/v1/query" -H "$key" -d '{"prompt":"x"}' | sed -n 's/.*"session_id": "\([0-9a-f-]*\)".*/\1/p' | head -1)
run() {
  local name=$1; shift
  local cpu0; cpu0=$(awk '{print $14+$15}' /proc/$spid/stat)
  local out; out=$(wrk -t2 -c"$conns" -d"${secs}s" --latency "$@")
  local cpu1; cpu1=$(awk '{print $14+$15}' /proc/$spid/stat)
  local rps; rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  local p99; p99=$(echo "$out" | awk '$1=="99%" {print $2}')
  local total; total=$(echo "$out" | awk '/requests in/ {print $1}')
  local us; us=$(python3 -c "print(round(($cpu1-$cpu0)/$(getconf CLK_TCK)*1e6/$total,1))")
  printf '%-34s %10s req/s   p99 %8s   server CPU %6s us/req\n' "$name" "$rps" "$p99" "$us"
}
run "GET / (plain)" "http://127.0.0.1:$port/"
run "GET /health (SELECT 1 + PING)" "http://127.0.0.1:$port/health"
run "GET /api/v1/sessions/{id} (cache hit)" -H "$key" "http://127.0.0.1:$port/api/v1/sessions/$sid"
