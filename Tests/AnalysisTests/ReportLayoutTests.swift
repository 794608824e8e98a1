import Foundation
import Histogram
import LoadGen
import ServerConfig
import StampedeTestSupport
import Testing

@testable import Analysis
@testable import Reports

/// report.html as Chromium lays it out at 1280 px (headless, `--dump-dom` with a measuring
/// script): nothing scrolls sideways, every chart and table fits, and the pictures are there.
@Suite(.serialized) struct ReportLayoutTests {
    /// A scale-001-shaped report: two strategies swept over 1, 2, 5, 10 instances at a hot set of
    /// 1, with samples (RSS, FDs, lock-wait buckets, updates per instance) and client histograms.
    static func sweepReport() throws -> RunReport {
        let scenario = try #require(try BuiltinCatalog.scenario(named: "scale-001"))
        var phases: [PhaseResult] = []
        for (k, strategy) in ["documented", "recommended"].enumerated() {
            for n in [1, 2, 5, 10] {
                var p = PhaseResult(
                    name: "lock-\(strategy)@\(n)", group: "lock-\(strategy)", instances: n, profile: strategy,
                    serveArguments: [], durationSeconds: 30, warmupSeconds: 5, complete: true,
                    metrics: [
                        "updates_per_second": 40 - Double(10 / n) + Double(k), "scaling_efficiency": 1 / Double(n),
                        "lock_wait_p50_ms": Double(50 * n), "lock_wait_p99_ms": Double(400 * n),
                        "machine_cpu_percent": Double(8 * n), "generator_cpu_percent": Double(3 * n),
                    ])
                p.sweep = "lock-\(strategy)"
                p.hotSet = 1
                p.samples = (0..<12).map { i in
                    Sample(
                        t: Double(i) * 2.5,
                        servers: (0..<n).map { s in
                            .init(
                                instance: s, rssBytes: (40 + s) << 20, openFDs: 60 + s, threads: 8,
                                cpuSeconds: Double(i),
                                metrics: [
                                    ServerSeries.sessionUpdatesTotal.rawValue: Double(i * (10 + s)),
                                    "\(ServerSeries.lockAcquireWaitSeconds.rawValue)_bucket{le=\"0.01\"}": Double(i),
                                    "\(ServerSeries.lockAcquireWaitSeconds.rawValue)_bucket{le=\"0.1\"}": Double(3 * i),
                                    "\(ServerSeries.lockAcquireWaitSeconds.rawValue)_bucket{le=\"1\"}": Double(5 * i),
                                    "\(ServerSeries.lockAcquireWaitSeconds.rawValue)_bucket{le=\"+Inf\"}": Double(
                                        6 * i),
                                ])
                        }, generatorRSSBytes: 50 << 20, generatorCPUSeconds: Double(i) * 0.3,
                        machineBusySeconds: Double(i) * 1.2)
                }
                var first = Histogram<UInt64>(
                    lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000,
                    numberOfSignificantValueDigits: .three)
                var gap = Histogram<UInt64>(
                    lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000,
                    numberOfSignificantValueDigits: .three)
                for v in 1...2000 {
                    _ = first.record(UInt64(v * 40 * (k + 1)))
                    _ = gap.record(UInt64(200_000 + v * 7))
                }
                p.clients = [
                    ClientGroupResult(
                        name: "updaters", clients: 10 * n, counters: LoadCounters(),
                        latency: [
                            "time_to_first_event": LatencySummary(first), "inter_event_gap": LatencySummary(gap),
                        ],
                        elapsedSeconds: 30)
                ]
                phases.append(p)
            }
        }
        var report = RunReport(
            scenario: scenario, startedAt: "2026-12-03T10:00:00Z", wallSeconds: 700, complete: true,
            incompleteReason: nil, environment: .fixture, phases: phases,
            claims: ClaimEvaluator.evaluate(scenario.claims, phases: phases))
        ScalingEfficiency.apply(to: &report.phases)
        return report
    }

    func layout(_ report: RunReport) throws -> HTMLLayout.Measure {
        let dir = NSTemporaryDirectory() + "stampede-layout-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try ReportWriter.write(report, to: dir)
        return try HTMLLayout.measure(htmlFile: dir + "/report.html")
    }

    @Test func aSweepReportFitsTheWindowAndShowsTheNewPictures() throws {
        let m = try layout(try Self.sweepReport())
        #expect(!m.overflows, "the page scrolls sideways at 1280 px")
        #expect(m.wide.isEmpty, "wider than the window: \(m.wide)")
        for title in [
            "Completed updates/s vs instances", "Machine and generator CPU vs instances",
            "Time to first event: percentile distribution", "Inter-event gap: percentile distribution",
            "Lock wait distribution per strategy", "Updates/s per instance", "Peak RSS per instance",
        ] {
            #expect(m.chartTitles.contains(title), "no chart '\(title)' in \(m.chartTitles)")
        }
        #expect(m.charts >= 12)
    }

    @Test func aCISmokeShapedReportFitsTheWindowToo() throws {
        let m = try layout(try ReportRoundTripTests.sampleReport())
        #expect(!m.overflows && m.wide.isEmpty, "\(m.wide)")
        #expect(m.chartTitles.contains("Server RSS over time"), "\(m.chartTitles)")
    }

    @Test func theCheckSeesAPageThatScrollsSideways() throws {
        let dir = NSTemporaryDirectory() + "stampede-layout-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let html =
            "<!doctype html><html><body><svg aria-label=\"too wide\" width=\"3000\" height=\"10\"></svg></body></html>"
        try html.write(toFile: dir + "/x.html", atomically: true, encoding: .utf8)
        let m = try HTMLLayout.measure(htmlFile: dir + "/x.html")
        #expect(m.overflows && m.wide == ["too wide"] && m.charts == 1)
    }
}
