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
        out.gauge(.processResidentMemoryBytes, process?.rssBytes ?? 0)
        out.gauge(.processOpenFds, process?.openFDs ?? 0)
        out.gauge(.processMaxFds, limits.soft)
        out.gauge(.processThreads, process?.threads ?? 0)
        out.counter(.processCpuSecondsTotal, process?.cpuSeconds ?? 0)

        out.gauge(.sseActiveStreams, m.activeStreams.value)
        out.gauge(.sseRegisteredStreams, state.streams.count)
        out.counter(.sseStreamsTotal, m.streamsStarted.value)
        out.counter(.sseEventsProducedTotal, m.eventsProduced.value)
        out.counter(.sseEventsSentTotal, m.eventsSent.value)
        out.counter(.sseBytesSentTotal, m.bytesSent.value)
        out.gauge(.sseBufferedEvents, m.bufferedEvents.value)
        out.gauge(.sseBufferedBytes, m.bufferedBytes.value)
        out.gauge(.sseBufferedBytesMaxStream, state.streams.largestQueuedBytes)
        out.counter(.sseSlowConsumersCutTotal, m.slowConsumersCut.value)
        out.counter(.sseStreamsResumedTotal, m.streamsResumed.value)
        out.counter(.sseResumeGapsTotal, m.resumeGaps.value)

        out.gauge(.httpRequestsInFlight, m.requestsInFlight.value)
        out.counter(.httpRejectedTotal, m.rejectedConnections.value)
        out.counter(.acceptErrorsTotal, m.acceptErrors.value)
        out.counter(
            .fdReserveRefusalsTotal,
            m.fdReserveRefusals.value)
        out.gauge(.agentSlots, state.configuration.agentSlots)
        out.gauge(.agentSlotsInUse, m.agentSlotsInUse.value)
        out.gauge(.agentSlotsWaiting, m.agentSlotsWaiting.value)
        out.counter(.agentRejectedTotal, m.agentRejected.value)

        out.counter(.sessionsCreatedTotal, m.sessionsCreated.value)
        out.counter(.sessionCreateErrorsTotal, m.sessionCreateErrors.value)
        out.counter(.sessionUpdatesTotal, m.sessionUpdates.value)
        out.counter(.sessionUpdateErrorsTotal, m.sessionUpdateErrors.value)
        out.counter(.redisCommandsTotal, m.redisCommands.value)
        out.counter(.redisErrorsTotal, m.redisErrors.value)
        out.counter(.dbOperationsTotal, m.dbStatements.value)
        out.counter(.dbErrorsTotal, m.dbErrors.value)

        for (label, pool) in [("redis", state.redisPool.statistics), ("postgres", state.databasePool.statistics)] {
            let l = "pool=\"\(label)\""
            out.gauge(
                .poolMax,
                label == "redis"
                    ? state.redisPool.configuration.maxConnections : state.databasePool.configuration.maxConnections,
                labels: l)
            out.gauge(.poolInUse, pool.inUse, labels: l)
            out.gauge(.poolInUsePeak, pool.peakInUse, labels: l)
            out.gauge(.poolIdle, pool.idle, labels: l)
            out.gauge(.poolWaiting, pool.waiting, labels: l)
            out.counter(.poolCheckoutsTotal, pool.checkouts, labels: l)
            out.counter(.poolTimeoutsTotal, pool.timeouts, labels: l)
            out.counter(.poolExhaustedTotal, pool.exhaustionErrors, labels: l)
            out.counter(.poolConnectErrorsTotal, pool.connectErrors, labels: l)
            out.counter(.poolOpenedTotal, pool.opened, labels: l)
            out.histogram(
                .poolWaitSeconds, bounds: PoolStatistics.waitBuckets,
                counts: pool.waitBucketCounts, sum: pool.waitSecondsTotal, count: pool.waits, labels: l)
        }

        out.gauge(.lockStrategyInfo, 1, labels: "strategy=\"\(state.configuration.lockStrategy.rawValue)\"")
        out.counter(.lockAttemptsTotal, m.lockAttempts.value)
        out.counter(.lockAcquiredTotal, m.lockAcquired.value)
        out.counter(.lockTimeoutsTotal, m.lockTimeouts.value)
        out.counter(.lockReleaseFailuresTotal, m.lockReleaseFailures.value)
        out.counter(.lockOptimisticConflictsTotal, m.optimisticConflicts.value)
        let wait = m.lockWait
        out.histogram(
            .lockAcquireWaitSeconds, bounds: wait.bounds, counts: wait.counts, sum: wait.sum, count: wait.count)
        out.gauge(.lockAcquireWaitSecondsMax, wait.max)
        let hold = m.lockHold
        out.histogram(.lockHoldSeconds, bounds: hold.bounds, counts: hold.counts, sum: hold.sum, count: hold.count)
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

    mutating func gauge(_ series: ServerSeries, _ value: some BinaryInteger, labels: String = "") {
        gauge(series, Double(value), labels: labels)
    }

    mutating func gauge(_ series: ServerSeries, _ value: Double, labels: String = "") {
        let name = series.rawValue
        header(name, series.help, "gauge")
        text += "\(name)\(labels.isEmpty ? "" : "{\(labels)}") \(Self.format(value))\n"
    }

    mutating func counter(_ series: ServerSeries, _ value: some BinaryInteger, labels: String = "") {
        counter(series, Double(value), labels: labels)
    }

    mutating func counter(_ series: ServerSeries, _ value: Double, labels: String = "") {
        let name = series.rawValue
        header(name, series.help, "counter")
        text += "\(name)\(labels.isEmpty ? "" : "{\(labels)}") \(Self.format(value))\n"
    }

    mutating func histogram(
        _ series: ServerSeries, bounds: [Double], counts: [Int], sum: Double, count: Int, labels: String = ""
    ) {
        let name = series.rawValue
        header(name, series.help, "histogram")
        let prefix = labels.isEmpty ? "" : labels + ","
        for (b, c) in zip(bounds, counts) { text += "\(name)_bucket{\(prefix)le=\"\(b)\"} \(c)\n" }
        text += "\(name)_bucket{\(prefix)le=\"+Inf\"} \(count)\n"
        text += "\(name)_sum\(labels.isEmpty ? "" : "{\(labels)}") \(sum)\n"
        text += "\(name)_count\(labels.isEmpty ? "" : "{\(labels)}") \(count)\n"
    }
}
