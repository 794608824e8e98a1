import Foundation
import Testing

@testable import Analysis

/// The soak's slopes per hour, the agent-slot metrics, and the scenario fields that feed them
/// (a client group's own link, a toxiproxy controller).
@Suite struct SlopeAndSlotMetricsTests {
    /// 1 Hz for 60 s: instance 0's RSS grows 1 MiB/min and it opens one FD every 10 s; instance 1
    /// is flat; the generator grows 2 MiB/min; instance 0 holds 40 of 60 slots, instance 1 from 10 to 50.
    static func samples() -> [Sample] {
        (0...60).map { i in
            let t = Double(i)
            func server(_ index: Int) -> Sample.Server {
                let inUse = index == 0 ? 40.0 : 10 + t * 40 / 60
                // Instance 0's runs are blocked by their readers: 5, and 25 for the last 10 s.
                let blocked = index == 0 ? (t > 50 ? 25.0 : 5) : 0
                return Sample.Server(
                    instance: index, rssBytes: Int((200 + (index == 0 ? t / 60 : 0)) * 1_048_576),
                    openFDs: 100 + (index == 0 ? i / 10 : 0), threads: 8, cpuSeconds: t,
                    metrics: [
                        "stampede_agent_slots_in_use": inUse, "stampede_agent_slots": 60,
                        "stampede_agent_runs_blocked": blocked,
                    ])
            }
            return Sample(
                t: t, servers: [server(0), server(1)], generatorRSSBytes: Int((80 + 2 * t / 60) * 1_048_576),
                generatorCPUSeconds: 0.1 * t)
        }
    }

    @Test func slopesAreLeastSquaresPerHourOfTheSteepestInstance() {
        let m = PhaseMetricsCalculator.compute(
            samples: Self.samples(), warmup: 0, clients: [], limits: .init(minSamples: 8, cores: 2)
        ).metrics
        #expect(abs(m["rss_slope_mb_per_h"]! - 60) < 1e-4)
        #expect(abs(m["rss_slope_mb_per_h"]! - m["rss_slope_mb_per_s"]! * 3600) < 1e-9)
        #expect(abs(m["generator_rss_slope_mb_per_h"]! - 120) < 1e-4)
        // A step every 10 s fits to about 0.1/s: 360/h, give or take the steps' offset.
        #expect(abs(m["fds_slope_per_h"]! - 360) < 20, "\(m["fds_slope_per_h"]!)")
    }

    @Test func agentSlotsHeldAndLeftFree() {
        let m = PhaseMetricsCalculator.compute(
            samples: Self.samples(), warmup: 0, clients: [], limits: .init(minSamples: 8, cores: 2)
        ).metrics
        #expect(m["agent_slots_in_use_max"] == 50)
        // Instance 0 holds 40 all along; instance 1 averages 30: the largest mean is 40.
        #expect(abs(m["agent_slots_in_use_mean"]! - 40) < 1e-9)
        #expect(m["agent_slots_free_min"] == 10)
        // Blocked runs: at most 25 (instance 0's last 10 s), mean (51 × 5 + 10 × 25) / 61 there.
        #expect(m["agent_runs_blocked_max"] == 25)
        #expect(abs(m["agent_runs_blocked_mean"]! - (51 * 5 + 10 * 25) / 61) < 1e-9)
        #expect(m["agent_slots_for_readers_min"] == 35)
        // A server without the gauge yields none of the three.
        let old = Self.samples().map { s in
            var s = s
            for i in s.servers.indices { s.servers[i].metrics["stampede_agent_runs_blocked"] = nil }
            return s
        }
        let n = PhaseMetricsCalculator.compute(
            samples: old, warmup: 0, clients: [], limits: .init(minSamples: 8, cores: 2)
        )
        .metrics
        #expect(
            n["agent_runs_blocked_max"] == nil && n["agent_slots_for_readers_min"] == nil
                && n["agent_slots_free_min"] == 10)
    }

    @Test func aClientGroupsLinkAndAControllerLoadAndBadOnesAreReported() throws {
        let yaml = """
            name: n
            network: {controller: "http://127.0.0.1:8474", redis: {latency: 1ms}}
            groups: [{name: g}]
            phases:
              - name: p
                group: g
                clients:
                  - {name: slow, count: 4, link: {bandwidth: 2, latency: 20ms}}
                  - {name: fast, count: 4}
            """
        let s = try ScenarioLoader.load(yaml: yaml, source: "n")
        #expect(s.phases[0].clients[0].link == LinkSpec(latency: 0.02, bandwidth: 2))
        #expect(s.phases[0].clients[1].link == nil)
        #expect(s.phases[0].network?.controller == "http://127.0.0.1:8474")
        let bad = yaml.replacingOccurrences(of: "http://127.0.0.1:8474", with: "toxiproxy")
            .replacingOccurrences(of: "bandwidth: 2,", with: "bandwidth: 0,")
        #expect(throws: ScenarioError.self) { try ScenarioLoader.load(yaml: bad, source: "n") }
        do {
            _ = try ScenarioLoader.load(yaml: bad, source: "n")
        } catch let e as ScenarioError {
            let text = e.problems.map { "\($0.path): \($0.message)" }.joined(separator: "\n")
            #expect(text.contains("network.controller: expected the URL of a toxiproxy API"), "\(text)")
            #expect(text.contains("phases[0].clients[0].link.bandwidth"), "\(text)")
        }
    }
}
