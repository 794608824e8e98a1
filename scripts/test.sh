#!/usr/bin/env bash
# The test command: installs what is missing, builds, and runs every test (they start real Redis
# and PostgreSQL through the embedded launcher). Usage: scripts/test.sh [swift test args...]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
source scripts/env.sh
swift build --build-tests
swift test --skip-build --no-parallel "$@"
