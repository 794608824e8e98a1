#!/usr/bin/env bash
# One distributed load test on a Kubernetes cluster: N shard pods from a common start time,
# then merge + gate once. Needs kubectl pointed at the cluster, the stampede image pushed where the
# cluster can pull it (set IMAGE), the reference system (or your own API) running, and the results
# volume (load/results-pvc.yaml).
#
# Usage: deploy/k8s/run-distributed.sh [SHARDS] [LEAD_SECONDS]
#   SHARDS        generator pods, one shard each (default 4)
#   LEAD_SECONDS  start time = now + this, so every pod is running before it (default 90)
# Environment: IMAGE (default stampede:dev), NAMESPACE (default: kubectl's current).
set -euo pipefail
cd "$(dirname "$0")"
shards=${1:-4}
lead=${2:-90}
image=${IMAGE:-stampede:dev}
ns=()
[ -n "${NAMESPACE:-}" ] && ns=(--namespace "$NAMESPACE")
case "$shards" in '' | *[!0-9]*) echo "SHARDS must be a whole number, got '$shards'" >&2; exit 64 ;; esac
run_id="run-$(date -u +%Y%m%dT%H%M%SZ)"
start_at=$(( $(date +%s) + lead ))

render() {
  sed -E \
    -e "s/^(  (completions|parallelism): )[0-9]+$/\1$shards/" \
    -e "s/--shards=[0-9]+/--shards=$shards/" \
    -e "s/(name: SHARDS, value: )\"[0-9]+\"/\1\"$shards\"/" \
    -e "s|stampede.dev/start-at: \"0\"|stampede.dev/start-at: \"$start_at\"|" \
    -e "s|stampede.dev/run-id: manual|stampede.dev/run-id: $run_id|" \
    -e "s|image: stampede:dev|image: $image|" \
    "$1"
}

kubectl "${ns[@]}" delete job stampede-load stampede-merge --ignore-not-found --wait=true
echo "run $run_id: $shards shards from $(date -u -d "@$start_at" +%FT%TZ)"
render load/job.yaml | kubectl "${ns[@]}" apply -f -
# Bounded: the Job's activeDeadlineSeconds (30 min) ends it in any case.
kubectl "${ns[@]}" wait --for=condition=complete job/stampede-load --timeout=1900s
render load/merge-job.yaml | kubectl "${ns[@]}" apply -f -
status=0
kubectl "${ns[@]}" wait --for=condition=complete job/stampede-merge --timeout=600s || status=$?
kubectl "${ns[@]}" logs job/stampede-merge
echo "results: /results/$run_id on the stampede-results volume (merged.json, *.hlog, gate-junit.xml)"
exit "$status"
