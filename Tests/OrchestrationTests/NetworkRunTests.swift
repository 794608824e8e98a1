import Analysis
import Orchestration
import ServerConfig
import StampedeTestSupport
import Testing

/// `network:` puts a fault proxy on a link: the servers reach Redis through it, and what it adds
/// shows in what the phase measures.
extension RealServicesTests {
    @Suite struct NetworkRunTests {
        @Test func redisLatencyOnTheLinkSlowsTheLockedUpdates() async throws {
            let scenario = try ScenarioLoader.load(
                yaml: """
                    name: network
                    groups:
                      - {name: g, instances: 1, profile: documented, flags: {agent-events: "2", agent-interval: 5ms}}
                    phases:
                      - {name: direct, group: g, duration: 3s, warmup: 500ms, hot-set: 1, clients: [{name: c, count: 8, restart-delay: 1ms}]}
                      - name: far
                        group: g
                        duration: 3s
                        warmup: 500ms
                        hot-set: 1
                        network: {redis: {latency: 20ms}}
                        clients: [{name: c, count: 8, restart-delay: 1ms}]
                    claims:
                      - {id: c, issue: SCALE-001, statement: q, metric: far.updates_per_second, relation: "<", target: 1.0 * direct.updates_per_second}
                    """, source: "network")
            #expect(scenario.phases[1].network?.redis == LinkSpec(latency: 0.02))
            #expect(scenario.phases[0].network == nil)
            let report = await ScenarioRunner(
                scenario: scenario, options: .init(executable: LifecycleSupport.stampedeBinary)
            ).run()
            #expect(report.complete, "\(report.incompleteReason ?? "")")
            let direct = try #require(report.phases.first { $0.name == "direct" }?.metrics["updates_per_second"])
            let far = try #require(report.phases.first { $0.name == "far" }?.metrics["updates_per_second"])
            // One hot session: every update holds the lock over at least one Redis round trip (the
            // release), so 20 ms more per round trip allow at most 50 updates/s.
            #expect(far < 55, "far \(far)/s, direct \(direct)/s")
            #expect(direct > 2 * far, "far \(far)/s, direct \(direct)/s")
            let farPhase = try #require(report.phases.first { $0.name == "far" })
            #expect(farPhase.network?.redis?.latency == 0.02)
            let urls = report.phases.map { p in p.configuration?.first { $0.name == "redis-url" }?.value }
            #expect(urls[0] != urls[1], "the far phase's servers use the proxy: \(urls)")
        }
    }
}
