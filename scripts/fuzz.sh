#!/usr/bin/env bash
# Fuzzes one input of Stampede with libFuzzer: `sse` (the SSE parser, whole vs chunked),
# `scenario` (the scenario loader), `threshold` (the threshold parser, with a print/parse round
# trip) or `query` (the reference server's request-body decoding).
# Usage: scripts/fuzz.sh NAME SECONDS [extra libFuzzer flags]
# Builds StampedeFuzz with -sanitize=fuzzer,address in .build-fuzz (its own folder), starts from the
# committed seeds in fuzz/corpus/NAME, keeps the grown corpus in .build-fuzz/corpus/NAME and any
# crash in .build-fuzz/crashes/. Replay a crash with a normal build:
#   .build/debug/StampedeFuzz NAME .build-fuzz/crashes/NAME-crash-...
set -euo pipefail
cd "$(dirname "$0")/.."
name="${1:?usage: scripts/fuzz.sh sse|scenario|threshold|query SECONDS}"
seconds="${2:?usage: scripts/fuzz.sh NAME SECONDS}"
shift 2
case "$name" in sse|scenario|threshold|query) ;; *) echo "no fuzz target '$name': sse, scenario, threshold, query" >&2; exit 64 ;; esac
[ -d fuzz/corpus/"$name" ] || { echo "missing seed corpus fuzz/corpus/$name" >&2; exit 66; }
source scripts/env.sh
swift build --build-path .build-fuzz --product StampedeFuzz \
  -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library -Xswiftc -DFUZZING >&2
corpus=.build-fuzz/corpus/"$name"
mkdir -p "$corpus" .build-fuzz/crashes
cp -n fuzz/corpus/"$name"/* "$corpus"/ 2>/dev/null || true
STAMPEDE_FUZZ="$name" exec .build-fuzz/debug/StampedeFuzz "$corpus" \
  -max_total_time="$seconds" -print_final_stats=1 -timeout=10 -rss_limit_mb=4096 \
  -artifact_prefix=.build-fuzz/crashes/"$name"- "$@"
