import Analysis
import Backends
import Foundation
import NIOPosix
import Proxy
import ServerConfig

/// One proxied link a fault can act on: an in-process ``TCPProxy``, or a proxy of an external
/// toxiproxy (``ToxiproxyClient``).
protocol NetworkLink: Sendable {
    /// Down: open connections cut, new ones refused or reset. Up: carrying again.
    func setEnabled(_ enabled: Bool) async throws
    /// Replaces what the replies get (latency, jitter, bandwidth).
    func setDownstream(_ profile: LinkProfile) async throws
}

extension TCPProxy: NetworkLink {
    func setDownstream(_ profile: LinkProfile) async throws { setProfiles(upstream: .direct, downstream: profile) }
}

/// A proxy of an external toxiproxy, removed at the end of the phase.
struct RemoteLink: NetworkLink {
    var client: ToxiproxyClient
    var name: String

    func setEnabled(_ enabled: Bool) async throws { try await client.setEnabled(enabled, proxy: name) }

    func setDownstream(_ profile: LinkProfile) async throws {
        for kind in ["latency", "bandwidth"] { try await client.removeToxic(named: "\(kind)_downstream", from: name) }
        for t in Toxic.from(profile, .downstream) { try await client.add(t, to: name) }
    }
}

/// The fault proxies of one phase: one in front of Redis, one in front of PostgreSQL, and one per
/// server instance for the load generator's link, each adding its ``LinkSpec`` to the replies.
/// In-process by default; with a `controller` (a toxiproxy API) they are made there, listening on
/// the controller's host. `close()` (also run on deinit) removes them all.
final class NetworkLinks: @unchecked Sendable {
    private var links: [(link: String, handle: any NetworkLink)] = []
    private var local: [TCPProxy] = []
    private var remote: [RemoteLink] = []
    private let controller: ToxiproxyClient?
    private let phase: String
    /// Links a planned fault acts on: they get a proxy even when they add nothing.
    var faulted: Set<String> = []

    init(controller: URL? = nil, phase: String = "phase") {
        self.controller = controller.map(ToxiproxyClient.init)
        self.phase = phase
    }

    /// The profile of a link: the spec's latency, jitter and bandwidth on the replies.
    static func downstream(_ link: LinkSpec) -> LinkProfile {
        LinkProfile(
            latency: .secondsDouble(link.latency), jitter: .secondsDouble(link.jitter),
            bytesPerSecond: link.bandwidth.map { $0 * 1000 })
    }

    /// A proxy to `host:port` adding `link`; where it listens.
    func proxy(name: String, host: String, port: Int, link: LinkSpec) async throws -> (host: String, port: Int) {
        if let controller {
            let listenHost = controller.base.host ?? "127.0.0.1"
            let proxyName = "stampede-\(phase)-\(name)-\(links.count)-\(UUID().uuidString.prefix(8).lowercased())"
            let info = try await controller.create(
                name: proxyName, listen: "\(listenHost):0", upstream: "\(host):\(port)")
            let handle = RemoteLink(client: controller, name: info.name)
            remote.append(handle)
            links.append((name, handle))
            try await handle.setDownstream(Self.downstream(link))
            guard let at = TCPProxy.endpoint(parsing: info.listen), at.port > 0 else {
                throw ToxiproxyError(description: "the controller's proxy \(info.name) listens on '\(info.listen)'")
            }
            // A controller that reports 0.0.0.0 or [::] listens on every address: use its host.
            return (["0.0.0.0", "[::]", "::"].contains(at.host) ? listenHost : at.host, at.port)
        }
        let p = try await TCPProxy.start(
            .init(name: name, upstreamHost: host, upstreamPort: port, downstream: Self.downstream(link)),
            group: MultiThreadedEventLoopGroup.singleton)
        local.append(p)
        links.append((name, p))
        return ("127.0.0.1", p.port)
    }

    /// `url` pointed at a proxy in front of its service when the link adds something or a fault
    /// acts on it, else `url`.
    func url(
        _ url: String, name: String, defaultPort: Int, schemes: Set<String>, link: LinkSpec?
    ) async throws
        -> String
    {
        guard needsProxy(name, link) else { return url }
        let parts = try URLParts(url, schemes: schemes, defaultPort: defaultPort, what: "\(name) URL", example: url)
        let at = try await proxy(name: name, host: parts.host, port: parts.port, link: link ?? LinkSpec())
        return URLParts.replacingHostAndPort(in: url, host: at.host, port: at.port)
    }

    /// Whether `link` goes through proxies in this phase.
    func needsProxy(_ link: String, _ spec: LinkSpec?) -> Bool { faulted.contains(link) || !(spec?.isDirect ?? true) }

    /// The proxies of one link (`clients` has one per instance).
    func proxies(of link: String) -> [any NetworkLink] { links.filter { $0.link == link }.map(\.handle) }

    /// Removes every proxy: the local ones at once, the controller's within 10 s.
    func close() {
        for p in local { p.close() }
        local = []
        let gone = remote
        remote = []
        links = []
        guard !gone.isEmpty else { return }
        let done = DispatchSemaphore(value: 0)
        Task.detached {
            for r in gone { try? await r.client.delete(r.name) }
            done.signal()
        }
        _ = done.wait(timeout: .now() + 10)
    }

    deinit { close() }
}
