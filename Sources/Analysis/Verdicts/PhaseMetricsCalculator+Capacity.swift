import ServerConfig

/// Capacity metrics: connection pools (PERF-005), accepts and the connection cap (file descriptor
/// and SSE connection limits), and what one held stream costs in file descriptors and memory.
/// Every figure comes from the sampled `/metrics` and `/proc` of the servers.
extension PhaseMetricsCalculator {
    static let activeStreams = ServerSeries.sseActiveStreams.rawValue

    static func capacity(_ window: [Sample], into m: inout [String: Double]) {
        guard !window.isEmpty else { return }
        m[.redisPoolErrors] = counterDelta(window, ServerSeries.poolExhaustedTotal.pool("redis"))
        m[.redisPoolTimeouts] = counterDelta(window, ServerSeries.poolTimeoutsTotal.pool("redis"))
        m[.redisPoolWaits] = counterDelta(window, ServerSeries.poolWaitSeconds.pool("redis", suffix: "_count"))
        m[.dbPoolWaits] = counterDelta(window, ServerSeries.poolWaitSeconds.pool("postgres", suffix: "_count"))
        m[.acceptErrors] = counterDelta(window, ServerSeries.acceptErrorsTotal.rawValue)
        m[.rejectedConnections] = counterDelta(window, ServerSeries.httpRejectedTotal.rawValue)
        m[.redisPoolInUseMax] = gaugeMax(window, ServerSeries.poolInUsePeak.pool("redis"))
        m[.redisPoolMax] = gaugeMax(window, ServerSeries.poolMax.pool("redis"))
        m[.dbPoolInUseMax] = gaugeMax(window, ServerSeries.poolInUsePeak.pool("postgres"))
        m[.dbPoolMax] = gaugeMax(window, ServerSeries.poolMax.pool("postgres"))
        m[.streamsOpenMax] = gaugeMax(window, activeStreams)
        m[.fdLimit] = window.flatMap { $0.servers.compactMap { $0.metrics[ServerSeries.processMaxFds.rawValue] } }.min()
        m[.fdsPerStream] = perStreamSlope(window) { Double($0.openFDs) }
        m[.rssPerStreamKb] = perStreamSlope(window) { Double($0.rssBytes) / 1024 }
    }

    /// A counter's growth over the window, summed over instances: per instance, the last sample
    /// that has the series minus the first one that has it (a scrape that failed, as on a server
    /// out of file descriptors or at its connection cap, is skipped, not read as zero).
    static func counterDelta(_ window: [Sample], _ series: String) -> Double {
        var first: [Int: Double] = [:]
        var last: [Int: Double] = [:]
        for sample in window {
            for server in sample.servers {
                guard let value = server.metrics[series] else { continue }
                if first[server.instance] == nil { first[server.instance] = value }
                last[server.instance] = value
            }
        }
        return last.reduce(0) { $0 + $1.value - (first[$1.key] ?? 0) }
    }

    /// The largest value of a gauge in any sample of any instance; nil when never scraped.
    static func gaugeMax(_ window: [Sample], _ series: String) -> Double? {
        window.flatMap { $0.servers.compactMap { $0.metrics[series] } }.max()
    }

    /// The least-squares slope of `cost` (per instance, from `/proc`) against the SSE streams the
    /// instance had open, over the samples where both were read; the largest of any instance.
    /// Nil unless some instance's stream count took at least two values.
    static func perStreamSlope(_ window: [Sample], cost: (Sample.Server) -> Double) -> Double? {
        let instances = Set(window.flatMap { $0.servers.map(\.instance) })
        let slopes = instances.compactMap { instance -> Double? in
            let points = window.compactMap { sample -> (Double, Double)? in
                guard let server = sample.servers.first(where: { $0.instance == instance }),
                    let streams = server.metrics[activeStreams], server.openFDs > 0
                else { return nil }
                return (streams, cost(server))
            }
            return leastSquaresSlope(points)
        }
        return slopes.max()
    }
}
