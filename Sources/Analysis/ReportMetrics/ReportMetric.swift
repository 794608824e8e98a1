import LoadGen

/// The metrics of a report besides the catalogued phase gauges (`phase.NAME`, ``PhaseMetric``),
/// declared once: what thresholds and baselines can name, of which kind, which way is better, and
/// which of them a baseline keeps (``keyAggregation``). `stampede list --report-metrics` prints
/// them; docs/gates.md has the table.
public enum ReportMetric: String, Sendable, CaseIterable {
    case streamConnect = "stream.connect"
    case streamHeaders = "stream.headers"
    case streamFirstEvent = "stream.first_event"
    case streamGap = "stream.gap"
    case streamDuration = "stream.duration"
    case requestLatency = "request.latency"
    case streamFirstContent = "stream.first_content"
    case streamContentGap = "stream.content_gap"
    case streamCompletion = "stream.completion"
    case errors
    case goodput
    case requests
    case events
    case bytes
    case streamsCompleted = "streams.completed"
    case lostEvents = "integrity.lost_events"
    case scaleEfficiency = "scale.efficiency"
    case scaleThroughput = "scale.throughput"
    case rssSlopePerSlowClient = "server.rss_slope_per_slow_client"

    public enum Kind: String, Sendable { case distribution, ratio, counter, gauge }

    public var kind: Kind {
        switch self {
        case .streamConnect, .streamHeaders, .streamFirstEvent, .streamGap, .streamDuration, .requestLatency,
            .streamFirstContent, .streamContentGap, .streamCompletion:
            .distribution
        case .errors, .goodput: .ratio
        case .requests, .events, .bytes, .streamsCompleted, .lostEvents: .counter
        case .scaleEfficiency, .scaleThroughput, .rssSlopePerSlowClient: .gauge
        }
    }

    /// The load generator's histogram behind a distribution.
    public var latencyMetric: LatencyMetric? {
        switch self {
        case .streamConnect: .connect
        case .streamHeaders: .timeToHeaders
        case .streamFirstEvent: .timeToFirstEvent
        case .streamGap: .interEventGap
        case .streamDuration: .streamDuration
        case .requestLatency: .requestLatency
        case .streamFirstContent: .timeToFirstContent
        case .streamContentGap: .contentGap
        case .streamCompletion: .streamCompletion
        default: nil
        }
    }

    /// Which way is better, for baselines; nil where neither is (totals, and `scale.*`, which
    /// repeat `phase.updates_per_second` and `phase.scaling_efficiency`).
    public var direction: MetricDirection? {
        switch self {
        case .streamConnect, .streamHeaders, .streamFirstEvent, .streamGap, .requestLatency, .errors, .lostEvents,
            .rssSlopePerSlowClient, .streamFirstContent, .streamContentGap, .streamCompletion:
            .lowerIsBetter
        case .goodput: .higherIsBetter
        case .streamDuration, .requests, .events, .bytes, .streamsCompleted, .scaleEfficiency, .scaleThroughput: nil
        }
    }

    /// How a baseline keeps this metric of the whole run (`p(99)`, `rate`, `count`); nil when it
    /// keeps it per phase (gauges) or not at all.
    public var keyAggregation: String? {
        switch self {
        case .streamFirstEvent, .streamGap, .requestLatency: "p(99)"
        case .errors: "rate"
        case .lostEvents: "count"
        default: nil
        }
    }

    public var labels: String {
        switch self {
        case .scaleEfficiency, .scaleThroughput: "`N`, `sweep`"
        case .rssSlopePerSlowClient: "`phase`"
        default: "none (the whole run), `phase`, `phase`+`clients`"
        }
    }

    public var description: String {
        switch self {
        case .streamConnect: "TCP connect time, new connections only (seconds)"
        case .streamHeaders: "request start to the end of the response headers (seconds)"
        case .streamFirstEvent: "request start to the first SSE event (seconds)"
        case .streamGap: "time between consecutive events of one connection (seconds)"
        case .streamDuration: "stream connection start to its end, for streams that ended before the run did (seconds)"
        case .requestLatency:
            "HTTP: completion minus the intended start (open model) or the actual start (closed model) (seconds)"
        case .streamFirstContent:
            "request start to a stream's first content event (an agent API's time to first token; `content-events`, default message and partial) (seconds)"
        case .streamContentGap: "time between consecutive content events of one stream (seconds)"
        case .streamCompletion: "request start to the end of a stream that completed with `done` (seconds)"
        case .goodput:
            "streams that completed and met every term of the client group's `slo` (`--slo`) out of the streams that ended, as vLLM's goodput; absent without an SLO"
        case .errors:
            "the load generator's failed requests out of started ones: transport errors, timeouts and non-2xx "
                + "answers (a 401, a 503 at the connection cap) as the clients saw them; not what failed inside "
                + "the servers after the answer (an end-of-stream update that hit a lock timeout or a pool error "
                + "still ends the stream with `done`): gate those with `phase.update_errors`, "
                + "`phase.lock_timeouts`, `phase.redis_pool_errors`, `phase.session_create_errors`"
        case .requests: "requests started (streams included)"
        case .events: "SSE events received"
        case .bytes: "body bytes received"
        case .streamsCompleted: "streams that ended with `done`"
        case .lostEvents: "gaps, duplicates and reorders seen in event ids"
        case .scaleEfficiency: "a sweep point's scaling efficiency"
        case .scaleThroughput: "a sweep point's updates per second"
        case .rssSlopePerSlowClient:
            "the largest instance RSS slope divided by the phase's slow and stalled clients (bytes/s)"
        }
    }

    /// The docs table (docs/gates.md, "Metrics of a report"): `stampede list --report-metrics`.
    public static var markdownTable: String {
        var lines = ["| metric | kind | labels | better | what |", "| --- | --- | --- | --- | --- |"]
        for m in allCases {
            let better = m.direction.map { $0 == .higherIsBetter ? "higher" : "lower" } ?? ""
            lines.append("| `\(m.rawValue)` | \(m.kind.rawValue) | \(m.labels) | \(better) | \(m.description) |")
        }
        lines.append(
            "| `phase.NAME` | gauge | `phase`, and `clients` for a group's own | as catalogued | every phase metric "
                + "of [scenarios.md](scenarios.md) (`stampede list --metrics`), in canonical units |")
        return lines.joined(separator: "\n")
    }
}
