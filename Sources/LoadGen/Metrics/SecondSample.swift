/// One second of a run: what happened in it, across all engine threads.
public struct SecondSample: Sendable, Equatable, Codable {
    /// Seconds since the run start (this sample covers [t, t+1)).
    public var t: Int
    /// Streams (or requests) open at the end of the second.
    public var open: Int = 0
    public var opened = 0
    public var closed = 0
    public var events = 0
    public var bytes = 0
    public var errors = 0
    /// Requests completed (HTTP) or stream connections ended (SSE).
    public var completed = 0
    public var dropped = 0
    /// Generator's own CPU use in this second, percent of one core (filled in by the run).
    public var generatorCPUPercent: Double? = nil
    /// Generator's resident memory at the end of the second (filled in by the run).
    public var generatorRSSBytes: Int? = nil

    public init(t: Int) { self.t = t }

    mutating func add(_ o: SecondSample) {
        opened += o.opened
        closed += o.closed
        events += o.events
        bytes += o.bytes
        errors += o.errors
        completed += o.completed
        dropped += o.dropped
    }
}
