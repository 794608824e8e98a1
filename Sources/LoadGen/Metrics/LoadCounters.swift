/// Counters of one engine thread, merged by addition at the end of a run.
public struct LoadCounters: Sendable, Equatable, Codable {
    /// Requests (SSE: stream connections, including reconnects) started.
    public var started = 0
    /// Requests that got response headers with a 2xx status.
    public var succeeded = 0
    /// Requests that ended in an error (see the error counts by kind).
    public var failed = 0
    /// SSE streams ended by a `done` event or by the server closing after it.
    public var streamsCompleted = 0
    /// SSE streams the server closed before a `done` event (not an error: some servers never send one).
    public var streamsEndedEarly = 0
    /// SSE streams still open when the run ended.
    public var streamsOpenAtEnd = 0
    /// Reconnections with `Last-Event-ID` (the `reconnecting` profile).
    public var reconnects = 0
    /// Established streams that ended before `done` without the client ending them, and of
    /// those: resumed with `Last-Event-ID`, or replaced by a fresh stream (lost). Broken streams
    /// still being resumed when the run ended are neither.
    public var streamsBroken = 0
    public var streamsResumed = 0
    public var streamsLost = 0
    /// SSE `error` events (failures inside a 200 stream, such as upstream's
    /// `{"error": "Session creation failed"}`); by kind in ``LoadResult/errorEvents``.
    public var errorEvents = 0
    /// Stalls begun (`stalled` profile) and stalled clients that left instead of resuming.
    public var stalls = 0
    public var stallsLeft = 0
    /// SSE events dispatched and comment lines (pings) seen.
    public var events = 0
    public var comments = 0
    /// Response body bytes received.
    public var bytes = 0
    /// Open model: arrivals that found every slot busy and were not sent.
    public var dropped = 0

    // Integrity, from event ids.
    /// Jumps forward in the sequence.
    public var gaps = 0
    /// Events skipped by gaps and never received.
    public var missingEvents = 0
    public var duplicates = 0
    /// Events that arrived after a later one.
    public var reorders = 0
    /// Events whose id carries no sequence number (or that carry no id): not checked.
    public var unsequencedEvents = 0

    // Goodput (``StreamSLO``), when an SLO is given.
    /// Streams judged (every stream that ended, completed or not; not those open at the end).
    public var sloStreams = 0
    /// Streams that completed and met every term.
    public var sloGood = 0
    /// Streams that missed a term (one stream may miss several), and those that did not complete.
    public var sloMissedFirstContent = 0
    public var sloMissedGap = 0
    public var sloMissedCompletion = 0
    public var sloIncomplete = 0
    /// Content events (``LoadConfiguration/contentEvents``) received.
    public var contentEvents = 0

    public init() {}

    public mutating func add(_ o: LoadCounters) {
        started += o.started
        succeeded += o.succeeded
        failed += o.failed
        streamsCompleted += o.streamsCompleted
        streamsEndedEarly += o.streamsEndedEarly
        streamsOpenAtEnd += o.streamsOpenAtEnd
        reconnects += o.reconnects
        streamsBroken += o.streamsBroken
        streamsResumed += o.streamsResumed
        streamsLost += o.streamsLost
        errorEvents += o.errorEvents
        stalls += o.stalls
        stallsLeft += o.stallsLeft
        events += o.events
        comments += o.comments
        bytes += o.bytes
        dropped += o.dropped
        gaps += o.gaps
        missingEvents += o.missingEvents
        duplicates += o.duplicates
        reorders += o.reorders
        unsequencedEvents += o.unsequencedEvents
        sloStreams += o.sloStreams
        sloGood += o.sloGood
        sloMissedFirstContent += o.sloMissedFirstContent
        sloMissedGap += o.sloMissedGap
        sloMissedCompletion += o.sloMissedCompletion
        sloIncomplete += o.sloIncomplete
        contentEvents += o.contentEvents
    }
}

extension LoadCounters {
    /// Decodes counters written before a field existed (it reads as 0), so older reports still load.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        func n(_ key: CodingKeys) throws -> Int { try c.decodeIfPresent(Int.self, forKey: key) ?? 0 }
        started = try n(.started)
        succeeded = try n(.succeeded)
        failed = try n(.failed)
        streamsCompleted = try n(.streamsCompleted)
        streamsEndedEarly = try n(.streamsEndedEarly)
        streamsOpenAtEnd = try n(.streamsOpenAtEnd)
        reconnects = try n(.reconnects)
        streamsBroken = try n(.streamsBroken)
        streamsResumed = try n(.streamsResumed)
        streamsLost = try n(.streamsLost)
        errorEvents = try n(.errorEvents)
        stalls = try n(.stalls)
        stallsLeft = try n(.stallsLeft)
        events = try n(.events)
        comments = try n(.comments)
        bytes = try n(.bytes)
        dropped = try n(.dropped)
        gaps = try n(.gaps)
        missingEvents = try n(.missingEvents)
        duplicates = try n(.duplicates)
        reorders = try n(.reorders)
        unsequencedEvents = try n(.unsequencedEvents)
        sloStreams = try n(.sloStreams)
        sloGood = try n(.sloGood)
        sloMissedFirstContent = try n(.sloMissedFirstContent)
        sloMissedGap = try n(.sloMissedGap)
        sloMissedCompletion = try n(.sloMissedCompletion)
        sloIncomplete = try n(.sloIncomplete)
        contentEvents = try n(.contentEvents)
    }
}
