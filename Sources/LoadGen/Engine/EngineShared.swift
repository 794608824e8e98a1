import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The part of an engine other threads may touch: a stop flag with a wake-up eventfd, and
/// progress counters the engine publishes a few times a second.
final class EngineShared: Sendable {
    let stopRequested = Atomic<Bool>(false)
    let wakeFD: Int32
    let open = Atomic<Int>(0)
    let started = Atomic<Int>(0)
    let succeeded = Atomic<Int>(0)
    let events = Atomic<Int>(0)
    let bytes = Atomic<Int>(0)
    let errors = Atomic<Int>(0)
    let dropped = Atomic<Int>(0)

    init(wakeFD: Int32) {
        self.wakeFD = wakeFD
    }

    func requestStop() {
        stopRequested.store(true, ordering: .releasing)
        var one: UInt64 = 1
        _ = write(wakeFD, &one, 8)
    }

    func publish(open: Int, counters: LoadCounters, errors: Int) {
        self.open.store(open, ordering: .relaxed)
        started.store(counters.started, ordering: .relaxed)
        succeeded.store(counters.succeeded, ordering: .relaxed)
        events.store(counters.events, ordering: .relaxed)
        bytes.store(counters.bytes, ordering: .relaxed)
        self.errors.store(errors, ordering: .relaxed)
        dropped.store(counters.dropped, ordering: .relaxed)
    }
}
