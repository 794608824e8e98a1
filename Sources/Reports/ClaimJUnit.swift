import Analysis

/// JUnit XML for a run: one testcase per claim (classname = known-issue id). `reproduced` and
/// `fixed` pass (the harness reproduced or verified what it set out to), `not reproduced` fails,
/// `inconclusive` is an error; an incomplete run adds an errored `run` case. The scenario's
/// thresholds are a second suite, one testcase each.
public enum ClaimJUnit {
    public static func report(_ report: RunReport) -> JUnitReport {
        var cases = report.claims.map { c -> JUnitReport.TestCase in
            let measured = c.measured.map(ClaimEvaluator.format) ?? "n/a"
            let detail =
                "\(c.statement)\nmetric \(c.metric) = \(measured); expected \(c.relation.rawValue) \(c.target) (\(c.kind.rawValue))"
            let outcome: JUnitReport.TestCase.Outcome
            switch c.verdict {
            case .reproduced, .fixed: outcome = .passed
            case .notReproduced: outcome = .failed(message: "not reproduced: \(c.reason)", details: detail)
            case .inconclusive: outcome = .error(message: "inconclusive: \(c.reason)", details: detail)
            }
            return JUnitReport.TestCase(
                classname: c.issue, name: "\(c.id): \(c.verdict.rawValue)", outcome: outcome, output: detail)
        }
        if !report.complete {
            cases.append(
                JUnitReport.TestCase(
                    classname: "stampede", name: "run complete",
                    outcome: .error(message: report.incompleteReason ?? "incomplete", details: "")))
        }
        var suites = [JUnitReport.Suite(name: report.scenario, timestamp: report.startedAt, cases: cases)]
        if let thresholds = report.thresholds, !thresholds.isEmpty {
            var suite = JUnitReport.Suite.thresholds(thresholds)
            suite.timestamp = report.startedAt
            suites.append(suite)
        }
        return JUnitReport(name: "stampede \(report.scenario)", suites: suites)
    }
}
