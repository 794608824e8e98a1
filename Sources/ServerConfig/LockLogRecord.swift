/// One lock acquisition as a server saw it, in wall-clock microseconds (CLOCK_REALTIME, so the
/// records of instances on one machine merge on one time line; across machines their clocks'
/// skew adds to every interval). `GET /debug/lock-log` serves them; the orchestrator merges the
/// fleet's to tell barging, backoff waste and hold times apart (``LockTelemetry``).
public struct LockLogRecord: Sendable, Equatable, Codable {
    public var session: String
    /// When the update asked for the lock.
    public var arrived: Int64
    /// When it held it; nil when it gave up (timeout or error).
    public var acquired: Int64?
    /// When it released the lock (or gave up).
    public var ended: Int64

    public init(session: String, arrived: Int64, acquired: Int64?, ended: Int64) {
        self.session = session
        self.arrived = arrived
        self.acquired = acquired
        self.ended = ended
    }

    /// Compact on the wire: `[session, arrived, acquired or 0, ended]`.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.unkeyedContainer()
        try c.encode(session)
        try c.encode(arrived)
        try c.encode(acquired ?? 0)
        try c.encode(ended)
    }

    public init(from decoder: any Decoder) throws {
        var c = try decoder.unkeyedContainer()
        session = try c.decode(String.self)
        arrived = try c.decode(Int64.self)
        let a = try c.decode(Int64.self)
        acquired = a == 0 ? nil : a
        ended = try c.decode(Int64.self)
    }
}

/// A page of ``LockLogRecord``s: those after `?after=`, `next` to ask from next time, and how many
/// were overwritten before anyone read them (the server keeps the latest ``capacity``).
public struct LockLogPage: Sendable, Equatable, Codable {
    public static let capacity = 65_536
    public var next: Int
    public var dropped: Int
    public var records: [LockLogRecord]

    public init(next: Int, dropped: Int, records: [LockLogRecord]) {
        self.next = next
        self.dropped = dropped
        self.records = records
    }
}
