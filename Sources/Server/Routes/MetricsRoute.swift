import Hummingbird
import ServerConfig
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
        out.sample(.processResidentMemoryBytes, process?.rssBytes ?? 0)
        out.sample(.processOpenFds, process?.openFDs ?? 0)
        out.sample(.processMaxFds, limits.soft)
        out.sample(.processThreads, process?.threads ?? 0)
        out.sample(.processCpuSecondsTotal, process?.cpuSeconds ?? 0)

        out.sample(.sseActiveStreams, m.activeStreams.value)
        out.sample(.sseRegisteredStreams, state.streams.count)
        out.sample(.sseStreamsTotal, m.streamsStarted.value)
        out.sample(.sseEventsProducedTotal, m.eventsProduced.value)
        out.sample(.sseEventsSentTotal, m.eventsSent.value)
        out.sample(.sseBytesSentTotal, m.bytesSent.value)
        out.sample(.sseBufferedEvents, m.bufferedEvents.value)
        out.sample(.sseBufferedBytes, m.bufferedBytes.value)
        out.sample(.sseBufferedBytesMaxStream, state.streams.largestQueuedBytes)
        out.sample(.sseSlowConsumersCutTotal, m.slowConsumersCut.value)
        out.sample(.sseStreamsResumedTotal, m.streamsResumed.value)
        out.sample(.sseResumeGapsTotal, m.resumeGaps.value)

        out.sample(.httpRequestsInFlight, m.requestsInFlight.value)
        out.sample(.httpRejectedTotal, m.rejectedConnections.value)
        out.sample(.httpServerErrorsTotal, m.serverErrors.value)
        out.sample(.acceptErrorsTotal, m.acceptErrors.value)
        out.sample(
            .fdReserveRefusalsTotal,
            m.fdReserveRefusals.value)
        out.sample(.agentSlots, state.configuration.agentSlots)
        out.sample(.agentSlotsInUse, m.agentSlotsInUse.value)
        out.sample(.agentRunsBlocked, m.agentRunsBlocked.value)
        out.sample(.sseSpillOverflowsTotal, m.spillOverflows.value)
        out.sample(.agentSlotsWaiting, m.agentSlotsWaiting.value)
        out.sample(.agentRejectedTotal, m.agentRejected.value)

        out.sample(.sessionsCreatedTotal, m.sessionsCreated.value)
        out.sample(.sessionCreateErrorsTotal, m.sessionCreateErrors.value)
        out.sample(.sessionUpdatesTotal, m.sessionUpdates.value)
        out.sample(.sessionUpdateErrorsTotal, m.sessionUpdateErrors.value)
        out.sample(.sessionTurnsWrittenTotal, m.sessionTurnsWritten.value)
        out.sample(.sessionUpdatesInProgress, m.sessionUpdatesInProgress.value)
        out.sample(.redisCommandsTotal, m.redisCommands.value)
        out.sample(.redisErrorsTotal, m.redisErrors.value)
        out.sample(.dbOperationsTotal, m.dbStatements.value)
        out.sample(.dbErrorsTotal, m.dbErrors.value)

        for (label, pool) in [("redis", state.redisPool.statistics), ("postgres", state.databasePool.statistics)] {
            let l = "pool=\"\(label)\""
            out.sample(
                .poolMax,
                label == "redis"
                    ? state.redisPool.configuration.maxConnections : state.databasePool.configuration.maxConnections,
                labels: l)
            out.sample(.poolInUse, pool.inUse, labels: l)
            out.sample(.poolInUsePeak, pool.peakInUse, labels: l)
            out.sample(.poolIdle, pool.idle, labels: l)
            out.sample(.poolWaiting, pool.waiting, labels: l)
            out.sample(.poolCheckoutsTotal, pool.checkouts, labels: l)
            out.sample(.poolTimeoutsTotal, pool.timeouts, labels: l)
            out.sample(.poolExhaustedTotal, pool.exhaustionErrors, labels: l)
            out.sample(.poolConnectErrorsTotal, pool.connectErrors, labels: l)
            out.sample(.poolOpenedTotal, pool.opened, labels: l)
            out.histogram(
                .poolWaitSeconds, bounds: PoolStatistics.waitBuckets,
                counts: pool.waitBucketCounts, sum: pool.waitSecondsTotal, count: pool.waits, labels: l)
        }

        out.sample(.lockStrategyInfo, 1, labels: "strategy=\"\(state.configuration.lockStrategy.rawValue)\"")
        out.sample(.lockAttemptsTotal, m.lockAttempts.value)
        out.sample(.lockAcquiredTotal, m.lockAcquired.value)
        out.sample(.lockTimeoutsTotal, m.lockTimeouts.value)
        out.sample(.lockReleaseFailuresTotal, m.lockReleaseFailures.value)
        out.sample(.lockOptimisticConflictsTotal, m.optimisticConflicts.value)
        out.sample(.lockRedisCommandsTotal, m.lockCommands.value)
        out.sample(.lockHandoffsTotal, m.lockHandoffs.value)
        out.sample(.lockFencedWritesTotal, m.lockFencedWrites.value)
        let wait = m.lockWait
        out.histogram(
            .lockAcquireWaitSeconds, bounds: wait.bounds, counts: wait.counts, sum: wait.sum, count: wait.count)
        out.sample(.lockAcquireWaitSecondsMax, wait.max)
        let hold = m.lockHold
        out.histogram(.lockHoldSeconds, bounds: hold.bounds, counts: hold.counts, sum: hold.sum, count: hold.count)
        return out.text
    }
}

/// Builds the Prometheus text exposition format.
struct PrometheusText {
    private(set) var text = ""
    private var described: Set<String> = []

    /// `# HELP` and `# TYPE` once per series, both from ``ServerSeries``.
    private mutating func header(_ series: ServerSeries) {
        guard described.insert(series.rawValue).inserted else { return }
        text += "# HELP \(series.rawValue) \(series.help)\n# TYPE \(series.rawValue) \(series.kind.rawValue)\n"
    }

    private static func format(_ v: Double) -> String {
        v == v.rounded() && abs(v) < 1e15 ? String(Int(v)) : String(v)
    }

    /// One gauge or counter value (the series says which).
    mutating func sample(_ series: ServerSeries, _ value: some BinaryInteger, labels: String = "") {
        sample(series, Double(value), labels: labels)
    }

    mutating func sample(_ series: ServerSeries, _ value: Double, labels: String = "") {
        header(series)
        text += "\(series.rawValue)\(labels.isEmpty ? "" : "{\(labels)}") \(Self.format(value))\n"
    }

    mutating func histogram(
        _ series: ServerSeries, bounds: [Double], counts: [Int], sum: Double, count: Int, labels: String = ""
    ) {
        let name = series.rawValue
        header(series)
        let prefix = labels.isEmpty ? "" : labels + ","
        for (b, c) in zip(bounds, counts) { text += "\(name)_bucket{\(prefix)le=\"\(b)\"} \(c)\n" }
        text += "\(name)_bucket{\(prefix)le=\"+Inf\"} \(count)\n"
        text += "\(name)_sum\(labels.isEmpty ? "" : "{\(labels)}") \(sum)\n"
        text += "\(name)_count\(labels.isEmpty ? "" : "{\(labels)}") \(count)\n"
    }
}
