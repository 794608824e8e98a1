/// One second of a run: what happened in it, across all engine threads.
public struct SecondSample: Sendable, Equatable, Codable {
    /// Seconds since the run start (this sample covers [t, t+1)).
    public var t: Int
    /// Streams (or requests) open at the end of the second.
    public var open: Int = 0
    public var opened = 0
    public var closed = 0
    public var events = 0
    public var bytes = 0
    public var errors = 0
    /// Requests completed (HTTP) or stream connections ended (SSE).
    public var completed = 0
    public var dropped = 0
    /// Established streams that ended before `done` (an error, or the server closing early), not
    /// ended by the client itself.
    public var broken = 0
    /// Broken streams taken up again with `Last-Event-ID` (a 2xx answer to the resume), and those
    /// replaced by a fresh stream instead (the client does not resume, or its resume was refused).
    public var resumed = 0
    public var lost = 0
    /// Events skipped by gaps in the sequence, counted when the gap is seen.
    public var missing = 0
    /// SSE `error` events received (in-stream failures of a 200 response; not client errors).
    public var errorEvents = 0
    /// Client errors and `error` events of this second by kind (`http_503`, `reset`,
    /// `event:Session creation failed`); nil when there were none.
    public var errorKinds: [String: Int]? = nil
    /// Generator's own CPU use in this second, percent of one core (filled in by the run).
    public var generatorCPUPercent: Double? = nil
    /// Generator's resident memory at the end of the second (filled in by the run).
    public var generatorRSSBytes: Int? = nil

    public init(t: Int) { self.t = t }

    mutating func add(_ o: SecondSample) {
        opened += o.opened
        closed += o.closed
        events += o.events
        bytes += o.bytes
        errors += o.errors
        completed += o.completed
        dropped += o.dropped
        broken += o.broken
        resumed += o.resumed
        lost += o.lost
        missing += o.missing
        errorEvents += o.errorEvents
        if let kinds = o.errorKinds { errorKinds = (errorKinds ?? [:]).merging(kinds, uniquingKeysWith: +) }
    }

    mutating func count(kind: String) {
        var kinds = errorKinds ?? [:]
        errorKinds = nil  // the only reference: counting does not copy the dictionary
        kinds[kind, default: 0] += 1
        errorKinds = kinds
    }
}

extension SecondSample {
    /// Decodes samples written before a field existed (it reads as 0).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        func n(_ key: CodingKeys) throws -> Int { try c.decodeIfPresent(Int.self, forKey: key) ?? 0 }
        t = try n(.t)
        open = try n(.open)
        opened = try n(.opened)
        closed = try n(.closed)
        events = try n(.events)
        bytes = try n(.bytes)
        errors = try n(.errors)
        completed = try n(.completed)
        dropped = try n(.dropped)
        broken = try n(.broken)
        resumed = try n(.resumed)
        lost = try n(.lost)
        missing = try n(.missing)
        errorEvents = try n(.errorEvents)
        errorKinds = try c.decodeIfPresent([String: Int].self, forKey: .errorKinds)
        generatorCPUPercent = try c.decodeIfPresent(Double.self, forKey: .generatorCPUPercent)
        generatorRSSBytes = try c.decodeIfPresent(Int.self, forKey: .generatorRSSBytes)
    }
}
