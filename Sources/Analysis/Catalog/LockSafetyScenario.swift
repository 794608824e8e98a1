/// `lock-safety`: Kleppmann's case against the session lock. An instance inside an update (its
/// session read done, its write not yet) is paused past the lock's TTL; the other instance takes
/// the expired lock and writes; the paused one resumes and writes what it read before. Under a
/// TTL lock the first writes are lost; under the version counter (fix option 2) the stale write
/// fails and is retried. The pause repeats through the phase, so the count is a rate, not luck.
enum LockSafetyScenario {
    static let yaml = """
        name: lock-safety
        summary: "SCALE-001 lock safety: a lock holder paused past the lock's TTL (documented, upstream, full jitter, fair, optimistic)"
        parameters:
          duration: 30s
          warmup: 2s
          lock_ttl: 2s
          pause: 4s
          every: 7s
          clients_per_instance: "4"
          hold_ms: "100"
        groups:
          - name: documented
            instances: 2
            profile: documented
            flags: {lock-ttl: "${lock_ttl}", lock-timeout: 10s, lock-hold-ms: "${hold_ms}", agent-events: "5", agent-interval: 20ms}
          - name: upstream
            instances: 2
            profile: upstream
            flags: {lock-ttl: "${lock_ttl}", lock-timeout: 10s, lock-hold-ms: "${hold_ms}", agent-events: "5", agent-interval: 20ms}
          - name: recommended
            instances: 2
            profile: recommended
            flags: {lock-strategy: full-jitter, lock-ttl: "${lock_ttl}", lock-timeout: 10s, lock-hold-ms: "${hold_ms}", agent-events: "5", agent-interval: 20ms}
          - name: fair
            instances: 2
            profile: recommended
            flags: {lock-strategy: fair, lock-ttl: "${lock_ttl}", lock-timeout: 10s, lock-hold-ms: "${hold_ms}", agent-events: "5", agent-interval: 20ms}
          - name: optimistic
            instances: 2
            profile: recommended
            flags: {lock-strategy: optimistic, lock-timeout: 10s, lock-hold-ms: "${hold_ms}", agent-events: "5", agent-interval: 20ms}
        phases:
          - name: documented
            group: documented
            duration: ${duration}
            warmup: ${warmup}
            hot-set: 1
            clients: &writers
              - {name: writers, count-per-instance: "${clients_per_instance}", mix: fast}
            faults: &pauses
              - {at: 4s, every: "${every}", do: pause-instance, instance: 0, for: "${pause}", when: mid-update}
          - {name: upstream, group: upstream, duration: "${duration}", warmup: "${warmup}", hot-set: 1, clients: *writers, faults: *pauses}
          - {name: recommended, group: recommended, duration: "${duration}", warmup: "${warmup}", hot-set: 1, clients: *writers, faults: *pauses}
          - {name: fair, group: fair, duration: "${duration}", warmup: "${warmup}", hot-set: 1, clients: *writers, faults: *pauses}
          - {name: optimistic, group: optimistic, duration: "${duration}", warmup: "${warmup}", hot-set: 1, clients: *writers, faults: *pauses}
        claims:
          - id: lock-safety-documented
            issue: SCALE-001
            statement: "lock_value = await self._cache.acquire_lock(lock_key, ttl=lock_ttl): a holder paused past the TTL loses the lock and still writes"
            metric: documented.lost_turns
            relation: ">"
            target: 0
          - id: lock-safety-upstream
            issue: SCALE-001
            statement: "The upstream lock (SET NX EX, jittered retries) gives no mutual exclusion when a holder pauses past the TTL"
            metric: upstream.lost_turns
            relation: ">"
            target: 0
          - id: lock-safety-recommended
            issue: NEW
            statement: "Jittered retries (fix option 1) do not make the TTL lock safe: a paused holder still overwrites"
            metric: recommended.lost_turns
            relation: ">"
            target: 0
          - id: lock-safety-version-counter
            issue: SCALE-001
            statement: "UPDATE sessions SET version = version + 1 ... WHERE id = ? AND version = ?  -- Fails if version changed"
            kind: fix
            metric: optimistic.lost_turns
            relation: "=="
            target: 0
          - id: lock-safety-fencing
            issue: NEW
            statement: "The fair lock's fencing token (the session write checks it) refuses the paused holder's stale write"
            kind: fix
            metric: fair.lost_turns
            relation: "=="
            target: 0
        thresholds:
          - "phase.lost_turns[phase=optimistic] == 0"
          - "phase.lost_turns[phase=fair] == 0"
        """
}
