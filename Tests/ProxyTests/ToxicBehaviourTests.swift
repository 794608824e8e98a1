import Foundation
import NIOPosix
import Synchronization
import Testing

@testable import Proxy

/// The toxics that cut, drop, reset, delay the close of, or cap a connection, over real sockets.
@Suite struct ToxicBehaviourTests {
    func proxy(to port: Int, _ toxics: [Toxic]) async throws -> TCPProxy {
        let p = try await TCPProxy.start(
            .init(upstreamHost: "127.0.0.1", upstreamPort: port), group: MultiThreadedEventLoopGroup.singleton)
        for t in toxics { p.add(t) }
        return p
    }

    /// Reads until end of file, an error or the socket's 5 s timeout: the bytes and how it ended.
    static func readAll(_ fd: Int32) -> (bytes: Int, end: Int, errno: Int32, seconds: Double) {
        let start = Date()
        var buf = [UInt8](repeating: 0, count: 65536)
        var total = 0
        while true {
            let n = read(fd, &buf, buf.count)
            if n <= 0 { return (total, n, n < 0 ? errno : 0, Date().timeIntervalSince(start)) }
            total += n
        }
    }

    @Test func limitDataPassesExactlyTheLimitThenCloses() async throws {
        let echo = try TCPProxyTests.EchoServer()
        defer { echo.stop() }
        let p = try await proxy(to: echo.port, [Toxic(type: .limitData, attributes: .init(bytes: 300))])
        defer { p.close() }
        let fd = TCPProxyTests.connect(port: p.port)
        try #require(fd >= 0)
        defer { close(fd) }
        let message = [UInt8](repeating: 42, count: 1000)
        _ = write(fd, message, message.count)
        let r = Self.readAll(fd)
        #expect(r.bytes == 300, "\(r)")
        #expect(r.end == 0, "closed with end of file, not a timeout: \(r)")
    }

    @Test func timeoutDropsEverythingAndClosesAfterItsTime() async throws {
        let echo = try TCPProxyTests.EchoServer()
        defer { echo.stop() }
        let p = try await proxy(
            to: echo.port, [Toxic(type: .timeout, stream: .upstream, attributes: .init(timeout: 300))])
        defer { p.close() }
        let fd = TCPProxyTests.connect(port: p.port)
        try #require(fd >= 0)
        defer { close(fd) }
        _ = write(fd, [1, 2, 3], 3)
        let r = Self.readAll(fd)
        #expect(r.bytes == 0 && r.end == 0, "\(r)")
        #expect(r.seconds >= 0.25 && r.seconds < 3, "closed after \(r.seconds) s")
    }

    @Test func aTimeoutOfZeroIsABlackHoleUntilRemoved() async throws {
        let echo = try TCPProxyTests.EchoServer()
        defer { echo.stop() }
        let p = try await proxy(
            to: echo.port, [Toxic(name: "hole", type: .timeout, stream: .upstream, attributes: .init())])
        defer { p.close() }
        let fd = TCPProxyTests.connect(port: p.port)
        try #require(fd >= 0)
        defer { close(fd) }
        var tv = timeval(tv_sec: 0, tv_usec: 400_000)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        _ = write(fd, [1], 1)
        let r = Self.readAll(fd)
        #expect(r.bytes == 0 && r.end < 0 && r.errno == EAGAIN, "still open, nothing came back: \(r)")
        p.removeToxic(named: "hole")
        #expect(TCPProxyTests.roundTrip(fd, [9]).echoed == [9], "the link carries data again")
    }

    @Test func resetPeerResetsTheConnectionAfterItsTimeout() async throws {
        let echo = try TCPProxyTests.EchoServer()
        defer { echo.stop() }
        let p = try await proxy(
            to: echo.port, [Toxic(type: .resetPeer, stream: .upstream, attributes: .init(timeout: 200))])
        defer { p.close() }
        let fd = TCPProxyTests.connect(port: p.port)
        try #require(fd >= 0)
        defer { close(fd) }
        // Data flows until the reset.
        #expect(TCPProxyTests.roundTrip(fd, [5]).echoed == [5])
        let r = Self.readAll(fd)
        #expect(r.end < 0 && r.errno == ECONNRESET, "a reset, not an orderly close: \(r)")
        #expect(r.seconds >= 0.1 && r.seconds < 3)
    }

    @Test func slowCloseDelaysTheCloseOfTheOtherSide() async throws {
        // An upstream that answers and hangs up at once.
        for (delay, least, most) in [(400.0, 0.35, 3.0), (0.0, 0.0, 0.15)] {
            let hangUp = try HangUpServer(reply: [7, 7])
            defer { hangUp.stop() }
            let p = try await proxy(
                to: hangUp.port, delay > 0 ? [Toxic(type: .slowClose, attributes: .init(delay: delay))] : [])
            defer { p.close() }
            let fd = TCPProxyTests.connect(port: p.port)
            try #require(fd >= 0)
            defer { close(fd) }
            var first = [UInt8](repeating: 0, count: 2)
            let n = read(fd, &first, 2)
            #expect(n == 2, "slow_close \(delay) ms: first read \(n), errno \(errno)")
            let r = Self.readAll(fd)
            #expect(r.end == 0, "\(r)")
            #expect(r.seconds >= least && r.seconds < most, "slow_close \(delay) ms: closed after \(r.seconds) s")
        }
    }

    /// A bandwidth-capped link holds about 0.2 s of its rate, not a megabyte: a writer upstream of
    /// a slow link feels it (what PERF-004's slow clients do to a server's agent runs).
    @Test func aSlowLinkPushesBackOnTheWriterInsteadOfSwallowingItsOutput() async throws {
        let firehose = try FirehoseServer(seconds: 1.5)
        defer { firehose.stop() }
        let p = try await proxy(to: firehose.port, [])
        p.setProfiles(upstream: .direct, downstream: LinkProfile(bytesPerSecond: 50_000))
        defer { p.close() }
        let fd = TCPProxyTests.connect(port: p.port)
        try #require(fd >= 0)
        defer { close(fd) }
        let read = Self.readAll(fd)
        let written = firehose.written.withLock { $0 }
        // 1.5 s at 50 KB/s is 75 KB; the rest the writer got rid of sits in the proxy's queue
        // (16 KiB here) and in the sockets' buffers: about 140 KB in all on loopback, where the
        // queue alone used to take 1 MiB on every link.
        #expect(read.bytes > 50_000, "\(read)")
        #expect(written < 400_000, "the writer got \(written) B into a 50 KB/s link in 1.5 s")
        #expect(read.bytes == written, "every byte the writer got out arrives: \(read)")
    }

    @Test func newToxicsDecodeAndBadAttributesAreRefused() throws {
        let t = try JSONDecoder().decode(
            Toxic.self, from: Data(#"{"type":"limit_data","stream":"upstream","attributes":{"bytes":10}}"#.utf8))
        #expect(t.name == "limit_data_upstream" && t.attributes.bytes == 10 && t.problem == nil)
        #expect(Toxic(type: .limitData, attributes: .init()).problem != nil)
        #expect(Toxic(type: .timeout, attributes: .init(timeout: -1)).problem != nil)
        #expect(Toxic(type: .slowClose, attributes: .init(delay: -5)).problem != nil)
        #expect(Toxic(type: .resetPeer, attributes: .init()).problem == nil)
        let effects = Toxic.effects(
            of: [
                Toxic(name: "a", type: .timeout, stream: .upstream, attributes: .init(timeout: 500)),
                Toxic(name: "b", type: .timeout, stream: .upstream, attributes: .init(timeout: 100)),
                Toxic(name: "c", type: .limitData, stream: .downstream, attributes: .init(bytes: 9)),
            ], direction: .upstream, draw: 0)
        #expect(effects.timeout == .milliseconds(100) && effects.byteLimit == nil)
    }
}

/// Accepts connections, writes `reply` to each and closes it at once.
final class HangUpServer: @unchecked Sendable {
    let fd: Int32
    let port: Int

    init(reply: [UInt8]) throws {
        let (fd, port) = TCPProxyTests.listenOnLoopback()
        self.fd = fd
        self.port = port
        Thread.detachNewThread {
            while true {
                let c = accept(fd, nil, nil)
                if c < 0 { return }
                _ = write(c, reply, reply.count)
                close(c)
            }
        }
    }

    func stop() {
        shutdown(fd, Int32(SHUT_RDWR))
        close(fd)
    }
}

/// Accepts one connection and writes to it as fast as it takes bytes (a 4 KiB send buffer, like a
/// server streaming to a client), for `seconds`, then closes it; `written` is what it got out.
final class FirehoseServer: @unchecked Sendable {
    let fd: Int32
    let port: Int
    let written = Mutex<Int>(0)

    init(seconds: Double) throws {
        let (fd, port) = TCPProxyTests.listenOnLoopback()
        self.fd = fd
        self.port = port
        Thread.detachNewThread { [self] in
            let c = accept(fd, nil, nil)
            if c < 0 { return }
            var size: Int32 = 4096
            setsockopt(c, SOL_SOCKET, SO_SNDBUF, &size, socklen_t(MemoryLayout<Int32>.size))
            _ = fcntl(c, F_SETFL, fcntl(c, F_GETFL) | O_NONBLOCK)
            let chunk = [UInt8](repeating: 7, count: 4096)
            let end = Date().addingTimeInterval(seconds)
            while Date() < end {
                let n = send(c, chunk, chunk.count, Int32(MSG_NOSIGNAL))
                if n > 0 { self.written.withLock { $0 += n } } else { usleep(1000) }
            }
            close(c)
        }
    }

    func stop() {
        shutdown(fd, Int32(SHUT_RDWR))
        close(fd)
    }
}
