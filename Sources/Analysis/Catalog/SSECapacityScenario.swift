/// `sse-capacity`: SSE streams rising on one instance behind the documented connection cap
/// (4 workers × 500 = 2,000, `--max-connections`) while a few clients send regular requests
/// (`GET /api/v1/sessions`, `mode: http`): at the document's 80 % share (1,600 streams), past
/// the cap, and with the cap raised (more workers). Reports streams held, resident memory per
/// stream, connections refused with 503 and whether regular requests are still served.
enum SSECapacityScenario {
    static let yaml = """
        name: sse-capacity
        summary: SSE connection limits, streams rising to 1,600 and past the 2,000 connection cap with regular requests alongside
        parameters:
          max_connections: "2000"
          raised_connections: "4000"
          share_streams: "1600"
          over_streams: "2100"
          requesters: "4"
          request_path: /api/v1/sessions
          think: 250ms
          ramp: "200"
          agent_events: "120"
          agent_interval: 500ms
          duration: 22s
          warmup: 2s
        groups:
          - name: capped
            profile: documented
            flags: {max-connections: "${max_connections}", agent-events: "${agent_events}", agent-interval: "${agent_interval}", agent-slots: "5000", interrupt-poll: "false"}
          - name: raised
            profile: documented
            flags: {max-connections: "${raised_connections}", agent-events: "${agent_events}", agent-interval: "${agent_interval}", agent-slots: "5000", interrupt-poll: "false"}
        phases:
          - name: share
            group: capped
            duration: ${duration}
            warmup: ${warmup}
            clients:
              - {name: streams, count: "${share_streams}", mix: fast, ramp: "${ramp}", restart-delay: 1s}
              - {name: regular, mode: http, count: "${requesters}", path: "${request_path}", restart-delay: "${think}"}
          - name: full
            group: capped
            duration: ${duration}
            warmup: ${warmup}
            clients:
              - {name: streams, count: "${over_streams}", mix: fast, ramp: "${ramp}", restart-delay: 1s}
              - {name: regular, mode: http, count: "${requesters}", path: "${request_path}", restart-delay: "${think}"}
          - name: raised
            group: raised
            duration: ${duration}
            warmup: ${warmup}
            clients:
              - {name: streams, count: "${over_streams}", mix: fast, ramp: "${ramp}", restart-delay: 1s}
              - {name: regular, mode: http, count: "${requesters}", path: "${request_path}", restart-delay: "${think}"}
        sampling:
          metrics: [stampede_http_requests_in_flight, stampede_http_rejected_total, stampede_process_resident_memory_bytes]
        claims:
          - id: sse-capacity-streams
            issue: SSE-CONNECTION-LIMITS
            statement: "Limitation: ~1,600 concurrent SSE connections per instance (SSE holds connections open: ~80% capacity = 1,600 streams)"
            metric: share.streams_open_max
            relation: ">="
            target: ${share_streams}
          - id: sse-capacity-regular-served
            issue: SSE-CONNECTION-LIMITS
            statement: "Remaining 20% for regular requests: ~400 requests (with 1,600 streams held, regular requests are served)"
            metric: share.regular.errors
            relation: "=="
            target: 0
          - id: sse-capacity-cap
            issue: SSE-CONNECTION-LIMITS
            statement: "With 4 workers: 2,000 total connections (streams past the cap are refused)"
            metric: full.rejected_connections
            relation: ">"
            target: 0
          - id: sse-capacity-cap-streams
            issue: SSE-CONNECTION-LIMITS
            statement: "Uvicorn default: 500 connections per worker; with 4 workers: 2,000 total connections (no more streams than that)"
            metric: full.streams_open_max
            relation: "<="
            target: ${max_connections}
          - id: sse-capacity-no-reserve
            issue: SSE-CONNECTION-LIMITS
            statement: "Cause: Uvicorn worker capacity (80% of 2,000 connections); nothing reserves the other 20%: once streams fill the cap, regular requests are refused"
            metric: full.regular.errors
            relation: ">"
            target: 0
          - id: sse-capacity-fix
            issue: SSE-CONNECTION-LIMITS
            statement: "Recommendation: Use dedicated SSE workers or increase worker count for high SSE load (cap raised: regular requests served)"
            kind: fix
            metric: raised.regular.errors
            relation: "=="
            target: 0
          - id: sse-capacity-fix-streams
            issue: SSE-CONNECTION-LIMITS
            statement: "Recommendation: Use dedicated SSE workers or increase worker count for high SSE load (cap raised: no stream refused)"
            kind: fix
            metric: raised.rejected_connections
            relation: "=="
            target: 0
        """
}
