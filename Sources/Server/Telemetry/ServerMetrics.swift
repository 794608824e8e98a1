import Atomics
import Synchronization

/// The server's own counters and gauges, rendered on `/metrics`. Hot counters (per event) are
/// atomics; the rest sit behind one lock.
public final class ServerMetrics: Sendable {
    // Streams and delivery
    public let activeStreams = ManagedAtomic<Int>(0)
    public let streamsStarted = ManagedAtomic<Int>(0)
    public let eventsProduced = ManagedAtomic<Int>(0)
    public let eventsSent = ManagedAtomic<Int>(0)
    public let bytesSent = ManagedAtomic<Int>(0)
    public let bufferedEvents = ManagedAtomic<Int>(0)
    public let bufferedBytes = ManagedAtomic<Int>(0)
    public let slowConsumersCut = ManagedAtomic<Int>(0)
    /// Cut runs stopped because what they spilled after the cut passed `--cut-spill`.
    public let spillOverflows = ManagedAtomic<Int>(0)
    public let streamsResumed = ManagedAtomic<Int>(0)
    public let resumeGaps = ManagedAtomic<Int>(0)
    // Capacity
    public let requestsInFlight = ManagedAtomic<Int>(0)
    public let rejectedConnections = ManagedAtomic<Int>(0)
    /// Requests answered 500 for an error no route handled (``ServerErrorMiddleware``).
    public let serverErrors = ManagedAtomic<Int>(0)
    public let agentSlotsInUse = ManagedAtomic<Int>(0)
    public let agentSlotsWaiting = ManagedAtomic<Int>(0)
    public let agentRejected = ManagedAtomic<Int>(0)
    /// Agent runs whose producer waits on a full bounded queue: each holds its slot for a reader
    /// that is not keeping up (PERF-004's second-order cost).
    public let agentRunsBlocked = ManagedAtomic<Int>(0)
    public let acceptErrors = ManagedAtomic<Int>(0)
    /// Connections closed at once to keep the file-descriptor reserve (also in `acceptErrors`).
    public let fdReserveRefusals = ManagedAtomic<Int>(0)
    // Sessions
    public let sessionsCreated = ManagedAtomic<Int>(0)
    public let sessionCreateErrors = ManagedAtomic<Int>(0)
    public let sessionUpdates = ManagedAtomic<Int>(0)
    public let sessionUpdateErrors = ManagedAtomic<Int>(0)
    /// Turns added by completed updates, and updates between their read and their write.
    public let sessionTurnsWritten = ManagedAtomic<Int>(0)
    public let sessionUpdatesInProgress = ManagedAtomic<Int>(0)
    public let redisCommands = ManagedAtomic<Int>(0)
    public let redisErrors = ManagedAtomic<Int>(0)
    public let dbStatements = ManagedAtomic<Int>(0)
    public let dbErrors = ManagedAtomic<Int>(0)
    // Locks
    public let lockAttempts = ManagedAtomic<Int>(0)
    public let lockAcquired = ManagedAtomic<Int>(0)
    public let lockTimeouts = ManagedAtomic<Int>(0)
    public let lockReleaseFailures = ManagedAtomic<Int>(0)
    public let optimisticConflicts = ManagedAtomic<Int>(0)
    /// Redis commands the lock protocol sent (attempts, releases, the fair lock's scripts).
    public let lockCommands = ManagedAtomic<Int>(0)
    /// Fair lock: releases that handed the lock straight to a waiter.
    public let lockHandoffs = ManagedAtomic<Int>(0)
    /// Fair lock: session writes refused because a later holder's token was already written.
    public let lockFencedWrites = ManagedAtomic<Int>(0)

    private let histograms = Mutex(
        (
            lockWait: BucketHistogram(bounds: BucketHistogram.latencySeconds),
            lockHold: BucketHistogram(bounds: BucketHistogram.latencySeconds)
        ))

    public init() {}

    public func recordLockWait(seconds: Double) { histograms.withLock { $0.lockWait.record(seconds) } }
    public func recordLockHold(seconds: Double) { histograms.withLock { $0.lockHold.record(seconds) } }
    public var lockWait: BucketHistogram { histograms.withLock { $0.lockWait } }
    public var lockHold: BucketHistogram { histograms.withLock { $0.lockHold } }
}

extension ManagedAtomic where Value == Int {
    @inline(__always) func add(_ n: Int) { wrappingIncrement(by: n, ordering: .relaxed) }
    @inline(__always) func sub(_ n: Int) { wrappingDecrement(by: n, ordering: .relaxed) }
    @inline(__always) func inc() { wrappingIncrement(ordering: .relaxed) }
    @inline(__always) func dec() { wrappingDecrement(ordering: .relaxed) }
    var value: Int { load(ordering: .relaxed) }
}
