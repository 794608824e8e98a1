#!/usr/bin/env bash
# The main job: installs what is missing, builds stampede in release mode, and runs it.
# With no arguments it runs `stampede run ci-smoke` (embedded Redis + PostgreSQL, a fleet of
# reference servers, lock contention and slow clients, a report with a verdict per claim in
# reports/latest/); with arguments it runs `stampede ARGS...` (e.g. `scripts/run.sh run scale-001`).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
source scripts/env.sh
swift build -c release --product stampede
bin=".build/release/stampede"
if [ $# -gt 0 ]; then exec "$bin" "$@"; fi
exec "$bin" run ci-smoke
