import Analysis
import Foundation

/// The few lines a run prints at the end: one per claim, and the run's state.
public enum ReportSummary {
    public static func lines(_ r: RunReport) -> [String] {
        var out = [
            "\(r.scenario): \(r.complete ? "complete" : "INCOMPLETE (\(r.incompleteReason ?? "?"))") in \(Int(r.wallSeconds.rounded())) s"
        ]
        if let t = r.externalTarget {
            out.append(
                "  external target \(t.targets.joined(separator: ", ")): \(t.notMeasured.count) kind(s) of figure not measured there (report.md lists them)"
            )
        }
        for c in r.claims {
            let measured = c.measured.map(ClaimEvaluator.format) ?? "n/a"
            out.append(
                "  \(c.verdict.rawValue.uppercased().padding(toLength: 15, withPad: " ", startingAt: 0)) \(c.id): \(c.metric) = \(measured) (\(c.reason))"
            )
        }
        for t in r.thresholds ?? [] {
            let label =
                t.status == .passed ? "THRESHOLD OK" : t.status == .failed ? "THRESHOLD FAIL" : "THRESHOLD ERROR"
            out.append("  \(label.padding(toLength: 15, withPad: " ", startingAt: 0)) \(t.message)")
        }
        return out
    }
}
