import Foundation
import LoadGen
import ServerConfig
import Testing

@testable import Analysis
@testable import Reports

@Suite struct ReportRoundTripTests {
    static func sampleReport(complete: Bool = true) throws -> RunReport {
        let scenario = try #require(try BuiltinCatalog.scenario(named: "ci-smoke"))
        var phase = PhaseResult(
            name: "lock-documented", group: "lock-documented", instances: 2, profile: "documented",
            serveArguments: ["--profile", "documented"],
            durationSeconds: 20, warmupSeconds: 4, complete: true, metrics: ["lock_wait_p99_ms": 500, "samples": 64],
            samples: [
                Sample(
                    t: 0.25,
                    servers: [
                        .init(
                            instance: 0, rssBytes: 1, openFDs: 2, threads: 3, cpuSeconds: 0.1,
                            metrics: ["m{a=\"b,c\"}": 1])
                    ])
            ])
        phase.configuration = try FleetGroup(
            name: "lock-documented", profile: "documented", flags: ["lock-timeout": "2s"]
        )
        .resolvedConfiguration(redisURL: "redis://127.0.0.1:1/0", databaseURL: "postgresql://u@127.0.0.1:2/d").settings
        phase.notMeasured = ["lost_updates": "agent-events is uniform:10-30"]
        let claims = ClaimEvaluator.evaluate(scenario.claims, phases: [phase])
        return RunReport(
            scenario: scenario, startedAt: "2026-11-25T10:00:00Z", wallSeconds: 80, complete: complete,
            incompleteReason: complete ? nil : "interrupted by SIGINT",
            environment: RunEnvironment.fixture, phases: [phase], claims: claims)
    }

    @Test func writesEveryFileAndReadsTheJSONBack() throws {
        let report = try Self.sampleReport()
        let dir = NSTemporaryDirectory() + "/stampede-report-test-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try ReportWriter.write(report, to: dir)
        let back = try RunReport.read(dir + "/report.json")
        #expect(back == report)
        #expect(back.claims.first { $0.id == "scale-001-latency" }?.verdict == .reproduced)
        #expect(back.claims.first { $0.id == "perf-004-memory" }?.verdict == .inconclusive)
        let md = try String(contentsOfFile: dir + "/report.md", encoding: .utf8)
        #expect(md.contains("| scale-001-latency | SCALE-001 |"))
        // The settings that differ from the profile, with their source; what could not be measured.
        #expect(
            md.contains("- configuration: `lock-timeout` = `2s` (scenario lock-documented.flags.lock-timeout)"), "\(md)"
        )
        #expect(!md.contains("`redis-url`"))
        #expect(md.contains("- **not measured:** `lost_updates`: agent-events is uniform:10-30"))
        #expect(back.phases[0].configuration?.first { $0.name == "redis-url" }?.source == .fleet)
        #expect(md.contains("**reproduced**"))
        let junit = try String(contentsOfFile: dir + "/junit.xml", encoding: .utf8)
        #expect(junit.contains("<testcase") && junit.contains("scale-001-latency"))
        let html = try String(contentsOfFile: dir + "/report.html", encoding: .utf8)
        #expect(html.contains("<svg") && html.contains("Server RSS over time") && !html.contains("<script"))
        #expect(html.contains("scale-001-latency"))
        let csv = try String(contentsOfFile: dir + "/timeseries.csv", encoding: .utf8)
        #expect(
            csv.hasPrefix("phase,t,instance,rss_bytes,open_fds,threads,cpu_percent,\"m{a=\"\"b,c\"\"}\",redis_clients,")
        )
        #expect(csv.contains("lock-documented,0.250,0,1,2,3,,1,,,,,\n"))
    }

    @Test func incompleteRunsSayWhy() throws {
        let report = try Self.sampleReport(complete: false)
        #expect(MarkdownReport.render(report).contains("**INCOMPLETE:** interrupted by SIGINT"))
        let junit = ClaimJUnit.report(report)
        #expect(junit.errors >= 1)
        #expect(ReportSummary.lines(report)[0].contains("INCOMPLETE (interrupted by SIGINT)"))
    }

    @Test func rejectsOtherSchemasAndNewerVersions() throws {
        let dir = NSTemporaryDirectory() + "/stampede-report-test-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for (body, fragment) in [
            ("{\"schema\": \"stampede.load-result\", \"schemaVersion\": 1}", "expected 'stampede.run-report'"),
            ("{\"schema\": \"stampede.run-report\", \"schemaVersion\": 99}", "schema version 99"),
            ("[]", "not a stampede report"),
        ] {
            try body.write(toFile: dir + "/report.json", atomically: true, encoding: .utf8)
            let error = #expect(throws: ReportReadError.self) { try RunReport.read(dir + "/report.json") }
            #expect(error?.description.contains(fragment) == true, "\(error?.description ?? "")")
        }
    }

    @Test func runDirectoriesAreUniqueAndLatestFollows() throws {
        let root = NSTemporaryDirectory() + "/stampede-report-test-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: root) }
        let date = Date(timeIntervalSince1970: 1_800_000_000)
        let a = try ReportWriter.makeRunDirectory(root: root, scenario: "ci-smoke", date: date)
        let b = try ReportWriter.makeRunDirectory(root: root, scenario: "ci-smoke", date: date)
        #expect(a.hasSuffix("/ci-smoke-20270115-080000"))
        #expect(b.hasSuffix("-2"))
        // The scenario can be read back from the names, `-N` or not.
        for dir in [a, b] {
            #expect(ReportWriter.scenario(ofRunDirectory: URL(fileURLWithPath: dir).lastPathComponent) == "ci-smoke")
        }
        #expect(ReportWriter.scenario(ofRunDirectory: "latest") == nil)
        #expect(ReportWriter.scenario(ofRunDirectory: "my-copy") == nil)
        ReportWriter.linkLatest(root: root, to: b)
        #expect(
            try FileManager.default.destinationOfSymbolicLink(atPath: root + "/latest") == "ci-smoke-20270115-080000-2")
    }

    @Test func chartsScaleAndEscape() {
        #expect(SVGLineChart.niceCeiling(0.7) == 1)
        #expect(SVGLineChart.niceCeiling(1_234) == 2_000)
        #expect(SVGLineChart.niceCeiling(240) == 250)
        let svg = SVGLineChart(
            title: "a<b", xLabel: "x", yLabel: "y", series: [.init(name: "s&t", points: [(0, 1), (1, 3)])]
        ).render()
        #expect(svg.hasPrefix("<svg") && svg.contains("a&lt;b") && svg.contains("s&amp;t") && svg.contains("<polyline"))
        #expect(SVGLineChart(title: "none", xLabel: "x", yLabel: "y", series: []).render().contains("no data"))
    }

    @Test func theFDChartDrawsTheLimitOnlyWhenItIsNearTheFDsUsed() throws {
        var report = try Self.sampleReport()
        report.phases[0].metrics["fds_max"] = 1000
        report.phases[0].metrics["fd_limit"] = 1024
        #expect(HTMLCharts.fdLimitLine(report)?.y == 1024)
        #expect(HTMLReport.render(report).contains("soft limit 1024"))
        report.phases[0].metrics["fds_max"] = 50
        report.phases[0].metrics["fd_limit"] = 20000
        #expect(HTMLCharts.fdLimitLine(report) == nil)
    }
}
