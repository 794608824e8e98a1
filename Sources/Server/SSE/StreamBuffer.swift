import DequeModule

/// The buffer between one run's producer (the simulated agent) and its writer (the socket), as a
/// pure state machine. Events carry a sequence number; comments (pings) and the final cut event
/// do not. The I/O shell (`EventStream`) holds continuations and executes the returned actions.
struct StreamBuffer {
    struct Item {
        var seq: Int?
        var bytes: [UInt8]
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
    var finalEvent: [UInt8]?

    init(capacity: Int?, retainForResume: Int) {
        self.capacity = capacity
        self.retainForResume = retainForResume
    }

    var isFull: Bool { capacity.map { queuedEvents >= $0 } ?? false }

    /// The producer adds an item. Returns true when the producer must now wait (bounded and full).
    mutating func push(_ item: Item, now: ContinuousClock.Instant) -> Bool {
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
    mutating func cut(final: [UInt8]) {
        guard phase == .attached else { return }
        phase = .cutting
        finalEvent = final
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
    mutating func resume(after lastSeq: Int) -> Resume {
        guard phase == .detached else { return .notResumable }
        let held = Array(retained) + Array(queue.filter { $0.seq != nil })
        let firstHeld = held.first?.seq ?? (lastSeqWritten + 1)
        if lastSeq + 1 < firstHeld { return .gap(missingFrom: lastSeq + 1, to: firstHeld - 1) }
        let replay = held.filter { ($0.seq ?? 0) > lastSeq }
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
