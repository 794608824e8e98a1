import Foundation
import Hummingbird
import NIOCore
import Synchronization

/// The named proxies of one `stampede proxy --api` process, driven over HTTP with the core of
/// toxiproxy's API, so the same client code drives a real toxiproxy and this one:
///
/// | request | does |
/// | --- | --- |
/// | `GET /version` | `{"version": "stampede-proxy"}` |
/// | `GET /proxies` | every proxy by name |
/// | `POST /proxies` `{"name","listen","upstream","enabled"}` | creates and starts one (201) |
/// | `GET /proxies/{name}` | one proxy with its toxics |
/// | `POST /proxies/{name}` `{"enabled": false}` | takes the link down (open connections cut, new ones reset) or up |
/// | `DELETE /proxies/{name}` | stops and forgets it (204) |
/// | `GET /proxies/{name}/toxics` | its toxics |
/// | `POST /proxies/{name}/toxics` `{"name","type","stream","toxicity","attributes"}` | adds a toxic: `latency`, `bandwidth`, `timeout`, `reset_peer`, `slow_close`, `limit_data` |
/// | `DELETE /proxies/{name}/toxics/{toxic}` | removes one (204) |
/// | `POST /reset` | every proxy enabled, every toxic removed (204) |
public final class ProxyRegistry: Sendable {
    private let group: any EventLoopGroup
    private let proxies = Mutex<[String: TCPProxy]>([:])

    public init(group: any EventLoopGroup) { self.group = group }

    /// A proxy as toxiproxy's JSON shows it.
    public struct ProxyJSON: Codable, Sendable, Equatable, ResponseEncodable {
        public var name: String
        public var listen: String
        public var upstream: String
        public var enabled: Bool
        public var toxics: [Toxic]
    }

    struct CreateRequest: Decodable {
        var name: String
        var listen: String
        var upstream: String
        var enabled: Bool?
    }

    struct UpdateRequest: Decodable { var enabled: Bool? }

    /// Adds an existing proxy under its configuration's name.
    public func register(_ proxy: TCPProxy) {
        proxies.withLock { $0[proxy.configuration.name] = proxy }
    }

    public func proxy(named name: String) -> TCPProxy? { proxies.withLock { $0[name] } }

    static func json(_ p: TCPProxy) -> ProxyJSON {
        let c = p.configuration
        return ProxyJSON(
            name: c.name, listen: "\(c.listenHost):\(p.port)", upstream: "\(c.upstreamHost):\(c.upstreamPort)",
            enabled: p.isEnabled, toxics: p.toxics)
    }

    static func endpoint(_ text: String, _ field: String) throws -> (String, Int) {
        guard let e = TCPProxy.endpoint(parsing: text) else {
            throw HTTPError(.badRequest, message: "\(field) '\(text)': expected HOST:PORT")
        }
        return e
    }

    /// Stops every proxy (at the end of `stampede proxy`).
    public func stopAll() async {
        for p in proxies.withLock({ Array($0.values) }) { await p.stop() }
    }

    func lookup(_ context: some RequestContext) throws -> TCPProxy {
        let name = context.parameters.get("name") ?? ""
        guard let p = proxy(named: name) else { throw HTTPError(.notFound, message: "no proxy named '\(name)'") }
        return p
    }

    /// The routes above, on `router`.
    public func register<Context: RequestContext>(on router: Router<Context>) {
        router.get("/version") { _, _ in ["version": "stampede-proxy"] }
        router.get("/proxies") { [self] _, _ in
            proxies.withLock { $0 }.mapValues(Self.json)
        }
        router.post("/proxies") { [self] request, context -> Response in
            let body = try await request.decode(as: CreateRequest.self, context: context)
            guard proxy(named: body.name) == nil else {
                throw HTTPError(.conflict, message: "a proxy named '\(body.name)' exists")
            }
            let (lh, lp) = try Self.endpoint(body.listen, "listen")
            let (uh, up) = try Self.endpoint(body.upstream, "upstream")
            let p = try await TCPProxy.start(
                .init(name: body.name, listenHost: lh, listenPort: lp, upstreamHost: uh, upstreamPort: up), group: group
            )
            if body.enabled == false { try await p.setEnabled(false) }
            register(p)
            return try Self.json(p).response(from: request, context: context).withStatus(.created)
        }
        router.get("/proxies/{name}") { [self] _, context in Self.json(try lookup(context)) }
        router.post("/proxies/{name}") { [self] request, context in
            let p = try lookup(context)
            let body = try await request.decode(as: UpdateRequest.self, context: context)
            if let enabled = body.enabled { try await p.setEnabled(enabled) }
            return Self.json(p)
        }
        router.delete("/proxies/{name}") { [self] _, context -> HTTPResponse.Status in
            let p = try lookup(context)
            await p.stop()
            _ = proxies.withLock { $0.removeValue(forKey: p.configuration.name) }
            return .noContent
        }
        router.get("/proxies/{name}/toxics") { [self] _, context in try lookup(context).toxics }
        router.post("/proxies/{name}/toxics") { [self] request, context -> Toxic in
            let p = try lookup(context)
            let toxic = try await request.decode(as: Toxic.self, context: context)
            if let problem = toxic.problem { throw HTTPError(.badRequest, message: problem) }
            p.add(toxic)
            return toxic
        }
        router.delete("/proxies/{name}/toxics/{toxic}") { [self] _, context -> HTTPResponse.Status in
            let name = context.parameters.get("toxic") ?? ""
            guard try lookup(context).removeToxic(named: name) else {
                throw HTTPError(.notFound, message: "no toxic named '\(name)'")
            }
            return .noContent
        }
        router.post("/reset") { [self] _, _ -> HTTPResponse.Status in
            for p in proxies.withLock({ Array($0.values) }) {
                try await p.setEnabled(true)
                p.setProfiles(upstream: .direct, downstream: .direct)
            }
            return .noContent
        }
    }
}

extension Toxic: ResponseEncodable {}

extension Response {
    fileprivate func withStatus(_ status: HTTPResponse.Status) -> Response {
        var r = self
        r.status = status
        return r
    }
}
