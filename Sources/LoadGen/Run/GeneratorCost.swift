/// What the load generator itself cost, so a report can tell a saturated generator from a slow
/// server.
public struct GeneratorCost: Sendable, Codable, Equatable {
    public var threads: Int
    /// User + system CPU of the whole process during the run.
    public var cpuSeconds: Double
    /// Average CPU use, percent of one core (the machine has `cores` of them).
    public var cpuPercent: Double
    public var cores: Int
    /// CPU per SSE event received (µs), when events were received.
    public var cpuMicrosecondsPerEvent: Double?
    /// CPU per completed request (µs), HTTP mode.
    public var cpuMicrosecondsPerRequest: Double?
    public var rssStartBytes: Int
    public var rssPeakBytes: Int
    /// (RSS at the second with the most open streams − RSS at start) / those streams.
    public var rssPerOpenStreamBytes: Int?
    /// The open-file limits in force (soft raised to hard at start).
    public var fdSoftLimit: Int
    public var fdHardLimit: Int
}
