import Analysis
import Backends
import NIOPosix
import Proxy
import ServerConfig

/// The fault proxies of one phase: one in front of Redis, one in front of PostgreSQL, and one per
/// server instance for the load generator's link, each adding its ``LinkSpec`` to the replies.
/// `close()` (also run on deinit) stops them all.
final class NetworkLinks: @unchecked Sendable {
    private var proxies: [(link: String, proxy: TCPProxy)] = []
    /// Links a planned fault acts on: they get a proxy even when they add nothing.
    var faulted: Set<String> = []

    /// The profile of a link: the spec's latency, jitter and bandwidth on the replies.
    static func downstream(_ link: LinkSpec) -> LinkProfile {
        LinkProfile(
            latency: .secondsDouble(link.latency), jitter: .secondsDouble(link.jitter),
            bytesPerSecond: link.bandwidth.map { $0 * 1000 })
    }

    /// A proxy to `host:port` on a free loopback port; its port.
    func proxy(name: String, host: String, port: Int, link: LinkSpec) async throws -> Int {
        let p = try await TCPProxy.start(
            .init(name: name, upstreamHost: host, upstreamPort: port, downstream: Self.downstream(link)),
            group: MultiThreadedEventLoopGroup.singleton)
        proxies.append((name, p))
        return p.port
    }

    /// `url` pointed at a proxy in front of its service when `link` adds something, else `url`.
    func url(
        _ url: String, name: String, defaultPort: Int, schemes: Set<String>, link: LinkSpec?
    ) async throws
        -> String
    {
        guard faulted.contains(name) || !(link?.isDirect ?? true) else { return url }
        let link = link ?? LinkSpec()
        let parts = try URLParts(url, schemes: schemes, defaultPort: defaultPort, what: "\(name) URL", example: url)
        let port = try await proxy(name: name, host: parts.host, port: parts.port, link: link)
        return URLParts.replacingHostAndPort(in: url, host: "127.0.0.1", port: port)
    }

    /// Whether `link` goes through proxies in this phase.
    func needsProxy(_ link: String, _ spec: LinkSpec?) -> Bool { faulted.contains(link) || !(spec?.isDirect ?? true) }

    /// The proxies of one link (`clients` has one per instance).
    func proxies(of link: String) -> [TCPProxy] { proxies.filter { $0.link == link }.map(\.proxy) }

    func close() {
        for p in proxies { p.proxy.close() }
        proxies = []
    }

    deinit { close() }
}
