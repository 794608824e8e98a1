/// `ci-smoke`: a small lock-contention point (2 instances, documented vs recommended profile, one
/// hot session) and a small slow-client point (unbounded vs bounded delivery), with claims. Sized
/// to finish well under 3 minutes on a 2-core machine.
enum CISmokeScenario {
    static let yaml = """
        name: ci-smoke
        summary: SCALE-001 and PERF-004 in small; under 3 minutes, for CI
        parameters:
          instances: "2"
          lock_clients: "40"
          lock_duration: 20s
          hot_set: "1"
          slow_clients: "20"
          fast_clients: "10"
          slow_rate: "2048"
          slow_duration: 15s
          slow_events: "3000"
          warmup: 4s
        groups:
          - name: lock-documented
            instances: ${instances}
            profile: documented
            flags: {agent-events: "2", agent-interval: 20ms, lock-hold-ms: "2"}
          - name: lock-recommended
            instances: ${instances}
            profile: recommended
            flags: {agent-events: "2", agent-interval: 20ms, lock-hold-ms: "2"}
          - name: slow-unbounded
            instances: 1
            profile: documented
            flags: {agent-events: "${slow_events}", agent-interval: 10ms, agent-payload-bytes: "2000", socket-send-buffer: "4096"}
          - name: slow-bounded
            instances: 1
            profile: recommended
            flags: {agent-events: "${slow_events}", agent-interval: 10ms, agent-payload-bytes: "2000", socket-send-buffer: "4096"}
        phases:
          - name: lock-documented
            group: lock-documented
            duration: ${lock_duration}
            warmup: ${warmup}
            hot-set: ${hot_set}
            clients:
              - {name: updaters, count: "${lock_clients}", mix: fast, restart-delay: 20ms}
          - name: lock-recommended
            group: lock-recommended
            duration: ${lock_duration}
            warmup: ${warmup}
            hot-set: ${hot_set}
            clients:
              - {name: updaters, count: "${lock_clients}", mix: fast, restart-delay: 20ms}
          - name: slow-unbounded
            group: slow-unbounded
            duration: ${slow_duration}
            warmup: ${warmup}
            clients:
              - {name: slow, count: "${slow_clients}", mix: slow, slow-rate: "${slow_rate}"}
              - {name: fast, count: "${fast_clients}", mix: fast}
          - name: slow-bounded
            group: slow-bounded
            duration: ${slow_duration}
            warmup: ${warmup}
            clients:
              - {name: slow, count: "${slow_clients}", mix: slow, slow-rate: "${slow_rate}"}
              - {name: fast, count: "${fast_clients}", mix: fast}
        sampling:
          hz: 4
          min-samples: 8
          metrics: ['stampede_pool_in_use{pool="redis"}', 'stampede_pool_in_use{pool="postgres"}']
        thresholds:
          - "phase.lost_updates[phase=lock-documented] == 0"
          - "phase.lost_updates[phase=lock-recommended] == 0"
          - "integrity.lost_events == 0"
          - "errors: rate < 1%"
          - "phase.buffered_max_mb[phase=slow-bounded] < 8MiB"
          - "stream.gap[clients=fast,phase=slow-bounded]: p(99) < 1s"
        claims:
          - id: scale-001-latency
            issue: SCALE-001
            statement: All instances compete for the same Redis lock, leading to increased latency (10ms → 500ms → 5-second timeout).
            metric: lock-documented.lock_wait_p99_ms
            relation: ">="
            target: 500
          - id: scale-001-barging
            issue: SCALE-001
            statement: "All instances compete for the same Redis lock (whoever retries first wins: acquisitions overtake earlier waiters)"
            metric: lock-documented.lock_barging_share
            relation: ">="
            target: 0.5
          - id: scale-001-fair-tail
            issue: NEW
            statement: "A FIFO lock with hand-off (the recommended profile's fair lock) at least halves the wait's p99"
            kind: fix
            metric: lock-recommended.lock_wait_p99_ms
            relation: "<="
            target: 0.5 * lock-documented.lock_wait_p99_ms
          - id: perf-004-memory
            issue: PERF-004
            statement: If a client consumes events slower than the agent produces them, events accumulate in memory unbounded.
            metric: slow-unbounded.buffered_max_mb
            relation: ">"
            target: 20
          - id: perf-004-rss
            issue: PERF-004
            statement: "Impact: Memory exhaustion with slow clients"
            metric: slow-unbounded.rss_growth_mb
            relation: ">"
            target: 20
          - id: perf-004-fix-buffer
            issue: PERF-004
            statement: "queue: asyncio.Queue = asyncio.Queue(maxsize=100)  # Bounded queue"
            kind: fix
            metric: slow-bounded.buffered_max_mb
            relation: "<"
            target: 10
          - id: perf-004-fix-rss
            issue: PERF-004
            statement: "await queue.put(event)  # Blocks when full (backpressure)"
            kind: fix
            metric: slow-bounded.rss_growth_mb
            relation: "<"
            target: 0.25 * slow-unbounded.rss_growth_mb
        """
}
