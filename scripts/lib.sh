# Shell helpers shared by scripts/ and bench/ (source it). Every process started through
# `start_bg` is stopped, and the work directory removed, when the calling script exits.
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT INT TERM

# start_bg LOGFILE CMD...: runs CMD in the background with its output in LOGFILE; sets $last_pid.
start_bg() { local log=$1; shift; "$@" > "$log" 2>&1 & last_pid=$!; pids+=("$last_pid"); }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# wait_http URL: waits up to 60 s for URL to answer.
wait_http() { for _ in $(seq 1 300); do curl -sf "$1" >/dev/null 2>&1 && return 0; sleep 0.2; done; echo "no answer from $1" >&2; return 1; }

# start_services BIN: embedded Redis + PostgreSQL; exports REDIS_URL and DATABASE_URL.
start_services() {
  start_bg "$work/services" "$1" services up
  for _ in $(seq 1 300); do grep -q DATABASE_URL "$work/services" 2>/dev/null && break; sleep 0.2; done
  set -a; source "$work/services"; set +a
}
