#!/usr/bin/env bash
# Benchmark: the simulator's speed (issue 12's figure): 100 instances × 20 clients × 10 minutes
# of simulated time, one point per server group and hot-set size of a scale-001 report, one
# core (the simulator is single-threaded). Prints each point's wall time (measured inside the
# command around the simulation alone, `wallSeconds` in simulation.json), its events and
# events/s, then the whole command under /usr/bin/time (calibration and validation included).
#
# Usage: bench/simulate_speed.sh REPORT [STAMPEDE_BINARY]
set -euo pipefail
cd "$(dirname "$0")/.."
report=${1:?usage: bench/simulate_speed.sh REPORT [STAMPEDE_BINARY]}
bin=${2:-.build/release/stampede}
out=$(mktemp /tmp/stampede-simulate-bench-XXXXXX.json)
trap 'rm -f "$out"' EXIT
/usr/bin/time -f "whole command: %e s wall, %U s user, %M KiB max RSS" \
  "$bin" simulate --from "$report" --instances 100 --clients-per-instance 20 --duration 10m --out "$out" > /dev/null
python3 - "$out" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
print(f"{'group':<12} {'sessions':>8} {'updates/s':>10} {'events':>11} {'wall s':>7} {'events/s':>10}  goal <10 s")
for p in s["points"]:
    w = p["wallSeconds"]
    print(f"{p['group']:<12} {p['sessions']:>8} {p['metrics']['updates_per_second']:>10.0f} {p['events']:>11,} "
          f"{w:>7.2f} {p['events'] / w / 1e6:>9.2f}M  {'met' if w < 10 else 'missed'}")
PY
