import Foundation
import LoadGen

/// Shared stop switch of a scenario run: SIGINT/SIGTERM or a failure flips it; running load runs
/// are stopped at once and no further phase starts. Thread-safe.
public final class RunCancellation: @unchecked Sendable {
    private let lock = NSLock()
    private var reason: String?
    private var runs: [ObjectIdentifier: LoadRun] = [:]

    public init() {}

    public var cancelReason: String? { lock.withLock { reason } }
    public var isCancelled: Bool { cancelReason != nil }

    public func cancel(_ why: String) {
        let active = lock.withLock { () -> [LoadRun] in
            if reason == nil { reason = why }
            return Array(runs.values)
        }
        for run in active { run.stop() }
    }

    func register(_ run: LoadRun) {
        let stopNow = lock.withLock { () -> Bool in
            runs[ObjectIdentifier(run)] = run
            return reason != nil
        }
        if stopNow { run.stop() }
    }

    func unregister(_ run: LoadRun) { _ = lock.withLock { runs.removeValue(forKey: ObjectIdentifier(run)) } }

    /// The load running now, summed over every registered run (a phase's client groups); nil
    /// when none runs (between phases, while a fleet starts).
    public func loadProgress() -> LoadProgress? {
        let active = lock.withLock { Array(runs.values) }
        guard !active.isEmpty else { return nil }
        var total = LoadProgress()
        for p in active.map({ $0.progress() }) {
            total.elapsedSeconds = max(total.elapsedSeconds, p.elapsedSeconds)
            total.open += p.open
            total.started += p.started
            total.succeeded += p.succeeded
            total.events += p.events
            total.bytes += p.bytes
            total.errors += p.errors
            total.dropped += p.dropped
        }
        return total
    }
}
