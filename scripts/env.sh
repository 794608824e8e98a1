# Sourced by the scripts: Swift on PATH, open-file soft limit raised to the hard limit.
if ! command -v swift >/dev/null 2>&1 && [ -x /opt/swift/usr/bin/swift ]; then
  export PATH="/opt/swift/usr/bin:$PATH"
fi
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
