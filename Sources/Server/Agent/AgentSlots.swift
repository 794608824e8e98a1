import DequeModule
import ServerConfig
import Synchronization

/// At most `capacity` agent runs at once per instance (the SDK-process capacity); the rest wait
/// in FIFO order or are rejected, as configured.
final class AgentSlots: Sendable {
    let capacity: Int
    let policy: AgentSlotPolicy
    let metrics: ServerMetrics
    private let state = Mutex<(inUse: Int, waiters: Deque<CheckedContinuation<Void, Never>>)>((0, []))

    init(capacity: Int, policy: AgentSlotPolicy, metrics: ServerMetrics) {
        self.capacity = capacity
        self.policy = policy
        self.metrics = metrics
    }

    /// Takes a slot; false when full and the policy is `reject`.
    func acquire() async -> Bool {
        enum Outcome { case got, rejected, wait }
        let outcome = state.withLock { s -> Outcome in
            if s.inUse < capacity {
                s.inUse += 1
                return .got
            }
            return policy == .reject ? .rejected : .wait
        }
        switch outcome {
        case .got:
            metrics.agentSlotsInUse.inc()
            return true
        case .rejected:
            metrics.agentRejected.inc()
            return false
        case .wait:
            metrics.agentSlotsWaiting.inc()
            await withCheckedContinuation { cont in
                let now = state.withLock { s -> Bool in
                    if s.inUse < capacity {
                        s.inUse += 1
                        return true
                    }
                    s.waiters.append(cont)
                    return false
                }
                if now { cont.resume() }
            }
            metrics.agentSlotsWaiting.dec()
            metrics.agentSlotsInUse.inc()
            return true
        }
    }

    func release() {
        metrics.agentSlotsInUse.dec()
        let next = state.withLock { s -> CheckedContinuation<Void, Never>? in
            if let w = s.waiters.popFirst() { return w }  // the slot passes to the waiter
            s.inUse -= 1
            return nil
        }
        next?.resume()
    }
}
