#!/usr/bin/env bash
# The test command: installs what is missing, checks formatting (swift format, .swift-format),
# builds, and runs every test (they start real Redis and PostgreSQL through the embedded
# launcher), then replays the fuzz corpora. Usage: scripts/test.sh [swift test args...]
# Pure tests alone, in seconds and with no Redis or PostgreSQL: swift test --filter "AnalysisTests|ServerUnitTests"
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
source scripts/env.sh
if ! swift format lint --strict --recursive Sources Tests Package.swift; then
  echo "formatting: run 'swift format --in-place --recursive Sources Tests Package.swift'" >&2
  exit 1
fi
swift build --build-tests
swift test --skip-build --no-parallel "$@"
# The fuzz corpora (committed seeds and every input a fuzz run found worth keeping, crashes
# included once fixed) replayed through the fuzz targets: a regression fails here.
for target in sse scenario threshold query; do
  .build/debug/StampedeFuzz "$target" fuzz/corpus/"$target"/*
done
