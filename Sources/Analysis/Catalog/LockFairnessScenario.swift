/// `lock-fairness`: SCALE-001's tail on one hot session. The TTL lock with retries barges (whoever
/// retries first after a release wins), so waits spread from ~0 to the timeout; the fair lock
/// queues waiters in arrival order and hands the lock on, so every wait is about the queue ahead.
/// Instance sweep × strategy: exponential (documented), full jitter (the recommended retry),
/// optimistic (no lock), fair.
enum LockFairnessScenario {
    static let yaml = """
        name: lock-fairness
        summary: "SCALE-001's tail: one hot session, instances × lock strategy (exponential, full jitter, optimistic, fair)"
        parameters:
          instances: "1,2,5,10"
          clients_per_instance: "5"
          lock_hold_ms: "20"
          duration: 10s
          warmup: 2s
        groups:
          - name: exponential
            profile: documented
            flags: {lock-strategy: exponential, agent-events: "2", agent-interval: 20ms, lock-hold-ms: "${lock_hold_ms}"}
          - name: full-jitter
            profile: recommended
            flags: {lock-strategy: full-jitter, agent-events: "2", agent-interval: 20ms, lock-hold-ms: "${lock_hold_ms}"}
          - name: optimistic
            profile: recommended
            flags: {lock-strategy: optimistic, agent-events: "2", agent-interval: 20ms, lock-hold-ms: "${lock_hold_ms}"}
          - name: fair
            profile: recommended
            flags: {lock-strategy: fair, agent-events: "2", agent-interval: 20ms, lock-hold-ms: "${lock_hold_ms}"}
        phases:
          - name: exponential
            group: exponential
            instances: ${instances}
            duration: ${duration}
            warmup: ${warmup}
            hot-set: 1
            clients: &contenders
              - {name: contenders, count-per-instance: "${clients_per_instance}", restart-delay: 20ms}
          - {name: full-jitter, group: full-jitter, instances: "${instances}", duration: "${duration}", warmup: "${warmup}", hot-set: 1, clients: *contenders}
          - {name: optimistic, group: optimistic, instances: "${instances}", duration: "${duration}", warmup: "${warmup}", hot-set: 1, clients: *contenders}
          - {name: fair, group: fair, instances: "${instances}", duration: "${duration}", warmup: "${warmup}", hot-set: 1, clients: *contenders}
        claims:
          - id: lock-fairness-tail
            issue: SCALE-001
            statement: "All instances compete for the same Redis lock: the wait's tail is far above its median (barging, not a slower lock)"
            metric: full-jitter@max.lock_wait_p99_ms
            relation: ">="
            target: 10 * full-jitter@max.lock_wait_p50_ms
          - id: lock-fairness-fair-tail
            issue: NEW
            kind: fix
            statement: "A FIFO lock with hand-off (fair) cuts the p99 wait at the largest fleet at least 5x below full jitter's"
            metric: fair@max.lock_wait_p99_ms
            relation: "<="
            target: 0.2 * full-jitter@max.lock_wait_p99_ms
          - id: lock-fairness-fair-throughput
            issue: NEW
            kind: fix
            statement: "The fair lock's hand-off costs no throughput: updates/s at the largest fleet at least full jitter's"
            metric: fair@max.updates_per_second
            relation: ">="
            target: 0.95 * full-jitter@max.updates_per_second
          - id: lock-fairness-fair-timeouts
            issue: NEW
            kind: fix
            statement: "Under the fair lock no update times out at the largest fleet"
            metric: fair@max.lock_timeouts
            relation: "=="
            target: 0
        thresholds:
          - "phase.lost_updates[phase=fair@max] == 0"
        """
}
