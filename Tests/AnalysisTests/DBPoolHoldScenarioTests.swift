import Testing

@testable import Analysis

/// The `db-pool-hold` built-in: loads and validates, and its claims read as expected on synthetic
/// metrics computed the way a run computes them.
@Suite struct DBPoolHoldScenarioTests {
    @Test func loadsAndValidates() throws {
        let s = try #require(try BuiltinCatalog.scenario(named: "db-pool-hold"))
        #expect(s.name == "db-pool-hold")
        #expect(s.phases.map(\.name) == ["upstream", "recommended"])
        #expect(s.groups.map(\.profile) == ["upstream", "recommended"])
        for g in s.groups {
            #expect(g.instances == 1)
            #expect(g.flags["db-pool"] == "5" && g.flags["db-overflow"] == "5" && g.flags["db-pool-timeout"] == "3s")
        }
        #expect(s.claims.count == 4)
        #expect(s.claims.allSatisfy { $0.issue == "NEW" })
        #expect(
            Set(s.claims.map(\.metric)) == [
                "upstream.session_create_errors", "upstream.db_pool_timeouts",
                "recommended.session_create_errors", "recommended.db_pool_timeouts",
            ])
        // More clients than pool size + overflow, and streams outlasting the checkout timeout.
        let clients = try #require(s.phases.first?.clients.first)
        #expect(clients.count > 10)
        let small = try #require(
            try BuiltinCatalog.scenario(named: "db-pool-hold", overrides: ["clients": "12", "duration": "10s"]))
        #expect(small.phases.allSatisfy { $0.clients.first?.count == 12 && $0.duration == 10 })
    }

    /// One instance; create errors and postgres pool timeouts grow by `errorsPerSecond` (the other
    /// pool's timeouts must not count).
    func samples(errorsPerSecond: Double) -> [Sample] {
        (0..<41).map { i in
            let t = Double(i) * 0.25
            return Sample(
                t: t,
                servers: [
                    Sample.Server(
                        instance: 0, rssBytes: 100 * 1_048_576, openFDs: 40, threads: 8, cpuSeconds: t,
                        metrics: [
                            "stampede_session_create_errors_total": errorsPerSecond * t,
                            "stampede_pool_timeouts_total{pool=\"postgres\"}": errorsPerSecond * t,
                            "stampede_pool_timeouts_total{pool=\"redis\"}": 7 * t,
                        ])
                ], generatorCPUSeconds: 0.1 * t)
        }
    }

    func phase(_ name: String, errorsPerSecond: Double) -> PhaseResult {
        let (m, validity) = PhaseMetricsCalculator.compute(
            samples: samples(errorsPerSecond: errorsPerSecond), warmup: 2, clients: [],
            limits: .init(minSamples: 8, cores: 2))
        return PhaseResult(
            name: name, group: name, instances: 1, profile: name, serveArguments: [], durationSeconds: 10,
            warmupSeconds: 2,
            complete: true, error: nil, metrics: m, validity: validity)
    }

    @Test func claimsOnSyntheticMetrics() throws {
        let s = try #require(try BuiltinCatalog.scenario(named: "db-pool-hold"))
        let upstream = phase("upstream", errorsPerSecond: 2)
        #expect(upstream.metrics["session_create_errors"] == 16)
        #expect(upstream.metrics["db_pool_timeouts"] == 16)

        let results = ClaimEvaluator.evaluate(s.claims, phases: [upstream, phase("recommended", errorsPerSecond: 0)])
        #expect(results.map(\.verdict) == [.reproduced, .reproduced, .fixed, .fixed])

        // The problem persisting under the fix, and not showing under upstream.
        let persists = ClaimEvaluator.evaluate(
            s.claims, phases: [phase("upstream", errorsPerSecond: 0), phase("recommended", errorsPerSecond: 1)])
        #expect(persists.map(\.verdict) == [.notReproduced, .notReproduced, .reproduced, .reproduced])
    }
}
