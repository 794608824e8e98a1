import Analysis
import Foundation
import LoadGen
import Orchestration
import StampedeTestSupport
import SystemSupport
import Testing

/// `stampede run --target`: phases aimed at servers this run did not start. Against a plain SSE
/// endpoint (not a Stampede server) the client-side claims get verdicts and the server-side ones
/// say why not; against a reference server someone else started, the server's series, the lock
/// log and the lost-update check (through the API) are measured, and a claim comparing two
/// profiles is inconclusive because the run does not control the target.
extension RealServicesTests {
    @Suite struct ExternalTargetRunTests {
        /// A minimal SSE endpoint: `GET /events` sends 20 events 50 ms apart (`id: 1` ... `id: 20`)
        /// and closes; everything else is 404 (so it has no /metrics).
        static let sseServer = """
            import http.server, socketserver, sys, time
            class H(http.server.BaseHTTPRequestHandler):
                protocol_version = "HTTP/1.0"
                def log_message(self, *a): pass
                def do_GET(self):
                    if not self.path.startswith("/events"):
                        self.send_response(404); self.end_headers(); return
                    self.send_response(200)
                    self.send_header("Content-Type", "text/event-stream")
                    self.end_headers()
                    for i in range(1, 21):
                        self.wfile.write(f"id: {i}\\ndata: {{\\"n\\": {i}}}\\n\\n".encode()); self.wfile.flush()
                        time.sleep(0.05)
            class S(socketserver.ThreadingMixIn, http.server.HTTPServer):
                daemon_threads = True
            S(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
            """

        @Test func aPlainSSEEndpointGetsClientVerdictsAndSaysWhyNotForTheRest() async throws {
            let port = try FreePort.next()
            let dir = NSTemporaryDirectory() + "stampede-external-\(UUID().uuidString)"
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: dir) }
            let server = try ChildProcess(
                name: "sse", executable: "/usr/bin/python3", arguments: ["-c", Self.sseServer, String(port)],
                logPath: "\(dir)/sse.log")
            defer { server.stop() }
            try await Self.waitForPort(port)
            let scenario = try ScenarioLoader.load(
                yaml: """
                    name: plain-sse
                    groups: [{name: any, profile: documented}]
                    phases:
                      - name: read
                        group: any
                        duration: 4s
                        warmup: 1s
                        clients:
                          - {name: readers, count: 6, path: /events, method: GET, headers: {Accept: text/event-stream}, restart-delay: 10ms}
                    claims:
                      - {id: gaps, issue: NEW, statement: q, metric: read.readers.gap_p99_ms, relation: "<", target: 1000}
                      - {id: buffers, issue: PERF-004, statement: q, metric: read.buffered_max_mb, relation: ">", target: 1}
                      - {id: rss, issue: PERF-004, statement: q, metric: read.rss_growth_mb, relation: ">", target: 1}
                    """, source: "plain-sse")
            let target = try ExternalTarget(targets: ["http://127.0.0.1:\(port)"], apiKey: "unused")
            let report = await ScenarioRunner(
                scenario: scenario, options: .init(executable: LifecycleSupport.stampedeBinary, external: target)
            ).run()
            #expect(report.complete, "\(report.incompleteReason ?? "")")
            let phase = try #require(report.phases.first)
            let readers = try #require(phase.clients.first)
            #expect(readers.counters.events >= 6 * 20, "\(readers.counters)")
            #expect(readers.counters.failed == 0 && readers.counters.gaps == 0, "\(readers.errors)")
            #expect(phase.metrics["readers.gap_p99_ms"].map { $0 > 40 && $0 < 200 } == true, "\(phase.metrics)")
            #expect(phase.metrics["rss_max_mb"] == nil && phase.metrics["updates_per_second"] == nil)
            let claims = Dictionary(uniqueKeysWithValues: report.claims.map { ($0.id, $0) })
            #expect(claims["gaps"]?.verdict == .reproduced, "\(claims["gaps"]?.reason ?? "")")
            #expect(claims["buffers"]?.verdict == .inconclusive)
            #expect(claims["buffers"]?.reason.contains("the target exposes no buffered_max_mb") == true)
            #expect(claims["rss"]?.reason.contains("no /proc") == true, "\(claims["rss"]?.reason ?? "")")
            let external = try #require(report.externalTarget)
            #expect(external.exposesServerSeries == false)
            #expect(external.targets == ["http://127.0.0.1:\(port)"])
            #expect(external.notMeasured.contains { $0.contains("buffered_max_mb") })
        }

        @Test func aReferenceServerStartedElsewhereIsMeasuredThroughItsMetricsAndAPI() async throws {
            let services = try await SharedServices.get()
            let port = try FreePort.next()
            let dir = NSTemporaryDirectory() + "stampede-external-\(UUID().uuidString)"
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: dir) }
            let server = try ChildProcess(
                name: "serve", executable: LifecycleSupport.stampedeBinary,
                arguments: [
                    "serve", "--port", String(port), "--profile", "documented", "--redis-url", services.redisURL!,
                    "--database-url", services.databaseURL!, "--api-key", "elsewhere-key", "--agent-events", "4",
                    "--agent-interval", "20ms", "--lock-hold-ms", "5", "--log-level", "warning",
                ], logPath: "\(dir)/serve.log")
            defer { server.stop() }
            try await Self.waitForPort(port)
            let scenario = try ScenarioLoader.load(
                yaml: """
                    name: elsewhere
                    groups:
                      - {name: documented, profile: documented}
                      - {name: fixed, profile: recommended}
                    phases:
                      - {name: lock-a, group: documented, duration: 4s, warmup: 1s, hot-set: 2, clients: [{name: fast, count: 6, restart-delay: 10ms}]}
                      - {name: lock-b, group: fixed, duration: 3s, warmup: 1s, hot-set: 2, clients: [{name: fast, count: 6, restart-delay: 10ms}]}
                    claims:
                      - {id: compare, issue: SCALE-001, statement: q, kind: fix, metric: lock-b.lock_wait_p99_ms, relation: "<", target: lock-a.lock_wait_p99_ms}
                      - {id: lost, issue: SCALE-001, statement: q, metric: lock-a.lost_updates, relation: ">", target: 0}
                    """, source: "elsewhere")
            let target = try ExternalTarget(targets: ["http://127.0.0.1:\(port)/"], apiKey: "elsewhere-key")
            let report = await ScenarioRunner(
                scenario: scenario, options: .init(executable: LifecycleSupport.stampedeBinary, external: target)
            ).run()
            #expect(report.complete, "\(report.incompleteReason ?? "")")
            let a = try #require(report.phases.first)
            #expect(a.clients.first?.counters.failed == 0, "\(a.clients.first?.errors ?? [:])")
            #expect((a.metrics["updates_per_second"] ?? 0) > 0, "server series: \(a.metrics)")
            #expect(a.metrics["lock_barging_share"] != nil, "lock log: \(a.notMeasured ?? [:])")
            #expect(a.metrics["lost_updates"] != nil, "lost-update check: \(a.notMeasured ?? [:])")
            #expect(a.notMeasured?["rss_max_mb"]?.contains("no /proc") == true)
            #expect(a.notMeasured?["redis_clients_max"] != nil)
            let claims = Dictionary(uniqueKeysWithValues: report.claims.map { ($0.id, $0) })
            #expect(claims["compare"]?.verdict == .inconclusive)
            #expect(claims["compare"]?.reason.contains("the run does not control its configuration") == true)
            #expect(claims["lost"]?.verdict != .inconclusive, "\(claims["lost"]?.reason ?? "")")
            #expect(report.externalTarget?.exposesServerSeries == true)
        }

        static func waitForPort(_ port: Int) async throws {
            for _ in 0..<100 {
                let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
                var addr = sockaddr_in()
                addr.sin_family = sa_family_t(AF_INET)
                addr.sin_port = in_port_t(UInt16(port).bigEndian)
                inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr)
                let rc = withUnsafePointer(to: &addr) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                        connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                    }
                }
                close(fd)
                if rc == 0 { return }
                try await Task.sleep(for: .milliseconds(100))
            }
            throw ServiceError("nothing listens on port \(port) after 10 s")
        }
    }
}
