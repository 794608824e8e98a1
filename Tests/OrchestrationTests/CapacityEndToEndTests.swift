import Foundation
import Orchestration
import StampedeTestSupport
import Testing

@testable import Analysis

/// The capacity built-ins, shrunk with `--set` parameters and cut to the phases that show the
/// effect, end to end on real Redis, PostgreSQL and `stampede serve` children.
extension RealServicesTests {
    @Suite struct CapacityEndToEndTests {
        /// The built-in with `overrides`, keeping only `phases` (and the claims on them).
        func scenario(_ name: String, _ overrides: [String: String], phases: [String]) throws -> Scenario {
            var s = try #require(try BuiltinCatalog.scenario(named: name, overrides: overrides))
            s.phases = s.phases.filter { phases.contains($0.name) }
            s.claims = s.claims.filter { c in phases.contains { c.metric.hasPrefix($0 + ".") } }
            return s
        }

        func run(_ scenario: Scenario) async throws -> RunReport {
            let started = Date()
            let report = await ScenarioRunner(
                scenario: scenario, options: .init(executable: LifecycleSupport.stampedeBinary)
            ).run()
            let wall = Date().timeIntervalSince(started)
            #expect(wall < 40, "\(scenario.name) took \(Int(wall)) s")
            #expect(report.complete, "\(report.incompleteReason ?? "")")
            return report
        }

        func metrics(_ report: RunReport, _ phase: String) throws -> [String: Double] {
            try #require(report.phases.first { $0.name == phase }).metrics
        }

        /// A Redis pool of 2 connections, fail fast, against 30 streams polling Redis per event:
        /// "Too many connections"; the same pool waiting with a timeout has none.
        @Test(.timeLimit(.minutes(2))) func perf005TinyRedisPoolFailsFastAndTheWaitingPoolDoesNot() async throws {
            let s = try scenario(
                "perf-005", ["redis_pool": "2", "above": "30", "duration": "5s", "warmup": "1s", "agent_events": "50"],
                phases: ["above", "waiting"])
            let report = try await run(s)
            let above = try metrics(report, "above")
            #expect((above["redis_pool_errors"] ?? 0) > 0, "\(above)")
            #expect(above["redis_pool_max"] == 2)
            #expect(above["redis_pool_in_use_max"] == 2)
            #expect((above["db_pool_in_use_max"] ?? 0) >= 1)
            #expect(above["db_pool_max"] == 30)
            let waiting = try metrics(report, "waiting")
            #expect(waiting["redis_pool_errors"] == 0)
            #expect((waiting["redis_pool_waits"] ?? 0) > 0, "a pool of 2 under 30 streams makes checkouts wait")
            let verdicts = Dictionary(uniqueKeysWithValues: report.claims.map { ($0.id, $0.verdict) })
            #expect(verdicts["perf-005-exhaustion"] == .reproduced)
            #expect(verdicts["perf-005-fix-waiting"] == .fixed)
        }

        /// A soft limit of 64 FDs against 80 held streams: accepts fail with EMFILE, fewer streams
        /// than the limit fit, and the counters are still read after the load lets go.
        @Test(.timeLimit(.minutes(2))) func fdLimitsTinyLimitMakesAcceptsFail() async throws {
            var s = try scenario(
                "fd-limits",
                ["fd_limit": "64", "limited_streams": "80", "ramp": "40", "limited_duration": "5s", "warmup": "250ms"],
                phases: ["limited"])
            s.sampling.minSamples = 4  // scrapes time out (1 s each) while the server is out of FDs
            let report = try await run(s)
            let limited = try metrics(report, "limited")
            let samples = report.phases.first?.samples.map {
                "\($0.t): \($0.servers.first?.openFDs ?? 0) \($0.servers.first?.metrics ?? [:])"
            }
            #expect((limited["accept_errors"] ?? 0) > 0, "\(limited)\n\(samples ?? [])")
            #expect(limited["fd_limit"] == 64)
            // /proc counts up to the limit, less the reserve the server keeps (8 at this limit).
            #expect((48...64).contains(limited["fds_max"] ?? 0), "\(limited)")
            let streams = try #require(limited["streams_open_max"])
            #expect(streams > 0 && streams < 64)
            let perStream = try #require(limited["fds_per_stream"])
            #expect(
                perStream > 0,
                "FDs grow with held streams (pool connections opened meanwhile blur the slope at this size)")
            #expect(report.claims.first { $0.id == "fd-limits-default-insufficient" }?.verdict == .reproduced)
        }

        /// A cap of 20 connections: 10 streams leave room for regular requests; 30 streams fill the
        /// cap, streams and regular requests get 503, and the server is still observed (`/metrics`).
        @Test(.timeLimit(.minutes(2))) func sseCapacityTinyCapRefusesRegularRequests() async throws {
            let s = try scenario(
                "sse-capacity",
                [
                    "max_connections": "20", "share_streams": "10", "over_streams": "30", "requesters": "2",
                    "ramp": "6", "duration": "6s",
                    "warmup": "500ms",
                ],
                phases: ["share", "full"])
            let report = try await run(s)
            let share = try metrics(report, "share")
            #expect(share["streams_open_max"] == 10)
            #expect(share["regular.errors"] == 0)
            #expect((share["regular.requests"] ?? 0) > 0)
            #expect(share["regular.request_p99_ms"] != nil)
            #expect(share["rss_per_stream_kb"] != nil)
            let full = try metrics(report, "full")
            #expect((full["rejected_connections"] ?? 0) > 0, "\(full)")
            let held = try #require(full["streams_open_max"])
            #expect(held <= 20 && held >= 15)
            #expect((full["regular.errors"] ?? 0) > 0)
            let verdicts = Dictionary(uniqueKeysWithValues: report.claims.map { ($0.id, $0.verdict) })
            #expect(verdicts["sse-capacity-streams"] == .reproduced)
            #expect(verdicts["sse-capacity-regular-served"] == .reproduced)
            #expect(verdicts["sse-capacity-no-reserve"] == .reproduced)
        }
    }
}
