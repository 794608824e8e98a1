import Foundation
import Orchestration
import Reports
import StampedeTestSupport
import Testing

@testable import Analysis

/// The `ci-smoke` built-in end to end on real services: every phase completes, the claims get
/// decisive verdicts, the report files are written, and it stays under 3 minutes.
extension RealServicesTests {
    @Suite struct CISmokeEndToEndTests {
        @Test(.timeLimit(.minutes(4))) func ciSmokeCompletesWithVerdicts() async throws {
            let scenario = try #require(try BuiltinCatalog.scenario(named: "ci-smoke"))
            let started = Date()
            let report = await ScenarioRunner(
                scenario: scenario, options: .init(executable: LifecycleSupport.stampedeBinary)
            ).run()
            let wall = Date().timeIntervalSince(started)
            #expect(wall < 180, "ci-smoke took \(Int(wall)) s")
            #expect(report.complete, "\(report.incompleteReason ?? "")")
            #expect(report.phases.count == scenario.phases.count)
            for claim in report.claims {
                #expect(claim.verdict != .inconclusive, "\(claim.id): \(claim.reason)")
                #expect(claim.measured != nil)
            }
            let byID = Dictionary(uniqueKeysWithValues: report.claims.map { ($0.id, $0.verdict) })
            #expect(byID["perf-004-memory"] == .reproduced)
            #expect(byID["perf-004-fix-buffer"] == .fixed)
            // Every threshold names a metric the report has; the ones about correctness hold.
            let thresholds = try #require(report.thresholds)
            #expect(thresholds.count == scenario.thresholds?.count)
            for t in thresholds {
                #expect(t.status != .error, "\(t.message)")
                if t.expression.contains("lost_") { #expect(t.status == .passed, "\(t.message)") }
            }
            let dir = NSTemporaryDirectory() + "/stampede-ci-smoke-\(UUID().uuidString)"
            defer { try? FileManager.default.removeItem(atPath: dir) }
            try ReportWriter.write(report, to: dir)
            for file in [
                "report.json", "report.md", "junit.xml", "timeseries.csv", "slow-unbounded.fast.inter_event_gap.hgrm",
            ] {
                #expect(FileManager.default.fileExists(atPath: "\(dir)/\(file)"), "\(file) missing")
            }
            // The real ci-smoke report.html, laid out by headless Chromium at 1280 px.
            let layout = try HTMLLayout.measure(htmlFile: "\(dir)/report.html")
            #expect(!layout.overflows && layout.wide.isEmpty, "wider than the window: \(layout.wide)")
            for title in [
                "Machine and generator CPU over time", "Time to first event: percentile distribution",
                "Lock wait distribution per strategy", "Updates/s per instance", "Server RSS over time",
            ] {
                #expect(layout.chartTitles.contains(title), "no chart '\(title)' in \(layout.chartTitles)")
            }
        }
    }
}
