import Foundation
import Histogram
import LoadGen
import Reports
import Testing

@testable import Analysis

#if canImport(FoundationXML)
import FoundationXML
#endif

/// Thresholds, key figures, baselines and the gate over a hand-built run report.
@Suite struct ReportGateAnalysisTests {
    /// A histogram of microsecond samples: `(value, count)`.
    static func latency(_ samples: [(UInt64, UInt64)]) -> LatencySummary {
        var h = Histogram<UInt64>(
            lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: .three)
        for (v, n) in samples { _ = h.record(v, count: n) }
        return LatencySummary(h)
    }

    static func clients(
        _ name: String, started: Int, failed: Int, firstEvent: [(UInt64, UInt64)], elapsed: Double = 10
    ) -> ClientGroupResult {
        var c = ClientGroupResult(name: name, results: [])
        c.counters.started = started
        c.counters.failed = failed
        c.counters.succeeded = started - failed
        c.counters.events = started * 3
        c.latency = [LatencyMetric.timeToFirstEvent.rawValue: latency(firstEvent)]
        c.elapsedSeconds = elapsed
        return c
    }

    /// Two sweep points of `lock` (1 and 3 instances) and a slow-client phase `slow`.
    static func report(
        updatesAt3: Double = 300, complete: Bool = true, thresholds: [String]? = nil, scenarioName: String = "gate-test"
    ) -> RunReport {
        var slowSpec = PhaseSpec(
            name: "slow", group: "g", clients: [ClientSpec(name: "slowpokes", count: 8, mix: "fast:1,slow:1")])
        slowSpec.instances = 1
        let scenario = Scenario(name: scenarioName, phases: [slowSpec], thresholds: thresholds)
        var p1 = PhaseResult(
            name: "lock@1", group: "g", instances: 1, profile: "documented", serveArguments: [], durationSeconds: 10,
            warmupSeconds: 2,
            complete: true,
            metrics: ["updates_per_second": 100, "scaling_efficiency": 1, "lock_wait_p99_ms": 20, "samples": 40],
            clients: [clients("updaters", started: 100, failed: 0, firstEvent: [(1000, 99), (1_000_000, 1)])])
        p1.sweep = "lock"
        var p3 = PhaseResult(
            name: "lock@3", group: "g", instances: 3, profile: "documented", serveArguments: [], durationSeconds: 10,
            warmupSeconds: 2,
            complete: true,
            metrics: [
                "updates_per_second": updatesAt3, "scaling_efficiency": updatesAt3 / 300, "lock_wait_p99_ms": 500,
                "samples": 40,
            ],
            clients: [clients("updaters", started: 100, failed: 2, firstEvent: [(2000, 100)])])
        p3.sweep = "lock"
        let slow = PhaseResult(
            name: "slow", group: "g", instances: 1, profile: "upstream", serveArguments: [], durationSeconds: 10,
            warmupSeconds: 2,
            complete: true,
            metrics: ["rss_slope_mb_per_s": 0.5, "generator_cpu_percent": 45, "slowpokes.gap_p99_ms": 250])
        return RunReport(
            scenario: scenario, startedAt: "2026-11-29T10:00:00Z", wallSeconds: 40, complete: complete,
            incompleteReason: complete ? nil : "interrupted by SIGINT",
            environment: RunEnvironment.fixture, phases: [p1, p3, slow], claims: [])
    }

    func evaluate(_ expression: String, _ report: RunReport = report()) throws -> ThresholdResult {
        try Threshold(parsing: expression).evaluate(against: ReportMetricSource(report))
    }

    @Test func phaseMetricsAreGaugesInCanonicalUnits() throws {
        #expect(try evaluate("phase.lock_wait_p99_ms[phase=lock@3] < 400ms").status == .failed)
        #expect(try evaluate("phase.lock_wait_p99_ms[phase=lock@3] < 0.6s").status == .passed)
        #expect(try evaluate("phase.lock_wait_p99_ms[phase=lock@3] < 600").error?.kind == .unitMismatch)
        #expect(try evaluate("phase.updates_per_second[phase=lock@1] >= 100/s").status == .passed)
        #expect(try evaluate("phase.generator_cpu_percent[phase=slow] < 50%").status == .passed)
        #expect(try evaluate("phase.generator_cpu_percent[phase=slow] < 40%").status == .failed)
        #expect(try evaluate("phase.gap_p99_ms[clients=slowpokes,phase=slow] == 250ms").status == .passed)
    }

    @Test func sweepsHaveScaleMetricsAndMaxMinAliases() throws {
        #expect(try evaluate("scale.efficiency[N=3,sweep=lock] == 1").status == .passed)
        #expect(try evaluate("scale.throughput[sweep=lock,N=1] == 100/s").status == .passed)
        #expect(try evaluate("phase.lock_wait_p99_ms[phase=lock@max] == 500ms").status == .passed)
        #expect(try evaluate("phase.lock_wait_p99_ms[phase=lock@min] == 20ms").status == .passed)
        let unknown = try evaluate("scale.efficiency[N=10,sweep=lock] > 0.8")
        #expect(unknown.status == .error && unknown.error?.kind == .unknownMetric)
        #expect(unknown.error?.suggestions.contains { $0.hasPrefix("scale.efficiency[") } == true)
    }

    @Test func distributionsMergeHistogramsAcrossPhasesAndGroups() throws {
        // 199 of 200 samples are at most 2 ms: the merged p(99) is 2 ms, whatever one phase's p(99) was.
        #expect(try evaluate("stream.first_event: p(99) <= 2.01ms").status == .passed)
        #expect(try evaluate("stream.first_event: max >= 1s").status == .passed)
        #expect(try evaluate("stream.first_event[phase=lock@3]: max <= 2.01ms").status == .passed)
        #expect(try evaluate("stream.first_event[clients=updaters,phase=lock@1]: count == 100").status == .passed)
        #expect(try evaluate("stream.first_event < 1s").error?.kind == .unsupportedAggregation)
    }

    @Test func errorsAreARatioOfStartedRequestsAndCountersHaveRates() throws {
        #expect(try evaluate("errors: rate == 1%").status == .passed)  // 2 of 200
        #expect(try evaluate("errors[phase=lock@3]: rate < 2%").status == .failed)  // 2 of 100
        #expect(try evaluate("errors: count == 2").status == .passed)
        // 200 requests over 20 s of load (two phases of 10 s one after the other).
        #expect(try evaluate("requests: rate == 10/s").status == .passed)
    }

    @Test func rssSlopeIsDividedBySlowClients() throws {
        // 0.5 MiB/s over 4 slow clients (8 clients, half slow) = 128 KiB/s = 7.5 MiB/min.
        #expect(try evaluate("server.rss_slope_per_slow_client[phase=slow] == 128KiB/s").status == .passed)
        #expect(try evaluate("server.rss_slope_per_slow_client[phase=slow] < 64KiB/min").status == .failed)
        #expect(try evaluate("server.rss_slope_per_slow_client[phase=lock@1] < 1MiB/s").error?.kind == .unknownMetric)
    }

    @Test func scenarioThresholdsAreEvaluatedIntoTheReport() throws {
        let r = Self.report(thresholds: [
            "errors: rate < 5%", "phase.lock_wait_p99_ms[phase=lock@3] < 100ms", "stream.first_evnt: p(99) < 1s",
        ])
        let records = try #require(r.thresholds)
        #expect(records.map(\.status) == [.passed, .failed, .error])
        #expect(records[1].actual == "500ms")
        #expect(records[2].message.contains("stream.first_event"))
        #expect(MarkdownReport.render(r).contains("## Thresholds"))
        #expect(ClaimJUnit.report(r).suites.last?.failures == 1)
        #expect(ClaimJUnit.report(r).suites.last?.errors == 1)
        #expect(Self.report().thresholds == nil)
    }

    @Test func keyFiguresHaveDirectionsAndSkipAliasesAndCounts() {
        let figures = Dictionary(uniqueKeysWithValues: KeyFigures.figures(of: Self.report()).map { ($0.key, $0) })
        #expect(figures["phase.updates_per_second[phase=lock@3]"]?.direction == .higherIsBetter)
        #expect(figures["phase.scaling_efficiency[phase=lock@3]"]?.direction == .higherIsBetter)
        #expect(figures["phase.lock_wait_p99_ms[phase=lock@3]"]?.direction == .lowerIsBetter)
        #expect(figures["phase.lock_wait_p99_ms[phase=lock@3]"]?.value == 0.5)
        #expect(figures["stream.first_event: p(99)"]?.direction == .lowerIsBetter)
        #expect(figures["errors: rate"]?.value == 0.01)
        #expect(figures["server.rss_slope_per_slow_client[phase=slow]"]?.direction == .lowerIsBetter)
        #expect(figures["phase.samples[phase=lock@3]"] == nil)
        #expect(!figures.keys.contains { $0.contains("@max") || $0.contains("@min") })
    }

    @Test func gatePassesAgainstItsOwnBaselineAndCatchesARegression() throws {
        let baseline = BaselineFile(report: Self.report())
        let same = Gate(baseline: baseline).evaluate(Self.report())
        #expect(same.exitCode == .passed)
        #expect(same.baseline.allSatisfy { $0.verdict == .pass })
        // 20 % fewer updates at 3 instances: throughput and efficiency regress.
        let slower = Gate(baseline: baseline).evaluate(Self.report(updatesAt3: 240))
        #expect(slower.exitCode == .failed)
        #expect(
            Set(slower.baseline.filter { $0.verdict == .regressed }.map(\.metric))
                == ["phase.updates_per_second[phase=lock@3]", "phase.scaling_efficiency[phase=lock@3]"])
        // ... unless the tolerance allows it.
        #expect(
            Gate(baseline: baseline, tolerance: Tolerance(fraction: 0.25)).evaluate(Self.report(updatesAt3: 240))
                .exitCode == .passed)
        let junit = slower.junit(name: "stampede gate", timestamp: "2026-11-29T10:00:00Z")
        #expect(junit.failures == 2 && junit.errors == 0)
        // What the gate writes follows the junit-4 schema CI systems read, problems suite included.
        let broken = Gate(extraThresholds: ["error: rate < 1%"], baseline: baseline).evaluate(
            Self.report(complete: false))
        for report in [junit, broken.junit(name: "stampede gate", timestamp: nil)] {
            let root = try #require(try XMLDocument(xmlString: report.xml(), options: []).rootElement())
            #expect(JUnitSchema.violations(of: root).isEmpty, "\(JUnitSchema.violations(of: root))")
        }
        #expect(broken.junit(name: "g", timestamp: nil).errors >= 2)
    }

    @Test func gateErrorsWhenItCannotCheck() {
        #expect(Gate().evaluate(Self.report()).exitCode == .error)  // nothing to check
        #expect(Gate().evaluate(Self.report()).problems.first?.contains("nothing to check") == true)
        #expect(Gate(extraThresholds: ["errors: rate < 5%"]).evaluate(Self.report()).exitCode == .passed)
        #expect(Gate(extraThresholds: ["errors: rate < 5%"]).evaluate(Self.report(complete: false)).exitCode == .error)
        #expect(Gate(extraThresholds: ["error: rate < 5%"]).evaluate(Self.report()).exitCode == .error)
        // A baseline figure this run does not have is an error, never a pass.
        var baseline = BaselineFile(report: Self.report())
        baseline.figures.append(
            .init(metric: "phase.updates_per_second[phase=lock@10]", value: 900, direction: .higherIsBetter))
        let outcome = Gate(baseline: baseline).evaluate(Self.report())
        #expect(outcome.exitCode == .error)
        #expect(outcome.baseline.last?.verdict == .error)
        // A baseline of another scenario.
        #expect(
            Gate(baseline: BaselineFile(report: Self.report(scenarioName: "other"))).evaluate(Self.report()).exitCode
                == .error)
    }

    @Test func baselineFilesRoundTripAndReportsServeAsBaselines() throws {
        let dir = NSTemporaryDirectory() + "stampede-baseline-test-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var baseline = BaselineFile(report: Self.report(), tolerance: try Tolerance(parsing: "15%"))
        baseline.figures[0].tolerance = try Tolerance(parsing: "50%")
        let data = try baseline.encoded()
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains("\"tolerance\" : \"15%\"") && text.contains("\"schema\" : \"stampede.baseline\""))
        try data.write(to: URL(fileURLWithPath: dir + "/b.json"))
        #expect(try BaselineFile.read(dir + "/b.json") == baseline)
        try ReportWriter.write(Self.report(), to: dir)
        #expect(try BaselineFile.read(dir + "/report.json").figures == BaselineFile(report: Self.report()).figures)
        try "{\"schema\": \"stampede.baseline\", \"schemaVersion\": 7}".write(
            toFile: dir + "/new.json", atomically: true, encoding: .utf8)
        #expect(throws: ReportReadError.self) { try BaselineFile.read(dir + "/new.json") }
        try "{\"schema\": \"something\"}".write(toFile: dir + "/x.json", atomically: true, encoding: .utf8)
        #expect(throws: ReportReadError.self) { try BaselineFile.read(dir + "/x.json") }
        #expect(throws: ReportReadError.self) { try BaselineFile.read(dir + "/missing.json") }
    }

    static func scenarioYAML(thresholds: [String]) -> String {
        """
        name: t
        groups: [{name: g}]
        phases: [{name: p, group: g, clients: [{name: c, count: 1}]}]
        thresholds:

        """ + thresholds.map { "  - \"\($0)\"\n" }.joined()
    }

    @Test func scenarioFilesCheckThresholdsWhenLoaded() throws {
        let yaml = Self.scenarioYAML(thresholds: [
            "errors: rate < 1%", "stream.first_event: p(99) <", "stream.first_evnt: p(99) < 1s",
        ])
        let error = #expect(throws: ScenarioError.self) { try ScenarioLoader.load(yaml: yaml, source: "t.yaml") }
        let text = error?.description ?? ""
        #expect(text.contains("line 6") && text.contains("thresholds[1]"), "\(text)")
        #expect(text.contains("thresholds[2]") && text.contains("closest known names: stream.first_event"), "\(text)")
        #expect(!text.contains("thresholds[0]"))
        let ok = try ScenarioLoader.load(yaml: Self.scenarioYAML(thresholds: ["errors: rate < 1%"]), source: "t.yaml")
        #expect(ok.thresholds == ["errors: rate < 1%"])
    }
}
