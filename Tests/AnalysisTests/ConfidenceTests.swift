import Foundation
import ServerConfig
import Testing

@testable import Analysis

/// Verdicts with confidence: intervals over replicates, claims decided only when the interval
/// clears the target, batch means cut from a phase's own samples, and lower95/upper95 in gates.
@Suite struct ConfidenceTests {
    func phase(
        _ name: String, _ metrics: [String: Double], intervals: [String: ConfidenceInterval] = [:]
    )
        -> PhaseResult
    {
        var p = PhaseResult(
            name: name, group: "g", instances: 2, profile: "documented", serveArguments: [], durationSeconds: 10,
            warmupSeconds: 2, complete: true, metrics: metrics)
        p.intervals = intervals.isEmpty ? nil : intervals
        return p
    }

    func interval(_ values: [Double]) -> ConfidenceInterval { .of(values, method: .batchMeans)! }

    @Test func studentIntervalOfKnownValues() {
        // mean 10, s = 1.5811, n = 5: half width 2.776 × 1.5811 / √5 = 1.963.
        let i = interval([8, 9, 10, 11, 12])
        #expect(i.mean == 10)
        #expect(abs(i.halfWidth - 1.963) < 0.001)
        #expect(abs(i.standardError - 1.5811 / 5.0.squareRoot()) < 1e-3)
        #expect(ConfidenceInterval.of([1], method: .repeats) == nil)
        // Totals: the batches add up, so the interval scales with their number.
        let total = ConfidenceInterval.of([1, 2, 3, 2, 2], method: .batchMeans, scale: 5)!
        #expect(total.mean == 10)
    }

    @Test func aClaimIsDecidedOnlyWhenTheIntervalClearsTheTarget() {
        let c = ClaimSpec(
            id: "c", issue: "SCALE-001", statement: "q", metric: "p.lock_wait_p99_ms", relation: .greater, target: 500)
        func evaluate(_ value: Double, batches: [Double]) -> ClaimResult {
            ClaimEvaluator.evaluate(
                c, phases: [phase("p", ["lock_wait_p99_ms": value], intervals: ["lock_wait_p99_ms": interval(batches)])]
            )
        }
        let clear = evaluate(700, batches: [650, 700, 720, 690, 740])
        #expect(clear.verdict == .reproduced)
        #expect(clear.interval != nil)
        #expect(clear.reason.contains("["))
        let noisy = evaluate(520, batches: [300, 700, 520, 450, 630])
        #expect(noisy.verdict == .inconclusive)
        #expect(noisy.reason.hasPrefix("within noise"))
        let below = evaluate(200, batches: [190, 200, 210, 200, 200])
        #expect(below.verdict == .notReproduced)
        // Measured once: the point decides, as before.
        let once = ClaimEvaluator.evaluate(c, phases: [phase("p", ["lock_wait_p99_ms": 520])])
        #expect(once.verdict == .reproduced)
    }

    /// ci-smoke's flip: "fixed" by 124 vs 130 ms in one run and 135 vs 140 in another is noise.
    @Test func aComparisonOfTwoPhasesNeedsTheDifferencesIntervalToExcludeZero() {
        let c = ClaimSpec(
            id: "c", issue: "SCALE-001", statement: "q", kind: .fix, metric: "fix.lock_wait_mean_ms", relation: .less,
            target: 1, targetMetric: "bug.lock_wait_mean_ms")
        let close = ClaimEvaluator.evaluate(
            c,
            phases: [
                phase(
                    "bug", ["lock_wait_mean_ms": 130],
                    intervals: ["lock_wait_mean_ms": interval([120, 140, 125, 135, 130])]),
                phase(
                    "fix", ["lock_wait_mean_ms": 124],
                    intervals: ["lock_wait_mean_ms": interval([114, 134, 119, 129, 124])]),
            ])
        #expect(close.verdict == .inconclusive)
        #expect(close.reason.contains("includes 0"))
        let apart = ClaimEvaluator.evaluate(
            c,
            phases: [
                phase(
                    "bug", ["lock_wait_mean_ms": 130],
                    intervals: ["lock_wait_mean_ms": interval([128, 132, 129, 131, 130])]),
                phase(
                    "fix", ["lock_wait_mean_ms": 60], intervals: ["lock_wait_mean_ms": interval([58, 62, 59, 61, 60])]),
            ])
        #expect(apart.verdict == .fixed)
        #expect(apart.reason.contains("difference's 95 % interval"))
    }

    @Test func equalitiesStayExact() {
        let c = ClaimSpec(
            id: "c", issue: "NEW", statement: "q", kind: .fix, metric: "p.lock_timeouts", relation: .equal, target: 0)
        let r = ClaimEvaluator.evaluate(
            c, phases: [phase("p", ["lock_timeouts": 0], intervals: ["lock_timeouts": interval([0, 0, 0, 0, 0])])])
        #expect(r.verdict == .fixed)
    }

    @Test func gatesCanUseTheBoundsOfAnInterval() throws {
        let p = phase(
            "p", ["updates_per_second": 320], intervals: ["updates_per_second": interval([290, 330, 310, 340, 330])])
        let source = ReportMetricSource(phases: [p], specs: [])
        let low = try Threshold(parsing: "phase.updates_per_second[phase=p]: lower95 > 300/s").evaluate(against: source)
        #expect(low.status == .failed, "\(low.message)")
        let high = try Threshold(parsing: "phase.updates_per_second[phase=p]: upper95 > 300/s").evaluate(
            against: source)
        #expect(high.status == .passed)
        let value = try Threshold(parsing: "phase.updates_per_second[phase=p] > 300/s").evaluate(against: source)
        #expect(value.status == .passed)
        let once = ReportMetricSource(phases: [phase("p", ["updates_per_second": 320])], specs: [])
        let none = try Threshold(parsing: "phase.updates_per_second[phase=p]: lower95 > 300/s").evaluate(against: once)
        #expect(none.status == .error)
        #expect(none.message.contains("measured once"))
    }

    /// One instance's samples at `times`, its update counter growing at `rate(t)` per second.
    func updateSamples(at times: [Double], rate: (Double) -> Double) -> [Sample] {
        var total = 0.0
        return times.map { t in
            total += rate(t) * 0.25
            return Sample(
                t: t,
                servers: [
                    .init(
                        instance: 0, rssBytes: 1, openFDs: 1, threads: 1, cpuSeconds: 0,
                        metrics: ["stampede_session_updates_total": total])
                ])
        }
    }

    /// 10 s at 4 Hz, updates at 100/s for 4 s then 300/s: the batches see the change, the interval is wide.
    @Test func batchMeansCutThePhasesOwnSamples() {
        func samples(rates: (Double) -> Double) -> [Sample] {
            updateSamples(at: Array(stride(from: 0.0, through: 10.0, by: 0.25)), rate: rates)
        }
        let steady = BatchMeans.intervals(
            samples: samples { _ in 100 }, warmup: 2, duration: 10, lockLog: nil, limits: .init())
        let u = steady["updates_per_second"]
        #expect(u != nil && abs(u!.mean - 100) < 1e-6 && u!.halfWidth < 1e-6)
        let changing = BatchMeans.intervals(
            samples: samples { $0 < 6 ? 100 : 300 }, warmup: 2, duration: 10, lockLog: nil, limits: .init())
        let c = changing["updates_per_second"]!
        #expect(c.low < 150 && c.high > 250)
        #expect(c.replicates == BatchMeans.batches)
        // Too short to cut: no intervals rather than made-up ones.
        #expect(
            BatchMeans.intervals(samples: samples { _ in 100 }, warmup: 8, duration: 10, lockLog: nil, limits: .init())
                .isEmpty)
    }

    /// A batch the sampler starved is a machine stall (a validity problem), unless a planned fault
    /// overlaps it (a paused instance answers no scrape): then only the intervals are missing.
    @Test func aStarvedBatchIsAStallUnlessAFaultExplainsIt() {
        let samples = updateSamples(
            at: stride(from: 0.0, through: 12.0, by: 0.25).filter { $0 < 5 || $0 > 7.5 }, rate: { _ in 100 })
        let stalled = BatchMeans.cut(samples: samples, warmup: 2, duration: 12, lockLog: nil, limits: .init())
        #expect(stalled.intervals.isEmpty)
        #expect(stalled.problem?.contains("the machine stalled") == true, "\(stalled.problem ?? "none")")
        let paused = BatchMeans.cut(
            samples: samples, warmup: 2, duration: 12, lockLog: nil, limits: .init(), faults: [4.5...7.0])
        #expect(paused.intervals.isEmpty && paused.problem == nil, "\(paused.problem ?? "none")")
        let elsewhere = BatchMeans.cut(
            samples: samples, warmup: 2, duration: 12, lockLog: nil, limits: .init(), faults: [10...11])
        #expect(elsewhere.problem != nil)
    }

    /// Three repeats become one phase: means, intervals over the repeats (replacing batch means),
    /// every repeat's problems kept and marked, a metric only some repeats measured flagged.
    @Test func repeatsMergeIntoMeansAndIntervals() throws {
        func run(_ rate: Double, p99: Double?, weak: String? = nil) -> PhaseResult {
            var m = ["updates_per_second": rate, "lock_barging_share": 1.0]
            if let p99 { m["lock_wait_p99_ms"] = p99 }
            var r = phase("p", m, intervals: ["updates_per_second": interval([rate, rate + 1, rate - 1])])
            r.validity = weak.map { [$0] } ?? []
            r.wallSeconds = 12
            return r
        }
        let merged = try #require(
            RepeatMerge.merge([run(100, p99: 40), run(110, p99: 60, weak: "machine busy"), run(120, p99: nil)]))
        #expect(merged.metrics["updates_per_second"] == 110)
        let u = try #require(merged.intervals?["updates_per_second"])
        // mean 110, s = 10, n = 3: ± 4.303 × 10 / √3 = 24.84.
        #expect(u.method == .repeats && u.replicates == 3 && abs(u.high - 134.84) < 0.01)
        // A share stays in [0, 1] even when every repeat saw 1.
        #expect(merged.intervals?["lock_barging_share"]?.high == 1)
        #expect(merged.metrics["lock_wait_p99_ms"] == 50 && merged.intervals?["lock_wait_p99_ms"] == nil)
        #expect(merged.notMeasured?["lock_wait_p99_ms"]?.contains("2 of 3 repeats") == true)
        #expect(merged.validity == ["repeat 2: machine busy"])
        #expect(merged.repeats?.map { $0.metrics["updates_per_second"] } == [100, 110, 120])
        #expect(merged.wallSeconds == 36 && merged.complete)
        var failed = run(90, p99: 1)
        failed.complete = false
        failed.error = "server died"
        let broken = try #require(RepeatMerge.merge([run(100, p99: 1), failed]))
        #expect(!broken.complete && broken.error == "repeat 2: server died")
        // One run is left as it was.
        #expect(RepeatMerge.merge([run(100, p99: 1)]) == run(100, p99: 1))
        #expect(RepeatMerge.merge([]) == nil)
    }

    @Test func repeatsAreReadFromTheScenarioAndThePhaseAndOverriddenByTheCLI() throws {
        let yaml = """
            name: r
            repeats: 3
            groups: [{name: g, profile: documented}]
            phases:
              - {name: a, group: g, clients: [{name: c, count: 1}]}
              - {name: b, group: g, repeats: 2, clients: [{name: c, count: 1}]}
            """
        let s = try ScenarioLoader.load(yaml: yaml, source: "r.yaml")
        #expect(s.phases.map { s.repeats(of: $0) } == [3, 2])
        let cli = s.repeated(5)
        #expect(cli.phases.map { cli.repeats(of: $0) } == [5, 5])
        let bad = yaml.replacingOccurrences(of: "repeats: 2", with: "repeats: 0")
        #expect {
            try ScenarioLoader.load(yaml: bad, source: "r.yaml")
        } throws: { error in
            let problems = (error as? ScenarioError)?.problems ?? []
            return problems.contains { $0.path == "phases[1].repeats" && $0.message.contains("1...30") }
        }
    }

    /// That counted events happened at all is observed: `lock_timeouts > 0` with 32 of them holds
    /// even though the batches' interval reaches 0; a count against another bound is still noisy.
    @Test func aCountAboveZeroIsAnObservationNotAnEstimate() {
        let p = phase(
            "p", ["lock_timeouts": 32],
            intervals: ["lock_timeouts": .of([0, 0, 0, 2, 30], method: .batchMeans, scale: 5)!])
        func claim(_ relation: Relation, _ target: Double) -> ClaimSpec {
            ClaimSpec(
                id: "t", issue: "SCALE-001", statement: "q", metric: "p.lock_timeouts", relation: relation,
                target: target)
        }
        #expect(ClaimEvaluator.evaluate(claim(.greater, 0), phases: [p]).verdict == .reproduced)
        #expect(ClaimEvaluator.evaluate(claim(.lessOrEqual, 0), phases: [p]).verdict == .notReproduced)
        #expect(ClaimEvaluator.evaluate(claim(.greater, 10), phases: [p]).verdict == .inconclusive)
    }
}
