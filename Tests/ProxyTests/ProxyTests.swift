import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import NIOPosix
import Synchronization
import Testing

@testable import Proxy

/// The delivery schedule, without sockets.
@Suite struct DeliveryScheduleTests {
    @Test func latencyDelaysEveryChunkAndOrderIsKept() {
        var s = DeliverySchedule()
        let p = LinkProfile(latency: .milliseconds(5), jitter: .milliseconds(4))
        var last: UInt64 = 0
        for i in 0..<1000 {
            let now = UInt64(i) * 100_000  // a chunk every 0.1 ms
            let due = s.due(now: now, bytes: 100, profile: p, random: Double(i % 10) / 10)
            #expect(due >= now + 1_000_000, "never earlier than latency − jitter")
            #expect(due >= last, "a chunk never overtakes the one before")
            last = due
        }
    }

    @Test func jitterIsUniformAroundTheLatency() {
        var s = DeliverySchedule()
        let p = LinkProfile(latency: .milliseconds(10), jitter: .milliseconds(2))
        // Chunks 1 s apart, so the order constraint never binds.
        let delays = (0..<3).map { i -> UInt64 in
            let now = UInt64(i) * 1_000_000_000
            return s.due(now: now, bytes: 1, profile: p, random: [0.0, 0.5, 0.999_999][i]) - now
        }
        #expect(delays[0] == 8_000_000 && delays[1] == 10_000_000 && abs(Int64(delays[2]) - 12_000_000) < 10)
    }

    @Test func bandwidthSpacesTheBytes() {
        var s = DeliverySchedule()
        let p = LinkProfile(bytesPerSecond: 1000)
        let first = s.due(now: 0, bytes: 500, profile: p, random: 0)
        let second = s.due(now: 0, bytes: 500, profile: p, random: 0)
        #expect(first == 500_000_000 && second == 1_000_000_000)
        // After an idle second the budget does not accumulate beyond "now".
        #expect(s.due(now: 3_000_000_000, bytes: 100, profile: p, random: 0) == 3_100_000_000)
    }

    @Test func aDirectLinkDeliversAtOnce() {
        var s = DeliverySchedule()
        #expect(s.due(now: 42, bytes: 10, profile: .direct, random: 0.7) == 42)
    }
}

/// The proxy over loopback: a blocking echo server behind it, a blocking client in front.
@Suite(.serialized) struct TCPProxyTests {
    /// Accepts connections and echoes every byte back, until closed.
    final class EchoServer: @unchecked Sendable {
        let fd: Int32
        let port: Int

        init() throws {
            (fd, port) = TCPProxyTests.listenOnLoopback()
            let listener = fd
            Thread.detachNewThread {
                while true {
                    let c = accept(listener, nil, nil)
                    if c < 0 { return }
                    Thread.detachNewThread {
                        var buf = [UInt8](repeating: 0, count: 65536)
                        while true {
                            let n = read(c, &buf, buf.count)
                            if n <= 0 { break }
                            _ = write(c, buf, n)
                        }
                        close(c)
                    }
                }
            }
        }

        func stop() {
            shutdown(fd, Int32(SHUT_RDWR))
            close(fd)
        }
    }

    /// A listening socket on a free loopback port.
    static func listenOnLoopback() -> (fd: Int32, port: Int) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        _ = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        listen(fd, 16)
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) }
        }
        return (fd, Int(UInt16(bigEndian: addr.sin_port)))
    }

    static func connect(port: Int) -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        // A read that should see data or end of file fails the test after 5 s instead of hanging.
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Foundation.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        if rc != 0 {
            close(fd)
            return -1
        }
        return fd
    }

    /// Sends `message` and reads it back; the seconds it took.
    static func roundTrip(_ fd: Int32, _ message: [UInt8]) -> (seconds: Double, echoed: [UInt8]) {
        let start = Date()
        _ = write(fd, message, message.count)
        var got: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 65536)
        while got.count < message.count {
            let n = read(fd, &buf, buf.count)
            if n <= 0 { break }
            got += buf[0..<n]
        }
        return (Date().timeIntervalSince(start), got)
    }

    @Test func bytesGoThroughIntactAndInOrderWithTheLatencyAdded() async throws {
        let echo = try EchoServer()
        defer { echo.stop() }
        let proxy = try await TCPProxy.start(
            .init(
                upstreamHost: "127.0.0.1", upstreamPort: echo.port,
                upstream: LinkProfile(latency: .milliseconds(5), jitter: .milliseconds(2)),
                downstream: LinkProfile(latency: .milliseconds(10), jitter: .milliseconds(3))),
            group: MultiThreadedEventLoopGroup.singleton)
        let fd = Self.connect(port: proxy.port)
        try #require(fd >= 0)
        defer { close(fd) }
        for i in 0..<20 {
            let message = (0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ i) }
            let r = Self.roundTrip(fd, message)
            #expect(r.echoed == message, "round trip \(i) came back altered")
            // Both directions' latency less their jitter: never faster than 10 ms.
            #expect(r.seconds >= 0.010, "round trip \(i) took \(r.seconds) s")
        }
        #expect(proxy.acceptedConnections == 1)
        await proxy.stop()
    }

    /// A new connection is refused, or accepted and reset before anything gets through.
    static func isResetAtOnce(port: Int) -> Bool {
        let fd = connect(port: port)
        guard fd >= 0 else { return true }
        defer { close(fd) }
        var byte: UInt8 = 7
        _ = write(fd, &byte, 1)
        return read(fd, &byte, 1) <= 0
    }

    @Test func aLinkThatIsDownResetsAndCutsThenComesBack() async throws {
        let echo = try EchoServer()
        defer { echo.stop() }
        let proxy = try await TCPProxy.start(
            .init(upstreamHost: "127.0.0.1", upstreamPort: echo.port), group: MultiThreadedEventLoopGroup.singleton)
        let port = proxy.port
        let open = Self.connect(port: port)
        try #require(open >= 0)
        #expect(Self.roundTrip(open, [1, 2, 3]).echoed == [1, 2, 3])
        try await proxy.setEnabled(false)
        // The open connection is cut: a read sees end of file.
        var byte: UInt8 = 0
        #expect(read(open, &byte, 1) <= 0)
        close(open)
        // New connections are reset at once while it is down (the port stays bound): the
        // handshake may complete, but nothing gets through and a read sees the reset.
        #expect(Self.isResetAtOnce(port: port))
        try await proxy.setEnabled(true)
        #expect(proxy.port == port)
        let again = Self.connect(port: port)
        try #require(again >= 0)
        #expect(Self.roundTrip(again, [9]).echoed == [9])
        close(again)
        await proxy.stop()
    }

    @Test func profilesChangeWhileConnectionsAreOpen() async throws {
        let echo = try EchoServer()
        defer { echo.stop() }
        let proxy = try await TCPProxy.start(
            .init(upstreamHost: "127.0.0.1", upstreamPort: echo.port), group: MultiThreadedEventLoopGroup.singleton)
        let fd = Self.connect(port: proxy.port)
        try #require(fd >= 0)
        defer { close(fd) }
        _ = Self.roundTrip(fd, [0])
        proxy.setProfiles(upstream: .direct, downstream: LinkProfile(latency: .milliseconds(30)))
        #expect(Self.roundTrip(fd, [1]).seconds >= 0.030)
        await proxy.stop()
    }
}

extension TCPProxyTests {
    @Test func aBandwidthCapSlowsABigTransferAndKeepsEveryByte() async throws {
        let echo = try EchoServer()
        defer { echo.stop() }
        // 200 KB/s back: 100 KB take at least half a second.
        let proxy = try await TCPProxy.start(
            .init(upstreamHost: "127.0.0.1", upstreamPort: echo.port, downstream: LinkProfile(bytesPerSecond: 200_000)),
            group: MultiThreadedEventLoopGroup.singleton)
        let fd = Self.connect(port: proxy.port)
        try #require(fd >= 0)
        defer { close(fd) }
        let message = (0..<100_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let r = Self.roundTrip(fd, message)
        #expect(r.echoed == message)
        #expect(r.seconds >= 0.45, "\(r.seconds) s")
        await proxy.stop()
    }

    /// The mechanism of issue 9's accuracy bar (the accuracy itself, 5 ms ± 10 %, is a figure of
    /// the release build in docs/benchmarks.md, bench/proxy_latency.sh): 10,000 round trips
    /// (5 connections × 2,000) through a proxy adding 5 ms to each reply: every one takes at least
    /// 5 ms (a timer fires late, never early), and the median is 4-7.5 ms above the same proxy
    /// adding nothing. How late depends on what else a shared 2-core CI machine runs, and the
    /// +0 baseline (the proxy's own hop) varies too: a debug build's median added 5.8 ms there
    /// once and 4.79 ms another time, 5.03-5.31 ms here. The proxy runs on an event loop of its own.
    @Test func tenThousandRoundTripsAddAtLeastFiveMilliseconds() async throws {
        let echo = try EchoServer()
        defer { echo.stop() }
        let loop = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let proxy = try await TCPProxy.start(
            .init(upstreamHost: "127.0.0.1", upstreamPort: echo.port), group: loop)
        defer { proxy.close() }
        func roundTrips(port: Int, connections: Int, each: Int) -> [Double] {
            let all = Mutex<[Double]>([])
            // A thread per connection (concurrentPerform would run only one per core).
            let done = DispatchGroup()
            for _ in 0..<connections {
                done.enter()
                Thread.detachNewThread {
                    defer { done.leave() }
                    let fd = Self.connect(port: port)
                    guard fd >= 0 else { return }
                    defer { close(fd) }
                    var mine: [Double] = []
                    for i in 0..<each { mine.append(Self.roundTrip(fd, [UInt8(truncatingIfNeeded: i)]).seconds) }
                    all.withLock { $0 += mine }
                }
            }
            done.wait()
            return all.withLock { $0 }.sorted()
        }
        let base = roundTrips(port: proxy.port, connections: 5, each: 400)
        proxy.setProfiles(upstream: .direct, downstream: LinkProfile(latency: .milliseconds(5)))
        let proxied = roundTrips(port: proxy.port, connections: 5, each: 2000)
        try #require(proxied.count == 10_000 && base.count == 2_000)
        let added = proxied[proxied.count / 2] - base[base.count / 2]
        print("proxy accuracy: 10,000 round trips, median added \(String(format: "%.3f", added * 1000)) ms for 5 ms")
        #expect(proxied[0] >= 0.00499, "fastest round trip \(proxied[0] * 1000) ms, asked 5 ms more")
        #expect(added >= 0.004 && added < 0.0075, "median added \(added * 1000) ms, asked 5 ms")
        await proxy.stop()
        try await loop.shutdownGracefully()
    }

    @Test func subMillisecondLatencyIsKept() async throws {
        let proxy = try await TCPProxy.start(
            .init(upstreamHost: "127.0.0.1", upstreamPort: 9, downstream: LinkProfile(latency: .microseconds(500))),
            group: MultiThreadedEventLoopGroup.singleton)
        #expect(proxy.profile(.downstream) == LinkProfile(latency: .microseconds(500)))
        #expect(proxy.toxics == [Toxic(type: .latency, attributes: .init(latency: 0.5, jitter: 0))])
        await proxy.stop()
    }
}

/// Toxics: toxiproxy's model on top of the profiles.
@Suite struct ToxicTests {
    @Test func toxicsAddUpPerDirectionAndToxicityPicksConnections() {
        let toxics = [
            Toxic(name: "a", type: .latency, stream: .downstream, attributes: .init(latency: 5, jitter: 1)),
            Toxic(name: "b", type: .latency, stream: .downstream, toxicity: 0.5, attributes: .init(latency: 10)),
            Toxic(name: "c", type: .bandwidth, stream: .upstream, attributes: .init(rate: 100)),
            Toxic(name: "d", type: .bandwidth, stream: .upstream, attributes: .init(rate: 50)),
        ]
        #expect(
            Toxic.profile(of: toxics, direction: .downstream, draw: 0.2)
                == LinkProfile(latency: .milliseconds(15), jitter: .milliseconds(1)))
        #expect(
            Toxic.profile(of: toxics, direction: .downstream, draw: 0.7)
                == LinkProfile(latency: .milliseconds(5), jitter: .milliseconds(1)))
        #expect(Toxic.profile(of: toxics, direction: .upstream, draw: 0) == LinkProfile(bytesPerSecond: 50_000))
    }

    @Test func decodesToxiproxysJSONWithItsDefaults() throws {
        let t = try JSONDecoder().decode(Toxic.self, from: Data(#"{"type":"latency","attributes":{"latency":5}}"#.utf8))
        #expect(
            t == Toxic(name: "latency_downstream", type: .latency, stream: .downstream, attributes: .init(latency: 5)))
        #expect(
            Toxic(type: .latency, attributes: .init(latency: 1, jitter: 2)).problem?.contains("must not exceed") == true
        )
        #expect(Toxic(type: .bandwidth, attributes: .init()).problem != nil)
        #expect(Toxic(type: .latency, toxicity: 2, attributes: .init(latency: 1)).problem != nil)
    }
}

/// The toxiproxy-compatible control API, driven through the router in-process.
@Suite struct ProxyControlAPITests {
    @Test func createsProxiesAddsAndRemovesToxicsTakesLinksDownAndResets() async throws {
        let echo = try TCPProxyTests.EchoServer()
        defer { echo.stop() }
        let registry = ProxyRegistry(group: MultiThreadedEventLoopGroup.singleton)
        let router = Router()
        registry.register(on: router)
        let app = Application(router: router)
        try await app.test(.router) { client in
            try await client.execute(uri: "/version", method: .get) { r in
                #expect(String(buffer: r.body).contains("stampede-proxy"))
            }
            let create = #"{"name":"redis","listen":"127.0.0.1:0","upstream":"127.0.0.1:\#(echo.port)"}"#
            try await client.execute(uri: "/proxies", method: .post, body: ByteBuffer(string: create)) { r in
                #expect(r.status == .created)
                #expect(String(buffer: r.body).contains(#""upstream":"127.0.0.1:\#(echo.port)""#))
            }
            try await client.execute(uri: "/proxies", method: .post, body: ByteBuffer(string: create)) { r in
                #expect(r.status == .conflict)
            }
            let proxy = try #require(registry.proxy(named: "redis"))
            let toxic = #"{"type":"latency","stream":"downstream","attributes":{"latency":25,"jitter":5}}"#
            try await client.execute(uri: "/proxies/redis/toxics", method: .post, body: ByteBuffer(string: toxic)) {
                r in
                #expect(r.status == .ok)
            }
            #expect(proxy.profile(.downstream) == LinkProfile(latency: .milliseconds(25), jitter: .milliseconds(5)))
            // It is applied to real traffic.
            let fd = TCPProxyTests.connect(port: proxy.port)
            try #require(fd >= 0)
            #expect(TCPProxyTests.roundTrip(fd, [7]).seconds >= 0.020)
            close(fd)
            let bad = #"{"type":"slicer","attributes":{}}"#
            try await client.execute(uri: "/proxies/redis/toxics", method: .post, body: ByteBuffer(string: bad)) { r in
                #expect(r.status == .badRequest)
            }
            try await client.execute(
                uri: "/proxies/redis", method: .post, body: ByteBuffer(string: #"{"enabled":false}"#)
            ) { r in
                #expect(String(buffer: r.body).contains(#""enabled":false"#))
            }
            #expect(!proxy.isEnabled)
            #expect(TCPProxyTests.isResetAtOnce(port: proxy.port), "a link that is down resets connections")
            try await client.execute(uri: "/reset", method: .post) { r in #expect(r.status == .noContent) }
            #expect(proxy.isEnabled && proxy.toxics.isEmpty)
            try await client.execute(uri: "/proxies/redis/toxics", method: .post, body: ByteBuffer(string: toxic)) {
                _ in
            }
            try await client.execute(uri: "/proxies/redis/toxics/latency_downstream", method: .delete) { r in
                #expect(r.status == .noContent)
            }
            #expect(proxy.toxics.isEmpty)
            try await client.execute(uri: "/proxies/nowhere", method: .get) { r in #expect(r.status == .notFound) }
            try await client.execute(uri: "/proxies/redis", method: .delete) { r in #expect(r.status == .noContent) }
            #expect(registry.proxy(named: "redis") == nil)
        }
    }
}
