/// Capacity metrics: connection pools (PERF-005), accepts and the connection cap (file descriptor
/// and SSE connection limits), and what one held stream costs in file descriptors and memory.
/// Every figure comes from the sampled `/metrics` and `/proc` of the servers.
extension PhaseMetricsCalculator {
    static let redisPool = "{pool=\"redis\"}"
    static let postgresPool = "{pool=\"postgres\"}"
    static let activeStreams = "stampede_sse_active_streams"

    static func capacity(_ window: [Sample], into m: inout [String: Double]) {
        guard !window.isEmpty else { return }
        m["redis_pool_errors"] = counterDelta(window, "stampede_pool_exhausted_total" + redisPool)
        m["redis_pool_timeouts"] = counterDelta(window, "stampede_pool_timeouts_total" + redisPool)
        m["redis_pool_waits"] = counterDelta(window, "stampede_pool_wait_seconds_count" + redisPool)
        m["db_pool_waits"] = counterDelta(window, "stampede_pool_wait_seconds_count" + postgresPool)
        m["accept_errors"] = counterDelta(window, "stampede_accept_errors_total")
        m["rejected_connections"] = counterDelta(window, "stampede_http_rejected_total")
        m["redis_pool_in_use_max"] = gaugeMax(window, "stampede_pool_in_use_peak" + redisPool)
        m["redis_pool_max"] = gaugeMax(window, "stampede_pool_max" + redisPool)
        m["db_pool_in_use_max"] = gaugeMax(window, "stampede_pool_in_use_peak" + postgresPool)
        m["db_pool_max"] = gaugeMax(window, "stampede_pool_max" + postgresPool)
        m["streams_open_max"] = gaugeMax(window, activeStreams)
        m["fd_limit"] = window.flatMap { $0.servers.compactMap { $0.metrics["stampede_process_max_fds"] } }.min()
        m["fds_per_stream"] = perStreamSlope(window) { Double($0.openFDs) }
        m["rss_per_stream_kb"] = perStreamSlope(window) { Double($0.rssBytes) / 1024 }
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
