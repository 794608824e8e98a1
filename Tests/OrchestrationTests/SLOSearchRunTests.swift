import Analysis
import Foundation
import LoadGen
import Orchestration
import ServerConfig
import StampedeTestSupport
import SystemSupport
import Testing

/// `stampede search`'s done-when: against a reference server it finds a stream capacity at an
/// SLO, and against the same server with fewer agent slots (a deliberately slowed server) a lower one.
extension RealServicesTests {
    @Suite struct SLOSearchRunTests {
        func capacity(slots: Int, services: EmbeddedServices, dir: String) async throws -> SLOSearch {
            let port = try FreePort.next()
            let server = try ChildProcess(
                name: "serve", executable: LifecycleSupport.stampedeBinary,
                arguments: [
                    "serve", "--port", String(port), "--profile", "recommended", "--redis-url", services.redisURL!,
                    "--database-url", services.databaseURL!, "--agent-events", "4", "--agent-interval", "25ms",
                    "--agent-slots", String(slots), "--log-level", "warning",
                ], logPath: "\(dir)/serve-\(slots).log")
            defer { server.stop() }
            try await ExternalTargetRunTests.waitForPort(port)
            var c = LoadConfiguration(mode: .sse, url: "http://127.0.0.1:\(port)/api/v1/query")
            c.method = "POST"
            c.body = "{\"prompt\": \"search\"}"
            c.headers = [
                .init(name: "X-API-Key", value: "stampede-dev-key"),
                .init(name: "Content-Type", value: "application/json"),
            ]
            c.ramp = 1000
            c.restartDelay = .milliseconds(50)
            c.slo = try StreamSLO(
                parsing: "ttfe<400ms", duration: { DurationText.seconds($0).map(Duration.secondsDouble) })
            let runner = LoadSearchRunner(
                template: c, stepSeconds: 2, criteria: SLOSearch.Criteria(slo: "ttfe<400ms", minGoodput: 0.95))
            return try await runner.run(SLOSearch(range: 5...320, precision: 0.25))
        }

        /// `--rate`: an open-model request load, each request judged by its latency from its intended start.
        @Test func aRateSearchJudgesRequestsByTheirLatency() async throws {
            let services = try await SharedServices.get()
            let port = try FreePort.next()
            let dir = NSTemporaryDirectory() + "stampede-search-rate-\(UUID().uuidString)"
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: dir) }
            let server = try ChildProcess(
                name: "serve", executable: LifecycleSupport.stampedeBinary,
                arguments: [
                    "serve", "--port", String(port), "--redis-url", services.redisURL!, "--database-url",
                    services.databaseURL!, "--log-level", "warning",
                ], logPath: "\(dir)/serve.log")
            defer { server.stop() }
            try await ExternalTargetRunTests.waitForPort(port)
            let c = LoadConfiguration(mode: .http, url: "http://127.0.0.1:\(port)/")
            func search(_ bound: Duration) async throws -> SLOSearch {
                try await LoadSearchRunner(
                    template: c, stepSeconds: 2,
                    criteria: SLOSearch.Criteria(slo: "latency<x", minGoodput: 0.95, what: "requests"),
                    mode: .rate(latency: bound, inclusive: false, maxInFlight: 100)
                ).run(SLOSearch(range: 20...160, unit: "requests/s"))
            }
            let easy = try await search(.seconds(2))
            #expect(easy.answer == 160, "\(easy.steps.map(\.reason))")
            #expect(easy.steps.map(\.load) == [20, 40, 80, 160])
            #expect(easy.steps.allSatisfy { $0.streamsJudged >= $0.load && ($0.requestP99Ms ?? 0) > 0 })
            #expect(easy.answerLine.contains("requests/s") && easy.answerLine.contains("may be higher"))
            let impossible = try await search(.microseconds(1))
            #expect(impossible.answer == nil && impossible.steps.count == 1, "\(impossible.steps.map(\.reason))")
        }

        @Test func aServerWithFewerAgentSlotsHasALowerCapacityAtTheSameSLO() async throws {
            let services = try await SharedServices.get()
            let dir = NSTemporaryDirectory() + "stampede-search-\(UUID().uuidString)"
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: dir) }
            let wide = try await capacity(slots: 40, services: services, dir: dir)
            let narrow = try await capacity(slots: 8, services: services, dir: dir)
            let a = try #require(wide.answer, "\(wide.steps.map(\.reason))")
            let b = try #require(narrow.answer, "\(narrow.steps.map(\.reason))")
            #expect(b < a, "8 slots: \(b) streams, 40 slots: \(a) streams")
            #expect(wide.lowestFailure != nil && narrow.lowestFailure != nil, "both searches found a failing load")
            for s in wide.steps + narrow.steps where s.passed {
                #expect((s.goodput ?? 0) >= 0.95 && s.streamsJudged >= 10)
            }
        }
    }
}
