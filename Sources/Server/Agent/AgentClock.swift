import Synchronization

/// One clock for every agent run of an instance: runs sleep on it instead of on a timer each, and
/// one tick resumes every run that is due, so events of many streams go out together. Sleepers
/// sit in buckets keyed by tick number (a hashed timer wheel): O(1) to add and to fire.
final class AgentClock: Sendable {
    private enum Entry {
        case resume(CheckedContinuation<Void, Never>)
        case call(@Sendable () -> Void)

        func fire() {
            switch self {
            case .resume(let c): c.resume()
            case .call(let f): f()
            }
        }
    }

    private struct State {
        var buckets: [Int: [Entry]] = [:]
        var lastFired = 0
        var stopped = false
    }

    private let state = Mutex(State())
    private let origin = ContinuousClock.now
    let tick: Duration

    init(tick: Duration = .milliseconds(2)) { self.tick = tick }

    private func tickNumber(_ instant: ContinuousClock.Instant) -> Int {
        Int((origin.duration(to: instant) / tick).rounded(.up))
    }

    /// Suspends until `duration` from now has passed (to within one tick).
    func sleep(for duration: Duration) async {
        guard duration > .zero else { return }
        let due = tickNumber(.now + duration)
        await withCheckedContinuation { (cont: CheckedContinuation<Void, Never>) in
            let resumeNow = state.withLock { s -> Bool in
                if s.stopped { return true }
                s.buckets[max(due, s.lastFired + 1), default: []].append(.resume(cont))
                return false
            }
            if resumeNow { cont.resume() }
        }
    }

    /// Calls `action` on the clock's task once `duration` from now has passed (at the earliest on
    /// the next tick). Actions must be short and must not block: they run between ticks.
    func schedule(after duration: Duration, _ action: @escaping @Sendable () -> Void) {
        let due = tickNumber(.now + duration)
        let stopped = state.withLock { s -> Bool in
            if s.stopped { return true }
            s.buckets[max(due, s.lastFired + 1), default: []].append(.call(action))
            return false
        }
        if stopped { action() }
    }

    /// Ticks until cancelled; then wakes every sleeper so no run is left hanging.
    func run() async {
        while !Task.isCancelled {
            try? await Task.sleep(for: tick)
            let now = tickNumber(.now)
            let due = state.withLock { s -> [Entry] in
                var out: [Entry] = []
                if s.lastFired < now {
                    for t in (s.lastFired + 1)...now {
                        if let b = s.buckets.removeValue(forKey: t) { out.append(contentsOf: b) }
                    }
                    s.lastFired = now
                }
                return out
            }
            for e in due { e.fire() }
        }
        let rest = state.withLock { s -> [Entry] in
            s.stopped = true
            defer { s.buckets = [:] }
            return s.buckets.values.flatMap { $0 }
        }
        for e in rest { e.fire() }
    }
}
