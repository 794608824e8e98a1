import Foundation
import Testing

@testable import Analysis
@testable import Reports

/// scale-001's popularity sweep: hot-set lists expand into phases, claims find the hottest point,
/// and the report opens with an answer computed from the numbers.
@Suite struct PopularitySweepTests {
    @Test func aHotSetListSweepsPopularityAndASingleSizeDoesNot() throws {
        let swept = try #require(try BuiltinCatalog.scenario(named: "scale-001"))
        #expect(swept.phases.count == 3 * 4 * 4)
        let p = try #require(swept.phases.first { $0.name == "documented-hot16@5" })
        #expect(p.hotSet == 16 && p.instances == 5 && p.sweep == "documented-hot16" && p.popularity == "documented")
        let single = try #require(try BuiltinCatalog.scenario(named: "scale-001", overrides: ["hot_set": "4"]))
        #expect(
            single.phases.map(\.name).prefix(4) == ["documented@1", "documented@2", "documented@5", "documented@10"])
        #expect(single.phases.allSatisfy { $0.popularity == nil && $0.hotSet == 4 })
        let bad = """
            name: x
            groups: [{name: g, profile: documented}]
            phases:
              - {name: p, group: g, hot-set: "1,0,4", clients: [{name: c, count: 1}]}
            """
        #expect(throws: ScenarioError.self) { try ScenarioLoader.load(yaml: bad, source: "x.yaml") }
        do {
            _ = try ScenarioLoader.load(yaml: bad, source: "x.yaml")
        } catch let e as ScenarioError {
            // Reported once (not by every reading of the phase), with its path.
            let hot = e.problems.filter { $0.message.contains("distinct hot-set sizes in 1...1000") }
            #expect(hot.count == 1, "\(e.problems)")
            #expect(hot.first?.path == "phases[0].hot-set")
        }
    }

    func phase(
        _ base: String, hot: Int, n: Int, x: Double, e: Double?, hold: Double = 20, free: Double = 0.02,
        cpu: Double = 40, validity: [String] = []
    ) -> PhaseResult {
        var p = PhaseResult(
            name: "\(base)-hot\(hot)@\(n)", group: base, instances: n, profile: base, serveArguments: [],
            durationSeconds: 10, warmupSeconds: 2, complete: true,
            metrics: [
                "updates_per_second": x, "lock_hold_p50_ms": hold, "lock_free_while_waiting_share": free,
                "machine_cpu_percent": cpu, "lock_attempts_per_acquisition": 2,
            ],
            validity: validity)
        if let e { p.metrics["scaling_efficiency"] = e }
        p.sweep = "\(base)-hot\(hot)"
        p.popularity = base
        p.hotSet = hot
        return p
    }

    @Test func claimsOnTheBaseNameFindTheHottestPoint() {
        let phases = [1, 4].flatMap { h in [1, 10].map { n in phase("documented", hot: h, n: n, x: 10, e: 1) } }
        #expect(SweepLookup.find("documented@max", in: phases)?.name == "documented-hot1@10")
        #expect(SweepLookup.find("documented@min", in: phases)?.name == "documented-hot1@1")
        #expect(SweepLookup.find("documented-hot4@max", in: phases)?.name == "documented-hot4@10")
        // Claims and thresholds read metrics through the report's labels: the same names work.
        var hottest = phases
        hottest[1].metrics["lock_wait_p99_ms"] = 900
        let claim = ClaimSpec(
            id: "c", issue: "SCALE-001", statement: "q", metric: "documented@max.lock_wait_p99_ms", relation: .greater,
            target: 500)
        let result = ClaimEvaluator.evaluate(claim, phases: hottest)
        #expect(result.verdict == .reproduced && result.measured == 900, "\(result.reason)")
        let source = ReportMetricSource(phases: hottest, specs: [])
        for label in ["documented@max", "documented-hot1@10", "documented-hot1@max"] {
            #expect(
                source.metric(named: MetricName("phase.lock_wait_p99_ms", labels: ["phase": label])) != nil, "\(label)")
        }
        #expect(source.metric(named: MetricName("phase.lock_wait_p99_ms", labels: ["phase": "documented@min"])) == nil)
    }

    @Test func theAnswerSaysWhereEfficiencyCollapsesAndWhy() throws {
        // Serialised: 49 updates/s on 1 session held 20 ms (ceiling 50/s).
        let serial = [
            phase("fair", hot: 1, n: 1, x: 17, e: nil), phase("fair", hot: 1, n: 10, x: 49, e: 0.29),
            phase("fair", hot: 4, n: 1, x: 17, e: nil), phase("fair", hot: 4, n: 10, x: 120, e: 0.71),
        ]
        let a = try #require(PopularityAnswer.analyse(serial).first)
        #expect(a.collapsesAtHotSet == 1)
        #expect(a.limit == .serialization)
        #expect(a.sentence.contains("below 50 % at a hot set of 1 session"))
        #expect(a.sentence.contains("ceiling of 1 / 20.0 ms held = 50/s"))
        // Far below the ceiling with the lock free 40 % of the waiting time: the protocol.
        let wasteful = [
            phase("doc", hot: 1, n: 1, x: 17, e: nil), phase("doc", hot: 1, n: 10, x: 20, e: 0.12, free: 0.4),
            phase("doc", hot: 4, n: 1, x: 17, e: nil), phase("doc", hot: 4, n: 10, x: 60, e: 0.35, free: 0.3),
        ]
        let b = try #require(PopularityAnswer.analyse(wasteful).first)
        #expect(b.collapsesAtHotSet == 4)
        #expect(b.limit == .lockProtocol)
        // A saturated machine is named as the limit, whatever the lock did.
        let hot = [
            phase("m", hot: 1, n: 1, x: 17, e: nil),
            phase("m", hot: 1, n: 10, x: 49, e: 0.29, validity: ["machine saturated: 95 % of all cores busy"]),
            phase("m", hot: 4, n: 1, x: 17, e: nil), phase("m", hot: 4, n: 10, x: 160, e: 0.94),
        ]
        #expect(PopularityAnswer.analyse(hot).first?.limit == .machine)
        // Strategies compared at their common hottest point: the tail tells them apart.
        var both = serial + wasteful
        both[1].metrics["lock_wait_p99_ms"] = 1200
        both[5].metrics["lock_wait_p99_ms"] = 4800
        both[5].metrics["lock_timeouts"] = 30
        let comparison = try #require(PopularityAnswer.comparison(PopularityAnswer.analyse(both)))
        #expect(comparison.hasPrefix("At the hottest point (1 hot session, 10 instances): doc 20 updates/s"))
        #expect(comparison.contains("wait p99 4800 ms, 30 timeouts"), "\(comparison)")
        #expect(comparison.contains("The lowest tail is fair's, 4.0× below doc's"), "\(comparison)")
        #expect(PopularityAnswer.comparison(PopularityAnswer.analyse(serial)) == nil)
        // One popularity only: no answer (nothing to compare).
        #expect(PopularityAnswer.analyse(Array(serial.prefix(2))).isEmpty)
        // The report opens with it: the sentence, a table and a heat map.
        let scenario = try #require(try BuiltinCatalog.scenario(named: "scale-001"))
        let report = RunReport(
            scenario: scenario, startedAt: "2026-12-02T10:00:00Z", wallSeconds: 1, complete: true,
            incompleteReason: nil,
            environment: RunEnvironment.fixture, phases: serial, claims: [])
        let md = MarkdownReport.render(report)
        #expect(md.contains("## What limits scaling"))
        #expect(md.range(of: "## What limits scaling")!.lowerBound < md.range(of: "## Claims")!.lowerBound)
        #expect(md.contains("| 4 | – (40 %) | 0.71 (40 %) |"))
        let html = HTMLReport.render(report)
        #expect(html.components(separatedBy: "class=\"cell\"").count - 1 == 4)
        #expect(html.contains("fair: scaling efficiency"))
    }
}
