import Foundation
import Testing

@testable import Analysis
@testable import Reports

/// `stampede report --compare A B`: figures with change and direction, flipped verdicts marked,
/// noise not taken for a change, runs of different scenarios refused unless forced.
@Suite struct RunComparisonTests {
    static func run(updatesAt3: Double, verdict: Verdict, scenario: String = "gate-test") -> RunReport {
        var r = ReportGateAnalysisTests.report(updatesAt3: updatesAt3, scenarioName: scenario)
        let claim = ClaimSpec(
            id: "fix-throughput", issue: "SCALE-001", statement: "q", kind: .fix, metric: "lock@3.updates_per_second",
            relation: .greaterOrEqual, target: 250)
        r.claims = [ClaimResult(claim: claim, measured: updatesAt3, verdict: verdict, reason: "")]
        return r
    }

    @Test func figuresChangeAndFlippedVerdictsAreMarked() throws {
        let a = Self.run(updatesAt3: 300, verdict: .fixed)
        let b = Self.run(updatesAt3: 200, verdict: .reproduced)
        let c = try RunComparison(a, b)
        let rate = try #require(c.figures.first { $0.metric == "phase.updates_per_second[phase=lock@3]" })
        #expect(rate.baseline == 300 && rate.current == 200 && rate.verdict == .regressed)
        #expect(abs((rate.change ?? 0) + 1.0 / 3) < 1e-9)
        #expect(c.flippedClaims.map(\.id) == ["fix-throughput"])
        let md = ComparisonReport.markdown(c)
        #expect(md.contains("**1 claim changed verdict**"), "\(md)")
        #expect(md.contains("| fix-throughput | **fixed** | **reproduced** ⚠ | 300 → 200 |"), "\(md)")
        #expect(
            md.contains(
                "| `phase.updates_per_second[phase=lock@3]` | higher is better | 300 | 200 | -33.3 % | **regressed** |")
        )
        let html = ComparisonReport.html(c)
        #expect(html.contains("<tr class=\"flipped\"><td>fix-throughput</td>"))
        #expect(html.contains("class=\"regressed\""))
        // The sweep both runs measured, overlaid: A's and B's points on one chart per metric.
        let rates = try #require(c.sweeps.first { $0.sweep == "lock" && $0.metric == .updatesPerSecond })
        #expect(rates.before.map(\.value) == [100, 300] && rates.after.map(\.value) == [100, 200])
        #expect(rates.after.map(\.instances) == [1, 3])
        #expect(html.contains("Completed updates/s vs instances") && html.contains("lock A") && html.contains("lock B"))
        #expect(html.contains("Lock wait p99 vs instances"))
        // With both reports, the phases both have are overlaid over time.
        var (sa, sb) = (a, b)
        for k in sa.phases.indices {
            sa.phases[k].samples = (0..<4).map { t in
                Sample(
                    t: Double(t),
                    servers: [
                        .init(
                            instance: 0, rssBytes: (40 + t) << 20, openFDs: 9, threads: 1, cpuSeconds: 0, metrics: [:])
                    ])
            }
            sb.phases[k].samples = sa.phases[k].samples
        }
        let overTime = ComparisonReport.html(c, reports: (sa, sb))
        #expect(overTime.contains("Server RSS over time, A dashed, B solid"))
        #expect(!html.contains("Over time, A dashed and B solid"))
        // Many sweeps go on several charts, four each, so the legends stay readable.
        var many = c
        many.sweeps = (0..<5).map { k in
            .init(sweep: "s\(k)", metric: .updatesPerSecond, before: rates.before, after: rates.after)
        }
        let charts = ComparisonReport.overlaidCharts(many)
        #expect(charts.count == 2 && charts[0].contains("(1 of 2)") && charts[1].contains("s4 B"))
        #expect(!charts[0].contains("s4 A") && charts[0].contains("s3 A"))
        // The same run against itself: nothing changed.
        let same = try RunComparison(a, a)
        #expect(same.flippedClaims.isEmpty && same.regressions.isEmpty && !same.figures.isEmpty)
    }

    @Test func aChangeInsideOverlappingIntervalsIsNoise() throws {
        func withInterval(_ r: RunReport, _ low: Double, _ high: Double) -> RunReport {
            var r = r
            r.phases[1].intervals = [
                "updates_per_second": ConfidenceInterval(
                    mean: r.phases[1].metrics["updates_per_second"]!, low: low, high: high, standardError: 1,
                    replicates: 5, method: .batchMeans)
            ]
            return r
        }
        let a = withInterval(Self.run(updatesAt3: 300, verdict: .fixed), 240, 360)
        let noisy = try RunComparison(a, withInterval(Self.run(updatesAt3: 250, verdict: .fixed), 200, 300))
        let key = "phase.updates_per_second[phase=lock@3]"
        #expect(noisy.figures.first { $0.metric == key }?.verdict == .pass)
        #expect(noisy.withinNoise.contains(key))
        #expect(ComparisonReport.markdown(noisy).contains("| 300 | 250 | -16.7 % | within noise |"))
        let real = try RunComparison(a, withInterval(Self.run(updatesAt3: 150, verdict: .fixed), 140, 160))
        #expect(real.figures.first { $0.metric == key }?.verdict == .regressed && real.withinNoise.isEmpty)
    }

    @Test func differentScenariosAreRefusedUnlessForced() throws {
        let a = Self.run(updatesAt3: 300, verdict: .fixed)
        let b = Self.run(updatesAt3: 300, verdict: .fixed, scenario: "other")
        #expect(throws: RunComparison.DifferentScenarios.self) { try RunComparison(a, b) }
        let forced = try RunComparison(a, b, force: true)
        #expect(ComparisonReport.markdown(forced).contains("**different scenarios**"))
    }
}
