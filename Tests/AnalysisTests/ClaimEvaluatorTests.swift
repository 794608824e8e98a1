import Testing

@testable import Analysis

@Suite struct ClaimEvaluatorTests {
    func phase(
        _ name: String, _ metrics: [String: Double], complete: Bool = true, validity: [String] = []
    ) -> PhaseResult {
        PhaseResult(
            name: name, group: "g", instances: 2, profile: "documented", serveArguments: [], durationSeconds: 10,
            warmupSeconds: 2,
            complete: complete, error: complete ? nil : "boom", metrics: metrics, validity: validity)
    }

    func claim(
        _ kind: ClaimSpec.Kind, _ relation: Relation, _ target: Double, metric: String = "p.lock_wait_p99_ms"
    ) -> ClaimSpec {
        ClaimSpec(
            id: "c", issue: "SCALE-001", statement: "quote", kind: kind, metric: metric, relation: relation,
            target: target)
    }

    @Test(arguments: [
        (ClaimSpec.Kind.bug, Relation.greater, 100.0, 500.0, Verdict.reproduced),
        (.bug, .greater, 100, 50, .notReproduced),
        (.fix, .less, 100, 50, .fixed),
        (.fix, .less, 100, 500, .reproduced),
        (.bug, .equal, 0, 0, .reproduced),
        (.fix, .lessOrEqual, 0, 1, .reproduced),
    ])
    func verdicts(kind: ClaimSpec.Kind, relation: Relation, target: Double, measured: Double, expected: Verdict) {
        let r = ClaimEvaluator.evaluate(
            claim(kind, relation, target), phases: [phase("p", ["lock_wait_p99_ms": measured])])
        #expect(r.verdict == expected)
        #expect(r.measured == measured)
        #expect(r.reason.contains("lock_wait_p99_ms"))
    }

    @Test func inconclusiveWhenTheMeasurementIsWeak() {
        let c = claim(.bug, .greater, 1)
        let saturated = ClaimEvaluator.evaluate(
            c, phases: [phase("p", ["lock_wait_p99_ms": 9], validity: ["load generator saturated: 97 %"])])
        #expect(saturated.verdict == .inconclusive)
        #expect(saturated.reason.contains("saturated"))
        #expect(saturated.measured == 9)
        let failed = ClaimEvaluator.evaluate(c, phases: [phase("p", ["lock_wait_p99_ms": 9], complete: false)])
        #expect(failed.verdict == .inconclusive && failed.reason.contains("did not complete: boom"))
        let missing = ClaimEvaluator.evaluate(c, phases: [phase("p", [:])])
        #expect(missing.verdict == .inconclusive && missing.reason.contains("not measured"))
        let notRun = ClaimEvaluator.evaluate(c, phases: [])
        #expect(notRun.verdict == .inconclusive && notRun.reason == "phase p did not run")
    }

    @Test func targetsRelativeToAnotherPhase() {
        var c = claim(.fix, .less, 0.5, metric: "fix.rss_growth_mb")
        c.targetMetric = "bug.rss_growth_mb"
        let phases = [phase("bug", ["rss_growth_mb": 100]), phase("fix", ["rss_growth_mb": 20])]
        let r = ClaimEvaluator.evaluate(c, phases: phases)
        #expect(r.verdict == .fixed)
        #expect(r.threshold == 50)
        #expect(r.target == "0.5 × bug.rss_growth_mb")
        let weakBase = ClaimEvaluator.evaluate(
            c, phases: [phase("bug", ["rss_growth_mb": 100], validity: ["only 2 server samples"]), phases[1]])
        #expect(weakBase.verdict == .inconclusive)
        #expect(weakBase.reason == "target: phase bug: only 2 server samples")
    }

    @Test(arguments: [
        ("500", 500.0, nil as String?), ("p.lock_wait_p50_ms", 1, "p.lock_wait_p50_ms"),
        ("0.25 * p.rss_growth_mb", 0.25, "p.rss_growth_mb"),
        ("2 × p.x", 2, "p.x"),
    ])
    func parsesTargets(text: String, factor: Double, metric: String?) throws {
        let t = try #require(ClaimSpec.parseTarget(text))
        #expect(t.factor == factor && t.metric == metric)
    }

    @Test func rejectsMalformedTargets() {
        #expect(ClaimSpec.parseTarget("lots") == nil)
        #expect(ClaimSpec.parseTarget("two * p.x") == nil)
    }

    @Test func formatsNumbersReadably() {
        #expect(ClaimEvaluator.format(250) == "250")
        #expect(ClaimEvaluator.format(12.345) == "12.3")
        #expect(ClaimEvaluator.format(0.01234) == "0.012")
        #expect(ClaimEvaluator.format(1234.6) == "1235")
    }
}
