import Foundation
import LoadGen
import ServerConfig
import Testing

@testable import Server

/// PERF-004: what a client that stops reading does to each delivery policy.
@Suite(.serialized) struct DeliveryTests {
    func fastAgent(_ c: inout ServerConfiguration) {
        // 8 KB every millisecond: kernel socket buffers (a few MB on loopback) fill within a second.
        c.agent.eventsPerRun = .fixed(5000)
        c.agent.eventInterval = .milliseconds(1)
        c.agent.payloadBytes = 8000
        c.pollInterruptPerEvent = false
    }

    /// Opens a stream with a tiny receive buffer, reads its head, then stops reading for `stall`.
    func stalledStream(_ server: TestServer, stall: Duration) async throws -> RawConnection {
        let conn = try await server.client.openStream(#"{"prompt":"slow"}"#, receiveBuffer: 4096)
        _ = try await onThread {
            conn.read(until: { String(decoding: $0, as: UTF8.self).contains("event: init") }, timeout: 5)
        }
        try await Task.sleep(for: stall)
        return conn
    }

    @Test func unboundedBufferGrowsWhileTheClientStalls() async throws {
        let server = try await TestServer.start(
            { c in
                fastAgent(&c)
                c.sseDelivery = .unbounded
            }, profile: .documented)
        defer { Task { await server.stop() } }
        let conn = try await stalledStream(server, stall: .seconds(1))
        let early = server.state.metrics.bufferedBytes.value
        try await Task.sleep(for: .seconds(1))
        let late = server.state.metrics.bufferedBytes.value
        #expect(early > 100_000)
        #expect(late > early + 100_000)
        #expect(server.state.streams.largestQueuedBytes >= late / 2)
        conn.shutdownAndClose()
    }

    @Test func boundedBufferStaysFlatWhileTheClientStalls() async throws {
        let server = try await TestServer.start({ c in
            fastAgent(&c)
            c.sseDelivery = .bounded
            c.sseQueue = 50
            c.slowConsumerDeadline = nil
        })
        defer { Task { await server.stop() } }
        let conn = try await stalledStream(server, stall: .seconds(1))
        let early = server.state.metrics.bufferedEvents.value
        try await Task.sleep(for: .seconds(1))
        let late = server.state.metrics.bufferedEvents.value
        #expect(early <= 50 && late <= 50)
        #expect(late == early)  // the producer is parked
        #expect(server.state.metrics.bufferedBytes.value < 50 * 9000)
        conn.shutdownAndClose()
    }

    @Test func deadlineCutsTheSlowConsumerAndResumeDeliversExactlyTheMissingEvents() async throws {
        let server = try await TestServer.start(
            { c in
                c.agent.eventsPerRun = .fixed(300)
                c.agent.eventInterval = .milliseconds(1)
                c.agent.payloadBytes = 8000
                c.pollInterruptPerEvent = false
                c.sseQueue = 20
                c.slowConsumerDeadline = .milliseconds(500)
                c.socketSendBuffer = 32 * 1024
            }, profile: .recommended)
        defer { Task { await server.stop() } }
        // A normal receive buffer: the stall alone fills the kernel buffers (a tiny window would
        // make the catch-up read crawl at one window per delayed ACK).
        let conn = try await server.client.openStream(#"{"prompt":"slow"}"#)
        let head = try await onThread {
            conn.read(until: { String(decoding: $0, as: UTF8.self).contains("event: init") }, timeout: 5)
        }
        try await Task.sleep(for: .milliseconds(1500))  // stop reading: the producer blocks, the deadline passes
        #expect(server.state.metrics.slowConsumersCut.value == 1)
        // Now read what the socket still holds: ends with the cut event.
        let first = try await onThread { try conn.readAll(timeout: 3) }
        let firstEvents = SSEEvent.parse(try TestClient.parse(head + first).body)
        let cut = try #require(firstEvents.last)
        #expect(firstEvents.count > 20, "the socket held \(firstEvents.count) events")
        #expect(cut.name == "error" && cut.json?["code"] as? String == "SLOW_CONSUMER")
        let lastID = try #require(firstEvents.last(where: { $0.id != nil })?.id)
        // Resume: the rest of the run, from exactly the next event.
        let (status, rest) = try await server.client.stream(#"{"prompt":"slow"}"#, headers: ["Last-Event-ID": lastID])
        #expect(status == 200)
        let seqs = firstEvents.compactMap(\.seq) + rest.compactMap(\.seq)
        #expect(seqs == Array(1...seqs.count))  // no gap, no duplicate
        #expect(rest.last?.name == "done")
        #expect(server.state.metrics.streamsResumed.value == 1)
    }

    @Test func resumeOfAnUnknownStreamIsAClearError() async throws {
        let server = try await TestServer.start(profile: .recommended)
        defer { Task { await server.stop() } }
        let r = try await server.client.request(
            "POST", "/api/v1/query", body: #"{"prompt":"x"}"#, headers: ["Last-Event-ID": "feedbeef:3"])
        #expect(r.status == 404 && (r.json?["error"] as? [String: Any])?["code"] as? String == "STREAM_NOT_FOUND")
    }
}
