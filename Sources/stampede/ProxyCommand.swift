import ArgumentParser
import Foundation
import Hummingbird
import Logging
import NIOPosix
import Orchestration
import Proxy
import ServiceLifecycle

struct ProxyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "proxy",
        abstract: "Relay a TCP link with added latency, jitter or a bandwidth cap (a fault proxy).",
        discussion: """
            Listens on --listen, connects every client to --upstream and relays the bytes both ways. \\
            The downstream direction (upstream → client, toxiproxy's default) gets --latency ± --jitter \\
            and --bandwidth; the other direction the --upstream-* ones. One round trip through it \\
            takes the link's own time plus both directions' latency. Chunks keep their order; jitter \\
            is uniform in [-jitter, +jitter]. Runs until SIGINT or SIGTERM.

            With --api HOST:PORT it also serves the core of toxiproxy's HTTP API (GET/POST \
            /proxies, POST/DELETE /proxies/NAME/toxics, POST /reset, GET /version; the toxics \
            latency, bandwidth, timeout, reset_peer, slow_close and limit_data), so what drives a \
            real toxiproxy drives this one; the proxy of \
            --listen/--upstream is named `proxy` there. With --api alone it starts with none.

            Example (Redis at 5 ms round trip): stampede proxy --listen 127.0.0.1:6380 \\
              --upstream 127.0.0.1:6379 --latency 5ms
            """)

    @Option(help: "HOST:PORT to listen on (port 0 picks a free one, printed at start).") var listen: String?
    @Option(help: "HOST:PORT to connect every client to.") var upstream: String?
    @Option(help: "HOST:PORT of the toxiproxy-compatible control API (e.g. 127.0.0.1:8474).") var api: String?
    @Option(help: "Added to every chunk from upstream to client. Default 0.") var latency: DurationArgument?
    @Option(help: "Uniform ± around --latency. Default 0.") var jitter: DurationArgument?
    @Option(help: "Upstream → client cap, KB/s (1 KB = 1,000 bytes). Default: none.") var bandwidth: Int?
    @Option(help: "Added to every chunk from client to upstream. Default 0.") var upstreamLatency: DurationArgument?
    @Option(help: "Uniform ± around --upstream-latency. Default 0.") var upstreamJitter: DurationArgument?
    @Option(help: "Client → upstream cap, KB/s. Default: none.") var upstreamBandwidth: Int?

    static func endpoint(_ text: String, flag: String) throws -> (host: String, port: Int) {
        guard let e = TCPProxy.endpoint(parsing: text) else {
            throw ValidationError("\(flag) '\(text)': expected HOST:PORT, e.g. 127.0.0.1:6380")
        }
        return e
    }

    /// The proxy of --listen and --upstream; nil when neither is given (with --api).
    func proxyConfiguration() throws -> TCPProxy.Configuration? {
        guard listen != nil || upstream != nil || api == nil else { return nil }
        guard let listen, let upstream else {
            throw ValidationError("--listen and --upstream go together (or give --api alone to start with no proxy)")
        }
        let l = try Self.endpoint(listen, flag: "--listen")
        let u = try Self.endpoint(upstream, flag: "--upstream")
        for (flag, value) in [("--bandwidth", bandwidth), ("--upstream-bandwidth", upstreamBandwidth)] {
            if let value, value < 1 { throw ValidationError("\(flag) \(value): expected KB/s of 1 or more") }
        }
        if let j = jitter?.duration, j > (latency?.duration ?? .zero) {
            throw ValidationError("--jitter must not exceed --latency (a chunk cannot leave before it arrives)")
        }
        if let j = upstreamJitter?.duration, j > (upstreamLatency?.duration ?? .zero) {
            throw ValidationError("--upstream-jitter must not exceed --upstream-latency")
        }
        return TCPProxy.Configuration(
            listenHost: l.host, listenPort: l.port, upstreamHost: u.host, upstreamPort: u.port,
            upstream: LinkProfile(
                latency: upstreamLatency?.duration ?? .zero, jitter: upstreamJitter?.duration ?? .zero,
                bytesPerSecond: upstreamBandwidth.map { $0 * 1000 }),
            downstream: LinkProfile(
                latency: latency?.duration ?? .zero, jitter: jitter?.duration ?? .zero,
                bytesPerSecond: bandwidth.map { $0 * 1000 }))
    }

    func validate() throws {
        _ = try proxyConfiguration()
        if let api { _ = try Self.endpoint(api, flag: "--api") }
    }

    func run() async throws {
        let group = MultiThreadedEventLoopGroup.singleton
        let registry = ProxyRegistry(group: group)
        if var config = try proxyConfiguration() {
            config.name = "proxy"
            let proxy = try await TCPProxy.start(config, group: group)
            registry.register(proxy)
            print(
                "stampede proxy: listening on \(config.listenHost):\(proxy.port) → \(config.upstreamHost):\(config.upstreamPort)"
                    + " (downstream: \(config.downstream), upstream: \(config.upstream))")
        }
        var services: [any Service] = []
        if let api {
            let (host, port) = try Self.endpoint(api, flag: "--api")
            let router = Router()
            registry.register(on: router)
            services.append(
                Application(
                    router: router, configuration: .init(address: .hostname(host, port: port)),
                    onServerRunning: { channel in
                        print("stampede proxy: control API on http://\(host):\(channel.localAddress?.port ?? port)")
                        flushStandardOutput()
                    }))
        }
        flushStandardOutput()
        if services.isEmpty {
            let (stopped, stop) = AsyncStream<Void>.makeStream()
            try await CommandLifecycle.run(onSignal: { _ in stop.finish() }) { for await _ in stopped {} }
        } else {
            try await CommandLifecycle.run(services: services, logger: Logger(label: "stampede.proxy"))
        }
        await registry.stopAll()
    }
}
