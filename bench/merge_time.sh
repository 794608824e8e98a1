#!/usr/bin/env bash
# Benchmark: `stampede merge` of 8 shard results of 10,000 streams each (issue 11's figure).
#
# One real run holds 10,000 streams (1 event/s each) against one reference server for a 20 s
# window (bench/server_sse.py, loopback only, bounded); its result.json is then written out as
# shards 0/8 ... 7/8 of an 80,000-stream test (the `shard` block and `settings.clients` set; the
# histograms, per-second intervals and series are the real run's), and hyperfine times the merge
# (reading 8 files, merging, writing merged.json, .hgrm and .hlog files).
#
# Usage: bench/merge_time.sh [STAMPEDE_BINARY]
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-.build/release/stampede}
dir=$(mktemp -d /tmp/stampede-merge-bench-XXXXXX)
trap 'rm -rf "$dir"' EXIT
python3 bench/server_sse.py --bin "$bin" --streams 10000 --interval 1s --window 20 --ramp 2000/s \
  --keep "$dir/run" > "$dir/server_sse.json" 2> "$dir/server_sse.err"
python3 - "$dir" <<'PY'
import json, os, sys
d = sys.argv[1]
r = json.load(open(f"{d}/run/result-0.json"))
r["settings"]["clients"] = 80000
for i in range(8):
    r["shard"] = {"index": i, "count": 8, "clients": 10000, "testStartUnixSeconds": r["startedAtUnixSeconds"]}
    json.dump(r, open(f"{d}/shard-{i}.json", "w"))
size = os.path.getsize(f"{d}/shard-0.json")
print(f"8 shard files of {size / 2**20:.1f} MiB each: {r['counters']['started']} streams, "
      f"{r['counters']['events']} events, {sum(len(v) for v in (r.get('intervals') or {}).values())} interval histograms per file")
PY
hyperfine --warmup 1 --runs 5 "$bin merge $dir/shard-*.json --out $dir/merged.json"
/usr/bin/time -v "$bin" merge "$dir"/shard-*.json --out "$dir/merged.json" 2>&1 >/dev/null | grep -E "Maximum resident|Elapsed"
