/// Every metric a phase measures, declared once: name, unit, direction, where it comes from and
/// what it means. Claims (`PHASE.NAME`, `PHASE.CLIENTS.NAME`), thresholds (`phase.NAME[phase=P]`),
/// baselines, report tables and the planner all read this catalog; docs/scenarios.md lists it.
public enum PhaseMetric: String, Sendable, CaseIterable, Codable {
    case updatesPerSecond = "updates_per_second"
    case scalingEfficiency = "scaling_efficiency"
    case lostUpdates = "lost_updates"
    case lostTurns = "lost_turns"
    case faultsApplied = "faults_applied"
    case faultsNotRecovered = "faults_not_recovered"
    case recoveryMaxS = "recovery_max_s"
    case updateErrors = "update_errors"
    case lockTimeouts = "lock_timeouts"
    case sessionCreateErrors = "session_create_errors"
    case dbPoolTimeouts = "db_pool_timeouts"
    case lockWaitMeanMs = "lock_wait_mean_ms"
    case lockWaitP50Ms = "lock_wait_p50_ms"
    case lockWaitP99Ms = "lock_wait_p99_ms"
    case lockWaitMaxMs = "lock_wait_max_ms"
    case redisCommandsPerUpdate = "redis_commands_per_update"
    case lockAcquisitions = "lock_acquisitions"
    case lockAttemptsPerAcquisition = "lock_attempts_per_acquisition"
    case lockCommandsPerAcquisition = "lock_commands_per_acquisition"
    case lockFreeWhileWaitingShare = "lock_free_while_waiting_share"
    case lockBargingShare = "lock_barging_share"
    case lockHoldP50Ms = "lock_hold_p50_ms"
    case lockHoldP99Ms = "lock_hold_p99_ms"
    case lockFencedWrites = "lock_fenced_writes"
    case rssMaxMb = "rss_max_mb"
    case rssGrowthMb = "rss_growth_mb"
    case rssSlopeMbPerS = "rss_slope_mb_per_s"
    case rssSlopeMbPerH = "rss_slope_mb_per_h"
    case fdsSlopePerH = "fds_slope_per_h"
    case generatorRssSlopeMbPerH = "generator_rss_slope_mb_per_h"
    case bufferedMaxMb = "buffered_max_mb"
    case fdsMax = "fds_max"
    case fdLimit = "fd_limit"
    case fdsPerStream = "fds_per_stream"
    case rssPerStreamKb = "rss_per_stream_kb"
    case streamsOpenMax = "streams_open_max"
    case acceptErrors = "accept_errors"
    case rejectedConnections = "rejected_connections"
    case redisPoolErrors = "redis_pool_errors"
    case redisPoolTimeouts = "redis_pool_timeouts"
    case redisPoolWaits = "redis_pool_waits"
    case redisPoolInUseMax = "redis_pool_in_use_max"
    case redisPoolMax = "redis_pool_max"
    case dbPoolWaits = "db_pool_waits"
    case dbPoolInUseMax = "db_pool_in_use_max"
    case dbPoolMax = "db_pool_max"
    case redisClientsMax = "redis_clients_max"
    case redisOpsPerSecondMax = "redis_ops_per_second_max"
    case pgConnectionsMax = "pg_connections_max"
    case pgActiveMax = "pg_active_max"
    case pgIdleInTransactionMax = "pg_idle_in_transaction_max"
    case slowConsumersCut = "slow_consumers_cut"
    case agentSlotsInUseMax = "agent_slots_in_use_max"
    case agentSlotsInUseMean = "agent_slots_in_use_mean"
    case agentSlotsFreeMin = "agent_slots_free_min"
    case agentRunsBlockedMax = "agent_runs_blocked_max"
    case agentRunsBlockedMean = "agent_runs_blocked_mean"
    case agentSlotsForReadersMin = "agent_slots_for_readers_min"
    case eventsProduced = "events_produced"
    case eventsSent = "events_sent"
    case streamsCompleted = "streams_completed"
    case streamsPerSecond = "streams_per_second"
    case eventsPerSecond = "events_per_second"
    case clientErrors = "client_errors"
    case lostEvents = "lost_events"
    case gapP99Ms = "gap_p99_ms"
    case generatorCpuPercent = "generator_cpu_percent"
    case machineCpuPercent = "machine_cpu_percent"
    case samples = "samples"
}

/// The metrics of one client group of a phase (`PHASE.CLIENTS.NAME`).
public enum ClientMetric: String, Sendable, CaseIterable, Codable {
    case gapP99Ms = "gap_p99_ms"
    case gapMaxMs = "gap_max_ms"
    case firstEventP99Ms = "first_event_p99_ms"
    case events = "events"
    case streamsCompleted = "streams_completed"
    case errors = "errors"
    case requests = "requests"
    case requestP99Ms = "request_p99_ms"
    case clients = "clients"
}

extension PhaseMetric {
    /// This metric's catalog entry.
    public var definition: MetricDefinition {
        switch self {
        case .updatesPerSecond:
            .init(
                self, .perSecond, .higherIsBetter, .server,
                "end-of-stream session updates completed per second (server counters)")
        case .scalingEfficiency:
            .init(
                self, .count, .higherIsBetter, .derived,
                "updates_per_second / (instances × updates_per_second per instance of the sweep's smallest fleet); sweeps of 2 or more sizes only"
            )
        case .lostUpdates:
            .init(
                self, .count, .lowerIsBetter, .verification,
                "hot-session updates lost (must be 0): a verification burst after the load, all streams complete; needs a fixed agent-events"
            )
        case .lostTurns:
            .init(
                self, .count, .lowerIsBetter, .verification,
                "turns the servers' completed updates added during the load (stampede_session_turns_written_total) that the stored total_turns lacks: updates lost while the load (and its faults) ran; needs every instance's counters, so not measured after a kill or restart of an instance"
            )
        case .faultsApplied:
            .init(self, .count, nil, .faults, "planned faults applied (each occurrence of a repeated one)")
        case .faultsNotRecovered:
            .init(
                self, .count, .lowerIsBetter, .faults,
                "applied faults after which throughput did not come back to ≥ 90 % of its pre-fault mean before the next fault or the load's end"
            )
        case .recoveryMaxS:
            .init(
                self, .seconds, .lowerIsBetter, .faults,
                "longest time from a fault's end until throughput was back to ≥ 90 % of its pre-fault mean for 2 s (1 s resolution), over the faults that recovered"
            )
        case .updateErrors:
            .init(self, .count, .lowerIsBetter, .server, "session updates that failed (lock timeouts and others)")
        case .lockTimeouts:
            .init(self, .count, .lowerIsBetter, .server, "lock acquisitions that gave up after the lock timeout")
        case .sessionCreateErrors:
            .init(
                self, .count, .lowerIsBetter, .server,
                "new-session creations that failed (stampede_session_create_errors_total)")
        case .dbPoolTimeouts:
            .init(
                self, .count, .lowerIsBetter, .server,
                "PostgreSQL pool checkouts that timed out waiting (stampede_pool_timeouts_total{pool=\"postgres\"})")
        case .lockAcquisitions:
            .init(
                self, .count, nil, .lockLog,
                "lock acquisitions that arrived in the measured window (the fleet's merged lock logs)")
        case .lockAttemptsPerAcquisition:
            .init(
                self, .count, .lowerIsBetter, .server,
                "lock attempts (SET NX, the fair lock's scripts, optimistic writes) per acquisition (server counters)")
        case .lockCommandsPerAcquisition:
            .init(
                self, .count, .lowerIsBetter, .server,
                "Redis commands the lock protocol sent (attempts and releases) per acquisition (server counters)")
        case .lockFreeWhileWaitingShare:
            .init(
                self, .count, .lowerIsBetter, .lockLog,
                "share of the time someone waited for a session's lock during which nobody held it (waiters asleep in a backoff; merged lock logs, good to a Redis round trip)"
            )
        case .lockBargingShare:
            .init(
                self, .count, .lowerIsBetter, .lockLog,
                "share of acquisitions made while a waiter that asked earlier still waited (overtaking; merged lock logs, ties within a Redis round trip)"
            )
        case .lockHoldP50Ms:
            .init(self, .milliseconds, nil, .lockLog, "time the lock was held, median (merged lock logs), ms")
        case .lockHoldP99Ms:
            .init(self, .milliseconds, nil, .lockLog, "time the lock was held, p99 (merged lock logs), ms")
        case .lockFencedWrites:
            .init(
                self, .count, .lowerIsBetter, .server,
                "session writes the fair lock's fencing token refused (a holder past its TTL; a later holder had written)"
            )
        case .lockWaitMeanMs:
            .init(
                self, .milliseconds, .lowerIsBetter, .server,
                "lock acquire wait, mean (exact: histogram sum / count), ms")
        case .lockWaitP50Ms:
            .init(
                self, .milliseconds, .lowerIsBetter, .server,
                "lock acquire wait, median (server histogram, 5 buckets per decade, interpolated in its bucket), ms")
        case .lockWaitP99Ms:
            .init(
                self, .milliseconds, .lowerIsBetter, .server,
                "lock acquire wait, 99th percentile (server histogram, interpolated in its bucket), ms")
        case .lockWaitMaxMs:
            .init(
                self, .milliseconds, .lowerIsBetter, .server,
                "longest lock acquire wait of any instance since start, ms")
        case .redisCommandsPerUpdate:
            .init(self, .count, .lowerIsBetter, .server, "Redis commands per successful session update")
        case .rssMaxMb:
            .init(self, .mebibytes, .lowerIsBetter, .sampler, "largest resident memory of one instance, MiB (/proc)")
        case .rssGrowthMb:
            .init(
                self, .mebibytes, .lowerIsBetter, .sampler,
                "largest growth of one instance's resident memory over the window, MiB")
        case .rssSlopeMbPerS:
            .init(
                self, .mebibytesPerSecond, .lowerIsBetter, .sampler,
                "largest least-squares slope of one instance's resident memory, MiB/s")
        case .rssSlopeMbPerH:
            .init(
                self, .mebibytesPerHour, .lowerIsBetter, .sampler,
                "largest least-squares slope of one instance's resident memory over the window, MiB per hour (a leak shows as a slope that stays > 0 over a long run)"
            )
        case .fdsSlopePerH:
            .init(
                self, .perHour, .lowerIsBetter, .sampler,
                "largest least-squares slope of one instance's open file descriptors over the window, per hour (a descriptor leak)"
            )
        case .generatorRssSlopeMbPerH:
            .init(
                self, .mebibytesPerHour, .lowerIsBetter, .sampler,
                "least-squares slope of the load generator's (this process's) resident memory over the window, MiB per hour"
            )
        case .bufferedMaxMb:
            .init(
                self, .mebibytes, .lowerIsBetter, .server,
                "largest bytes held between agent and socket by one instance, MiB")
        case .fdsMax: .init(self, .count, nil, .sampler, "most open file descriptors of one instance (/proc)")
        case .fdLimit:
            .init(
                self, .count, nil, .server, "soft open-file limit of the instances (smallest; stampede_process_max_fds)"
            )
        case .fdsPerStream:
            .init(
                self, .count, .lowerIsBetter, .server,
                "open file descriptors per SSE stream held: least-squares slope of /proc open FDs against open streams (largest of any instance; needs a changing stream count)"
            )
        case .rssPerStreamKb:
            .init(
                self, .kibibytes, .lowerIsBetter, .sampler,
                "resident memory per SSE stream held, KiB: least-squares slope of RSS against open streams (largest of any instance)"
            )
        case .streamsOpenMax:
            .init(
                self, .count, nil, .server,
                "most SSE streams open at once on one instance (stampede_sse_active_streams)")
        case .acceptErrors:
            .init(
                self, .count, .lowerIsBetter, .server,
                "accept() failures on the listening socket, EMFILE when out of file descriptors (stampede_accept_errors_total)"
            )
        case .rejectedConnections:
            .init(
                self, .count, nil, .server,
                "requests answered 503 at the connection cap, --max-connections (stampede_http_rejected_total)")
        case .redisPoolErrors:
            .init(
                self, .count, .lowerIsBetter, .server,
                "Redis checkouts refused at once, fail fast: \"Too many connections\" (stampede_pool_exhausted_total{pool=\"redis\"})"
            )
        case .redisPoolTimeouts:
            .init(
                self, .count, .lowerIsBetter, .server,
                "Redis checkouts that waited and timed out (stampede_pool_timeouts_total{pool=\"redis\"})")
        case .redisPoolWaits:
            .init(
                self, .count, nil, .server,
                "Redis checkouts that had to wait for a connection (stampede_pool_wait_seconds_count{pool=\"redis\"})")
        case .redisPoolInUseMax:
            .init(
                self, .count, nil, .server,
                "most Redis connections checked out at once on one instance, since it started (stampede_pool_in_use_peak)"
            )
        case .redisPoolMax:
            .init(self, .count, nil, .server, "Redis pool limit of the instances (stampede_pool_max{pool=\"redis\"})")
        case .dbPoolWaits: .init(self, .count, nil, .server, "PostgreSQL checkouts that had to wait for a connection")
        case .dbPoolInUseMax:
            .init(
                self, .count, nil, .server,
                "most PostgreSQL connections checked out at once on one instance, since it started")
        case .dbPoolMax:
            .init(
                self, .count, nil, .server,
                "PostgreSQL pool limit, size + overflow (stampede_pool_max{pool=\"postgres\"})")
        case .redisClientsMax:
            .init(
                self, .count, nil, .backends,
                "most Redis client connections (INFO connected_clients, the sampler's own excluded)")
        case .redisOpsPerSecondMax: .init(self, .count, nil, .backends, "highest Redis instantaneous_ops_per_sec")
        case .pgConnectionsMax:
            .init(
                self, .count, nil, .backends,
                "most PostgreSQL client connections (pg_stat_activity, the sampler's own excluded)")
        case .pgActiveMax: .init(self, .count, nil, .backends, "most PostgreSQL connections in state active")
        case .pgIdleInTransactionMax:
            .init(
                self, .count, nil, .backends,
                "most PostgreSQL connections idle in transaction (upstream's held connection)")
        case .slowConsumersCut: .init(self, .count, nil, .server, "streams cut by the slow-consumer deadline")
        case .agentSlotsInUseMax:
            .init(
                self, .count, nil, .server,
                "most agent runs in progress on one instance (stampede_agent_slots_in_use): each holds an agent slot, the SDK-process capacity"
            )
        case .agentSlotsInUseMean:
            .init(
                self, .count, nil, .server,
                "agent slots held on one instance, mean over the window's samples (largest of any instance)")
        case .agentSlotsFreeMin:
            .init(
                self, .count, .higherIsBetter, .server,
                "fewest agent slots left free on any instance at any sample (stampede_agent_slots − in use): the sessions that remain for other clients"
            )
        case .agentRunsBlockedMax:
            .init(
                self, .count, nil, .server,
                "most agent runs on one instance whose producer waited on a full bounded queue (stampede_agent_runs_blocked): slots held by readers that do not keep up"
            )
        case .agentRunsBlockedMean:
            .init(
                self, .count, nil, .server,
                "agent runs blocked by their reader on one instance, mean over the window's samples (largest of any instance)"
            )
        case .agentSlotsForReadersMin:
            .init(
                self, .count, .higherIsBetter, .server,
                "fewest agent slots on any instance at any sample not held by a blocked run (stampede_agent_slots − runs blocked): the sessions per instance that remain for clients that read"
            )
        case .eventsProduced: .init(self, .count, nil, .server, "events the agents produced")
        case .eventsSent: .init(self, .count, nil, .server, "events written to sockets")
        case .streamsCompleted:
            .init(self, .count, .higherIsBetter, .loadGenerator, "streams that ended with `done` (load generator)")
        case .streamsPerSecond:
            .init(
                self, .perSecond, .higherIsBetter, .loadGenerator,
                "streams completed per second of the whole phase (load generator)")
        case .eventsPerSecond:
            .init(self, .perSecond, .higherIsBetter, .loadGenerator, "events received per second (load generator)")
        case .clientErrors: .init(self, .count, .lowerIsBetter, .loadGenerator, "failed requests (load generator)")
        case .lostEvents:
            .init(
                self, .count, .lowerIsBetter, .loadGenerator,
                "gaps, duplicates and reorders seen in event ids (load generator)")
        case .gapP99Ms:
            .init(self, .milliseconds, .lowerIsBetter, .loadGenerator, "inter-event gap p99 of all clients, ms")
        case .generatorCpuPercent:
            .init(self, .percent, nil, .sampler, "load generator (this process) CPU, percent of all cores")
        case .machineCpuPercent:
            .init(self, .percent, nil, .sampler, "the whole machine's busy CPU (/proc/stat), percent of all cores")
        case .samples: .init(self, .count, nil, .sampler, "server samples taken in the measured window")
        }
    }
}

extension ClientMetric {
    /// This metric's catalog entry.
    public var definition: MetricDefinition {
        switch self {
        case .gapP99Ms: .init(self, .milliseconds, .lowerIsBetter, .loadGenerator, "inter-event gap p99, ms")
        case .gapMaxMs:
            .init(self, .milliseconds, .lowerIsBetter, .loadGenerator, "largest inter-event gap, ms")
        case .firstEventP99Ms:
            .init(self, .milliseconds, .lowerIsBetter, .loadGenerator, "time to first event p99, ms")
        case .events: .init(self, .count, nil, .loadGenerator, "events received")
        case .streamsCompleted:
            .init(self, .count, .higherIsBetter, .loadGenerator, "streams ended with `done`")
        case .errors:
            .init(
                self, .count, .lowerIsBetter, .loadGenerator,
                "failed requests (503 at the connection cap included)")
        case .requests:
            .init(
                self, .count, nil, .loadGenerator, "requests answered with a 2xx status (SSE: streams opened)")
        case .requestP99Ms:
            .init(
                self, .milliseconds, .lowerIsBetter, .loadGenerator,
                "request latency p99 of `mode: http` groups, ms")
        case .clients:
            .init(self, .count, nil, .loadGenerator, "clients in the group (a claim's target can scale by it)")
        }
    }
}
