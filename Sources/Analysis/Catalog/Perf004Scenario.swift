/// `perf-004`: fast and slow SSE clients against unbounded delivery (documented), a bounded queue
/// (upstream) and a bounded queue with a slow-consumer deadline (recommended): memory over time,
/// buffered bytes, slow consumers cut, and whether slow clients hurt the fast ones.
enum Perf004Scenario {
    static let yaml = """
        name: perf-004
        summary: PERF-004 SSE backpressure, slow clients vs unbounded/bounded/bounded+deadline
        parameters:
          slow_clients: "50"
          fast_clients: "20"
          slow_rate: "1024"
          duration: 30s
          warmup: 5s
          agent_events: "6000"
          agent_interval: 10ms
          payload_bytes: "2000"
          deadline: 5s
        groups:
          - name: unbounded
            profile: documented
            flags: {agent-events: "${agent_events}", agent-interval: "${agent_interval}", agent-payload-bytes: "${payload_bytes}", socket-send-buffer: "4096"}
          - name: bounded
            profile: upstream
            flags: {agent-events: "${agent_events}", agent-interval: "${agent_interval}", agent-payload-bytes: "${payload_bytes}", socket-send-buffer: "4096"}
          - name: deadline
            profile: recommended
            flags: {agent-events: "${agent_events}", agent-interval: "${agent_interval}", agent-payload-bytes: "${payload_bytes}", socket-send-buffer: "4096", slow-consumer-deadline: "${deadline}"}
        phases:
          - name: unbounded
            group: unbounded
            duration: ${duration}
            warmup: ${warmup}
            clients:
              - {name: slow, count: "${slow_clients}", mix: slow, slow-rate: "${slow_rate}"}
              - {name: fast, count: "${fast_clients}", mix: fast}
          - name: bounded
            group: bounded
            duration: ${duration}
            warmup: ${warmup}
            clients:
              - {name: slow, count: "${slow_clients}", mix: slow, slow-rate: "${slow_rate}"}
              - {name: fast, count: "${fast_clients}", mix: fast}
          - name: deadline
            group: deadline
            duration: ${duration}
            warmup: ${warmup}
            clients:
              - {name: slow, count: "${slow_clients}", mix: slow, slow-rate: "${slow_rate}"}
              - {name: fast, count: "${fast_clients}", mix: fast}
        sampling:
          metrics: [stampede_sse_buffered_bytes_max_stream, stampede_sse_streams_resumed_total]
        claims:
          - id: perf-004-rss-grows
            issue: PERF-004
            statement: If a client consumes events slower than the agent produces them, events accumulate in memory unbounded.
            metric: unbounded.rss_slope_mb_per_s
            relation: ">"
            target: 1
          - id: perf-004-buffered
            issue: PERF-004
            statement: "Impact: Memory exhaustion with slow clients"
            metric: unbounded.buffered_max_mb
            relation: ">"
            target: 50
          - id: perf-004-fix-bounded
            issue: PERF-004
            statement: "queue: asyncio.Queue = asyncio.Queue(maxsize=100)  # Bounded queue"
            kind: fix
            metric: bounded.buffered_max_mb
            relation: "<"
            target: 0.2 * unbounded.buffered_max_mb
          - id: perf-004-fix-rss-flat
            issue: PERF-004
            statement: "await queue.put(event)  # Blocks when full (backpressure)"
            kind: fix
            metric: bounded.rss_slope_mb_per_s
            relation: "<"
            target: 0.2 * unbounded.rss_slope_mb_per_s
          - id: perf-004-fix-deadline-cuts
            issue: PERF-004
            statement: "Workaround: None - monitor memory usage (recommended fix: cut slow consumers after a deadline, resumable)"
            kind: fix
            metric: deadline.slow_consumers_cut
            relation: ">"
            target: 0
          - id: perf-004-fast-unharmed
            issue: PERF-004
            statement: "Does one slow client hurt the others? (fast clients' inter-event gap p99 under the fix)"
            kind: fix
            metric: deadline.fast.gap_p99_ms
            relation: "<"
            target: 50
        """
}
