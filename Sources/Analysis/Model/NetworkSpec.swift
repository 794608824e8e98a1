import ServerConfig

/// What one network link adds, as `stampede proxy` applies it: `latency` (± `jitter`, uniform) to
/// every reply, so to every round trip, and a `bandwidth` cap on the replies.
public struct LinkSpec: Sendable, Codable, Equatable, CustomStringConvertible {
    /// Seconds added to every round trip.
    public var latency: Double = 0
    /// Seconds, uniform ± around `latency` (at most `latency`).
    public var jitter: Double = 0
    /// KB/s (1 KB = 1,000 bytes) of the replies; nil: unlimited.
    public var bandwidth: Int?

    public init(latency: Double = 0, jitter: Double = 0, bandwidth: Int? = nil) {
        self.latency = latency
        self.jitter = jitter
        self.bandwidth = bandwidth
    }

    /// Nothing added: the link needs no proxy.
    public var isDirect: Bool { latency == 0 && jitter == 0 && bandwidth == nil }

    public var description: String {
        var parts = ["+\(DurationText.format(latency))"]
        if jitter > 0 { parts[0] += " ± \(DurationText.format(jitter))" }
        if let bandwidth { parts.append("\(bandwidth) KB/s") }
        return parts.joined(separator: ", ")
    }
}

/// The links of a phase that go through a fault proxy: servers → Redis, servers → PostgreSQL,
/// load generator → servers. A scenario's top-level `network:` applies to every phase; a phase's
/// own `network:` replaces it link by link.
public struct NetworkSpec: Sendable, Codable, Equatable {
    public var redis: LinkSpec?
    public var postgres: LinkSpec?
    public var clients: LinkSpec?
    /// A toxiproxy HTTP API (`http://HOST:8474`) that makes the proxies instead of this process:
    /// a user's own toxiproxy, or `stampede proxy --api`. They listen on the controller's host.
    public var controller: String?

    public init(
        redis: LinkSpec? = nil, postgres: LinkSpec? = nil, clients: LinkSpec? = nil, controller: String? = nil
    ) {
        self.redis = redis
        self.postgres = postgres
        self.clients = clients
        self.controller = controller
    }

    public static let linkNames = ["redis", "postgres", "clients"]

    /// The link named `name` (one of ``linkNames``), if it is set.
    public func link(named name: String) -> LinkSpec? {
        switch name {
        case "redis": redis
        case "postgres": postgres
        case "clients": clients
        default: nil
        }
    }

    /// The links that add something, by name.
    public var proxied: [(name: String, link: LinkSpec)] {
        Self.linkNames.compactMap { name in link(named: name).flatMap { $0.isDirect ? nil : (name, $0) } }
    }

    /// These links, with `other`'s where it has one.
    public func overridden(by other: NetworkSpec) -> NetworkSpec {
        NetworkSpec(
            redis: other.redis ?? redis, postgres: other.postgres ?? postgres, clients: other.clients ?? clients,
            controller: other.controller ?? controller)
    }
}
