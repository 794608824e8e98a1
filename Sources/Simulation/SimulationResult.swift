/// What one simulated run measured over its window (after the warm-up), counted as the servers'
/// counters and lock logs count: updates completed in the window, waits of the acquisitions whose
/// update started in it.
public struct SimulationResult: Sendable, Equatable, Codable {
    public var instances = 0
    public var simulatedSeconds = 0.0
    public var updates = 0
    public var streams = 0
    public var updatesPerSecond = 0.0
    public var streamsPerSecond = 0.0
    public var updateErrors = 0
    public var lockTimeouts = 0
    public var lockAcquisitions = 0
    public var lockHandoffs = 0
    public var optimisticConflicts = 0
    public var lockAttemptsPerAcquisition: Double?
    public var lockWaitP50Ms: Double?
    public var lockWaitP99Ms: Double?
    public var lockWaitMeanMs: Double?
    public var lockWaitMaxMs: Double?
    public var lockHoldP50Ms: Double?
    public var lockHoldP99Ms: Double?
    public var streamDurationMeanMs: Double?
    public var streamDurationP50Ms: Double?
    public var streamDurationP99Ms: Double?
    public var redisCommands = 0
    public var redisPoolErrors = 0
    public var redisPoolWaits = 0
    public var redisPoolTimeouts = 0
    public var databaseCalls = 0
    public var databasePoolErrors = 0
    public var databasePoolWaits = 0
    public var databasePoolTimeouts = 0
    /// Largest total of bytes queued in the servers' stream buffers, sampled every second (slow
    /// consumers only; 0 otherwise), and each sample.
    public var bufferedMaxBytes = 0.0
    public var bufferedBytesPerSecond: [Double] = []
    /// The CPU utilisation the run settled at (nil without a CPU model), the stretch it gave the
    /// work parts, and how many whole runs it took.
    public var cpuUtilization: Double?
    public var cpuStretch = 1.0
    public var passes = 1
    /// Events processed, over every pass (the simulator's own cost).
    public var events = 0

    public init() {}
}
