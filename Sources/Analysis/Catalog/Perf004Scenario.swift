/// `perf-004`: fast and slow SSE clients against unbounded delivery (documented), a bounded queue
/// (upstream) and a bounded queue with a slow-consumer deadline (recommended): memory over time,
/// buffered bytes, slow consumers cut, and whether slow clients hurt the fast ones. Then the fix's
/// second-order cost: clients behind a slow link (a bandwidth-capped proxy, not a client-side cap)
/// hold their agent runs, and so agent slots, under the bounded queue, with and without the deadline.
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
          slow_link_clients: "6"
          slow_link_kbps: "20"
          link_readers: "10"
          agent_slots: "10"
          link_duration: 20s
          link_events: "2000"
          link_interval: 5ms
          cut_spill: "8388608"
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
          # Agent runs of 2,000 × 2 KB (4 MB, 10 s for a reader that keeps up): far more than a
          # slow link's path holds (its proxy queue and the sockets' buffers, about 140 KB), so
          # the producer really waits for the slow reader, all through the phase.
          - name: link-unbounded
            profile: documented
            flags: &link {agent-events: "${link_events}", agent-interval: "${link_interval}", agent-payload-bytes: "${payload_bytes}", socket-send-buffer: "4096", agent-slots: "${agent_slots}"}
          - name: link-bounded
            profile: upstream
            flags: *link
          - name: link-deadline
            profile: recommended
            flags: {agent-events: "${link_events}", agent-interval: "${link_interval}", agent-payload-bytes: "${payload_bytes}", socket-send-buffer: "4096", agent-slots: "${agent_slots}", slow-consumer-deadline: "${deadline}", cut-spill: "0"}
          - name: link-spill
            profile: recommended
            flags: {agent-events: "${link_events}", agent-interval: "${link_interval}", agent-payload-bytes: "${payload_bytes}", socket-send-buffer: "4096", agent-slots: "${agent_slots}", slow-consumer-deadline: "${deadline}", cut-spill: "${cut_spill}"}
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
          - name: slow-link-unbounded
            group: link-unbounded
            duration: ${link_duration}
            warmup: ${warmup}
            clients: &linkclients
              - {name: slowlink, count: "${slow_link_clients}", mix: reconnecting, link: {bandwidth: "${slow_link_kbps}"}}
              - {name: readers, count: "${link_readers}", mix: fast}
          - {name: slow-link-bounded, group: link-bounded, duration: "${link_duration}", warmup: "${warmup}", clients: *linkclients}
          - {name: slow-link-deadline, group: link-deadline, duration: "${link_duration}", warmup: "${warmup}", clients: *linkclients}
          - {name: slow-link-spill, group: link-spill, duration: "${link_duration}", warmup: "${warmup}", clients: *linkclients}
        sampling:
          metrics: [stampede_sse_buffered_bytes_max_stream, stampede_sse_streams_resumed_total, stampede_agent_runs_blocked, stampede_agent_slots_in_use]
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
          - id: perf-004-slow-link-holds-slots
            issue: NEW
            statement: "With a bounded queue whose producer blocks (upstream since its fix), a client behind a slow link holds its agent run, and so an agent slot, for as long as it is slow"
            metric: slow-link-bounded.agent_runs_blocked_mean
            relation: ">="
            target: 0.8 * slow-link-bounded.slowlink.clients
          - id: perf-004-slow-link-slots-left
            issue: NEW
            statement: "The sessions per instance (agent slots, the SDK-process capacity behind 50-100 sessions) that remain for clients that read: with 6 slow clients on 10 slots, half or fewer, where unbounded delivery leaves them all"
            metric: slow-link-bounded.agent_slots_for_readers_min
            relation: "<="
            target: 0.5 * slow-link-unbounded.agent_slots_for_readers_min
          - id: perf-004-slow-link-deadline-keeps-slots
            issue: NEW
            statement: "The slow-consumer deadline alone does not give the slots back: a cut run waits in its slot for the client to resume"
            metric: slow-link-deadline.agent_runs_blocked_mean
            relation: ">="
            target: 0.8 * slow-link-bounded.agent_runs_blocked_mean
          - id: perf-004-slow-link-spill-frees-slots
            issue: NEW
            statement: "Recommended fix: after the cut the run goes on into the resume buffer (cut-spill), so it ends and frees its slot; the memory is the rest of the run, bounded"
            kind: fix
            metric: slow-link-spill.agent_runs_blocked_mean
            relation: "<"
            target: 0.5 * slow-link-bounded.agent_runs_blocked_mean
        """
}
