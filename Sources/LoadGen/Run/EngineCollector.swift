import Synchronization

/// Gathers each engine's metrics as its thread finishes and wakes the run when all have.
final class EngineCollector: Sendable {
    private struct State {
        var results: [EngineMetrics?]
        var remaining: Int
        var waiter: CheckedContinuation<Void, Never>?
    }

    private let state: Mutex<State>

    init(count: Int) {
        state = Mutex(State(results: Array(repeating: nil, count: count), remaining: count))
    }

    var isDone: Bool { state.withLock { $0.remaining == 0 } }

    func deliver(_ metrics: EngineMetrics, from index: Int) {
        let waiter: CheckedContinuation<Void, Never>? = state.withLock { s in
            s.results[index] = metrics
            s.remaining -= 1
            guard s.remaining == 0 else { return nil }
            let w = s.waiter
            s.waiter = nil
            return w
        }
        waiter?.resume()
    }

    /// Waits for every engine, then merges their metrics.
    func merged() async -> EngineMetrics {
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let ready = state.withLock {
                if $0.remaining == 0 { return true }
                $0.waiter = c
                return false
            }
            if ready { c.resume() }
        }
        let results = state.withLock { $0.results }
        var total = EngineMetrics()
        for case let m? in results { total.merge(m) }
        return total
    }
}
