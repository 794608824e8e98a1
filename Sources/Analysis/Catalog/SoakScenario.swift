/// `soak`: a long steady run whose claims are slopes. Server and generator memory and the
/// servers' open descriptors, fitted by least squares over the measured window, stay flat when
/// nothing leaks; a leak shows as a slope. The default is short enough for a quick try; run it for
/// real with `--set duration=30m` (and more, the longer the smaller the leak it can see).
enum SoakScenario {
    static let yaml = """
        name: soak
        summary: "Leaks: server and generator RSS and server FDs per hour under steady mixed load (--set duration=30m for a real soak)"
        parameters:
          duration: 2m
          warmup: 20s
          instances: "2"
          clients_per_instance: "20"
          rss_slope_limit: "20"
          fd_slope_limit: "100"
        groups:
          - name: steady
            instances: ${instances}
            profile: recommended
            flags: {agent-events: "20", agent-interval: 50ms, sse-retry: 200ms}
        phases:
          - name: soak
            group: steady
            duration: ${duration}
            warmup: ${warmup}
            hot-set: 16
            clients:
              - {name: streams, count-per-instance: "${clients_per_instance}", mix: "fast:70,slow:10,reconnecting:20", slow-rate: 4096}
              - {name: regular, mode: http, count: 4, path: /api/v1/sessions, restart-delay: 250ms}
        sampling:
          hz: 2
        claims:
          - id: soak-server-rss-flat
            issue: NEW
            statement: "A server's resident memory does not grow under steady load (no leak): slope below ${rss_slope_limit} MiB per hour"
            kind: fix
            metric: soak.rss_slope_mb_per_h
            relation: "<"
            target: ${rss_slope_limit}
          - id: soak-server-fds-flat
            issue: NEW
            statement: "A server's open file descriptors do not grow under steady load: slope below ${fd_slope_limit} per hour"
            kind: fix
            metric: soak.fds_slope_per_h
            relation: "<"
            target: ${fd_slope_limit}
          - id: soak-generator-rss-flat
            issue: NEW
            statement: "The load generator's resident memory does not grow either (its numbers stay trustworthy over a long run)"
            kind: fix
            metric: soak.generator_rss_slope_mb_per_h
            relation: "<"
            target: ${rss_slope_limit}
          - id: soak-no-lost-updates
            issue: SCALE-001
            statement: "Lost updates must be 0, over the whole soak"
            kind: fix
            metric: soak.lost_turns
            relation: "=="
            target: 0
        """
}
