/// `scale-001`: instance sweep × lock profile on a hot set of sessions whose end-of-stream updates
/// contend for the same Redis locks (SCALE-001). Load grows with the fleet (clients per instance).
enum Scale001Scenario {
    static let yaml = """
        name: scale-001
        summary: SCALE-001 lock contention, instance sweep × documented/upstream/recommended
        parameters:
          instances: "1,2,3,5,8,10"
          clients_per_instance: "20"
          hot_set: "4"
          duration: 15s
          warmup: 3s
          agent_events: "2"
          agent_interval: 20ms
          lock_hold_ms: "2"
          redis_rtt: 0ms
        # The round trip added between the servers and Redis (a fault proxy on the link when above
        # 0): every SET NX attempt and the release inside the lock pay it, as between real hosts.
        network: {redis: {latency: "${redis_rtt}"}}
        groups:
          - name: documented
            profile: documented
            flags: {agent-events: "${agent_events}", agent-interval: "${agent_interval}", lock-hold-ms: "${lock_hold_ms}"}
          - name: upstream
            profile: upstream
            flags: {agent-events: "${agent_events}", agent-interval: "${agent_interval}", lock-hold-ms: "${lock_hold_ms}"}
          - name: recommended
            profile: recommended
            flags: {agent-events: "${agent_events}", agent-interval: "${agent_interval}", lock-hold-ms: "${lock_hold_ms}"}
        phases:
          - name: documented
            group: documented
            instances: ${instances}
            duration: ${duration}
            warmup: ${warmup}
            hot-set: ${hot_set}
            clients: [{name: updaters, count-per-instance: "${clients_per_instance}", restart-delay: 20ms}]
          - name: upstream
            group: upstream
            instances: ${instances}
            duration: ${duration}
            warmup: ${warmup}
            hot-set: ${hot_set}
            clients: [{name: updaters, count-per-instance: "${clients_per_instance}", restart-delay: 20ms}]
          - name: recommended
            group: recommended
            instances: ${instances}
            duration: ${duration}
            warmup: ${warmup}
            hot-set: ${hot_set}
            clients: [{name: updaters, count-per-instance: "${clients_per_instance}", restart-delay: 20ms}]
        claims:
          - id: scale-001-diminishing
            issue: SCALE-001
            statement: "Impact: Scaling limited to 3-5 instances (diminishing returns beyond that)"
            metric: documented@max.scaling_efficiency
            relation: "<"
            target: 0.5
          - id: scale-001-20-percent
            issue: SCALE-001
            statement: "10 instances: ~200-300 concurrent sessions (only 20% efficiency)"
            metric: documented@max.scaling_efficiency
            relation: "<="
            target: 0.3
          - id: scale-001-latency
            issue: SCALE-001
            statement: All instances compete for the same Redis lock, leading to increased latency (10ms → 500ms → 5-second timeout).
            metric: documented@max.lock_wait_p99_ms
            relation: ">="
            target: 500
          - id: scale-001-timeouts
            issue: SCALE-001
            statement: increased latency (10ms → 500ms → 5-second timeout)
            metric: documented@max.lock_timeouts
            relation: ">"
            target: 0
          - id: scale-001-fix-efficiency
            issue: SCALE-001
            statement: "Fix Options: 1. Add jitter to prevent thundering herd (the fix holds efficiency at the largest fleet)"
            kind: fix
            metric: recommended@max.scaling_efficiency
            relation: ">="
            target: 0.7
          - id: scale-001-fix-vs-documented
            issue: SCALE-001
            statement: "The retry logic lacks jitter, which can cause thundering herd problems."
            kind: fix
            metric: recommended@max.updates_per_second
            relation: ">="
            target: 1.2 * documented@max.updates_per_second
        """
}
