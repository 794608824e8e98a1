import NIOCore
import Synchronization

/// One SSE stream's shell around `StreamBuffer`: it parks the producer and the writer on
/// continuations and keeps the server-wide buffered-bytes gauges true.
public final class EventStream: Sendable {
    public let id: String
    let metrics: ServerMetrics
    private let state: Mutex<State>

    struct State {
        var buffer: StreamBuffer
        var nextSeq = 1
        var writerWaiter: CheckedContinuation<Void, Never>?
        var producerWaiter: CheckedContinuation<Bool, Never>?
        var lastWrite: ContinuousClock.Instant
        var detachedAt: ContinuousClock.Instant?
        var cutAt: ContinuousClock.Instant?
        var channel: (any Channel)?
        var abandoned = false
    }

    init(id: String, capacity: Int?, retainForResume: Int, metrics: ServerMetrics) {
        self.id = id
        self.metrics = metrics
        state = Mutex(State(buffer: StreamBuffer(capacity: capacity, retainForResume: retainForResume), lastWrite: .now))
    }

    /// Queues an event. Waits while a bounded queue is full; returns false when the producer
    /// must stop (the stream was abandoned).
    func push(name: String, data: String) async -> Bool {
        let (mustWait, writer, abandoned) = state.withLock { s -> (Bool, CheckedContinuation<Void, Never>?, Bool) in
            if s.abandoned { return (false, nil, true) }
            let bytes = SSEEncoder.event(streamID: id, seq: s.nextSeq, name: name, data: data)
            s.nextSeq += 1
            metrics.bufferedEvents.inc()
            metrics.bufferedBytes.add(bytes.count)
            let wait = s.buffer.push(.init(seq: s.nextSeq - 1, bytes: bytes), now: .now)
            let w = s.writerWaiter
            s.writerWaiter = nil
            return (wait, w, false)
        }
        metrics.eventsProduced.inc()
        writer?.resume()
        if abandoned { return false }
        guard mustWait else { return true }
        return await withCheckedContinuation { cont in
            let resumeNow: Bool? = state.withLock { s in
                if s.abandoned { return false }
                if !s.buffer.isFull { return true }
                s.producerWaiter = cont
                return nil
            }
            if let r = resumeNow { cont.resume(returning: r) }
        }
    }

    /// The run is over: the writer ends after the queue drains.
    func finishProducer() {
        let w = state.withLock { s -> CheckedContinuation<Void, Never>? in
            s.buffer.finishProducer()
            defer { s.writerWaiter = nil }
            return s.writerWaiter
        }
        w?.resume()
    }

    enum Next {
        case bytes(ByteBuffer, events: Int)
        case final(ByteBuffer)
        case end
    }

    /// The writer's next batch, waiting for one if needed.
    func next(allocator: ByteBufferAllocator, maxBytes: Int = 64 * 1024) async -> Next {
        while true {
            let (take, producer) = state.withLock { s -> (StreamBuffer.Take, CheckedContinuation<Bool, Never>?) in
                let t = s.buffer.take(maxBytes: maxBytes)
                var p: CheckedContinuation<Bool, Never>?
                if case .items(_, let mayContinue) = t, mayContinue {
                    p = s.producerWaiter
                    s.producerWaiter = nil
                }
                if case .items = t { s.lastWrite = .now }
                return (t, p)
            }
            producer?.resume(returning: true)
            switch take {
            case .items(let items, _):
                var buf = allocator.buffer(capacity: items.reduce(0) { $0 + $1.bytes.count })
                var events = 0
                for item in items {
                    buf.writeBytes(item.bytes)
                    if item.seq != nil { events += 1 }
                }
                metrics.bufferedEvents.sub(events)
                metrics.bufferedBytes.sub(buf.readableBytes)
                return .bytes(buf, events: events)
            case .final(let bytes):
                var buf = allocator.buffer(capacity: bytes.count)
                buf.writeBytes(bytes)
                return .final(buf)
            case .end:
                return .end
            case .wait:
                await withCheckedContinuation { (cont: CheckedContinuation<Void, Never>) in
                    let ready = state.withLock { s -> Bool in
                        if s.writerWaiter != nil { return true }  // cannot happen: one writer at a time
                        if !s.buffer.queue.isEmpty || s.buffer.producerFinished || s.buffer.phase != .attached || s.buffer.finalEvent != nil {
                            return true
                        }
                        s.writerWaiter = cont
                        return false
                    }
                    if ready { cont.resume() }
                }
            }
        }
    }

    func attach(channel: (any Channel)?) {
        state.withLock { $0.channel = channel }
    }

    /// The writer went away. Returns true if the stream stays resumable.
    func detach() -> Bool {
        state.withLock { s in
            s.buffer.detach()
            s.channel = nil
            if s.buffer.phase == .detached {
                s.detachedAt = .now
                return true
            }
            return false
        }
    }

    /// A client resumes after `seq`.
    func resume(after seq: Int, channel: (any Channel)?) -> StreamBuffer.Resume {
        let before = state.withLock { ($0.buffer.queuedEvents, $0.buffer.queuedBytes) }
        let r = state.withLock { s -> StreamBuffer.Resume in
            let r = s.buffer.resume(after: seq)
            if case .resumed = r {
                s.detachedAt = nil
                s.channel = channel
                s.lastWrite = .now
            }
            return r
        }
        if case .resumed = r {
            let after = state.withLock { ($0.buffer.queuedEvents, $0.buffer.queuedBytes) }
            metrics.bufferedEvents.add(after.0 - before.0)
            metrics.bufferedBytes.add(after.1 - before.1)
            metrics.streamsResumed.inc()
        }
        return r
    }

    /// Stops the producer and drops what is buffered.
    func abandon() {
        let (p, w, events, bytes) = state.withLock { s -> (CheckedContinuation<Bool, Never>?, CheckedContinuation<Void, Never>?, Int, Int) in
            s.abandoned = true
            let e = s.buffer.queuedEvents
            let b = s.buffer.queuedBytes
            s.buffer.close()
            defer {
                s.producerWaiter = nil
                s.writerWaiter = nil
            }
            return (s.producerWaiter, s.writerWaiter, e, b)
        }
        metrics.bufferedEvents.sub(events)
        metrics.bufferedBytes.sub(bytes)
        p?.resume(returning: false)
        w?.resume()
    }

    var queuedBytes: Int { state.withLock { $0.buffer.queuedBytes } }

    /// Server shutdown: the writer sends `done` next and ends; the producer stops.
    func terminate() {
        let w = state.withLock { s -> CheckedContinuation<Void, Never>? in
            s.buffer.cut(final: SSEEncoder.event(streamID: id, seq: nil, name: "done", data: "{\"reason\": \"interrupted\"}"))
            s.cutAt = .now
            defer { s.writerWaiter = nil }
            return s.writerWaiter
        }
        w?.resume()
        abandonProducer()
    }

    private func abandonProducer() {
        let p = state.withLock { s -> CheckedContinuation<Bool, Never>? in
            s.abandoned = true
            defer { s.producerWaiter = nil }
            return s.producerWaiter
        }
        p?.resume(returning: false)
    }

    enum Housekeeping {
        case none
        case closeChannel(any Channel)
        case abandon
    }

    /// Periodic checks: ping, slow-consumer deadline, resume window.
    func housekeeping(now: ContinuousClock.Instant, configuration: ServerConfiguration, pingText: () -> String) -> Housekeeping {
        var wake: CheckedContinuation<Void, Never>?
        defer { wake?.resume() }
        return state.withLock { s in
            switch s.buffer.phase {
            case .attached:
                if let deadline = configuration.slowConsumerDeadline, let since = s.buffer.producerBlockedSince,
                    since.duration(to: now) >= deadline
                {
                    let last = s.buffer.lastSeqWritten
                    let message =
                        "{\"code\": \"SLOW_CONSUMER\", \"message\": \"client read too slowly: stream cut after \(Int(deadline.seconds)) s; reconnect with Last-Event-ID to resume\", \"details\": {\"last_event_id\": \"\(id):\(last)\"}}"
                    s.buffer.cut(final: SSEEncoder.event(streamID: id, seq: nil, name: "error", data: message))
                    s.cutAt = now
                    metrics.slowConsumersCut.inc()
                    wake = s.writerWaiter
                    s.writerWaiter = nil
                } else if s.lastWrite.duration(to: now) >= configuration.pingInterval {
                    s.buffer.pushComment(SSEEncoder.ping(now: pingText()))
                    s.lastWrite = now
                    wake = s.writerWaiter
                    s.writerWaiter = nil
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
                return .none
            }
        }
    }
}
