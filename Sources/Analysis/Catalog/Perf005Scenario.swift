/// `perf-005`: SSE request concurrency rising below, at and above the Redis pool (50, fail fast
/// as redis-py: "Too many connections") with the PostgreSQL pool at 10 + 20; then the document's
/// formula `max(db_pool_size + db_max_overflow, 50)` (the upstream profile computes it from its
/// DB flags) and a pool of the same size that waits with a timeout (recommended). Each content
/// event polls Redis (`EXISTS interrupted:{id}`, as upstream), so Redis command concurrency grows
/// with the streams; every stream creates its own session (no lock contention).
enum Perf005Scenario {
    static let yaml = """
        name: perf-005
        summary: PERF-005 Redis pool (50, fail fast) vs rising concurrency; formula max(db pool + overflow, 50); waiting pool
        parameters:
          below: "25"
          at: "50"
          above: "200"
          redis_pool: "50"
          redis_wait: 5s
          db_pool: "10"
          db_overflow: "20"
          agent_events: "100"
          agent_interval: 5ms
          duration: 12s
          warmup: 3s
        groups:
          - name: documented
            profile: documented
            flags: {redis-pool: "${redis_pool}", db-pool: "${db_pool}", db-overflow: "${db_overflow}", agent-events: "${agent_events}", agent-interval: "${agent_interval}", agent-slots: "2000"}
          - name: formula
            profile: upstream
            flags: {db-pool: "${db_pool}", db-overflow: "${db_overflow}", hold-db-connection: "false", agent-events: "${agent_events}", agent-interval: "${agent_interval}", agent-slots: "2000"}
          - name: waiting
            profile: recommended
            flags: {redis-pool: "${redis_pool}", redis-pool-timeout: "${redis_wait}", db-pool: "${db_pool}", db-overflow: "${db_overflow}", agent-events: "${agent_events}", agent-interval: "${agent_interval}", agent-slots: "2000"}
        phases:
          - name: below
            group: documented
            duration: ${duration}
            warmup: ${warmup}
            clients:
              - {name: streams, count: "${below}", mix: fast, restart-delay: 10ms}
          - name: at
            group: documented
            duration: ${duration}
            warmup: ${warmup}
            clients:
              - {name: streams, count: "${at}", mix: fast, restart-delay: 10ms}
          - name: above
            group: documented
            duration: ${duration}
            warmup: ${warmup}
            clients:
              - {name: streams, count: "${above}", mix: fast, restart-delay: 10ms}
          - name: formula
            group: formula
            duration: ${duration}
            warmup: ${warmup}
            clients:
              - {name: streams, count: "${above}", mix: fast, restart-delay: 10ms}
          - name: waiting
            group: waiting
            duration: ${duration}
            warmup: ${warmup}
            clients:
              - {name: streams, count: "${above}", mix: fast, restart-delay: 10ms}
        sampling:
          metrics: ['stampede_pool_in_use{pool="redis"}', 'stampede_pool_exhausted_total{pool="redis"}', 'stampede_pool_waiting{pool="redis"}', 'stampede_pool_in_use{pool="postgres"}']
        claims:
          - id: perf-005-exhaustion
            issue: PERF-005
            statement: "Impact: Connection pool exhaustion with high concurrency (Redis max connections (50) may be insufficient)"
            metric: above.redis_pool_errors
            relation: ">"
            target: 0
          - id: perf-005-at-limit
            issue: PERF-005
            statement: "With 10 workers × 5 concurrent requests = 50 connections (at limit)"
            metric: at.redis_pool_in_use_max
            relation: ">="
            target: 50
          - id: perf-005-fix-formula
            issue: PERF-005
            statement: "redis_max_connections = max(db_pool_size + db_max_overflow, 50)  # Example: 30 DB connections → 50 Redis connections (adequate)"
            kind: fix
            metric: formula.redis_pool_errors
            relation: "=="
            target: 0
          - id: perf-005-fix-waiting
            issue: PERF-005
            statement: "Workaround: Increase `REDIS_MAX_CONNECTIONS` env var (recommended instead: the same pool waits for a connection with a timeout)"
            kind: fix
            metric: waiting.redis_pool_errors
            relation: "=="
            target: 0
          - id: perf-005-fix-waiting-timeouts
            issue: PERF-005
            statement: "Impact: Connection pool exhaustion with high concurrency (under the fix no checkout times out either)"
            kind: fix
            metric: waiting.redis_pool_timeouts
            relation: "=="
            target: 0
        """
}
