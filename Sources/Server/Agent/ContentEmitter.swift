/// Emits a run's `message` events straight from the agent clock: no task wakes up per event.
/// Used when nothing asynchronous happens between events (interrupt polling off, no partials).
/// One action at a time is outstanding (a clock entry or a parked-producer callback), so the
/// mutable state is never touched concurrently.
final class ContentEmitter: @unchecked Sendable {
    private let stream: EventStream
    private let clock: AgentClock
    private let template: SimulatedAgent.MessageTemplate
    private let interval: Duration
    private var remaining: Int
    private var index = 0
    private var turns = 0
    private let done: @Sendable (_ turns: Int, _ alive: Bool) -> Void

    init(
        stream: EventStream, clock: AgentClock, template: SimulatedAgent.MessageTemplate, interval: Duration,
        count: Int,
        done: @escaping @Sendable (Int, Bool) -> Void
    ) {
        self.stream = stream
        self.clock = clock
        self.template = template
        self.interval = interval
        remaining = count
        self.done = done
    }

    func start() {
        if remaining <= 0 {
            done(0, true)
        } else {
            clock.schedule(after: interval) { self.step() }
        }
    }

    private func step() {
        let i = index
        switch stream.offer(encode: { template.encode(streamID: $0, seq: $1, index: i) }) {
        case .abandoned:
            done(turns, false)
        case .accepted(let mustWait):
            turns += 1
            index += 1
            remaining -= 1
            if remaining == 0 {
                done(turns, true)
            } else if mustWait {
                stream.park { goOn in
                    if goOn {
                        self.clock.schedule(after: self.interval) { self.step() }
                    } else {
                        self.done(self.turns, false)
                    }
                }
            } else {
                clock.schedule(after: interval) { self.step() }
            }
        }
    }
}
