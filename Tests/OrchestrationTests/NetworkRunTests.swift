import Analysis
import Foundation
import LoadGen
import Orchestration
import ServerConfig
import StampedeTestSupport
import SystemSupport
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

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

        /// `network: {controller: URL}`: the proxies are made through a toxiproxy API (here
        /// `stampede proxy --api`, which speaks its core), used as the in-process ones would be,
        /// and removed from it at the end.
        @Test func aControllersProxiesCarryTheLinksAndAreRemovedAfterThePhase() async throws {
            let port = try FreePort.next()
            let log = NSTemporaryDirectory() + "/stampede-controller-\(port).log"
            let controller = try ChildProcess(
                name: "stampede proxy", executable: LifecycleSupport.stampedeBinary,
                arguments: ["proxy", "--api", "127.0.0.1:\(port)"], logPath: log)
            defer { controller.stop() }
            let api = "http://127.0.0.1:\(port)"
            #expect(LifecycleSupport.eventually { Self.get("\(api)/version") != nil }, "the controller did not start")
            let scenario = try ScenarioLoader.load(
                yaml: """
                    name: controlled
                    network: {controller: "\(api)", redis: {latency: 20ms}}
                    groups:
                      - {name: g, instances: 1, profile: documented, flags: {agent-events: "2", agent-interval: 5ms}}
                    phases:
                      - name: far
                        group: g
                        duration: 4s
                        warmup: 500ms
                        hot-set: 1
                        clients: [{name: c, count: 8, restart-delay: 1ms}]
                        faults: [{at: 2s, do: latency, link: redis, latency: 40ms, for: 1s}]
                    """, source: "controlled")
            #expect(scenario.phases[0].network?.controller == api)
            let report = await ScenarioRunner(
                scenario: scenario, options: .init(executable: LifecycleSupport.stampedeBinary)
            ).run()
            #expect(report.complete, "\(report.incompleteReason ?? "")")
            let far = try #require(report.phases.first)
            let updates = try #require(far.metrics["updates_per_second"])
            #expect(updates > 0 && updates < 55, "through the controller's 20 ms link: \(updates)/s")
            #expect(far.faults?.first?.error == nil, "\(far.faults ?? [])")
            #expect(Self.get("\(api)/proxies") == "{}", "the phase's proxies were removed from the controller")
        }

        /// A client group's own `link:`: only its clients are behind the slow link.
        @Test func aClientGroupsLinkSlowsThatGroupOnly() async throws {
            let scenario = try ScenarioLoader.load(
                yaml: """
                    name: group-link
                    groups:
                      - {name: g, instances: 2, profile: recommended, flags: {agent-events: "3", agent-interval: 5ms}}
                    phases:
                      - name: p
                        group: g
                        duration: 3s
                        warmup: 500ms
                        clients:
                          - {name: far, count: 4, link: {latency: 40ms}}
                          - {name: near, count: 4}
                    """, source: "group-link")
            let report = await ScenarioRunner(
                scenario: scenario, options: .init(executable: LifecycleSupport.stampedeBinary)
            ).run()
            #expect(report.complete, "\(report.incompleteReason ?? "")")
            let p = try #require(report.phases.first)
            // Every far stream waits for the link (its fastest first event too); the near group's
            // typical one does not. (Its p99, the slowest of a few dozen, once reached 62 ms on a
            // busy CI machine: a slow server, not the link.)
            let far = try #require(p.clients.first { $0.name == "far" }?.latency["time_to_first_event"])
            let near = try #require(p.clients.first { $0.name == "near" }?.latency["time_to_first_event"])
            #expect(far.min >= 40_000, "far: fastest first event \(far.min) µs")
            #expect(near.p50 < 40_000, "near: median first event \(near.p50) µs")
            #expect(far.p50 > near.p50 + 30_000, "far \(far.p50) µs against near \(near.p50) µs")
            #expect(p.clients.allSatisfy { $0.counters.failed == 0 && $0.counters.streamsCompleted > 0 })
        }

        static func get(_ url: String) -> String? {
            let done = DispatchSemaphore(value: 0)
            nonisolated(unsafe) var body: String?
            URLSession.shared.dataTask(with: URL(string: url)!) { data, _, _ in
                body = data.map { String(decoding: $0, as: UTF8.self) }
                done.signal()
            }.resume()
            _ = done.wait(timeout: .now() + 5)
            return body
        }
    }
}
