/// How a connection pool sizes itself and what it does when every connection is in use.
public struct PoolConfiguration: Sendable, Equatable {
    /// What a checkout does when `size + overflow` connections are in use.
    public enum WhenExhausted: Sendable, Equatable {
        /// Fail at once (redis-py's non-blocking pool: "Too many connections").
        case failFast
        /// Wait up to the timeout for a connection to come back (SQLAlchemy QueuePool), then fail.
        case wait(timeout: Duration)
    }

    /// Connections kept open when returned (QueuePool `pool_size`).
    public var size: Int
    /// Extra connections opened under load and closed when returned (QueuePool `max_overflow`).
    public var overflow: Int
    public var whenExhausted: WhenExhausted

    public init(size: Int, overflow: Int = 0, whenExhausted: WhenExhausted) {
        self.size = size
        self.overflow = overflow
        self.whenExhausted = whenExhausted
    }

    /// The most connections that can be in use at once.
    public var maxConnections: Int { size + overflow }
}

/// A checkout that found no connection.
public enum PoolError: Error, CustomStringConvertible, Equatable {
    /// Fail-fast pool at its limit (the message redis-py uses).
    case exhausted(pool: String, limit: Int)
    /// Waiting pool timed out (the message SQLAlchemy's QueuePool uses).
    case timedOut(pool: String, size: Int, overflow: Int, timeout: Duration)
    case shutDown(pool: String)

    public var description: String {
        switch self {
        case .exhausted(let pool, let limit):
            return "Too many connections (\(pool) pool limit \(limit))"
        case .timedOut(let pool, let size, let overflow, let timeout):
            let seconds = timeout.seconds
            return
                "QueuePool limit of size \(size) overflow \(overflow) reached, connection timed out, timeout \(String(format2: seconds)) (\(pool))"
        case .shutDown(let pool):
            return "\(pool) pool is shut down"
        }
    }
}

extension String {
    init(format2 value: Double) {
        let scaled = (value * 100).rounded()
        let whole = Int(scaled) / 100
        let frac = abs(Int(scaled) % 100)
        self = "\(whole).\(frac < 10 ? "0" : "")\(frac)"
    }
}
