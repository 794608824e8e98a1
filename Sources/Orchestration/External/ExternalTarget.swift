import Analysis
import Backends

/// An existing deployment a run aims at instead of starting a fleet (`stampede run --target`):
/// the instances to load (each client group's `path` is appended to each base URL), where each
/// one's Prometheus text is, and the API key. The run neither starts nor stops anything of it.
public struct ExternalTarget: Sendable, Equatable {
    public struct Metrics: Sendable, Equatable {
        public var host: String
        public var port: Int
        public var path: String
        public var url: String { "http://\(host):\(port)\(path)" }
    }

    /// One instance: `scheme://host:port[/prefix]`.
    public struct Endpoint: Sendable, Equatable {
        public var scheme: String
        public var host: String
        public var port: Int
        /// The path every request path is appended to: empty or `/prefix` (no trailing slash).
        public var prefix: String
        public var base: String { "\(scheme)://\(host):\(port)\(prefix)" }
    }

    public var endpoints: [Endpoint]
    /// `scheme://host:port[/prefix]` of each endpoint.
    public var bases: [String] { endpoints.map(\.base) }
    /// One per base: where its `/metrics` is (default: the base's host and port, `/metrics`).
    public var metrics: [Metrics]
    public var apiKey: String

    /// Parses `--target URL[,URL...]`, `--metrics-url URL[,URL...]` (one, or one per target) and
    /// `--api-key`; every problem names the flag and the expected form.
    public init(targets: [String], metricsURLs: [String] = [], apiKey: String) throws(ExternalTargetError) {
        var problems: [String] = []
        var endpoints: [Endpoint] = []
        var metrics: [Metrics] = []
        for text in targets.flatMap({ $0.split(separator: ",").map(String.init) }) {
            do {
                let parts = try URLParts(
                    text, schemes: ["http", "https"], defaultPort: text.lowercased().hasPrefix("https") ? 443 : 80,
                    what: "--target", example: "http://staging.example.com:8000")
                var prefix = parts.path.map { "/" + $0 } ?? ""
                while prefix.hasSuffix("/") { prefix.removeLast() }
                endpoints.append(Endpoint(scheme: parts.scheme, host: parts.host, port: parts.port, prefix: prefix))
                metrics.append(Metrics(host: parts.host, port: parts.port, path: "/metrics"))
            } catch {
                problems.append("\(error)")
            }
        }
        if endpoints.isEmpty && problems.isEmpty {
            problems.append("--target: give at least one URL, e.g. http://127.0.0.1:8000")
        }
        let explicit = metricsURLs.flatMap { $0.split(separator: ",").map(String.init) }
        if !explicit.isEmpty {
            if explicit.count != 1 && explicit.count != endpoints.count {
                problems.append(
                    "--metrics-url: give one URL, or one per --target (\(endpoints.count)); got \(explicit.count)")
            }
            var given: [Metrics] = []
            for text in explicit {
                do {
                    let parts = try URLParts(
                        text, schemes: ["http"], defaultPort: 80, what: "--metrics-url",
                        example: "http://staging.example.com:9090/metrics")
                    let path = parts.path.map { "/" + $0 } ?? ""
                    given.append(
                        Metrics(
                            host: parts.host, port: parts.port, path: path == "/" || path.isEmpty ? "/metrics" : path))
                } catch {
                    problems.append("\(error)")
                }
            }
            if given.count == 1 {
                metrics = Array(repeating: given[0], count: endpoints.count)
            } else if given.count == endpoints.count {
                metrics = given
            }
        }
        if apiKey.isEmpty { problems.append("--api-key: must not be empty") }
        if !problems.isEmpty { throw ExternalTargetError(problems: problems) }
        self.endpoints = endpoints
        self.metrics = metrics
        self.apiKey = apiKey
    }
}

public struct ExternalTargetError: Error, CustomStringConvertible, Sendable {
    public var problems: [String]
    public var description: String { problems.joined(separator: "; ") }
}
