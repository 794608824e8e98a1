/// The latency histograms a run records, all in microseconds.
public enum LatencyMetric: String, Sendable, CaseIterable, Codable {
    /// TCP connect, for new connections only.
    case connect
    /// Request start to the end of the response headers.
    case timeToHeaders = "time_to_headers"
    /// Request start to the first SSE event.
    case timeToFirstEvent = "time_to_first_event"
    /// Between consecutive events of one connection.
    case interEventGap = "inter_event_gap"
    /// Stream connection start to its end (streams that ended before the run did).
    case streamDuration = "stream_duration"
    /// HTTP: completion minus the intended start (open model) or the actual start (closed model).
    case requestLatency = "request_latency"

    /// Position in `allCases`.
    var index: Int {
        switch self {
        case .connect: 0
        case .timeToHeaders: 1
        case .timeToFirstEvent: 2
        case .interEventGap: 3
        case .streamDuration: 4
        case .requestLatency: 5
        }
    }
}
