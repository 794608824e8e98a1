import HeapModule
import Synchronization

/// One clock for every agent run of an instance: runs sleep on it instead of on a timer each, and
/// one tick resumes every run that is due, so events of many streams go out together.
final class AgentClock: Sendable {
    private struct Entry: Comparable {
        var deadline: ContinuousClock.Instant
        var id: Int
        var continuation: CheckedContinuation<Void, Never>
        static func < (a: Entry, b: Entry) -> Bool { (a.deadline, a.id) < (b.deadline, b.id) }
        static func == (a: Entry, b: Entry) -> Bool { a.id == b.id }
    }

    private let state = Mutex<(heap: Heap<Entry>, nextID: Int, stopped: Bool)>((Heap(), 0, false))
    let tick: Duration

    init(tick: Duration = .milliseconds(2)) { self.tick = tick }

    /// Suspends until `duration` from now has passed (to within one tick).
    func sleep(for duration: Duration) async {
        guard duration > .zero else { return }
        let deadline = ContinuousClock.now + duration
        await withCheckedContinuation { (cont: CheckedContinuation<Void, Never>) in
            let stopped = state.withLock { s -> Bool in
                if s.stopped { return true }
                s.nextID += 1
                s.heap.insert(Entry(deadline: deadline, id: s.nextID, continuation: cont))
                return false
            }
            if stopped { cont.resume() }
        }
    }

    /// Ticks until cancelled; then wakes every sleeper so no run is left hanging.
    func run() async {
        while !Task.isCancelled {
            try? await Task.sleep(for: tick)
            let now = ContinuousClock.now
            let due = state.withLock { s -> [CheckedContinuation<Void, Never>] in
                var out: [CheckedContinuation<Void, Never>] = []
                while let first = s.heap.min, first.deadline <= now {
                    out.append(s.heap.removeMin().continuation)
                }
                return out
            }
            for c in due { c.resume() }
        }
        let rest = state.withLock { s -> [CheckedContinuation<Void, Never>] in
            s.stopped = true
            var out: [CheckedContinuation<Void, Never>] = []
            while let e = s.heap.popMin() { out.append(e.continuation) }
            return out
        }
        for c in rest { c.resume() }
    }
}
