import Foundation

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A client of toxiproxy's HTTP API: a user's own toxiproxy (`network: {controller: URL}` in a
/// scenario), or `stampede proxy --api`, which speaks the same core. Every call either succeeds
/// or throws ``ToxiproxyError`` with the status and body the controller answered.
public struct ToxiproxyClient: Sendable {
    public let base: URL

    public init(_ base: URL) { self.base = base }

    /// A proxy as the controller reports it (`listen` is where it really listens).
    public struct ProxyInfo: Decodable, Sendable, Equatable {
        public var name: String
        public var listen: String
        public var upstream: String
        public var enabled: Bool
    }

    /// `POST /proxies`; the proxy as created.
    public func create(name: String, listen: String, upstream: String) async throws -> ProxyInfo {
        let body = try JSONEncoder().encode(["name": name, "listen": listen, "upstream": upstream])
        return try JSONDecoder().decode(
            ProxyInfo.self, from: try await call("POST", "/proxies", body, expect: [201, 200]))
    }

    /// `POST /proxies/NAME/toxics`.
    public func add(_ toxic: Toxic, to proxy: String) async throws {
        _ = try await call("POST", "/proxies/\(proxy)/toxics", try JSONEncoder().encode(toxic), expect: [200, 201])
    }

    /// `DELETE /proxies/NAME/toxics/TOXIC`; a toxic that is not there is no error.
    public func removeToxic(named toxic: String, from proxy: String) async throws {
        _ = try await call("DELETE", "/proxies/\(proxy)/toxics/\(toxic)", nil, expect: [204, 200, 404])
    }

    /// `POST /proxies/NAME` `{"enabled": ...}`: the link up or down.
    public func setEnabled(_ enabled: Bool, proxy: String) async throws {
        _ = try await call("POST", "/proxies/\(proxy)", try JSONEncoder().encode(["enabled": enabled]), expect: [200])
    }

    /// `DELETE /proxies/NAME`.
    public func delete(_ proxy: String) async throws {
        _ = try await call("DELETE", "/proxies/\(proxy)", nil, expect: [204, 200, 404])
    }

    private func call(_ method: String, _ path: String, _ body: Data?, expect: Set<Int>) async throws -> Data {
        var request = URLRequest(url: base.appendingPathComponent(String(path.dropFirst())))
        request.httpMethod = method
        request.httpBody = body
        request.timeoutInterval = 10
        if body != nil { request.setValue("application/json", forHTTPHeaderField: "Content-Type") }
        let (data, response): (Data, URLResponse)
        do {
            (data, response) = try await URLSession.shared.data(for: request)
        } catch {
            throw ToxiproxyError(
                description: "\(method) \(base)\(path): the controller did not answer (\(error.localizedDescription))")
        }
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        guard expect.contains(status) else {
            throw ToxiproxyError(
                description: "\(method) \(base)\(path): \(status) \(String(decoding: data, as: UTF8.self).prefix(300))")
        }
        return data
    }
}

public struct ToxiproxyError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(description: String) { self.description = description }
}
