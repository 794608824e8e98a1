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
        // ... and its run holds an agent slot, counted as blocked by its reader.
        #expect(server.state.metrics.agentRunsBlocked.value == 1)
        #expect(server.state.metrics.agentSlotsInUse.value == 1)
        conn.shutdownAndClose()
    }

    /// The slow-consumer deadline cuts a stalled reader; its resume delivers exactly the events it
    /// missed. With `cut-spill 0` the cut run keeps waiting for its reader (and holds its agent
    /// slot); with a spill it runs to its end into the resume buffer and frees the slot at once;
    /// a spill past its limit stops the run, and the stream is gone.
    @Test(arguments: [0, 4 << 20, 64 << 10])
    func deadlineCutsTheSlowConsumerAndResumeDeliversExactlyTheMissingEvents(spill: Int) async throws {
        let server = try await TestServer.start(
            { c in
                c.agent.eventsPerRun = .fixed(300)
                c.agent.eventInterval = .milliseconds(1)
                c.agent.payloadBytes = 8000
                c.pollInterruptPerEvent = false
                c.sseQueue = 20
                c.slowConsumerDeadline = .milliseconds(500)
                c.socketSendBuffer = 32 * 1024
                c.cutSpillBytes = spill
            }, profile: .recommended)
        defer { Task { await server.stop() } }
        // A normal receive buffer: the stall alone fills the kernel buffers (a tiny window would
        // make the catch-up read crawl at one window per delayed ACK).
        let conn = try await server.client.openStream(#"{"prompt":"slow"}"#)
        let head = try await onThread {
            conn.read(until: { String(decoding: $0, as: UTF8.self).contains("event: init") }, timeout: 5)
        }
        try await Task.sleep(for: .milliseconds(1500))  // stop reading: the producer blocks, the deadline passes
        let m = server.state.metrics
        #expect(m.slowConsumersCut.value == 1)
        switch spill {
        case 0:  // the cut run waits for a resume, blocked, in its slot
            #expect(m.agentRunsBlocked.value == 1 && m.agentSlotsInUse.value == 1)
        case 4 << 20:  // it ran to its end into the resume buffer: the slot is free
            #expect(m.agentRunsBlocked.value == 0 && m.agentSlotsInUse.value == 0)
            #expect(m.spillOverflows.value == 0)
        default:  // 2.4 MB of run do not fit in 64 KiB: stopped, slot free, nothing to resume
            #expect(m.spillOverflows.value == 1 && m.agentSlotsInUse.value == 0)
        }
        // Now read what the socket still holds: ends with the cut event.
        let first = try await onThread { try conn.readAll(timeout: 3) }
        let firstEvents = SSEEvent.parse(try TestClient.parse(head + first).body)
        let lastID = try #require(firstEvents.last(where: { $0.id != nil })?.id)
        #expect(firstEvents.count > 20, "the socket held \(firstEvents.count) events")
        guard spill != 64 << 10 else {
            let refused = try await server.client.request(
                "POST", "/api/v1/query", body: #"{"prompt":"slow"}"#, headers: ["Last-Event-ID": lastID])
            #expect(refused.status == 404, "a stopped run's stream is not resumable: \(refused.status)")
            return
        }
        let (status, rest) = try await server.client.stream(#"{"prompt":"slow"}"#, headers: ["Last-Event-ID": lastID])
        let cut = try #require(firstEvents.last)
        #expect(cut.name == "error" && cut.json?["code"] as? String == "SLOW_CONSUMER")
        // Resume: the rest of the run, from exactly the next event.
        #expect(status == 200)
        let seqs = firstEvents.compactMap(\.seq) + rest.compactMap(\.seq)
        #expect(seqs == Array(1...seqs.count))  // no gap, no duplicate
        #expect(rest.last?.name == "done")
        #expect(m.streamsResumed.value == 1)
        #expect(m.agentRunsBlocked.value == 0)
    }

    @Test func resumeOfAnUnknownStreamIsAClearError() async throws {
        let server = try await TestServer.start(profile: .recommended)
        defer { Task { await server.stop() } }
        let r = try await server.client.request(
            "POST", "/api/v1/query", body: #"{"prompt":"x"}"#, headers: ["Last-Event-ID": "feedbeef:3"])
        #expect(r.status == 404 && (r.json?["error"] as? [String: Any])?["code"] as? String == "STREAM_NOT_FOUND")
    }
}
