import Foundation
import LoadGen

/// `stampede gate` and `stampede run --gate`: a report's thresholds (the scenario's and the
/// command line's) and, with a baseline, its key figures against the baseline's. Pure: a report
/// and a baseline in, results, an exit code, a table and JUnit out.
public struct Gate: Sendable {
    /// What was checked and how it went.
    public struct Outcome: Sendable {
        public var thresholds: [ThresholdResult]
        public var baseline: [BaselineComparison.Row]
        /// Reasons the gate could not check what it should: an incomplete run, nothing to check.
        public var problems: [String]

        public var exitCode: GateExitCode {
            problems.isEmpty ? GateExitCode(thresholds: thresholds, baseline: baseline) : .error
        }
    }

    /// Threshold expressions to evaluate besides the scenario's own.
    public var extraThresholds: [String]
    public var baseline: BaselineFile?
    /// Overrides the baseline file's tolerance when given; otherwise its, else 10 %.
    public var tolerance: Tolerance?

    public init(extraThresholds: [String] = [], baseline: BaselineFile? = nil, tolerance: Tolerance? = nil) {
        self.extraThresholds = extraThresholds
        self.baseline = baseline
        self.tolerance = tolerance
    }

    public func evaluate(_ report: RunReport) -> Outcome {
        let source = ReportMetricSource(report)
        let expressions = (report.config.thresholds ?? []) + extraThresholds
        var problems: [String] = []
        if !report.complete {
            problems.append(
                "the run is incomplete (\(report.incompleteReason ?? "unknown reason")): its numbers cannot pass a gate"
            )
        }
        if expressions.isEmpty && baseline == nil {
            problems.append(
                "nothing to check: the scenario has no thresholds and no baseline was given; pass --threshold EXPR or --baseline FILE"
            )
        }
        var rows: [BaselineComparison.Row] = []
        if let baseline {
            if baseline.scenario != report.scenario {
                problems.append("the baseline is of scenario \(baseline.scenario), the report of \(report.scenario)")
            }
            var current: [String: Double] = [:]
            for figure in baseline.figures {
                current[figure.metric] = KeyFigures.value(of: figure.metric, in: source)
            }
            let comparison = BaselineComparison(
                rules: baseline.rules, tolerance: tolerance ?? baseline.tolerance ?? .default)
            rows = comparison.compare(baseline: baseline.values, current: current)
        }
        return Outcome(thresholds: Threshold.evaluate(expressions, against: source), baseline: rows, problems: problems)
    }

    /// A `stampede load` or `stampede merge` result against the extra thresholds: its metrics are
    /// a report's load-generator ones (`stream.first_event`, `errors`, ...), with no labels or as
    /// `[phase=load]` / `[clients=clients,phase=load]`. Baselines compare scenario reports only.
    public func evaluate(load result: LoadResult) -> Outcome {
        let phase = PhaseResult(
            name: "load", group: "load", instances: 1, profile: "external", serveArguments: [],
            durationSeconds: result.settings.durationSeconds, warmupSeconds: 0,
            startedAtUnixSeconds: result.startedAtUnixSeconds, wallSeconds: result.elapsedSeconds,
            complete: !result.stoppedEarly, clients: [ClientGroupResult(name: "clients", results: [result])])
        let source = ReportMetricSource(phases: [phase], specs: [])
        var problems: [String] = []
        if result.stoppedEarly {
            problems.append(
                "the run stopped early (after \(String(format: "%.1f", result.elapsedSeconds)) s): its numbers cannot pass a gate"
            )
        }
        if result.shard != nil {
            problems.append(
                "this is one shard's result: merge every shard first (`stampede merge`) and gate the merged result once"
            )
        }
        if extraThresholds.isEmpty {
            problems.append("nothing to check: a load result has no scenario thresholds; pass --threshold EXPR")
        }
        if baseline != nil {
            problems.append("--baseline compares scenario reports; a load result has no key figures to compare")
        }
        return Outcome(
            thresholds: Threshold.evaluate(extraThresholds, against: source), baseline: [], problems: problems)
    }
}

extension Gate.Outcome {
    /// What a terminal or CI log shows: thresholds, baseline table, problems, verdict.
    public var text: String { text(listingThresholds: true) }

    /// The same; `listingThresholds: false` leaves out the threshold lines (after `stampede run`,
    /// whose summary has just listed them).
    public func text(listingThresholds: Bool) -> String {
        var out = ""
        if listingThresholds && !thresholds.isEmpty {
            out += "thresholds:\n"
            for r in thresholds {
                let mark = r.status == .passed ? "ok  " : r.status == .failed ? "FAIL" : "ERR "
                out +=
                    "  \(mark) \(r.status == .error ? (r.error?.description ?? r.message).replacingOccurrences(of: "\n", with: "\n       ") : r.message)\n"
            }
        }
        if !baseline.isEmpty {
            out += "baseline:\n"
            out +=
                BaselineComparison.table(baseline).split(separator: "\n").map { "  " + $0 }.joined(separator: "\n")
                + "\n"
        }
        for p in problems { out += "error: \(p)\n" }
        out += "gate: \(exitCode) (exit \(exitCode.rawValue))\n"
        return out
    }

    /// JUnit: a suite of thresholds, one of baseline figures, and an errored case per problem.
    public func junit(name: String, timestamp: String?) -> JUnitReport {
        var suites: [JUnitReport.Suite] = []
        if !thresholds.isEmpty { suites.append(.thresholds(thresholds)) }
        if !baseline.isEmpty { suites.append(.baseline(baseline)) }
        if !problems.isEmpty {
            suites.append(
                JUnitReport.Suite(
                    name: "gate",
                    cases: problems.map {
                        JUnitReport.TestCase(
                            classname: "stampede.gate", name: "gate can be evaluated",
                            outcome: .error(message: $0, details: $0))
                    }))
        }
        for i in suites.indices { suites[i].timestamp = timestamp }
        return JUnitReport(name: name, suites: suites)
    }
}
