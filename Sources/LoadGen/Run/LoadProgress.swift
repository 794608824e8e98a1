/// A snapshot of a running load, summed over engine threads (published a few times a second).
public struct LoadProgress: Sendable, Equatable {
    public var elapsedSeconds: Double = 0
    /// Streams (SSE) or requests (HTTP) open now.
    public var open = 0
    public var started = 0
    public var succeeded = 0
    public var events = 0
    public var bytes = 0
    public var errors = 0
    public var dropped = 0

    public init() {}
}
