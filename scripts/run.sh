#!/usr/bin/env bash
# The main job: installs what is missing, builds stampede in release mode, and runs it.
# With no arguments it runs the demo (embedded Redis + PostgreSQL, a reference server, a burst of
# SSE streams, the server's metrics); with arguments it runs `stampede ARGS...`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
source scripts/env.sh
swift build -c release --product stampede
bin=".build/release/stampede"
if [ $# -gt 0 ]; then exec "$bin" "$@"; fi
exec bash scripts/demo.sh "$bin"
