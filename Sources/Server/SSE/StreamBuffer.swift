import DequeModule

/// The buffer between one run's producer (the simulated agent) and its writer (the socket), as a
/// pure state machine. Events carry a sequence number; comments (pings) and the final cut event
/// do not. The I/O shell (`EventStream`) holds continuations and executes the returned actions.
struct StreamBuffer {
    struct Item {
        var seq: Int?
        var bytes: [UInt8]
        /// When it was queued (set by ``push(_:now:)``; replays are re-stamped on resume).
        var queuedAt: ContinuousClock.Instant?
    }

    enum Phase: Equatable {
        /// A writer is attached (or about to be).
        case attached
        /// The slow-consumer deadline cut the stream: the final event is pending for the old writer.
        case cutting
        /// No writer; resumable until `resumeDeadline`.
        case detached
        /// The run is over and everything was written, or the stream was abandoned.
        case closed
    }

    let capacity: Int?  // nil = unbounded
    let retainForResume: Int  // 0 = not resumable
    /// After a cut, the producer goes on into the queue up to this many queued bytes (and is
    /// stopped past it), so the run ends and frees its agent slot; 0: it keeps waiting.
    let spillLimit: Int
    /// The stream was cut and its producer goes on without waiting (``spillLimit``).
    private(set) var spilling = false
    private(set) var queue: Deque<Item> = []
    private(set) var retained: Deque<Item> = []
    private(set) var queuedBytes = 0
    /// Events (not comments) waiting to be written.
    private(set) var queuedEvents = 0
    private(set) var producerFinished = false
    private(set) var phase: Phase = .attached
    private(set) var lastSeqWritten = 0
    /// When the producer started waiting on a full queue (nil when it is not waiting).
    private(set) var producerBlockedSince: ContinuousClock.Instant?
    /// When the oldest item still queued was queued: the reader is that far behind the agent
    /// (the slow-consumer deadline's clock). A reader that stalls and one that keeps up at less
    /// than the agent's pace both fall behind, although the second lets the producer go on for
    /// a moment after each batch it reads; one that keeps up stays near now.
    var behindSince: ContinuousClock.Instant? { queue.first?.queuedAt }
    var finalEvent: [UInt8]?

    init(capacity: Int?, retainForResume: Int, spillLimit: Int = 0) {
        self.capacity = capacity
        self.retainForResume = retainForResume
        self.spillLimit = spillLimit
    }

    var isFull: Bool { !spilling && (capacity.map { queuedEvents >= $0 } ?? false) }

    /// A spilling producer has queued more than the spill limit: the run must stop.
    var spillExceeded: Bool { spilling && queuedBytes > spillLimit }

    /// The producer adds an item. Returns true when the producer must now wait (bounded and full).
    mutating func push(_ item: Item, now: ContinuousClock.Instant) -> Bool {
        var item = item
        item.queuedAt = now
        queue.append(item)
        queuedBytes += item.bytes.count
        if item.seq != nil { queuedEvents += 1 }
        if isFull {
            if producerBlockedSince == nil { producerBlockedSince = now }
            return true
        }
        return false
    }

    /// A comment (ping) for the writer, if no other item is waiting.
    mutating func pushComment(_ bytes: [UInt8]) {
        guard queue.isEmpty, phase == .attached else { return }
        queue.append(Item(seq: nil, bytes: bytes))
        queuedBytes += bytes.count
    }

    mutating func finishProducer() { producerFinished = true }

    enum Take {
        case items([Item], producerMayContinue: Bool)
        /// Write this last event and end the response (slow consumer cut).
        case final([UInt8])
        case wait
        case end
    }

    /// The writer asks for the next batch (at most `maxBytes`, at least one item).
    mutating func take(maxBytes: Int) -> Take {
        if phase == .cutting, let f = finalEvent {
            finalEvent = nil
            phase = .detached
            return .final(f)
        }
        guard phase == .attached else { return .end }
        if queue.isEmpty { return producerFinished ? .end : .wait }
        var batch: [Item] = []
        var bytes = 0
        while let first = queue.first, batch.isEmpty || bytes + first.bytes.count <= maxBytes {
            queue.removeFirst()
            bytes += first.bytes.count
            batch.append(first)
        }
        queuedBytes -= bytes
        for item in batch where item.seq != nil {
            queuedEvents -= 1
            lastSeqWritten = item.seq!
            if retainForResume > 0 {
                retained.append(item)
                if retained.count > retainForResume { retained.removeFirst() }
            }
        }
        let mayContinue = producerBlockedSince != nil && !isFull
        if mayContinue { producerBlockedSince = nil }
        return .items(batch, producerMayContinue: mayContinue)
    }

    /// The deadline fired: end the response with `final`; keep the queue for a resume.
    /// Returns true when the producer may go on now (it spills into the queue).
    @discardableResult
    mutating func cut(final: [UInt8]) -> Bool {
        guard phase == .attached else { return false }
        phase = .cutting
        finalEvent = final
        guard spillLimit > 0, capacity != nil else { return false }
        spilling = true
        producerBlockedSince = nil
        return true
    }

    /// The writer went away (client disconnected, or after the final event).
    mutating func detach() {
        if phase == .attached || phase == .cutting {
            phase = retainForResume > 0 && !producerFinishedAndDrained ? .detached : .closed
        }
    }

    var producerFinishedAndDrained: Bool { producerFinished && queuedEvents == 0 }

    enum Resume {
        /// Attached again; these events (after the client's last one) are queued first.
        case resumed(replayed: Int)
        /// Events between the client's last one and what is still held are gone.
        case gap(missingFrom: Int, to: Int)
        case notResumable
    }

    /// A client comes back with `Last-Event-ID` = `lastSeq`.
    mutating func resume(after lastSeq: Int, now: ContinuousClock.Instant = .now) -> Resume {
        guard phase == .detached else { return .notResumable }
        let held = Array(retained) + Array(queue.filter { $0.seq != nil })
        let firstHeld = held.first?.seq ?? (lastSeqWritten + 1)
        if lastSeq + 1 < firstHeld { return .gap(missingFrom: lastSeq + 1, to: firstHeld - 1) }
        let replay = held.filter { ($0.seq ?? 0) > lastSeq }.map { item in
            var item = item
            item.queuedAt = now  // the resumed reader is behind from now on, not from before its cut
            return item
        }
        queue = Deque(replay)
        queuedBytes = replay.reduce(0) { $0 + $1.bytes.count }
        queuedEvents = replay.count
        retained = Deque(held.filter { ($0.seq ?? 0) <= lastSeq }.suffix(retainForResume))
        phase = .attached
        return .resumed(replayed: replay.count)
    }

    mutating func close() {
        phase = .closed
        queue.removeAll()
        retained.removeAll()
        queuedBytes = 0
        queuedEvents = 0
    }
}
