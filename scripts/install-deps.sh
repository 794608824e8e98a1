#!/usr/bin/env bash
# Installs what Stampede needs on Debian, idempotently: the C libraries it links (libpq, hiredis,
# libcurl, zlib), the servers its embedded launcher starts (redis-server, postgresql), and wrk/hyperfine
# for benchmarks. Needs root (or sudo) only when something is missing.
set -euo pipefail
packages=(libpq-dev libhiredis-dev libcurl4-openssl-dev zlib1g-dev redis-server postgresql pkg-config wrk hyperfine python3-venv iproute2 chromium)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# The Debian packages start system-wide servers; Stampede starts its own, so stop those if running.
if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
  systemctl stop redis-server postgresql >/dev/null 2>&1 || true
fi
if ! command -v swift >/dev/null 2>&1; then
  if [ -x /opt/swift/usr/bin/swift ]; then
    echo "note: add /opt/swift/usr/bin to PATH (the scripts do it themselves)"
  else
    echo "error: no Swift toolchain found (need Swift 6.1 or later on PATH or in /opt/swift)" >&2
    exit 1
  fi
fi
# Python packages the tests check against, in .build-py (ignored by git): HdrHistogram's own
# interval-log reader (hdrhistogram) and the Kubernetes API models (kubernetes) for deploy/k8s.
root="$(cd "$(dirname "$0")/.." && pwd)"
if ! "$root/.build-py/bin/python" -c 'import hdrh, kubernetes' >/dev/null 2>&1; then
  echo "installing Python packages into .build-py: hdrhistogram, kubernetes"
  python3 -m venv "$root/.build-py"
  "$root/.build-py/bin/pip" install -q --disable-pip-version-check hdrhistogram==0.10.8 kubernetes==37.0.2
fi
