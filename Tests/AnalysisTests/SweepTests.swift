import Testing

@testable import Analysis

@Suite struct SweepTests {
    static let yaml = """
        name: sweep
        parameters: {instances: "1,2,4"}
        groups: [{name: g, profile: documented}]
        phases:
          - {name: s, group: g, instances: "${instances}", duration: 5s, warmup: 1s, clients: [{name: c, count-per-instance: 3}]}
        claims:
          - {id: e, issue: SCALE-001, statement: q, metric: s@max.scaling_efficiency, relation: "<", target: 0.5}
          - {id: f, issue: SCALE-001, statement: q, kind: fix, metric: s@max.updates_per_second, relation: ">=", target: 2 * s@min.updates_per_second}
        """

    @Test func instancesListExpandsIntoOnePhasePerCount() throws {
        let s = try ScenarioLoader.load(yaml: Self.yaml, source: "sweep")
        #expect(s.phases.map(\.name) == ["s@1", "s@2", "s@4"])
        #expect(s.phases.map(\.instances) == [1, 2, 4])
        #expect(s.phases.allSatisfy { $0.sweep == "s" })
        #expect(s.phases[2].clients[0].total(instances: 4) == 12)
        #expect(SweepLookup.find("s@max", in: s.phases)?.name == "s@4")
        #expect(SweepLookup.find("s@min", in: s.phases)?.name == "s@1")
        let other = try ScenarioLoader.load(yaml: Self.yaml, source: "sweep", overrides: ["instances": "3,5"])
        #expect(other.phases.map(\.name) == ["s@3", "s@5"])
    }

    @Test func badInstanceListsAreReported() {
        let error = #expect(throws: ScenarioError.self) {
            try ScenarioLoader.load(yaml: Self.yaml, source: "sweep", overrides: ["instances": "1,lots,99"])
        }
        #expect(error?.problems.contains { $0.path == "phases[0].instances" && $0.message.contains("1...32") } == true)
    }

    func point(_ n: Int, _ x: Double, complete: Bool = true) -> PhaseResult {
        var p = PhaseResult(
            name: "s@\(n)", group: "g", instances: n, profile: "documented", serveArguments: [], durationSeconds: 5,
            warmupSeconds: 1,
            complete: complete, metrics: ["updates_per_second": x])
        p.sweep = "s"
        return p
    }

    @Test func scalingEfficiencyAgainstTheSmallestFleet() {
        var phases = [point(1, 100), point(2, 150), point(4, 100), point(8, 400, complete: false)]
        ScalingEfficiency.apply(to: &phases)
        #expect(phases.map { $0.metrics["scaling_efficiency"] } == [1, 0.75, 0.25, nil])
        var noOne = [point(2, 100), point(4, 100)]
        ScalingEfficiency.apply(to: &noOne)
        #expect(noOne.map { $0.metrics["scaling_efficiency"] } == [1, 0.5])
        // One fleet size (or one complete one) has no efficiency: claims on it are inconclusive.
        var single = [point(4, 100)]
        ScalingEfficiency.apply(to: &single)
        #expect(single[0].metrics["scaling_efficiency"] == nil)
        var oneComplete = [point(2, 100), point(4, 100, complete: false)]
        ScalingEfficiency.apply(to: &oneComplete)
        #expect(oneComplete.allSatisfy { $0.metrics["scaling_efficiency"] == nil })
    }

    @Test func claimsOnSweepsResolveTheLargestAndSmallestFleet() throws {
        let s = try ScenarioLoader.load(yaml: Self.yaml, source: "sweep")
        var phases = [point(1, 100), point(2, 150), point(4, 100)]
        ScalingEfficiency.apply(to: &phases)
        let results = ClaimEvaluator.evaluate(s.claims, phases: phases)
        #expect(results[0].verdict == .reproduced && results[0].measured == 0.25)
        #expect(results[1].verdict == .reproduced && results[1].threshold == 200)
    }
}
