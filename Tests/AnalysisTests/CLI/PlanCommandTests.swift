import Foundation
import Reports
import Testing

@testable import Analysis

/// `stampede plan` as a capacity planner runs it.
@Suite struct PlanCommandTests {
    let cli = CLITests()

    @Test func plansFromReportsOnDiskAndSaysWhereEachFigureCameFrom() throws {
        let root = NSTemporaryDirectory() + "stampede-plan-cli-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: root) }
        try ReportWriter.write(CapacityPlannerAnalysisTests.sweepReport(), to: root + "/scale-001-20261129-100000")
        try ReportWriter.write(CapacityPlannerAnalysisTests.streamsReport(), to: root + "/sse-capacity-20261129-110000")
        // The default --from: the newest run of each scenario under --reports.
        let r = try cli.run(["plan", "--target-sessions", "150", "--target-streams", "2000", "--reports", root])
        #expect(r.status == 0, "\(r.out)\(r.err)")
        #expect(r.out.contains("instances: 4 instances"), "\(r.out)")
        #expect(r.out.contains("from \(root)/scale-001-20261129-100000/report.json, sweep recommended"), "\(r.out)")
        #expect(r.out.contains("soft open-file limit per instance (ulimit -n): 1024 FDs"), "\(r.out)")
        let json = try cli.run([
            "plan", "--target-streams", "2000", "--from", root + "/sse-capacity-20261129-110000", "--json",
        ])
        #expect(json.status == 0)
        let plan = try JSONDecoder().decode(CapacityPlan.self, from: Data(json.out.utf8))
        #expect(plan.instances == 2)
        // Beyond what was measured: refused with the reason, exit 104, the rest still printed.
        let refused = try cli.run(["plan", "--target-sessions", "5000", "--target-streams", "2000", "--reports", root])
        #expect(refused.status == 104)
        #expect(
            refused.out.contains("REFUSED sessions:") && refused.out.contains("instances for streams: 2"),
            "\(refused.out)")
    }

    @Test(arguments: [
        (["plan"], "give --target-sessions"),
        (["plan", "--target-streams", "0"], "at least 1"),
        (["plan", "--target-streams", "10", "--margin", "lots"], "--margin"),
        (["plan", "--target-sessions", "10", "--session-duration", "soon"], "--session-duration"),
    ])
    func badArgumentsNameTheFlag(args: [String], fragment: String) throws {
        let r = try cli.run(args)
        #expect(r.status == 64, "\(r.err)")
        #expect(r.err.contains(fragment), "\(r.err)")
    }

    /// A search's answer sizes the fleet for streams; the streams report still gives FDs and memory.
    @Test func aSearchResultIsTheStreamsPerInstance() throws {
        let root = NSTemporaryDirectory() + "stampede-plan-search-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: root) }
        try ReportWriter.write(CapacityPlannerAnalysisTests.streamsReport(), to: root + "/sse-capacity-20261129-110000")
        var s = SLOSearch(range: 10...1000)
        s.record(
            .init(
                load: 400, passed: true, reason: "met", seconds: 20, goodput: 1, goodPerSecond: 10, streamsJudged: 100,
                errorShare: 0, firstContentP99Ms: 300, contentGapP99Ms: 50, completionP99Ms: 900, eventsPerSecond: 100,
                stoppedEarly: false))
        let file = SearchReport.file(
            s, target: "http://a:1/q,http://b:1/q", criteria: .init(slo: "ttfe<1s"), stepSeconds: 20)
        try FileManager.default.createDirectory(atPath: root + "/search", withIntermediateDirectories: true)
        try SearchReport.json(file).write(to: URL(fileURLWithPath: root + "/search/search.json"))
        let r = try cli.run([
            "plan", "--target-streams", "2000", "--search", root + "/search", "--from",
            root + "/sse-capacity-20261129-110000",
        ])
        #expect(r.status == 0, "\(r.out)\(r.err)")
        // 400 streams over 2 targets: 200 per instance → 10 instances for 2,000 streams.
        #expect(r.out.contains("instances for streams: 10 instances"), "\(r.out)")
        #expect(r.out.contains("200 streams per instance within the SLO"), "\(r.out)")
        #expect(r.out.contains("soft open-file limit per instance"), "\(r.out)")
        let alone = try cli.run([
            "plan", "--target-streams", "2000", "--search", root + "/search/search.json", "--reports", root + "/none",
        ])
        #expect(
            alone.status == 104 && alone.out.contains("instances for streams: 10 instances"), "\(alone.out)\(alone.err)"
        )
        #expect(alone.out.contains("the search gives the instance count only"), "\(alone.out)")
    }

    @Test func noReportsIsAnErrorThatSaysWhatToRun() throws {
        let r = try cli.run(["plan", "--target-streams", "10", "--reports", "/nonexistent-\(UUID().uuidString)"])
        #expect(r.status == 104)
        #expect(r.err.contains("stampede run scale-001"), "\(r.err)")
    }
}
