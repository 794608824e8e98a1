/// The reference server's Prometheus series (`GET /metrics`), named once: the server renders
/// them and the sampler, phase metrics and lost-update check read them by these names.
public enum ServerSeries: String, Sendable, CaseIterable {
    case processResidentMemoryBytes = "stampede_process_resident_memory_bytes"
    case processOpenFds = "stampede_process_open_fds"
    case processMaxFds = "stampede_process_max_fds"
    case processThreads = "stampede_process_threads"
    case processCpuSecondsTotal = "stampede_process_cpu_seconds_total"
    case sseActiveStreams = "stampede_sse_active_streams"
    case sseRegisteredStreams = "stampede_sse_registered_streams"
    case sseStreamsTotal = "stampede_sse_streams_total"
    case sseEventsProducedTotal = "stampede_sse_events_produced_total"
    case sseEventsSentTotal = "stampede_sse_events_sent_total"
    case sseBytesSentTotal = "stampede_sse_bytes_sent_total"
    case sseBufferedEvents = "stampede_sse_buffered_events"
    case sseBufferedBytes = "stampede_sse_buffered_bytes"
    case sseBufferedBytesMaxStream = "stampede_sse_buffered_bytes_max_stream"
    case sseSlowConsumersCutTotal = "stampede_sse_slow_consumers_cut_total"
    case sseSpillOverflowsTotal = "stampede_sse_spill_overflows_total"
    case sseStreamsResumedTotal = "stampede_sse_streams_resumed_total"
    case sseResumeGapsTotal = "stampede_sse_resume_gaps_total"
    case httpRequestsInFlight = "stampede_http_requests_in_flight"
    case httpRejectedTotal = "stampede_http_rejected_total"
    case httpServerErrorsTotal = "stampede_http_server_errors_total"
    case acceptErrorsTotal = "stampede_accept_errors_total"
    case fdReserveRefusalsTotal = "stampede_fd_reserve_refusals_total"
    case agentSlots = "stampede_agent_slots"
    case agentSlotsInUse = "stampede_agent_slots_in_use"
    case agentRunsBlocked = "stampede_agent_runs_blocked"
    case agentSlotsWaiting = "stampede_agent_slots_waiting"
    case agentRejectedTotal = "stampede_agent_rejected_total"
    case sessionsCreatedTotal = "stampede_sessions_created_total"
    case sessionCreateErrorsTotal = "stampede_session_create_errors_total"
    case sessionUpdatesTotal = "stampede_session_updates_total"
    case sessionUpdateErrorsTotal = "stampede_session_update_errors_total"
    case sessionTurnsWrittenTotal = "stampede_session_turns_written_total"
    case sessionUpdatesInProgress = "stampede_session_updates_in_progress"
    case redisCommandsTotal = "stampede_redis_commands_total"
    case redisErrorsTotal = "stampede_redis_errors_total"
    case dbOperationsTotal = "stampede_db_operations_total"
    case dbErrorsTotal = "stampede_db_errors_total"
    case poolMax = "stampede_pool_max"
    case poolInUse = "stampede_pool_in_use"
    case poolInUsePeak = "stampede_pool_in_use_peak"
    case poolIdle = "stampede_pool_idle"
    case poolWaiting = "stampede_pool_waiting"
    case poolCheckoutsTotal = "stampede_pool_checkouts_total"
    case poolTimeoutsTotal = "stampede_pool_timeouts_total"
    case poolExhaustedTotal = "stampede_pool_exhausted_total"
    case poolConnectErrorsTotal = "stampede_pool_connect_errors_total"
    case poolOpenedTotal = "stampede_pool_opened_total"
    case poolWaitSeconds = "stampede_pool_wait_seconds"
    case lockStrategyInfo = "stampede_lock_strategy_info"
    case lockAttemptsTotal = "stampede_lock_attempts_total"
    case lockAcquiredTotal = "stampede_lock_acquired_total"
    case lockTimeoutsTotal = "stampede_lock_timeouts_total"
    case lockReleaseFailuresTotal = "stampede_lock_release_failures_total"
    case lockOptimisticConflictsTotal = "stampede_lock_optimistic_conflicts_total"
    case lockRedisCommandsTotal = "stampede_lock_redis_commands_total"
    case lockHandoffsTotal = "stampede_lock_handoffs_total"
    case lockFencedWritesTotal = "stampede_lock_fenced_writes_total"
    case lockAcquireWaitSeconds = "stampede_lock_acquire_wait_seconds"
    case lockAcquireWaitSecondsMax = "stampede_lock_acquire_wait_seconds_max"
    case lockHoldSeconds = "stampede_lock_hold_seconds"

    public enum Kind: String, Sendable { case gauge, counter, histogram }

    /// The series' Prometheus type.
    public var kind: Kind {
        switch self {
        case .processResidentMemoryBytes, .processOpenFds, .processMaxFds, .processThreads, .sseActiveStreams,
            .sseRegisteredStreams, .sseBufferedEvents, .sseBufferedBytes, .sseBufferedBytesMaxStream,
            .httpRequestsInFlight, .agentSlots, .agentSlotsInUse, .agentRunsBlocked, .agentSlotsWaiting, .poolMax,
            .poolInUse,
            .poolInUsePeak, .poolIdle, .poolWaiting, .lockStrategyInfo, .lockAcquireWaitSecondsMax,
            .sessionUpdatesInProgress:
            .gauge
        case .processCpuSecondsTotal, .sseStreamsTotal, .sseEventsProducedTotal, .sseEventsSentTotal,
            .sseBytesSentTotal, .sseSlowConsumersCutTotal, .sseSpillOverflowsTotal, .sseStreamsResumedTotal,
            .sseResumeGapsTotal,
            .httpRejectedTotal, .httpServerErrorsTotal, .acceptErrorsTotal, .fdReserveRefusalsTotal,
            .agentRejectedTotal, .sessionsCreatedTotal,
            .sessionCreateErrorsTotal, .sessionUpdatesTotal, .sessionUpdateErrorsTotal, .sessionTurnsWrittenTotal,
            .redisCommandsTotal,
            .redisErrorsTotal, .dbOperationsTotal, .dbErrorsTotal, .poolCheckoutsTotal, .poolTimeoutsTotal,
            .poolExhaustedTotal, .poolConnectErrorsTotal, .poolOpenedTotal, .lockAttemptsTotal, .lockAcquiredTotal,
            .lockTimeoutsTotal, .lockReleaseFailuresTotal, .lockOptimisticConflictsTotal, .lockRedisCommandsTotal,
            .lockHandoffsTotal, .lockFencedWritesTotal:
            .counter
        case .poolWaitSeconds, .lockAcquireWaitSeconds, .lockHoldSeconds: .histogram
        }
    }

    /// The `# HELP` text.
    public var help: String {
        switch self {
        case .processResidentMemoryBytes: "Resident set size."
        case .processOpenFds: "Open file descriptors."
        case .processMaxFds: "Soft open-file limit."
        case .processThreads: "Threads."
        case .processCpuSecondsTotal: "User and system CPU time."
        case .sseActiveStreams: "SSE responses being written."
        case .sseRegisteredStreams: "Streams held (attached or awaiting resume)."
        case .sseStreamsTotal: "SSE responses started."
        case .sseEventsProducedTotal: "Events the agent produced."
        case .sseEventsSentTotal: "Events written to sockets."
        case .sseBytesSentTotal: "Bytes written to sockets."
        case .sseBufferedEvents: "Events waiting between agent and socket."
        case .sseBufferedBytes: "Bytes waiting between agent and socket."
        case .sseBufferedBytesMaxStream: "Largest per-stream buffer."
        case .sseSlowConsumersCutTotal: "Streams cut by the slow-consumer deadline."
        case .sseSpillOverflowsTotal: "Cut runs stopped because what they spilled after the cut passed --cut-spill."
        case .sseStreamsResumedTotal: "Streams resumed with Last-Event-ID."
        case .sseResumeGapsTotal: "Resumes refused because events were no longer held."
        case .httpRequestsInFlight: "Requests being served, streams included."
        case .httpRejectedTotal: "Requests rejected by --max-connections (503)."
        case .httpServerErrorsTotal:
            "Requests answered 500 `Internal Server Error` for an unhandled error (a dependency down), as Starlette does."
        case .acceptErrorsTotal: "accept() failures (EMFILE, ENFILE, ...), reserve refusals included."
        case .fdReserveRefusalsTotal:
            "Connections closed at once to keep a file-descriptor reserve (a sixteenth of the limit, 8 to 24)."
        case .agentSlots: "Agent slots configured."
        case .agentSlotsInUse: "Agent runs in progress."
        case .agentSlotsWaiting: "Runs waiting for a slot."
        case .agentRunsBlocked: "Runs whose producer waits on a full bounded queue (a slow reader holds their slot)."
        case .agentRejectedTotal: "Runs rejected for want of a slot."
        case .sessionsCreatedTotal: "Sessions created."
        case .sessionCreateErrorsTotal: "Session creations that failed."
        case .sessionUpdatesTotal: "End-of-stream updates that completed."
        case .sessionUpdateErrorsTotal: "End-of-stream updates that failed."
        case .sessionTurnsWrittenTotal:
            "Turns the completed end-of-stream updates added (the ledger the stored total_turns must match)."
        case .sessionUpdatesInProgress: "Updates between their session read and their write (inside the lock)."
        case .redisCommandsTotal: "Redis commands sent."
        case .redisErrorsTotal: "Redis commands that failed."
        case .dbOperationsTotal: "PostgreSQL operations."
        case .dbErrorsTotal: "PostgreSQL operations that failed."
        case .poolMax: "Pool limit (size + overflow)."
        case .poolInUse: "Connections checked out."
        case .poolInUsePeak: "Most connections checked out at once."
        case .poolIdle: "Idle connections."
        case .poolWaiting: "Checkouts waiting."
        case .poolCheckoutsTotal: "Checkouts."
        case .poolTimeoutsTotal: "Checkouts that timed out waiting."
        case .poolExhaustedTotal: "Fail-fast checkouts refused (Too many connections)."
        case .poolConnectErrorsTotal: "Connections that could not be opened."
        case .poolOpenedTotal: "Connections opened."
        case .poolWaitSeconds: "Time checkouts waited for a connection."
        case .lockStrategyInfo: "Lock strategy in use."
        case .lockAttemptsTotal: "Lock acquisition attempts (SET NX or optimistic writes)."
        case .lockAcquiredTotal: "Locks acquired."
        case .lockTimeoutsTotal: "Lock acquisitions that timed out."
        case .lockReleaseFailuresTotal: "Releases that found the lock gone or failed."
        case .lockOptimisticConflictsTotal: "Optimistic writes that lost a race."
        case .lockRedisCommandsTotal: "Redis commands sent by the lock protocol (attempts and releases)."
        case .lockHandoffsTotal: "Fair lock: releases that handed the lock straight to the next waiter."
        case .lockFencedWritesTotal: "Fair lock: session writes refused by the fencing token (a later holder wrote)."
        case .lockAcquireWaitSeconds: "Time from first attempt to acquisition."
        case .lockAcquireWaitSecondsMax: "Longest acquisition wait."
        case .lockHoldSeconds: "Time the lock was held."
        }
    }

    /// A pool's sample key: `stampede_pool_timeouts_total{pool="postgres"}` (a histogram's part
    /// with `suffix: "_count"`).
    public func pool(_ pool: String, suffix: String = "") -> String { "\(rawValue)\(suffix){pool=\"\(pool)\"}" }

    /// A histogram's `_count`, `_sum` and `_bucket` series names.
    public var count: String { rawValue + "_count" }
    public var sum: String { rawValue + "_sum" }
    public var bucket: String { rawValue + "_bucket" }
}
