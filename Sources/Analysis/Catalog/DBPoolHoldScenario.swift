/// `db-pool-hold`: upstream holds one PostgreSQL connection for the whole of every new-session
/// stream (a finding KNOWN_ISSUES.md does not list, hence `issue: NEW`). With a small pool
/// (5 + 5, 3 s checkout timeout) and 20 clients on 4-second streams, more new streams overlap
/// than the pool holds: upstream's session creations time out waiting for a connection, while
/// the recommended profile (a connection per statement) serves the same load without errors.
enum DBPoolHoldScenario {
    static let yaml = """
        name: db-pool-hold
        summary: NEW one PostgreSQL connection held per new-session stream, upstream vs recommended, small pool
        parameters:
          clients: "20"
          db_pool: "5"
          db_overflow: "5"
          db_pool_timeout: 3s
          agent_events: "40"
          agent_interval: 100ms
          duration: 15s
          warmup: 4s
        groups:
          - name: upstream
            instances: 1
            profile: upstream
            flags: {db-pool: "${db_pool}", db-overflow: "${db_overflow}", db-pool-timeout: "${db_pool_timeout}", agent-events: "${agent_events}", agent-interval: "${agent_interval}"}
          - name: recommended
            instances: 1
            profile: recommended
            flags: {db-pool: "${db_pool}", db-overflow: "${db_overflow}", db-pool-timeout: "${db_pool_timeout}", agent-events: "${agent_events}", agent-interval: "${agent_interval}"}
        phases:
          - name: upstream
            group: upstream
            duration: ${duration}
            warmup: ${warmup}
            clients:
              - {name: streams, count: "${clients}", mix: fast}
          - name: recommended
            group: recommended
            duration: ${duration}
            warmup: ${warmup}
            clients:
              - {name: streams, count: "${clients}", mix: fast}
        sampling:
          metrics: ['stampede_pool_in_use{pool="postgres"}', 'stampede_pool_waiting{pool="postgres"}', stampede_session_create_errors_total]
        claims:
          - id: db-pool-hold-create-errors
            issue: NEW
            statement: "Upstream holds one PostgreSQL connection per new-session stream: once concurrent new streams exceed pool size + overflow, session creation fails."
            metric: upstream.session_create_errors
            relation: ">"
            target: 0
          - id: db-pool-hold-pool-timeouts
            issue: NEW
            statement: "Streams beyond pool size + overflow wait for a held connection until the pool timeout."
            metric: upstream.db_pool_timeouts
            relation: ">"
            target: 0
          - id: db-pool-hold-fix-create-errors
            issue: NEW
            statement: "Fix: check a connection out per statement, not per stream (no session creation errors at the same load)."
            kind: fix
            metric: recommended.session_create_errors
            relation: "=="
            target: 0
          - id: db-pool-hold-fix-pool-timeouts
            issue: NEW
            statement: "Fix: check a connection out per statement, not per stream (no pool timeouts at the same load)."
            kind: fix
            metric: recommended.db_pool_timeouts
            relation: "=="
            target: 0
        """
}
