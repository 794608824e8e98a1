import Foundation
import LoadGen
import ServerConfig
import SystemSupport
import Testing

@testable import Server

/// The HTTP surface against a real server on real Redis and PostgreSQL.
@Suite(.serialized) struct HTTPBehaviourTests {
    @Test func authErrorsUseTheUpstreamBodyAndPublicPathsPass() async throws {
        let server = try await TestServer.start()
        defer { Task { await server.stop() } }
        let c = server.client
        let missing = try await c.request("GET", "/api/v1/sessions", key: .some(nil))
        #expect(missing.status == 401)
        #expect((missing.json?["error"] as? [String: Any])?["message"] as? String == "Missing API key")
        #expect((missing.json?["error"] as? [String: Any])?["code"] as? String == "AUTHENTICATION_ERROR")
        let wrong = try await c.request("GET", "/api/v1/sessions", key: "nope")
        #expect(wrong.status == 401)
        #expect((wrong.json?["error"] as? [String: Any])?["message"] as? String == "Invalid API key")
        let health = try await c.request("GET", "/health", key: .some(nil))
        #expect(health.status == 200 && health.json?["status"] as? String == "ok")
        let deps = health.json?["dependencies"] as? [String: [String: Any]]
        #expect(deps?["postgres"]?["status"] as? String == "ok" && deps?["redis"]?["status"] as? String == "ok")
    }

    @Test func streamEmitsUpstreamEventOrderWithSequentialIDsAndStoresTheTurns() async throws {
        let server = try await TestServer.start { $0.agent.eventsPerRun = .fixed(4) }
        defer { Task { await server.stop() } }
        let (status, events) = try await server.client.stream(#"{"prompt":"hello","include_partial_messages":true}"#)
        #expect(status == 200)
        let names = events.map(\.name)
        #expect(names.first == "init" && names.last == "done")
        #expect(names.suffix(2) == ["result", "done"])
        #expect(names.filter { $0 == "message" }.count == 4)
        #expect(names.filter { $0 == "partial" }.count == 4 * 5)
        #expect(events.compactMap(\.seq) == Array(1...events.count))
        #expect(Set(events.compactMap { $0.id?.split(separator: ":").first }).count == 1)
        let sessionID = try #require(events.first?.json?["session_id"] as? String)
        #expect(events.last(where: { $0.name == "result" })?.json?["num_turns"] as? Int == 4)
        #expect(events.last?.json?["reason"] as? String == "completed")
        // The update happens before the response ends: the stored session already has the turns.
        let s = try await server.client.request("GET", "/api/v1/sessions/\(sessionID)")
        #expect(s.status == 200 && s.json?["total_turns"] as? Int == 4 && s.json?["status"] as? String == "completed")
        let list = try await server.client.request("GET", "/api/v1/sessions?page_size=100")
        #expect((list.json?["sessions"] as? [[String: Any]])?.contains { $0["id"] as? String == sessionID } == true)
    }

    /// The stream's chunks are framed by SSEConnectionHandler, below NIO's encoder, which still
    /// writes the head and the last chunk: on the wire, every chunk's size matches its bytes, the
    /// body ends with the zero chunk, and the connection then answers another request.
    @Test func theStreamIsWellFormedChunkedHTTPOnTheWire() async throws {
        let server = try await TestServer.start { $0.agent.eventsPerRun = .fixed(3) }
        defer { Task { await server.stop() } }
        let conn = try await server.client.openStream(#"{"prompt":"wire"}"#)
        let raw = try await onThread {
            conn.read(until: { $0.count >= 5 && Array($0.suffix(5)) == Array("0\r\n\r\n".utf8) }, timeout: 20)
        }
        let text = String(decoding: raw, as: UTF8.self)
        let split = try #require(text.range(of: "\r\n\r\n"))
        #expect(text[..<split.lowerBound].lowercased().contains("transfer-encoding: chunked"))
        var body = Array(text[split.upperBound...].utf8)
        var chunks = 0
        var payload: [UInt8] = []
        while true {
            let lineEnd = try #require(
                body.indices.first { body[$0] == 13 && $0 + 1 < body.count && body[$0 + 1] == 10 })
            let size = try #require(Int(String(decoding: body[..<lineEnd], as: UTF8.self), radix: 16))
            let start = lineEnd + 2
            #expect(body.count >= start + size + 2 && Array(body[(start + size)..<(start + size + 2)]) == [13, 10])
            if size == 0 { break }
            payload += body[start..<(start + size)]
            body = Array(body[(start + size + 2)...])
            chunks += 1
        }
        let events = SSEEvent.parse(String(decoding: payload, as: UTF8.self))
        #expect(chunks >= 3 && events.map(\.name).filter { $0 == "message" }.count == 3 && events.last?.name == "done")
        // Kept alive and in step: the next request on the same connection is answered.
        try conn.send(TestClient.requestText("GET", "/health", body: nil, headers: [:], apiKey: nil, close: true))
        let next = try await onThread { try conn.readAll(timeout: 10) }
        #expect(try TestClient.parse(next).status == 200)
    }

    /// A connection's receive buffer starts at 512 bytes (SSEConnectionHandler): a body hundreds of
    /// times that size still arrives whole, in reads that grow (a cut body would fail as JSON).
    @Test func aLargeBodyIsReadWholePastTheSmallFirstReceiveBuffer() async throws {
        let server = try await TestServer.start { $0.agent.eventsPerRun = .fixed(2) }
        defer { Task { await server.stop() } }
        let prompt = String(repeating: "abcdefgh", count: 11_000)  // 88 KB, under the 100,000-character limit
        let (status, events) = try await server.client.stream(#"{"prompt":"\#(prompt)","model":"m-large"}"#)
        #expect(status == 200)
        #expect(events.map(\.name).filter { $0 == "message" }.count == 2)
        #expect(events.last?.json?["reason"] as? String == "completed")
    }

    @Test func badInputGetsTheRightStatusAndNeverCrashes() async throws {
        let server = try await TestServer.start { $0.maxBodyBytes = 1000 }
        defer { Task { await server.stop() } }
        let c = server.client
        let malformed = try await c.request("POST", "/api/v1/query", body: "{not json")
        #expect(
            malformed.status == 422
                && (malformed.json?["detail"] as? [[String: Any]])?.first?["type"] as? String == "json_invalid")
        let schema = try await c.request("POST", "/api/v1/query", body: #"{"prompt": ""}"#)
        #expect(schema.status == 422)
        let big = try await c.request(
            "POST", "/api/v1/query", body: "{\"prompt\": \"\(String(repeating: "x", count: 5000))\"}")
        #expect(big.status == 413)
        let badUUID = try await c.request("GET", "/api/v1/sessions/not-a-uuid")
        #expect(
            badUUID.status == 422
                && (badUUID.json?["error"] as? [String: Any])?["code"] as? String == "VALIDATION_ERROR")
        let unknown = try await c.request("GET", "/api/v1/sessions/\(UUID().uuidString.lowercased())")
        #expect(
            unknown.status == 404
                && (unknown.json?["error"] as? [String: Any])?["code"] as? String == "SESSION_NOT_FOUND")
        let badPage = try await c.request("GET", "/api/v1/sessions?page_size=500")
        #expect(badPage.status == 422)
        let health = try await c.request("GET", "/health")
        #expect(health.status == 200)
    }

    @Test func someoneElsesSessionIsNotFound() async throws {
        let owner = try await TestServer.start()
        let other = try await TestServer.start { $0.apiKey = "another-key" }
        defer {
            Task {
                await owner.stop()
                await other.stop()
            }
        }
        let (_, events) = try await owner.client.stream(#"{"prompt":"mine"}"#)
        let id = try #require(events.first?.json?["session_id"] as? String)
        #expect(try await owner.client.request("GET", "/api/v1/sessions/\(id)").status == 200)
        let theirs = try await other.client.request("GET", "/api/v1/sessions/\(id)")
        #expect(theirs.status == 404)
        let list = try await other.client.request("GET", "/api/v1/sessions")
        #expect((list.json?["sessions"] as? [[String: Any]])?.contains { $0["id"] as? String == id } == false)
    }

    @Test func requestsBeyondMaxConnectionsGet503() async throws {
        let server = try await TestServer.start {
            $0.maxConnections = 2
            $0.agent.eventsPerRun = .fixed(200)
            $0.agent.eventInterval = .milliseconds(20)
        }
        defer { Task { await server.stop() } }
        let a = try await server.client.openStream(#"{"prompt":"a"}"#)
        let b = try await server.client.openStream(#"{"prompt":"b"}"#)
        _ = try await onThread {
            a.read(until: { String(decoding: $0, as: UTF8.self).contains("event: init") }, timeout: 5)
        }
        _ = try await onThread {
            b.read(until: { String(decoding: $0, as: UTF8.self).contains("event: init") }, timeout: 5)
        }
        let third = try await server.client.request("GET", "/api/v1/sessions")
        #expect(third.status == 503)
        #expect(server.state.metrics.rejectedConnections.value == 1)
        // The scrape endpoint stays reachable at the cap (so a harness can watch it) and is not counted.
        let scrape = try await server.client.request("GET", "/metrics")
        #expect(scrape.status == 200)
        #expect(scrape.body.contains("stampede_http_rejected_total 1"))
        #expect(server.state.metrics.rejectedConnections.value == 1)
        a.shutdownAndClose()
        b.shutdownAndClose()
    }

    @Test func interruptEndsTheRunningStream() async throws {
        let server = try await TestServer.start {
            $0.agent.eventsPerRun = .fixed(500)
            $0.agent.eventInterval = .milliseconds(10)
        }
        defer { Task { await server.stop() } }
        let conn = try await server.client.openStream(#"{"prompt":"long"}"#)
        let head = try await onThread {
            conn.read(until: { String(decoding: $0, as: UTF8.self).contains("event: message") }, timeout: 5)
        }
        let text = String(decoding: head, as: UTF8.self)
        let id = try #require(text.range(of: #""session_id": ""#).map { String(text[$0.upperBound...].prefix(36)) })
        let r = try await server.client.request("POST", "/api/v1/sessions/\(id)/interrupt")
        #expect(r.status == 200 && r.json?["status"] as? String == "interrupted")
        let rest = try await onThread { try conn.readAll(timeout: 10) }
        let events = SSEEvent.parse(TestClient.dechunk(String(decoding: rest, as: UTF8.self)))
        #expect(events.last?.name == "done" && events.last?.json?["reason"] as? String == "interrupted")
        #expect(events.filter { $0.name == "message" }.count < 400)
    }

    @Test func gracefulShutdownEndsOpenStreamsWithDone() async throws {
        let server = try await TestServer.start {
            $0.agent.eventsPerRun = .fixed(1000)
            $0.agent.eventInterval = .milliseconds(10)
        }
        let conn = try await server.client.openStream(#"{"prompt":"x"}"#)
        _ = try await onThread {
            conn.read(until: { String(decoding: $0, as: UTF8.self).contains("event: message") }, timeout: 5)
        }
        let reading = Task { try await onThread { try conn.readAll(timeout: 15) } }
        let started = ContinuousClock.now
        await server.stop()
        // The run had ~10 s to go: shutdown must not wait for it.
        #expect(started.duration(to: .now) < .seconds(5))
        let tail = String(decoding: try await reading.value, as: UTF8.self)
        let events = SSEEvent.parse(TestClient.dechunk(tail))
        #expect(events.last?.name == "done" && events.last?.json?["reason"] as? String == "interrupted")
    }

    @Test func healthIsDegradedWhenRedisIsDownAndUnhealthyWhenBothAre() async throws {
        let deadPort = try FreePort.next()
        let server = try await TestServer.start { $0.redisURL = "redis://127.0.0.1:\(deadPort)/0" }
        defer { Task { await server.stop() } }
        let h = try await server.client.request("GET", "/api/v1/health")
        #expect(h.status == 200 && h.json?["status"] as? String == "degraded")
        let both = try await TestServer.start {
            $0.redisURL = "redis://127.0.0.1:\(deadPort)/0"
            $0.databaseURL = "postgresql://x@127.0.0.1:\(deadPort)/x"
        }
        defer { Task { await both.stop() } }
        let u = try await both.client.request("GET", "/health")
        #expect(u.status == 200 && u.json?["status"] as? String == "unhealthy")
    }
}
