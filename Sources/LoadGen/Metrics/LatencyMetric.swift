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
    /// Request start to the first content event of a stream (``LoadConfiguration/contentEvents``):
    /// an agent API's time to first token. A resumed stream keeps its first.
    case timeToFirstContent = "time_to_first_content"
    /// Between consecutive content events of one stream (across a resume too).
    case contentGap = "content_gap"
    /// Request start to the end of a stream that completed with `done` (a resumed stream from its
    /// first request).
    case streamCompletion = "stream_completion"

    /// Position in `allCases`.
    var index: Int {
        switch self {
        case .connect: 0
        case .timeToHeaders: 1
        case .timeToFirstEvent: 2
        case .interEventGap: 3
        case .streamDuration: 4
        case .requestLatency: 5
        case .timeToFirstContent: 6
        case .contentGap: 7
        case .streamCompletion: 8
        }
    }
}
