import Hummingbird
import SystemSupport

/// `GET /metrics` in the Prometheus text format (version 0.0.4).
struct MetricsRoute {
    let state: ServerState

    func register(on router: Router<StampedeRequestContext>) {
        router.get("/metrics") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: .init(string: render())))
        }
    }

    func render() -> String {
        var out = PrometheusText()
        let m = state.metrics
        let process = ProcessStats.read()
        let limits = FileDescriptorLimit.current()
        out.gauge("stampede_process_resident_memory_bytes", "Resident set size.", process?.rssBytes ?? 0)
        out.gauge("stampede_process_open_fds", "Open file descriptors.", process?.openFDs ?? 0)
        out.gauge("stampede_process_max_fds", "Soft open-file limit.", limits.soft)
        out.gauge("stampede_process_threads", "Threads.", process?.threads ?? 0)
        out.counter("stampede_process_cpu_seconds_total", "User and system CPU time.", process?.cpuSeconds ?? 0)

        out.gauge("stampede_sse_active_streams", "SSE responses being written.", m.activeStreams.value)
        out.gauge("stampede_sse_registered_streams", "Streams held (attached or awaiting resume).", state.streams.count)
        out.counter("stampede_sse_streams_total", "SSE responses started.", m.streamsStarted.value)
        out.counter("stampede_sse_events_produced_total", "Events the agent produced.", m.eventsProduced.value)
        out.counter("stampede_sse_events_sent_total", "Events written to sockets.", m.eventsSent.value)
        out.counter("stampede_sse_bytes_sent_total", "Bytes written to sockets.", m.bytesSent.value)
        out.gauge("stampede_sse_buffered_events", "Events waiting between agent and socket.", m.bufferedEvents.value)
        out.gauge("stampede_sse_buffered_bytes", "Bytes waiting between agent and socket.", m.bufferedBytes.value)
        out.gauge("stampede_sse_buffered_bytes_max_stream", "Largest per-stream buffer.", state.streams.largestQueuedBytes)
        out.counter("stampede_sse_slow_consumers_cut_total", "Streams cut by the slow-consumer deadline.", m.slowConsumersCut.value)
        out.counter("stampede_sse_streams_resumed_total", "Streams resumed with Last-Event-ID.", m.streamsResumed.value)
        out.counter("stampede_sse_resume_gaps_total", "Resumes refused because events were no longer held.", m.resumeGaps.value)

        out.gauge("stampede_http_requests_in_flight", "Requests being served, streams included.", m.requestsInFlight.value)
        out.counter("stampede_http_rejected_total", "Requests rejected by --max-connections (503).", m.rejectedConnections.value)
        out.counter("stampede_accept_errors_total", "accept() failures (EMFILE, ENFILE, ...), reserve refusals included.", m.acceptErrors.value)
        out.counter(
            "stampede_fd_reserve_refusals_total", "Connections closed at once to keep a file-descriptor reserve (a sixteenth of the limit, 8 to 24).",
            m.fdReserveRefusals.value)
        out.gauge("stampede_agent_slots", "Agent slots configured.", state.configuration.agentSlots)
        out.gauge("stampede_agent_slots_in_use", "Agent runs in progress.", m.agentSlotsInUse.value)
        out.gauge("stampede_agent_slots_waiting", "Runs waiting for a slot.", m.agentSlotsWaiting.value)
        out.counter("stampede_agent_rejected_total", "Runs rejected for want of a slot.", m.agentRejected.value)

        out.counter("stampede_sessions_created_total", "Sessions created.", m.sessionsCreated.value)
        out.counter("stampede_session_create_errors_total", "Session creations that failed.", m.sessionCreateErrors.value)
        out.counter("stampede_session_updates_total", "End-of-stream updates that completed.", m.sessionUpdates.value)
        out.counter("stampede_session_update_errors_total", "End-of-stream updates that failed.", m.sessionUpdateErrors.value)
        out.counter("stampede_redis_commands_total", "Redis commands sent.", m.redisCommands.value)
        out.counter("stampede_redis_errors_total", "Redis commands that failed.", m.redisErrors.value)
        out.counter("stampede_db_operations_total", "PostgreSQL operations.", m.dbStatements.value)
        out.counter("stampede_db_errors_total", "PostgreSQL operations that failed.", m.dbErrors.value)

        for (label, pool) in [("redis", state.redisPool.statistics), ("postgres", state.databasePool.statistics)] {
            let l = "pool=\"\(label)\""
            out.gauge("stampede_pool_max", "Pool limit (size + overflow).", label == "redis" ? state.redisPool.configuration.maxConnections : state.databasePool.configuration.maxConnections, labels: l)
            out.gauge("stampede_pool_in_use", "Connections checked out.", pool.inUse, labels: l)
            out.gauge("stampede_pool_in_use_peak", "Most connections checked out at once.", pool.peakInUse, labels: l)
            out.gauge("stampede_pool_idle", "Idle connections.", pool.idle, labels: l)
            out.gauge("stampede_pool_waiting", "Checkouts waiting.", pool.waiting, labels: l)
            out.counter("stampede_pool_checkouts_total", "Checkouts.", pool.checkouts, labels: l)
            out.counter("stampede_pool_timeouts_total", "Checkouts that timed out waiting.", pool.timeouts, labels: l)
            out.counter("stampede_pool_exhausted_total", "Fail-fast checkouts refused (Too many connections).", pool.exhaustionErrors, labels: l)
            out.counter("stampede_pool_connect_errors_total", "Connections that could not be opened.", pool.connectErrors, labels: l)
            out.counter("stampede_pool_opened_total", "Connections opened.", pool.opened, labels: l)
            out.histogram(
                "stampede_pool_wait_seconds", "Time checkouts waited for a connection.", bounds: PoolStatistics.waitBuckets,
                counts: pool.waitBucketCounts, sum: pool.waitSecondsTotal, count: pool.waits, labels: l)
        }

        out.gauge("stampede_lock_strategy_info", "Lock strategy in use.", 1, labels: "strategy=\"\(state.configuration.lockStrategy.rawValue)\"")
        out.counter("stampede_lock_attempts_total", "Lock acquisition attempts (SET NX or optimistic writes).", m.lockAttempts.value)
        out.counter("stampede_lock_acquired_total", "Locks acquired.", m.lockAcquired.value)
        out.counter("stampede_lock_timeouts_total", "Lock acquisitions that timed out.", m.lockTimeouts.value)
        out.counter("stampede_lock_release_failures_total", "Releases that found the lock gone or failed.", m.lockReleaseFailures.value)
        out.counter("stampede_lock_optimistic_conflicts_total", "Optimistic writes that lost a race.", m.optimisticConflicts.value)
        let wait = m.lockWait
        out.histogram("stampede_lock_acquire_wait_seconds", "Time from first attempt to acquisition.", bounds: wait.bounds, counts: wait.counts, sum: wait.sum, count: wait.count)
        out.gauge("stampede_lock_acquire_wait_seconds_max", "Longest acquisition wait.", wait.max)
        let hold = m.lockHold
        out.histogram("stampede_lock_hold_seconds", "Time the lock was held.", bounds: hold.bounds, counts: hold.counts, sum: hold.sum, count: hold.count)
        return out.text
    }
}

/// Builds the Prometheus text exposition format.
struct PrometheusText {
    private(set) var text = ""
    private var described: Set<String> = []

    private mutating func header(_ name: String, _ help: String, _ type: String) {
        guard described.insert(name).inserted else { return }
        text += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
    }

    private static func format(_ v: Double) -> String {
        v == v.rounded() && abs(v) < 1e15 ? String(Int(v)) : String(v)
    }

    mutating func gauge(_ name: String, _ help: String, _ value: some BinaryInteger, labels: String = "") {
        gauge(name, help, Double(value), labels: labels)
    }

    mutating func gauge(_ name: String, _ help: String, _ value: Double, labels: String = "") {
        header(name, help, "gauge")
        text += "\(name)\(labels.isEmpty ? "" : "{\(labels)}") \(Self.format(value))\n"
    }

    mutating func counter(_ name: String, _ help: String, _ value: some BinaryInteger, labels: String = "") {
        counter(name, help, Double(value), labels: labels)
    }

    mutating func counter(_ name: String, _ help: String, _ value: Double, labels: String = "") {
        header(name, help, "counter")
        text += "\(name)\(labels.isEmpty ? "" : "{\(labels)}") \(Self.format(value))\n"
    }

    mutating func histogram(
        _ name: String, _ help: String, bounds: [Double], counts: [Int], sum: Double, count: Int, labels: String = ""
    ) {
        header(name, help, "histogram")
        let prefix = labels.isEmpty ? "" : labels + ","
        for (b, c) in zip(bounds, counts) { text += "\(name)_bucket{\(prefix)le=\"\(b)\"} \(c)\n" }
        text += "\(name)_bucket{\(prefix)le=\"+Inf\"} \(count)\n"
        text += "\(name)_sum\(labels.isEmpty ? "" : "{\(labels)}") \(sum)\n"
        text += "\(name)_count\(labels.isEmpty ? "" : "{\(labels)}") \(count)\n"
    }
}
