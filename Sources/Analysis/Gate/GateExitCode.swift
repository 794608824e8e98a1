/// The process exit status of `stampede gate`, `stampede run --gate` and `stampede usl`
/// (documented in docs/gates.md). CI scripts may rely on these numbers.
///
/// | code | meaning |
/// | --- | --- |
/// | 0 | every threshold passed and no metric regressed against the baseline |
/// | 99 | at least one threshold failed or one metric regressed (k6's `ThresholdsHaveFailed`) |
/// | 104 | the gate could not be evaluated: malformed threshold, unknown metric, unit mismatch, metric with no data, missing baseline value, unreadable input (k6's `InvalidConfig`) |
///
/// An error outranks a failure: a gate that could not check everything did not pass, and the
/// reason is a broken configuration, not a slower build. Command-line usage errors caught by the
/// argument parser exit 64 (`EX_USAGE`) before any of this runs.
public enum GateExitCode: Int32, Sendable, Codable, CaseIterable, CustomStringConvertible {
    case passed = 0
    case failed = 99
    case error = 104

    /// The exit code for a set of threshold results and baseline rows.
    public init(thresholds: [ThresholdResult], baseline: [BaselineComparison.Row] = []) {
        if thresholds.contains(where: { $0.status == .error }) || baseline.contains(where: { $0.verdict == .error }) {
            self = .error
        } else if thresholds.contains(where: { $0.status == .failed })
            || baseline.contains(where: { $0.verdict == .regressed })
        {
            self = .failed
        } else {
            self = .passed
        }
    }

    public var description: String {
        switch self {
        case .passed: "passed"
        case .failed: "failed: a threshold failed or a metric regressed"
        case .error: "error: the gate could not be evaluated"
        }
    }
}
