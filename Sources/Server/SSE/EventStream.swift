import Atomics
import NIOCore
import ServerConfig
import Synchronization

/// One SSE stream's shell around `StreamBuffer`. The producer (the agent run) pushes and may park
/// on a full queue; the consumer (a `StreamPump` on the connection's event loop) takes batches
/// synchronously and, when there is nothing to take, is woken by `wake` once there is.
public final class EventStream: Sendable {
    public let id: String
    let metrics: ServerMetrics
    private let state: Mutex<State>

    struct State {
        var buffer: StreamBuffer
        var nextSeq = 1
        /// The consumer found nothing and waits to be woken.
        var consumerIdle = false
        var wake: (@Sendable () -> Void)?
        /// A parked producer, resumed with true to go on, false to stop.
        var producerWaiter: (@Sendable (Bool) -> Void)?
        var lastWrite: ContinuousClock.Instant
        var detachedAt: ContinuousClock.Instant?
        var cutAt: ContinuousClock.Instant?
        var channel: (any Channel)?
        var abandoned = false

        /// The wake-up to run after the lock is released, if the consumer is idle.
        mutating func takeWake() -> (@Sendable () -> Void)? {
            guard consumerIdle, let w = wake else { return nil }
            consumerIdle = false
            return w
        }
    }

    enum Offer {
        case accepted(mustWait: Bool)
        case abandoned
    }

    /// Queues an event whose bytes `encode(streamID, seq)` makes, without waiting. On
    /// `.accepted(mustWait: true)` the producer must `park` before the next event.
    func offer(encode: (String, Int) -> [UInt8]) -> Offer {
        let (result, wake) = state.withLock { s -> (Offer, (@Sendable () -> Void)?) in
            if s.abandoned { return (.abandoned, nil) }
            let bytes = encode(id, s.nextSeq)
            s.nextSeq += 1
            metrics.bufferedEvents.inc()
            metrics.bufferedBytes.add(bytes.count)
            let wait = s.buffer.push(.init(seq: s.nextSeq - 1, bytes: bytes), now: .now)
            if s.buffer.spillExceeded {
                // A cut run spilled past its limit: stop it and drop the stream (not resumable).
                metrics.spillOverflows.inc()
                metrics.bufferedEvents.sub(s.buffer.queuedEvents)
                metrics.bufferedBytes.sub(s.buffer.queuedBytes)
                s.abandoned = true
                s.buffer.close()
                return (.abandoned, s.takeWake())
            }
            return (.accepted(mustWait: wait), s.takeWake())
        }
        if case .accepted = result { metrics.eventsProduced.inc() }
        wake?()
        return result
    }

    /// Parks the producer until the queue has room (`true`) or the stream is abandoned (`false`).
    func park(_ resume: @escaping @Sendable (Bool) -> Void) {
        let now: Bool? = state.withLock { s in
            if s.abandoned { return false }
            if !s.buffer.isFull { return true }
            metrics.agentRunsBlocked.wrappingIncrement(ordering: .relaxed)
            s.producerWaiter = { [metrics] goOn in
                metrics.agentRunsBlocked.wrappingDecrement(ordering: .relaxed)
                resume(goOn)
            }
            return nil
        }
        if let now { resume(now) }
    }

    init(id: String, capacity: Int?, retainForResume: Int, spillLimit: Int = 0, metrics: ServerMetrics) {
        self.id = id
        self.metrics = metrics
        state = Mutex(
            State(
                buffer: StreamBuffer(capacity: capacity, retainForResume: retainForResume, spillLimit: spillLimit),
                lastWrite: .now))
    }

    /// Queues an event. Waits while a bounded queue is full; returns false when the producer
    /// must stop (the stream was abandoned).
    func push(name: String, data: String) async -> Bool {
        await push { id, seq in SSEEncoder.event(streamID: id, seq: seq, name: name, data: data) }
    }

    /// Queues an event whose bytes `encode(streamID, seq)` makes, waiting while a bounded queue
    /// is full; false when the producer must stop.
    func push(encode: (String, Int) -> [UInt8]) async -> Bool {
        switch offer(encode: encode) {
        case .abandoned: return false
        case .accepted(mustWait: false): return true
        case .accepted(mustWait: true):
            return await withCheckedContinuation { cont in park { cont.resume(returning: $0) } }
        }
    }

    /// The run is over: the consumer ends after the queue drains.
    func finishProducer() {
        let w = state.withLock { s -> (@Sendable () -> Void)? in
            s.buffer.finishProducer()
            return s.takeWake()
        }
        w?()
    }

    enum Take {
        /// `payload` bytes of `events` events (the buffer also holds the chunk framing if asked).
        case bytes(ByteBuffer, events: Int, payload: Int)
        /// Write this and end the response (slow consumer cut, or shutdown).
        case final(ByteBuffer)
        case end
        /// Nothing now; `wake` will be called when there is.
        case idle
    }

    /// Sets the consumer's wake-up (called from any thread, at most once per idle period).
    func setWake(_ wake: @escaping @Sendable () -> Void) {
        state.withLock {
            $0.wake = wake
            $0.consumerIdle = false
        }
    }

    /// The consumer's next batch (at most `maxBytes`, at least one item), without waiting. With
    /// `chunked`, the bytes come framed as one HTTP/1.1 chunk (`<hex size>\r\n...\r\n`), ready
    /// for the socket.
    func take(allocator: ByteBufferAllocator, maxBytes: Int = 64 * 1024, chunked: Bool = false) -> Take {
        let (take, producer) = state.withLock { s -> (StreamBuffer.Take, (@Sendable (Bool) -> Void)?) in
            let t = s.buffer.take(maxBytes: maxBytes)
            var p: (@Sendable (Bool) -> Void)?
            switch t {
            case .items(_, let mayContinue):
                s.lastWrite = .now
                if mayContinue {
                    p = s.producerWaiter
                    s.producerWaiter = nil
                }
            case .wait:
                s.consumerIdle = true
            default:
                break
            }
            return (t, p)
        }
        producer?(true)
        switch take {
        case .items(let items, _):
            let payload = items.reduce(0) { $0 + $1.bytes.count }
            var buf = allocator.buffer(capacity: payload + (chunked ? Self.chunkFraming : 0))
            if chunked { Self.writeChunkHead(&buf, size: payload) }
            var events = 0
            for item in items {
                buf.writeBytes(item.bytes)
                if item.seq != nil { events += 1 }
            }
            if chunked { buf.writeStaticString("\r\n") }
            metrics.bufferedEvents.sub(events)
            metrics.bufferedBytes.sub(payload)
            return .bytes(buf, events: events, payload: payload)
        case .final(let bytes):
            var buf = allocator.buffer(capacity: bytes.count + (chunked ? Self.chunkFraming : 0))
            if chunked { Self.writeChunkHead(&buf, size: bytes.count) }
            buf.writeBytes(bytes)
            if chunked { buf.writeStaticString("\r\n") }
            return .final(buf)
        case .end:
            return .end
        case .wait:
            return .idle
        }
    }

    /// The most a chunk's framing adds: 16 hex digits, two CRLFs.
    static let chunkFraming = 20

    static func writeChunkHead(_ buf: inout ByteBuffer, size: Int) {
        let hex: StaticString = "0123456789abcdef"
        var shift = 60
        while shift > 0 && (size >> shift) & 0xF == 0 { shift -= 4 }
        hex.withUTF8Buffer { digits in
            while shift >= 0 {
                buf.writeInteger(digits[(size >> shift) & 0xF])
                shift -= 4
            }
        }
        buf.writeStaticString("\r\n")
    }

    func attach(channel: (any Channel)?) {
        state.withLock { $0.channel = channel }
    }

    /// The consumer went away. Returns true if the stream stays resumable.
    func detach() -> Bool {
        state.withLock { s in
            s.buffer.detach()
            s.channel = nil
            s.wake = nil
            s.consumerIdle = false
            if s.buffer.phase == .detached {
                s.detachedAt = .now
                return true
            }
            return false
        }
    }

    /// A client resumes after `seq`.
    func resume(after seq: Int, channel: (any Channel)?) -> StreamBuffer.Resume {
        let (r, delta) = state.withLock { s -> (StreamBuffer.Resume, (Int, Int)) in
            let before = (s.buffer.queuedEvents, s.buffer.queuedBytes)
            let r = s.buffer.resume(after: seq)
            if case .resumed = r {
                s.detachedAt = nil
                s.channel = channel
                s.lastWrite = .now
            }
            return (r, (s.buffer.queuedEvents - before.0, s.buffer.queuedBytes - before.1))
        }
        if case .resumed = r {
            metrics.bufferedEvents.add(delta.0)
            metrics.bufferedBytes.add(delta.1)
            metrics.streamsResumed.inc()
        }
        return r
    }

    /// Stops the producer and drops what is buffered.
    func abandon() {
        let (p, w, events, bytes) = state.withLock {
            s -> ((@Sendable (Bool) -> Void)?, (@Sendable () -> Void)?, Int, Int) in
            s.abandoned = true
            let e = s.buffer.queuedEvents
            let b = s.buffer.queuedBytes
            s.buffer.close()
            defer { s.producerWaiter = nil }
            return (s.producerWaiter, s.takeWake(), e, b)
        }
        metrics.bufferedEvents.sub(events)
        metrics.bufferedBytes.sub(bytes)
        p?(false)
        w?()
    }

    var queuedBytes: Int { state.withLock { $0.buffer.queuedBytes } }

    /// Server shutdown: the consumer sends `done` next and ends; the producer stops.
    func terminate() {
        let (w, p) = state.withLock { s -> ((@Sendable () -> Void)?, (@Sendable (Bool) -> Void)?) in
            s.buffer.cut(
                final: SSEEncoder.event(streamID: id, seq: nil, name: "done", data: "{\"reason\": \"interrupted\"}"))
            s.cutAt = .now
            s.abandoned = true
            defer { s.producerWaiter = nil }
            return (s.takeWake(), s.producerWaiter)
        }
        w?()
        p?(false)
    }

    enum Housekeeping {
        case none
        case closeChannel(any Channel)
        case abandon
    }

    /// Periodic checks: ping, slow-consumer deadline, resume window.
    func housekeeping(
        now: ContinuousClock.Instant, configuration: ServerConfiguration, pingText: () -> String
    ) -> Housekeeping {
        var wake: (@Sendable () -> Void)?
        var producer: (@Sendable (Bool) -> Void)?
        defer {
            wake?()
            producer?(true)
        }
        return state.withLock { s in
            switch s.buffer.phase {
            case .attached:
                if let deadline = configuration.slowConsumerDeadline, let since = s.buffer.behindSince,
                    since.duration(to: now) >= deadline
                {
                    let last = s.buffer.lastSeqWritten
                    let message =
                        "{\"code\": \"SLOW_CONSUMER\", \"message\": \"client read too slowly: stream cut after \(Int(deadline.seconds)) s; reconnect with Last-Event-ID to resume\", \"details\": {\"last_event_id\": \"\(id):\(last)\"}}"
                    if s.buffer.cut(final: SSEEncoder.event(streamID: id, seq: nil, name: "error", data: message)) {
                        // The run goes on into the resume buffer, so it ends and frees its slot.
                        producer = s.producerWaiter
                        s.producerWaiter = nil
                    }
                    s.cutAt = now
                    metrics.slowConsumersCut.inc()
                    wake = s.takeWake()
                } else if s.lastWrite.duration(to: now) >= configuration.pingInterval {
                    s.buffer.pushComment(SSEEncoder.ping(now: pingText()))
                    s.lastWrite = now
                    wake = s.takeWake()
                }
                return .none
            case .cutting:
                // The final event could not be written within the grace period: close the socket.
                let grace = max(.seconds(2), configuration.resumeWindow)
                if let cutAt = s.cutAt, cutAt.duration(to: now) >= grace, let ch = s.channel {
                    s.channel = nil
                    return .closeChannel(ch)
                }
                return .none
            case .detached:
                if let d = s.detachedAt, d.duration(to: now) >= configuration.resumeWindow { return .abandon }
                return .none
            case .closed:
                // Stopped while no writer held it (a cut run that spilled past its limit after
                // its client left): nothing will remove it but this.
                return s.abandoned && s.channel == nil ? .abandon : .none
            }
        }
    }
}
