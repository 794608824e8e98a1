/// `scale-001`: instance sweep × session popularity (hot-set sizes) × lock profile. The end-of-stream
/// updates of each hot session contend for its Redis lock (SCALE-001); load grows with the fleet
/// (clients per instance). Sized so that this 2-core machine stays below its CPU limit at the
/// largest fleet: the limit measured is the lock's or the sessions', not the machine's. report.md
/// opens with the computed answer (``PopularityAnswer``): at which popularity the largest fleet's
/// efficiency falls below 50 %, and why.
enum Scale001Scenario {
    static let yaml = """
        name: scale-001
        summary: SCALE-001 lock contention, instances × hot-set size × documented/upstream/recommended
        parameters:
          instances: "1,2,5,10"
          clients_per_instance: "5"
          hot_set: "1,4,16,64"
          duration: 10s
          warmup: 2s
          agent_events: "2"
          agent_interval: 20ms
          lock_hold_ms: "20"
          restart_delay: 150ms
          redis_rtt: 0ms
        # The round trip added between the servers and Redis (a fault proxy on the link when above
        # 0): every lock command and the session reads and writes pay it, as between real hosts.
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
            clients: &updaters
              - {name: updaters, count-per-instance: "${clients_per_instance}", restart-delay: "${restart_delay}"}
          - {name: upstream, group: upstream, instances: "${instances}", duration: "${duration}", warmup: "${warmup}", hot-set: "${hot_set}", clients: *updaters}
          - {name: recommended, group: recommended, instances: "${instances}", duration: "${duration}", warmup: "${warmup}", hot-set: "${hot_set}", clients: *updaters}
        # Under a popularity sweep, PHASE@max names the largest fleet at the hottest point (the
        # smallest hot set): the case the known issue describes.
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
          - id: scale-001-barging
            issue: SCALE-001
            statement: "All instances compete for the same Redis lock: whoever retries first wins, overtaking earlier waiters"
            metric: documented@max.lock_barging_share
            relation: ">="
            target: 0.5
          - id: scale-001-fix-efficiency
            issue: SCALE-001
            statement: "Fix Options: 1. Add jitter to prevent thundering herd (the fix holds efficiency at the largest fleet)"
            kind: fix
            metric: recommended@max.scaling_efficiency
            relation: ">="
            target: 0.7
          - id: scale-001-fix-tail
            issue: NEW
            statement: "The recommended profile's fair lock (FIFO with hand-off) lowers the wait's p99 at the largest fleet below documented's"
            kind: fix
            metric: recommended@max.lock_wait_p99_ms
            relation: "<"
            target: documented@max.lock_wait_p99_ms
          - id: scale-001-fix-timeouts
            issue: NEW
            statement: "Under the fair lock no update times out at the largest fleet"
            kind: fix
            metric: recommended@max.lock_timeouts
            relation: "=="
            target: 0
        """
}
