#!/usr/bin/env bash
# Rewrites the tables in docs/ that come from the code (between "<!-- BEGIN stampede list --X -->"
# and "<!-- END ... -->" markers) from a built stampede: `stampede list --knobs` and `--metrics`.
# Usage: scripts/generate-docs.sh [path/to/stampede]   (default .build/debug/stampede)
set -euo pipefail
cd "$(dirname "$0")/.."
bin="${1:-.build/debug/stampede}"
replace() {  # file, flag
  local file="$1" flag="$2" table
  table="$("$bin" list "$flag")"
  TABLE="$table" python3 - "$file" "stampede list $flag" <<'PY'
import os, sys
path, command = sys.argv[1], sys.argv[2]
text = open(path).read()
begin, end = f"<!-- BEGIN {command} -->\n", f"\n<!-- END {command} -->"
i, j = text.index(begin) + len(begin), text.index(end)
open(path, "w").write(text[:i] + os.environ["TABLE"] + text[j:])
PY
}
replace docs/reference-server.md --knobs
replace docs/scenarios.md --metrics
replace docs/gates.md --report-metrics
