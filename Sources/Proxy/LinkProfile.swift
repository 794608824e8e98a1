/// What one direction of a proxied link does to the bytes it carries (toxiproxy's `latency` and
/// `bandwidth` toxics): each chunk waits `latency` ± `jitter` (uniform), and no more than
/// `bytesPerSecond` leave per second. Chunks never overtake each other.
public struct LinkProfile: Sendable, Equatable, CustomStringConvertible {
    public var latency: Duration
    public var jitter: Duration
    /// nil: unlimited.
    public var bytesPerSecond: Int?

    public init(latency: Duration = .zero, jitter: Duration = .zero, bytesPerSecond: Int? = nil) {
        self.latency = latency
        self.jitter = jitter
        self.bytesPerSecond = bytesPerSecond
    }

    public static let direct = LinkProfile()

    public var description: String {
        var parts: [String] = []
        if latency > .zero { parts.append("latency \(latency)") }
        if jitter > .zero { parts.append("jitter \(jitter)") }
        if let b = bytesPerSecond { parts.append("bandwidth \(b) B/s") }
        return parts.isEmpty ? "direct" : parts.joined(separator: ", ")
    }
}

/// When each chunk of one direction of one connection may be delivered: a pure schedule (times in
/// nanoseconds of any monotonic clock), so ordering, latency and bandwidth are tested without sockets.
public struct DeliverySchedule: Sendable {
    /// The latest due time handed out: a later chunk is never due before it.
    private(set) var lastDue: UInt64 = 0
    /// When the bandwidth limit lets the next byte go.
    private var nextFree: UInt64 = 0

    public init() {}

    /// The due time of a chunk of `bytes` arriving at `now` under `profile`; `random` in [0, 1)
    /// draws the jitter.
    public mutating func due(now: UInt64, bytes: Int, profile: LinkProfile, random: Double) -> UInt64 {
        var delay = Double(profile.latency.nanoseconds)
        if profile.jitter > .zero { delay += (2 * random - 1) * Double(profile.jitter.nanoseconds) }
        var due = now + UInt64(max(0, delay))
        if let rate = profile.bytesPerSecond, rate > 0 {
            let start = max(nextFree, now)
            nextFree = start + UInt64(Double(bytes) / Double(rate) * 1e9)
            due = max(due, nextFree)
        }
        due = max(due, lastDue)
        lastDue = due
        return due
    }
}

extension Duration {
    var nanoseconds: Int64 {
        let c = components
        return c.seconds * 1_000_000_000 + c.attoseconds / 1_000_000_000
    }
}
