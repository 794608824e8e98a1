#!/usr/bin/env bash
# The fault proxy's accuracy and cost: 10,000 sequential PINGs (redis-benchmark, one client, no
# pipelining) to a local redis-server, directly and through `stampede proxy` with 0, 1 and 5 ms of
# added (downstream) latency; then 64 KiB SETs with 8 in flight for throughput. Prints redis-
# benchmark's latency percentiles, the added delay's error at p50 and p99, the proxy's CPU per
# proxied message (/proc/PID/stat utime+stime), and MB/s through one proxy.
# Usage: bench/proxy_latency.sh [path/to/stampede]   (default .build/release/stampede)
set -euo pipefail
cd "$(dirname "$0")/.."
bin="${1:-.build/release/stampede}"
work=$(mktemp -d)
rport=$((20000 + RANDOM % 10000)); pport=$((rport + 1))
redis-server --port "$rport" --bind 127.0.0.1 --save '' --appendonly no --daemonize no --dir "$work" >/dev/null &
redis=$!
trap 'kill $redis 2>/dev/null; [ -n "${proxy:-}" ] && kill $proxy 2>/dev/null; rm -rf "$work"' EXIT
sleep 0.5
ticks=$(getconf CLK_TCK)
cpu() { awk -v t="$ticks" '{print ($14 + $15) / t}' "/proc/$1/stat"; }
# p50 and p99 (ms) of one redis-benchmark run on port $1 with extra args.
percentiles() {
  redis-benchmark -p "$1" -c 1 -P 1 --precision 3 --csv "${@:2}" | awk -F'","' 'NR==2 {print $5, $7, $2}'
}
printf '%-22s %10s %10s %10s %14s %12s\n' link p50_ms p99_ms "rps" "added_p50_err" "cpu_us/msg"
read -r base50 base99 baserps < <(percentiles "$rport" -n 10000 -t ping_mbulk)
printf '%-22s %10s %10s %10s %14s %12s\n' direct "$base50" "$base99" "$baserps" - -
for ms in 0 1 5; do
  "$bin" proxy --listen "127.0.0.1:$pport" --upstream "127.0.0.1:$rport" --latency "${ms}ms" >/dev/null &
  proxy=$!
  sleep 0.5
  before=$(cpu $proxy)
  read -r p50 p99 rps < <(percentiles "$pport" -n 10000 -t ping_mbulk)
  after=$(cpu $proxy)
  err=$(awk -v p="$p50" -v b="$base50" -v m="$ms" 'BEGIN { if (m == 0) print "-"; else printf "%+.1f%%", ((p - b) - m) / m * 100 }')
  per=$(awk -v a="$after" -v b="$before" 'BEGIN { printf "%.1f", (a - b) / 20000 * 1e6 }')
  printf '%-22s %10s %10s %10s %14s %12s\n' "proxy +${ms}ms" "$p50" "$p99" "$rps" "$err" "$per"
  kill $proxy; wait $proxy 2>/dev/null || true; proxy=""
done
# Throughput: 64 KiB values, 8 requests in flight, through the proxy with no added latency.
"$bin" proxy --listen "127.0.0.1:$pport" --upstream "127.0.0.1:$rport" >/dev/null &
proxy=$!
sleep 0.5
for port in "$rport" "$pport"; do
  rps=$(redis-benchmark -p "$port" -c 8 -n 20000 -d 65536 -t set --csv | awk -F'","' 'NR==2 {print $2}')
  label=$([ "$port" = "$rport" ] && echo direct || echo proxy)
  awk -v r="$rps" -v l="$label" 'BEGIN { printf "%-22s %10.0f SET/s of 64 KiB = %.0f MB/s\n", l " throughput", r, r * 65536 / 1e6 }'
done
