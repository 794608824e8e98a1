import Foundation
import Reports
import Testing

@testable import Analysis

/// `stampede gate` and `stampede baseline update` as a CI job runs them: exit codes, JUnit, files.
@Suite struct GateCommandTests {
    let cli = CLITests()

    func withReport(_ body: (String) throws -> Void) throws {
        let dir = NSTemporaryDirectory() + "stampede-gate-cli-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try ReportWriter.write(ReportGateAnalysisTests.report(thresholds: ["errors: rate < 5%"]), to: dir)
        try body(dir)
    }

    /// `stampede report DIR` keeps the recorded verdicts; `--judge-again` replaces them with what
    /// this version's evaluator says of the recorded phases.
    @Test func reportJudgesTheClaimsAgainOnlyWhenAsked() throws {
        let dir = NSTemporaryDirectory() + "stampede-judge-cli-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var report = ReportGateAnalysisTests.report()
        let claim = ClaimSpec(
            id: "tail", issue: "SCALE-001", statement: "q", metric: "lock@max.lock_wait_p99_ms",
            relation: .greaterOrEqual,
            target: 400)
        report.config.claims = [claim]
        report.claims = [ClaimResult(claim: claim, measured: nil, verdict: .inconclusive, reason: "stale")]
        try ReportWriter.write(report, to: dir)
        let kept = try cli.run(["report", dir])
        #expect(kept.status == 0 && kept.out.contains("INCONCLUSIVE"), "\(kept.out)\(kept.err)")
        let judged = try cli.run(["report", dir, "--judge-again"])
        #expect(judged.status == 0, "\(judged.err)")
        #expect(judged.out.contains("REPRODUCED") && judged.out.contains("lock_wait_p99_ms = 500"), "\(judged.out)")
        #expect(try RunReport.read(dir + "/report.json").claims.first?.verdict == .reproduced)
    }

    @Test func reportCompareWritesBothFilesAndRefusesBadInput() throws {
        let root = NSTemporaryDirectory() + "stampede-compare-cli-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: root) }
        try ReportWriter.write(RunComparisonTests.run(updatesAt3: 300, verdict: .fixed), to: root + "/a")
        try ReportWriter.write(RunComparisonTests.run(updatesAt3: 200, verdict: .reproduced), to: root + "/b")
        let r = try cli.run(["report", "--compare", root + "/a", root + "/b/report.json"])
        #expect(r.status == 0, "\(r.err)")
        #expect(r.out.contains("**1 claim changed verdict**") && r.out.contains("⚠"), "\(r.out)")
        for file in ["compare.md", "compare.html"] {
            #expect(FileManager.default.fileExists(atPath: "\(root)/b/\(file)"), "\(file)")
        }
        let one = try cli.run(["report", "--compare", root + "/a"])
        #expect(one.status == 64 && one.err.contains("--compare takes two runs"), "\(one.err)")
        try ReportWriter.write(
            RunComparisonTests.run(updatesAt3: 300, verdict: .fixed, scenario: "other"), to: root + "/c")
        let other = try cli.run(["report", "--compare", root + "/a", root + "/c"])
        #expect(other.status == 64 && other.err.contains("pass --force"), "\(other.err)")
        #expect(try cli.run(["report", "--compare", root + "/a", root + "/c", "--force"]).status == 0)
    }

    @Test func exitCodesSayPassedFailedOrError() throws {
        try withReport { dir in
            let pass = try cli.run(["gate", dir])
            #expect(pass.status == 0, "\(pass.out)\(pass.err)")
            #expect(pass.out.contains("ok   errors rate = 0.01, expected < 5%: ok"), "\(pass.out)")
            let junit = try String(contentsOfFile: dir + "/gate-junit.xml", encoding: .utf8)
            #expect(junit.contains("name=\"errors: rate &lt; 5%\""))

            let fail = try cli.run([
                "gate", dir + "/report.json", "--threshold", "phase.lock_wait_p99_ms[phase=lock@max] < 100ms",
            ])
            #expect(fail.status == 99, "\(fail.out)\(fail.err)")
            #expect(
                fail.out.contains("FAIL phase.lock_wait_p99_ms[phase=lock@max] value = 500ms, expected < 100ms"),
                "\(fail.out)")

            let typo = try cli.run([
                "gate", dir, "--threshold", "stream.first_evnt: p(99) < 1s", "--junit", dir + "/j.xml",
            ])
            #expect(typo.status == 104)
            #expect(typo.out.contains("closest known names: stream.first_event"), "\(typo.out)")
            #expect(try String(contentsOfFile: dir + "/j.xml", encoding: .utf8).contains("<error"))

            let missing = try cli.run(["gate", dir + "/nothing-here"])
            #expect(missing.status == 104 && missing.err.contains("cannot read"), "\(missing.err)")

            let badTolerance = try cli.run(["gate", dir, "--baseline", dir + "/report.json", "--tolerance", "10"])
            #expect(badTolerance.status == 64 && badTolerance.err.contains("with a % sign"), "\(badTolerance.err)")
        }
    }

    @Test func baselineUpdateWritesAFileTheGateComparesWith() throws {
        try withReport { dir in
            let file = dir + "/baselines/gate-test.json"
            let update = try cli.run(["baseline", "update", dir, "--output", file, "--tolerance", "20%"])
            #expect(update.status == 0, "\(update.err)")
            #expect(update.out.contains("wrote \(file)"))
            let baseline = try BaselineFile.read(file)
            #expect(baseline.scenario == "gate-test" && baseline.tolerance == Tolerance(fraction: 0.2))
            let same = try cli.run(["gate", dir, "--baseline", file])
            #expect(same.status == 0, "\(same.out)")
            #expect(same.out.contains("phase.updates_per_second[phase=lock@3]") && same.out.contains("pass"))

            // A slower run regresses against it.
            let slower = dir + "/slower"
            try ReportWriter.write(
                ReportGateAnalysisTests.report(updatesAt3: 200, thresholds: ["errors: rate < 5%"]), to: slower)
            let regressed = try cli.run(["gate", slower, "--baseline", file])
            #expect(regressed.status == 99, "\(regressed.out)")
            #expect(regressed.out.contains("REGRESSED"))
        }
    }

    @Test func baselineUpdateRefusesAnIncompleteRun() throws {
        let dir = NSTemporaryDirectory() + "stampede-gate-cli-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try ReportWriter.write(ReportGateAnalysisTests.report(complete: false), to: dir)
        let r = try cli.run(["baseline", "update", dir, "--output", dir + "/b.json"])
        #expect(r.status != 0 && r.err.contains("incomplete run"), "\(r.err)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/b.json"))
    }
}
