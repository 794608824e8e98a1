import Analysis
import Foundation
import Orchestration
import ServerConfig
import StampedeTestSupport
import SystemSupport
import Testing

@testable import Server

/// Dependencies failing under the server, and the server at its file-descriptor limit.
@Suite(.serialized) struct ResilienceTests {
    @Test func redisRestartDuringAStreamIsSurvivedAndServiceResumesByItself() async throws {
        let services = try await EmbeddedServices.start()
        defer { services.stop() }
        let server = try await Self.upstreamServer(on: services, events: 60, interval: .milliseconds(25))
        defer { Task { await server.stop() } }
        let conn = try await server.client.openStream(#"{"prompt":"long"}"#)
        _ = try await onThread {
            conn.read(until: { String(decoding: $0, as: UTF8.self).contains("event: message") }, timeout: 5)
        }
        try await services.restartRedis(downFor: .milliseconds(300))
        // The running stream keeps going to its end (interrupt polls fail and are skipped).
        let rest = String(decoding: try await onThread { try conn.readAll(timeout: 10) }, as: UTF8.self)
        #expect(rest.contains("event: done"))
        #expect(server.state.metrics.redisErrors.value > 0)  // it really saw Redis go away
        // New work succeeds without a restart of the server: broken connections were replaced.
        let (_, events) = try await server.client.stream(#"{"prompt":"after"}"#)
        #expect(events.last?.name == "done" && !events.contains { $0.name == "error" })
        let health = try await server.client.request("GET", "/health")
        #expect(health.json?["status"] as? String == "ok")
    }

    /// While a dependency is down the server answers as upstream does: a 200 stream that says what
    /// failed inside it, a 500 for a read that needs the missing store, `/health` `degraded`; and it
    /// serves normally again once the dependency is back, without a restart.
    @Test func whileADependencyIsDownTheServerAnswersAsUpstreamAndComesBack() async throws {
        let services = try await EmbeddedServices.start()
        defer { services.stop() }
        let server = try await Self.upstreamServer(on: services, events: 3, interval: .milliseconds(5))
        defer { Task { await server.stop() } }
        let (_, first) = try await server.client.stream(#"{"prompt":"before"}"#)
        let id = try #require(first.first { $0.name == "init" }.flatMap { Self.sessionID($0.data) })

        // PostgreSQL down: a new stream still runs, and tells the client its session was not created.
        let pgDown = Task { try await services.restartPostgres(downFor: .seconds(4)) }
        try await Task.sleep(for: .seconds(1))
        let (status, events) = try await server.client.stream(#"{"prompt":"db down"}"#)
        #expect(status == 200)
        let error = events.first { $0.name == "error" }
        #expect(error?.data.contains(#""error": "Session creation failed""#) == true, "\(events.map(\.name))")
        #expect(events.last?.name == "done" && events.last?.data.contains("error") == true)
        let health = try await server.client.request("GET", "/health")
        #expect(health.status == 200 && health.json?["status"] as? String == "degraded")
        _ = try await pgDown.value
        let (_, afterDB) = try await server.client.stream(#"{"prompt":"db back"}"#)
        #expect(!afterDB.contains { $0.name == "error" } && afterDB.last?.name == "done")

        // Redis down: a session read that needs the cache fails as an unhandled exception does in
        // FastAPI (500, Starlette's plain-text body); the stream's closing update fails server-side.
        let updateErrors = server.state.metrics.sessionUpdateErrors.value
        let redisDown = Task { try await services.restartRedis(downFor: .seconds(3)) }
        try await Task.sleep(for: .milliseconds(500))
        let read = try await server.client.request("GET", "/api/v1/sessions/\(id)")
        #expect(read.status == 500 && read.body == "Internal Server Error", "\(read.status) \(read.body)")
        let (redisStatus, redisEvents) = try await server.client.stream(#"{"prompt":"redis down"}"#)
        #expect(redisStatus == 200 && redisEvents.last?.name == "done")
        #expect(server.state.metrics.sessionUpdateErrors.value > updateErrors)
        _ = try await redisDown.value
        let back = try await server.client.request("GET", "/api/v1/sessions/\(id)")
        #expect(back.status == 200, "\(back.status) \(back.body)")
        #expect((try await server.client.request("GET", "/health")).json?["status"] as? String == "ok")
    }

    /// An in-process `upstream` server on its own Redis and PostgreSQL, runs of `events` events.
    static func upstreamServer(
        on services: EmbeddedServices, events: Int, interval: Duration
    ) async throws -> TestServer {
        var c = ServerConfiguration(profile: .upstream)
        c.port = 0
        c.redisURL = services.redisURL!
        c.databaseURL = services.databaseURL!
        c.agent.eventsPerRun = .fixed(events)
        c.agent.eventInterval = interval
        return try await TestServer.start(configuration: c)
    }

    static func sessionID(_ data: String) -> String? {
        ((try? JSONSerialization.jsonObject(with: Data(data.utf8))) as? [String: Any])?["session_id"] as? String
    }

    @Test func acceptFailuresAtTheFDLimitAreCountedAndTheServerKeepsServing() async throws {
        let services = try await SharedServices.get()
        let port = try FreePort.next()
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent(
            "stampede"
        ).path
        let log = NSTemporaryDirectory() + "/stampede-fd-test-\(port).log"
        let server = try ChildProcess(
            name: "stampede serve", executable: binary,
            arguments: [
                "serve", "--port", String(port), "--max-fds", "64", "--redis-url", services.redisURL!, "--database-url",
                services.databaseURL!, "--log-level", "error",
            ], logPath: log)
        defer {
            server.stop()
            try? FileManager.default.removeItem(atPath: log)
        }
        let client = TestClient(port: port, apiKey: "stampede-dev-key")
        var ready = false
        for _ in 0..<200 where !ready {
            ready = (try? await client.request("GET", "/")).map { $0.status == 200 } ?? false
            if !ready { try await Task.sleep(for: .milliseconds(50)) }
        }
        #expect(ready)
        // Hold more connections than the server has descriptors left.
        let held = try await onThread { (0..<90).compactMap { _ in try? RawConnection(port: port) } }
        try await Task.sleep(for: .milliseconds(500))
        for c in held { c.shutdownAndClose() }
        try await Task.sleep(for: .seconds(1.5))  // NIO backs off accepting for a second after EMFILE
        let metrics = try await client.request("GET", "/metrics")
        #expect(metrics.status == 200)
        let line = metrics.body.split(separator: "\n").first { $0.hasPrefix("stampede_accept_errors_total ") }
        let errors = Int(line?.split(separator: " ").last ?? "0") ?? 0
        #expect(errors > 0, "accept errors: \(line ?? "missing")")
        #expect(metrics.body.contains("stampede_process_max_fds 64"))
    }
}
