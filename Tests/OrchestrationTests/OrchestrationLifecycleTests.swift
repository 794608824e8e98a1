import Foundation
import Orchestration
import StampedeTestSupport
import Testing

@testable import Analysis

/// The suites that start real services and fleets run one at a time (they share the machine, and
/// their measurements would disturb each other).
@Suite(.serialized) struct RealServicesTests {}

/// Real embedded Redis and PostgreSQL, real `stampede serve` children: a run cleans up every
/// process and temporary directory after success, an injected failure and a cancellation.
extension RealServicesTests {
    @Suite struct OrchestrationLifecycleTests {
        static func scenario(agentEvents: String = "3", duration: String = "3s", maxFds: Int = 2048) throws -> Scenario
        {
            try ScenarioLoader.load(
                yaml: """
                    name: lifecycle
                    groups:
                      - {name: g, instances: 2, profile: documented, flags: {agent-events: "\(agentEvents)", agent-interval: 20ms}, max-fds: \(maxFds)}
                    phases:
                      - name: p
                        group: g
                        duration: \(duration)
                        warmup: 500ms
                        hot-set: 1
                        clients: [{name: fast, count: 6, restart-delay: 10ms}]
                    claims:
                      - {id: c, issue: SCALE-001, statement: q, metric: p.updates_per_second, relation: ">", target: 0}
                    """, source: "lifecycle")
        }

        /// Runs `runner` (built with `Resources.options`), returning what it created.
        func run(
            _ runner: ScenarioRunner, resources: Resources, during: (@Sendable () async -> Void)? = nil
        ) async -> RunReport {
            let extra = Task { await during?() }
            let report = await runner.run()
            _ = await extra.value
            return report
        }

        func expectNoOrphans(_ resources: Resources, servers: Int) {
            let pids = resources.pids
            #expect(pids.count >= servers + 2, "expected \(servers) servers + redis + postgres, saw \(resources.all)")
            #expect(
                LifecycleSupport.eventually { pids.allSatisfy { !LifecycleSupport.isAlive($0) } },
                "still alive: \(pids.filter(LifecycleSupport.isAlive))")
            let mine = Set(pids)
            let left = LifecycleSupport.children().filter { mine.contains($0.pid) }
            #expect(left.isEmpty, "children left: \(left)")
            #expect(resources.directories.count == 2)
            #expect(resources.directories.allSatisfy { !FileManager.default.fileExists(atPath: $0) })
        }

        func runner(_ scenario: Scenario, _ resources: Resources) -> ScenarioRunner {
            ScenarioRunner(
                scenario: scenario,
                options: .init(executable: LifecycleSupport.stampedeBinary, observe: { resources.add($0) }))
        }

        @Test func successLeavesNothingBehind() async throws {
            let resources = Resources()
            let report = await run(runner(try Self.scenario(), resources), resources: resources)
            #expect(report.complete, "\(report.incompleteReason ?? "")")
            let phase = try #require(report.phases.first)
            #expect(phase.complete)
            #expect(phase.validity.isEmpty, "\(phase.validity)")
            #expect((phase.metrics["samples"] ?? 0) >= 8)
            #expect((phase.metrics["updates_per_second"] ?? 0) > 0)
            #expect((phase.metrics["streams_completed"] ?? 0) > 0)
            #expect(phase.samples.allSatisfy { $0.servers.count == 2 })
            #expect((phase.metrics["redis_clients_max"] ?? 0) >= 2, "each server holds Redis connections")
            #expect((phase.metrics["pg_connections_max"] ?? 0) >= 2, "each server holds PostgreSQL connections")
            #expect(phase.metrics["lost_updates"] == 0)
            #expect(report.claims.first?.verdict == .reproduced)
            expectNoOrphans(resources, servers: 2)
        }

        @Test func aServerThatCannotStartGivesAnIncompleteReportAndNoOrphans() async throws {
            let resources = Resources()
            // Bad knob values are caught when the scenario loads; an open-file limit above the hard
            // limit is only found by the server itself, at start.
            let report = await run(runner(try Self.scenario(maxFds: 1_000_000), resources), resources: resources)
            #expect(!report.complete)
            #expect(report.incompleteReason?.contains("did not start") == true, "\(report.incompleteReason ?? "")")
            #expect(report.claims.allSatisfy { $0.verdict == .inconclusive })
            expectNoOrphans(resources, servers: 1)
        }

        /// Redis SIGKILLed from outside in the middle of a phase: never a hang, a crash or a passed
        /// gate; the report says what died and when.
        @Test func aServiceKilledMidPhaseMakesTheRunIncompleteAndTheGateRefuseIt() async throws {
            let resources = Resources()
            let runner = runner(try Self.scenario(duration: "8s"), resources)
            let started = Date()
            let report = await run(runner, resources: resources) {
                while resources.pids.count < 4 { try? await Task.sleep(for: .milliseconds(100)) }
                try? await Task.sleep(for: .seconds(2))
                let redis = resources.all.compactMap { r -> Int32? in
                    if case .process(let pid, "redis-server") = r { pid } else { nil }
                }
                for pid in redis { kill(pid, SIGKILL) }
            }
            #expect(Date().timeIntervalSince(started) < 60)
            #expect(!report.complete)
            #expect(report.incompleteReason?.contains("redis-server (pid ") == true, "\(report.incompleteReason ?? "")")
            #expect(report.incompleteReason?.contains("outside any planned fault") == true)
            let phase = try #require(report.phases.first)
            #expect(!phase.complete)
            #expect(phase.validity.first?.contains("redis-server") == true, "\(phase.validity)")
            #expect(report.claims.allSatisfy { $0.verdict == .inconclusive })
            #expect(Gate(extraThresholds: ["errors: rate < 1%"]).evaluate(report).exitCode == .error)
            expectNoOrphans(resources, servers: 2)
        }

        @Test func cancellingMidPhaseStopsEverythingAndKeepsTheMeasurements() async throws {
            let resources = Resources()
            let runner = runner(try Self.scenario(duration: "60s"), resources)
            let started = Date()
            let report = await run(runner, resources: resources) {
                // Cancel once both servers have been sampled for a while.
                while resources.pids.count < 4 { try? await Task.sleep(for: .milliseconds(100)) }
                try? await Task.sleep(for: .seconds(2))
                runner.cancellation.cancel("interrupted by test")
            }
            #expect(Date().timeIntervalSince(started) < 45)
            #expect(!report.complete)
            #expect(report.incompleteReason == "phase p: interrupted by test")
            let phase = try #require(report.phases.first)
            #expect(!phase.complete && !phase.samples.isEmpty)
            #expect(report.claims.first?.verdict == .inconclusive)
            expectNoOrphans(resources, servers: 2)
        }
    }
}

/// What a run reported creating.
final class Resources: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [ScenarioRunner.Resource] = []
    func add(_ r: ScenarioRunner.Resource) { lock.withLock { items.append(r) } }
    var all: [ScenarioRunner.Resource] { lock.withLock { items } }
    var pids: [Int32] { all.compactMap { if case .process(let pid, _) = $0 { pid } else { nil } } }
    var directories: [String] { all.compactMap { if case .directory(let d) = $0 { d } else { nil } } }
}
