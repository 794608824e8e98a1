import Analysis
import LoadGen
import Orchestration
import ServerConfig
import StampedeTestSupport
import Testing

/// A phase's servers run with the group's resolved configuration, and the orchestrator uses the
/// same values (API key, agent schedule) instead of defaults of its own.
extension RealServicesTests {
    @Suite struct ServerConfigurationRunTests {
        @Test func aGroupsAPIKeyIsUsedAndTheConfigurationIsRecordedWithSources() async throws {
            let scenario = try ScenarioLoader.load(
                yaml: """
                    name: api-key
                    groups:
                      - name: g
                        instances: 2
                        flags: {api-key: team-key-1, agent-events: "uniform:2-3", agent-interval: 10ms}
                    phases:
                      - name: p
                        group: g
                        duration: 3s
                        warmup: 500ms
                        hot-set: 2
                        clients:
                          - {name: fast, count: 4, restart-delay: 10ms}
                          - {name: list, mode: http, path: /api/v1/sessions, count: 2, restart-delay: 50ms}
                    claims:
                      - {id: c, issue: SCALE-001, statement: q, metric: p.lost_updates, relation: "==", target: 0}
                    """, source: "api-key")
            let report = await ScenarioRunner(
                scenario: scenario, options: .init(executable: LifecycleSupport.stampedeBinary)
            ).run()
            let phase = try #require(report.phases.first)
            #expect(phase.complete, "\(phase.error ?? "")")
            for c in phase.clients {
                #expect(c.counters.failed == 0, "\(c.name): \(c.errors)")
                #expect(c.counters.succeeded > 0, "\(c.name) made no successful request")
            }
            let config = Dictionary(uniqueKeysWithValues: (phase.configuration ?? []).map { ($0.name, $0) })
            // The key reached the servers (no 401 above) and the report does not hold it.
            #expect(config["api-key"]?.value == "(hidden)")
            #expect(!phase.serveArguments.contains("team-key-1"))
            #expect(config["api-key"]?.source == .scenario("g.flags.api-key"))
            #expect(config["agent-events"]?.value == "uniform:2-3")
            #expect(config["lock-strategy"]?.value == "exponential-jitter")
            #expect(config["lock-strategy"]?.source == .profile("upstream"))
            #expect(config["redis-url"]?.source == .fleet)
            // A varying run length cannot be checked for lost updates: said, not skipped.
            #expect(phase.notMeasured?["lost_updates"]?.contains("uniform:2-3") == true)
            #expect(phase.metrics["lost_updates"] == nil)
            let claim = try #require(report.claims.first)
            #expect(claim.verdict == .inconclusive)
            #expect(
                claim.reason.contains("lost_updates was not measured in phase p: agent-events is uniform:2-3"),
                "\(claim.reason)")
        }

        /// `repeats: 2` runs the phase twice from fresh fleets: one result with the repeats' mean
        /// and an interval over them, and lost updates checked in each.
        @Test func aRepeatedPhaseRunsAgainAndMergesIntoMeansAndIntervals() async throws {
            let scenario = try ScenarioLoader.load(
                yaml: """
                    name: repeated
                    repeats: 2
                    groups: [{name: g, instances: 1, flags: {agent-events: "2", agent-interval: 10ms}}]
                    phases:
                      - {name: p, group: g, duration: 3s, warmup: 500ms, hot-set: 2, clients: [{name: w, count: 3}]}
                    claims:
                      - {id: c, issue: SCALE-001, statement: q, metric: p.updates_per_second, relation: ">", target: 1}
                    """, source: "repeated")
            let report = await ScenarioRunner(
                scenario: scenario, options: .init(executable: LifecycleSupport.stampedeBinary)
            ).run()
            let phase = try #require(report.phases.first)
            #expect(report.phases.count == 1 && phase.complete, "\(phase.error ?? "")")
            let runs = try #require(phase.repeats)
            let rates = runs.compactMap { $0.metrics["updates_per_second"] }
            #expect(rates.count == 2 && rates.allSatisfy { $0 > 1 }, "\(rates)")
            #expect(phase.metrics["updates_per_second"] == rates.reduce(0, +) / 2)
            let u = try #require(phase.intervals?["updates_per_second"])
            #expect(u.method == .repeats && u.replicates == 2)
            #expect(runs.allSatisfy { $0.metrics["lost_updates"] == 0 }, "\(runs.map(\.metrics))")
            #expect(report.claims.first?.interval?.method == .repeats)
        }
    }
}
