import LoadGen
import Synchronization
import SystemSupport
import Testing

private func sseConfig(
    _ url: String, clients: Int, duration: Duration, mix: String = "fast:1",
    transport: LoadConfiguration.Transport = .auto
) throws -> LoadConfiguration {
    var c = LoadConfiguration(mode: .sse, url: url)
    c.transport = transport
    c.clients = clients
    c.duration = duration
    c.mix = try ProfileMix(parsing: mix)
    c.threads = 2
    c.restartDelay = .seconds(60)  // one stream per client unless a test says otherwise
    return c
}

private func httpConfig(
    _ url: String, duration: Duration, threads: Int, driver: LoadConfiguration.Driver,
    transport: LoadConfiguration.Transport = .auto
) -> LoadConfiguration {
    var c = LoadConfiguration(mode: .http, url: url)
    c.duration = duration
    c.threads = threads
    c.driver = driver
    c.transport = transport
    return c
}

/// Both HTTP clients: the native one (the default for http://) and libcurl (https://).
private let transports: [LoadConfiguration.Transport] = [.native, .curl]

/// The engine against a local test server (loopback only, every run bounded by its duration).
/// The behaviours each transport implements on its own (framing, reconnects, pacing, pauses,
/// errors, timeouts) run on both.
@Suite("Engine against a local server", .serialized, .timeLimit(.minutes(1)))
struct EngineTests {
    @Test(arguments: transports) func fastClientsReceiveEveryEventInOrder(
        transport: LoadConfiguration.Transport
    ) async throws {
        let server = try TestStreamServer()
        defer { server.stop() }
        let c = try sseConfig(
            "\(server.base)/sse?events=50&interval_ms=2", clients: 20, duration: .seconds(2), transport: transport)
        let r = try await LoadRun(configuration: c).run()
        #expect(r.counters.started == 20)
        #expect(r.counters.succeeded == 20)
        #expect(r.counters.streamsCompleted == 20)
        #expect(r.counters.events == 20 * 51)  // 50 messages and a done each
        #expect(r.counters.gaps == 0 && r.counters.duplicates == 0 && r.counters.reorders == 0)
        #expect(r.counters.comments == 20)
        #expect(r.totalErrors == 0)
        #expect(r.latency["time_to_first_event"]?.count == 20)
        #expect((r.latency["inter_event_gap"]?.count ?? 0) == UInt64(20 * 50))
    }

    @Test func clientsAreSpreadOverEveryTargetInTurn() async throws {
        let a = try TestStreamServer()
        let b = try TestStreamServer()
        defer {
            a.stop()
            b.stop()
        }
        var c = try sseConfig("\(a.base)/sse?events=5&interval_ms=2", clients: 9, duration: .seconds(2))
        c.targets = ["\(a.base)/sse?events=5&interval_ms=2", "\(b.base)/sse?events=5&interval_ms=2"]
        let r = try await LoadRun(configuration: c).run()
        #expect(r.counters.streamsCompleted == 9)
        // Clients 0-4 on the first target and 5-8 on the second, whichever engine thread owns them.
        #expect(a.connections.load(ordering: .relaxed) == 5)
        #expect(b.connections.load(ordering: .relaxed) == 4)
        #expect(r.target.url.contains(a.base) && r.target.url.contains(b.base))
    }

    @Test func injectedGapIsCounted() async throws {
        let server = try TestStreamServer()
        defer { server.stop() }
        let c = try sseConfig("\(server.base)/sse?events=10&interval_ms=1&skip=4", clients: 3, duration: .seconds(1))
        let r = try await LoadRun(configuration: c).run()
        #expect(r.counters.gaps == 3)
        #expect(r.counters.missingEvents == 3)
        #expect(r.counters.duplicates == 0)
        #expect(r.counters.events == 3 * 10)  // 9 messages + done
    }

    @Test(arguments: transports) func reconnectingClientsResumeWithLastEventIDAndNoGap(
        transport: LoadConfiguration.Transport
    ) async throws {
        let server = try TestStreamServer()
        defer { server.stop() }
        let url = "\(server.base)/sse?events=10&interval_ms=1&drop_after=3&retry=50"
        let c = try sseConfig(url, clients: 4, duration: .seconds(2), mix: "reconnecting:1", transport: transport)
        let r = try await LoadRun(configuration: c).run()
        #expect(r.counters.reconnects == 4 * 3)
        #expect(r.counters.streamsCompleted == 4)
        #expect(r.counters.streamsEndedEarly == 4 * 3)
        #expect(r.counters.events == 4 * 11)
        #expect(r.counters.gaps == 0 && r.counters.duplicates == 0 && r.counters.missingEvents == 0)
        #expect(server.connections.load(ordering: .relaxed) == 4 * 4)
    }

    /// A resume the server refuses with an HTTP error (404: restarted, the stream is gone) ends
    /// the logical stream, as EventSource fails on an error status: the client starts a fresh
    /// stream instead of resuming a dead one forever.
    @Test func aRefusedResumeStartsAFreshStream() async throws {
        let server = try TestStreamServer()
        defer { server.stop() }
        let url = "\(server.base)/sse?events=10&interval_ms=1&drop_after=3&retry=20&forget=1"
        var c = try sseConfig(url, clients: 2, duration: .seconds(1), mix: "reconnecting:1")
        c.restartDelay = .milliseconds(20)
        let r = try await LoadRun(configuration: c).run()
        let refused = r.errors["http_404"] ?? 0
        #expect(r.counters.reconnects >= 4, "\(r.counters)")
        // Every resume was refused once, and each refusal was followed by a fresh stream.
        #expect(refused >= r.counters.reconnects - 2 && refused <= r.counters.reconnects, "\(r.errors)")
        #expect(r.counters.started - r.counters.reconnects >= r.counters.reconnects - 2, "\(r.counters)")
        // So those streams are lost, not resumed.
        #expect(r.counters.streamsResumed == 0 && r.counters.streamsLost >= 4, "\(r.counters)")
    }

    /// Streams broken before `done`: a reconnecting client's are resumed, a fast client's are lost
    /// (replaced by fresh streams), and the per-second series add up to the counters.
    @Test func brokenStreamsAreCountedAsResumedOrLost() async throws {
        let server = try TestStreamServer()
        defer { server.stop() }
        let url = "\(server.base)/sse?events=12&interval_ms=1&drop_after=4&retry=10"
        var c = try sseConfig(url, clients: 4, duration: .seconds(1), mix: "fast:1,reconnecting:1")
        c.restartDelay = .milliseconds(10)
        let r = try await LoadRun(configuration: c).run()
        let n = r.counters
        #expect(n.streamsBroken > 10, "\(n)")
        #expect(n.streamsResumed > 2 && n.streamsLost > 2, "\(n)")
        // Fast clients' breaks are lost at once; a reconnecting client may still be resuming at the end.
        #expect(n.streamsBroken - n.streamsResumed - n.streamsLost >= 0, "\(n)")
        #expect(n.streamsBroken - n.streamsResumed - n.streamsLost <= 2, "\(n)")
        #expect(n.streamsResumed <= n.reconnects)
        #expect(r.series.reduce(0) { $0 + $1.broken } == n.streamsBroken, "\(r.series.map(\.broken))")
        #expect(r.series.reduce(0) { $0 + $1.resumed } + r.series.reduce(0) { $0 + $1.lost } > n.streamsBroken - 4)
        #expect(n.missingEvents == 0 && r.series.reduce(0) { $0 + $1.missing } == 0)
    }

    /// `error` events inside 200 streams are counted by their `code`, else their `error`, apart
    /// from client errors, per second and in total.
    @Test func errorEventsAreCountedByKindApartFromClientErrors() async throws {
        let server = try TestStreamServer()
        defer { server.stop() }
        var a = try sseConfig(
            "\(server.base)/sse?events=2&interval_ms=1&error=Session_creation_failed", clients: 1,
            duration: .milliseconds(500))
        a.restartDelay = .milliseconds(10)
        let ra = try await LoadRun(configuration: a).run()
        #expect(ra.totalErrors == 0 && ra.counters.streamsCompleted > 2)
        #expect(ra.errorEvents.keys.sorted() == ["Session_creation_failed"], "\(ra.errorEvents)")
        #expect(ra.counters.errorEvents == ra.errorEvents.values.reduce(0, +))
        #expect(ra.counters.errorEvents >= ra.counters.streamsCompleted)
        let kinds = ra.series.compactMap(\.errorKinds).reduce(into: [String: Int]()) {
            $0.merge($1, uniquingKeysWith: +)
        }
        #expect(
            kinds.values.reduce(0, +) == ra.counters.errorEvents && kinds.keys.allSatisfy { $0.hasPrefix("event:") })
        let b = try sseConfig(
            "\(server.base)/sse?events=1&interval_ms=1&error_code=AGENT_ERROR", clients: 1, duration: .milliseconds(300)
        )
        #expect(try await LoadRun(configuration: b).run().errorEvents.keys.sorted() == ["AGENT_ERROR"])
    }

    @Test func aServerIgnoringLastEventIDShowsAsDuplicates() async throws {
        let server = try TestStreamServer()
        defer { server.stop() }
        let url = "\(server.base)/sse?events=6&interval_ms=1&drop_after=3&retry=50&ignore_last_id=1&stream=same"
        let c = try sseConfig(url, clients: 1, duration: .milliseconds(700), mix: "reconnecting:1")
        let r = try await LoadRun(configuration: c).run()
        #expect(r.counters.reconnects >= 1)
        #expect(r.counters.duplicates >= 3)
    }

    @Test(arguments: transports) func slowClientsAreHeldToTheirCap(transport: LoadConfiguration.Transport) async throws
    {
        let server = try TestStreamServer()
        defer { server.stop() }
        var c = try sseConfig(
            "\(server.base)/sse?events=1000000&interval_ms=0&size=1000", clients: 4,
            duration: .seconds(4), mix: "fast:1,slow:1", transport: transport)
        c.slow.bytesPerSecond = 16_384
        c.slow.receiveBuffer = 4096
        let r = try await LoadRun(configuration: c).run()
        let slowBytes = Double(r.bytesByProfile["slow"] ?? 0)
        let perClientRate = slowBytes / 2 / r.elapsedSeconds
        #expect(perClientRate > 16_384 * 0.8 && perClientRate < 16_384 * 1.2, "slow rate \(perClientRate) B/s")
        let fastBytes = Double(r.bytesByProfile["fast"] ?? 0)
        #expect(fastBytes > slowBytes * 20, "fast \(fastBytes) B vs slow \(slowBytes) B")
    }

    @Test(arguments: transports) func stalledClientsStopReadingThenResume(
        transport: LoadConfiguration.Transport
    ) async throws {
        let server = try TestStreamServer()
        defer { server.stop() }
        var c = try sseConfig(
            "\(server.base)/sse?events=300&interval_ms=10", clients: 2, duration: .milliseconds(2500),
            mix: "stalled:1", transport: transport)
        c.stall.after = .milliseconds(300)
        c.stall.length = .seconds(1)
        let r = try await LoadRun(configuration: c).run()
        #expect(r.counters.stalls == 2)
        let maxGap = r.latency["inter_event_gap"]?.max ?? 0
        #expect(maxGap >= 900_000, "the longest gap between events (\(maxGap) µs) covers the stall")
        #expect(r.counters.gaps == 0, "a paused reader loses nothing")
    }

    @Test(arguments: transports) func openModelLatencyIncludesQueueingWhenTheServerStalls(
        transport: LoadConfiguration.Transport
    ) async throws {
        let server = try TestStreamServer()
        defer { server.stop() }
        let c = httpConfig(
            "\(server.base)/http", duration: .seconds(3), threads: 2,
            driver: .open(rate: .perSecond(100), maxInFlight: 400), transport: transport)
        server.stall(after: 1, length: 1)
        let r = try await LoadRun(configuration: c).run()
        let latency = try #require(r.latency["request_latency"])
        #expect(latency.count >= 250)
        #expect(latency.p50 < 200_000, "most requests are fast: p50 \(latency.p50) µs")
        #expect(latency.p99 > 800_000, "the 1 s stall shows in p99: \(latency.p99) µs")
        #expect(r.counters.dropped == 0)
    }

    @Test func arrivalsBeyondTheSlotsAreDropped() async throws {
        let server = try TestStreamServer()
        defer { server.stop() }
        let c = httpConfig(
            "\(server.base)/hang", duration: .seconds(1), threads: 1,
            driver: .open(rate: .perSecond(50), maxInFlight: 10))
        let r = try await LoadRun(configuration: c).run()
        #expect(r.counters.started == 10)
        #expect(r.counters.dropped >= 35)
    }

    @Test(arguments: transports) func targetDownIsCountedByKind(transport: LoadConfiguration.Transport) async throws {
        let port = try FreePort.next()
        var c = try sseConfig(
            "http://127.0.0.1:\(port)/sse", clients: 5, duration: .milliseconds(500), transport: transport)
        c.restartDelay = .milliseconds(100)
        let r = try await LoadRun(configuration: c).run()
        #expect((r.errors["refused"] ?? 0) >= 5)
        #expect(r.nothingSucceeded)

        let h = httpConfig(
            "http://127.0.0.1:\(port)/", duration: .milliseconds(500), threads: LoadConfiguration.defaultThreads,
            driver: .open(rate: .perSecond(40), maxInFlight: 10), transport: transport)
        let hr = try await LoadRun(configuration: h).run()
        #expect((hr.errors["refused"] ?? 0) >= 15)
        #expect(hr.nothingSucceeded)
    }

    @Test(arguments: transports) func headerTimeoutAndHTTPStatusAreErrorKinds(
        transport: LoadConfiguration.Transport
    ) async throws {
        let server = try TestStreamServer()
        defer { server.stop() }
        var c = try sseConfig("\(server.base)/hang", clients: 2, duration: .milliseconds(800), transport: transport)
        c.headerTimeout = .milliseconds(300)
        let r = try await LoadRun(configuration: c).run()
        #expect(r.errors["header_timeout"] == 2)

        let s = try sseConfig(
            "\(server.base)/status?code=503", clients: 2, duration: .milliseconds(500), transport: transport)
        let sr = try await LoadRun(configuration: s).run()
        #expect(sr.errors["http_503"] == 2)
        #expect(sr.nothingSucceeded)
    }

    @Test func stopEndsTheRunEarlyWithResults() async throws {
        let server = try TestStreamServer()
        defer { server.stop() }
        let c = try sseConfig("\(server.base)/sse?events=100000&interval_ms=5", clients: 4, duration: .seconds(30))
        let run = LoadRun(configuration: c)
        Task {
            try await Task.sleep(for: .milliseconds(600))
            run.stop()
        }
        let r = try await run.run()
        #expect(r.stoppedEarly)
        #expect(r.elapsedSeconds < 5)
        #expect(r.counters.streamsOpenAtEnd == 4)
        #expect(r.counters.events > 100)
    }

    /// A closed-model virtual user sends request after request on one kept-alive connection, and
    /// a connection the server closes between requests is replaced without an error.
    @Test(arguments: transports) func virtualUsersKeepTheirConnectionAlive(
        transport: LoadConfiguration.Transport
    ) async throws {
        let server = try TestStreamServer()
        defer { server.stop() }
        let c = httpConfig(
            "\(server.base)/http", duration: .milliseconds(800), threads: 1,
            driver: .closed(vus: 2, think: .milliseconds(5)), transport: transport)
        let r = try await LoadRun(configuration: c).run()
        #expect(r.counters.succeeded > 40, "\(r.counters)")
        #expect(r.totalErrors == 0, "\(r.errors)")
        #expect(server.connections.load(ordering: .relaxed) == 2)

        let closing = try TestStreamServer()
        defer { closing.stop() }
        var k = c
        k.url = "\(closing.base)/http?then_close=1"
        k.driver = .closed(vus: 2, think: .zero)
        let kr = try await LoadRun(configuration: k).run()
        #expect(kr.counters.succeeded > 20, "\(kr.counters)")
        // libcurl counts the race (a request sent as the close arrives) as `reset`: 37 here once.
        #expect(kr.totalErrors == 0 || transport == .curl, "a closed idle connection is not an error: \(kr.errors)")
        #expect(closing.connections.load(ordering: .relaxed) >= kr.counters.succeeded)
    }

    /// The read tick batches reads and says so; the streams are whole and their gaps still hold
    /// the server's 20 ms interval to within the tick.
    @Test func aReadTickKeepsGapsWithinTheTick() async throws {
        let server = try TestStreamServer()
        defer { server.stop() }
        var c = try sseConfig("\(server.base)/sse?events=40&interval_ms=20", clients: 10, duration: .seconds(2))
        c.tick = .milliseconds(1)
        let r = try await LoadRun(configuration: c).run()
        #expect(r.settings.tickMilliseconds == 1)
        #expect(r.settings.transport == "native")
        #expect(r.counters.streamsCompleted == 10 && r.counters.gaps == 0)
        let gaps = try #require(r.latency["content_gap"])
        #expect(gaps.count == 10 * 39)
        #expect(gaps.p50 >= 19_000 && gaps.p50 <= 22_500, "median gap \(gaps.p50) µs")
    }
}
