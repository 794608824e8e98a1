/// The metrics a phase measures, by name: what claims may refer to (`PHASE.NAME`, or
/// `PHASE.CLIENTS.NAME` for a client group's own figures). Documented in docs/scenarios.md ("Metrics a claim can use").
public enum MetricCatalog {
    /// Phase-wide metrics, over the measured window (after warm-up), summed over instances unless noted.
    public static let phase: [String: String] = [
        "updates_per_second": "end-of-stream session updates completed per second (server counters)",
        "scaling_efficiency": "updates_per_second / (instances × updates_per_second per instance of the sweep's smallest fleet); sweeps of 2 or more sizes only",
        "lost_updates": "hot-session updates lost (must be 0): a verification burst after the load, all streams complete; needs a fixed agent-events",
        "update_errors": "session updates that failed (lock timeouts and others)",
        "lock_timeouts": "lock acquisitions that gave up after the lock timeout",
        "session_create_errors": "new-session creations that failed (stampede_session_create_errors_total)",
        "db_pool_timeouts": "PostgreSQL pool checkouts that timed out waiting (stampede_pool_timeouts_total{pool=\"postgres\"})",
        "lock_wait_mean_ms": "lock acquire wait, mean (exact: histogram sum / count), ms",
        "lock_wait_p50_ms": "lock acquire wait, median (server histogram, 5 buckets per decade, interpolated in its bucket), ms",
        "lock_wait_p99_ms": "lock acquire wait, 99th percentile (server histogram, interpolated in its bucket), ms",
        "lock_wait_max_ms": "longest lock acquire wait of any instance since start, ms",
        "redis_commands_per_update": "Redis commands per successful session update",
        "rss_max_mb": "largest resident memory of one instance, MiB (/proc)",
        "rss_growth_mb": "largest growth of one instance's resident memory over the window, MiB",
        "rss_slope_mb_per_s": "largest least-squares slope of one instance's resident memory, MiB/s",
        "buffered_max_mb": "largest bytes held between agent and socket by one instance, MiB",
        "fds_max": "most open file descriptors of one instance (/proc)",
        "fd_limit": "soft open-file limit of the instances (smallest; stampede_process_max_fds)",
        "fds_per_stream": "open file descriptors per SSE stream held: least-squares slope of /proc open FDs against open streams (largest of any instance; needs a changing stream count)",
        "rss_per_stream_kb": "resident memory per SSE stream held, KiB: least-squares slope of RSS against open streams (largest of any instance)",
        "streams_open_max": "most SSE streams open at once on one instance (stampede_sse_active_streams)",
        "accept_errors": "accept() failures on the listening socket, EMFILE when out of file descriptors (stampede_accept_errors_total)",
        "rejected_connections": "requests answered 503 at the connection cap, --max-connections (stampede_http_rejected_total)",
        "redis_pool_errors": "Redis checkouts refused at once, fail fast: \"Too many connections\" (stampede_pool_exhausted_total{pool=\"redis\"})",
        "redis_pool_timeouts": "Redis checkouts that waited and timed out (stampede_pool_timeouts_total{pool=\"redis\"})",
        "redis_pool_waits": "Redis checkouts that had to wait for a connection (stampede_pool_wait_seconds_count{pool=\"redis\"})",
        "redis_pool_in_use_max": "most Redis connections checked out at once on one instance, since it started (stampede_pool_in_use_peak)",
        "redis_pool_max": "Redis pool limit of the instances (stampede_pool_max{pool=\"redis\"})",
        "db_pool_waits": "PostgreSQL checkouts that had to wait for a connection",
        "db_pool_in_use_max": "most PostgreSQL connections checked out at once on one instance, since it started",
        "db_pool_max": "PostgreSQL pool limit, size + overflow (stampede_pool_max{pool=\"postgres\"})",
        "redis_clients_max": "most Redis client connections (INFO connected_clients, the sampler's own excluded)",
        "redis_ops_per_second_max": "highest Redis instantaneous_ops_per_sec",
        "pg_connections_max": "most PostgreSQL client connections (pg_stat_activity, the sampler's own excluded)",
        "pg_active_max": "most PostgreSQL connections in state active",
        "pg_idle_in_transaction_max": "most PostgreSQL connections idle in transaction (upstream's held connection)",
        "slow_consumers_cut": "streams cut by the slow-consumer deadline",
        "events_produced": "events the agents produced",
        "events_sent": "events written to sockets",
        "streams_completed": "streams that ended with `done` (load generator)",
        "streams_per_second": "streams completed per second of the whole phase (load generator)",
        "events_per_second": "events received per second (load generator)",
        "client_errors": "failed requests (load generator)",
        "lost_events": "gaps, duplicates and reorders seen in event ids (load generator)",
        "gap_p99_ms": "inter-event gap p99 of all clients, ms",
        "generator_cpu_percent": "load generator (this process) CPU, percent of all cores",
        "machine_cpu_percent": "the whole machine's busy CPU (/proc/stat), percent of all cores",
        "samples": "server samples taken in the measured window",
    ]

    /// Per client group: `PHASE.CLIENTS.NAME`.
    public static let client: [String: String] = [
        "gap_p99_ms": "inter-event gap p99, ms",
        "gap_max_ms": "largest inter-event gap, ms",
        "first_event_p99_ms": "time to first event p99, ms",
        "events": "events received",
        "streams_completed": "streams ended with `done`",
        "errors": "failed requests (503 at the connection cap included)",
        "requests": "requests answered with a 2xx status (SSE: streams opened)",
        "request_p99_ms": "request latency p99 of `mode: http` groups, ms",
    ]

    /// Whether `name` (after the phase) is a metric of a phase with these client groups.
    public static func isKnown(_ name: String, clients: [String]) -> Bool {
        if phase[name] != nil { return true }
        guard let dot = name.firstIndex(of: ".") else { return false }
        return clients.contains(String(name[..<dot])) && client[String(name[name.index(after: dot)...])] != nil
    }
}
