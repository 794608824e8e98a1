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
        var c = ServerConfiguration(profile: .upstream)
        c.port = 0
        c.redisURL = services.redisURL!
        c.databaseURL = services.databaseURL!
        c.agent.eventsPerRun = .fixed(60)
        c.agent.eventInterval = .milliseconds(25)
        let server = try await TestServer.start(configuration: c)
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
