#!/usr/bin/env bash
# A first look: embedded services, one reference server (documented profile), 20 concurrent SSE
# streams on one hot session, then the figures the server reports. Stops everything on exit.
set -euo pipefail
bin="${1:-.build/release/stampede}"
source "$(dirname "$0")/lib.sh"
start_services "$bin"
port=$(free_port)
start_bg "$work/serve" "$bin" serve --port "$port" --profile documented --agent-events 10 --agent-interval 100ms --log-level warning
wait_http "http://127.0.0.1:$port/health"
echo "reference server on port $port: $(curl -s http://127.0.0.1:$port/health)"
key="X-API-Key: stampede-dev-key"
sid=$(curl -sN -X POST "http://127.0.0.1:$port/api/v1/query" -H "$key" -d '{"prompt":"hello"}' | sed -n 's/.*"session_id": "\([0-9a-f-]*\)".*/\1/p' | head -1)
echo "session $sid created; 20 streams now continue it at once (their updates contend for one lock)"
for i in $(seq 1 20); do
  curl -sN -X POST "http://127.0.0.1:$port/api/v1/query" -H "$key" -d "{\"prompt\":\"hi\",\"session_id\":\"$sid\"}" > "$work/stream$i" &
done
wait $(jobs -p | tail -20) 2>/dev/null || true
sleep 1
echo "total_turns after 21 streams of 10 events: $(curl -s "http://127.0.0.1:$port/api/v1/sessions/$sid" -H "$key" | python3 -c 'import json,sys; print(json.load(sys.stdin)["total_turns"])') (expected 210)"
curl -s "http://127.0.0.1:$port/metrics" | grep -E '^stampede_(lock_(attempts|acquired|timeouts)_total|lock_acquire_wait_seconds_(sum|count|max)|sse_events_sent_total|process_resident_memory_bytes|pool_in_use_peak)'
