/// What a fault did to streams: broken (ended before `done` without the client ending them),
/// resumed with `Last-Event-ID`, lost (replaced by a fresh stream), and events missing from
/// sequences. A broken stream still being resumed when the window ends is neither resumed nor lost.
public struct StreamEffects: Sendable, Codable, Equatable {
    public var broken = 0
    public var resumed = 0
    public var lost = 0
    public var eventsMissing = 0

    public init(broken: Int = 0, resumed: Int = 0, lost: Int = 0, eventsMissing: Int = 0) {
        self.broken = broken
        self.resumed = resumed
        self.lost = lost
        self.eventsMissing = eventsMissing
    }

    public mutating func add(_ o: StreamEffects) {
        broken += o.broken
        resumed += o.resumed
        lost += o.lost
        eventsMissing += o.eventsMissing
    }

    /// `12 broken, 12 resumed, 0 lost, 0 events missing`.
    public var description: String {
        "\(broken) broken, \(resumed) resumed, \(lost) lost, \(eventsMissing) events missing"
    }
}

/// The server-side view of a fault window, from the sampler's scrapes of every instance.
public enum FaultEffects {
    /// The error counters a fault window reports, by the short name the reports print.
    public static let serverErrorSeries: [(name: String, series: String)] = [
        ("session_create_errors", "stampede_session_create_errors_total"),
        ("session_update_errors", "stampede_session_update_errors_total"),
        ("lock_timeouts", "stampede_lock_timeouts_total"),
        ("redis_errors", "stampede_redis_errors_total"),
        ("db_errors", "stampede_db_errors_total"),
        ("pool_timeouts", "stampede_pool_timeouts_total"),
        ("pool_connect_errors", "stampede_pool_connect_errors_total"),
        ("agent_rejected", "stampede_agent_rejected_total"),
        ("http_rejected", "stampede_http_rejected_total"),
        ("http_500", "stampede_http_server_errors_total"),
    ]

    /// Each counter's increase between `from` and `until` (seconds since the load's start), summed
    /// over instances, as Prometheus' `increase` takes it: sample-to-sample rises, a drop (the
    /// instance restarted, its counters began again) counting the new value from 0. Counters that
    /// did not rise are left out; an instance not scraped in a sample is skipped there.
    public static func serverErrors(_ samples: [Sample], from: Double, until: Double) -> [String: Int] {
        let names = Dictionary(uniqueKeysWithValues: serverErrorSeries.map { ($0.series, $0.name) })
        var last: [Int: [String: Double]] = [:]
        var increase: [String: Double] = [:]
        for sample in samples.sorted(by: { $0.t < $1.t }) where sample.t <= until {
            for server in sample.servers where !server.metrics.isEmpty {
                for (series, name) in names {
                    guard let value = server.metrics[series] else { continue }
                    if let before = last[server.instance]?[series], sample.t > from {
                        let rise = value >= before ? value - before : value
                        if rise > 0 { increase[name, default: 0] += rise }
                    }
                    last[server.instance, default: [:]][series] = value
                }
            }
        }
        return increase.mapValues { Int($0.rounded()) }
    }
}
