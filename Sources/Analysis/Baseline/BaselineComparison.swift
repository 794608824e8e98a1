/// Compares a run's metrics with a baseline's, metric by metric, each with a direction and a
/// tolerance. Pure: two maps of numbers in, one row per rule out.
///
/// change = (now − baseline) / |baseline|. With a tolerance t, a lower-is-better metric
/// regressed when change > t and improved when change < −t (mirrored for higher-is-better);
/// otherwise it passes. A baseline of 0 makes any move the wrong way a regression. A metric
/// missing from either side, or not a finite number, is an `error` (never a pass).
public struct BaselineComparison: Sendable {
    /// One metric to compare.
    public struct Rule: Sendable, Equatable, Codable {
        public var metric: String
        public var direction: MetricDirection
        /// Overrides the comparison's tolerance for this metric.
        public var tolerance: Tolerance?

        public init(_ metric: String, _ direction: MetricDirection, tolerance: Tolerance? = nil) {
            self.metric = metric
            self.direction = direction
            self.tolerance = tolerance
        }
    }

    public enum Verdict: String, Sendable, Codable, Equatable {
        case pass, regressed, improved, error
    }

    /// One line of the table: metric, baseline, now, change, verdict.
    public struct Row: Sendable, Equatable, Codable {
        public var metric: String
        public var direction: MetricDirection
        public var tolerance: Tolerance
        public var baseline: Double?
        public var current: Double?
        /// Relative change; nil when it is undefined (a side is missing, or the baseline is 0).
        public var change: Double?
        public var verdict: Verdict
        /// A sentence saying what happened.
        public var message: String
    }

    public var rules: [Rule]
    public var tolerance: Tolerance

    public init(rules: [Rule], tolerance: Tolerance = .default) {
        self.rules = rules
        self.tolerance = tolerance
    }

    public func compare(baseline: [String: Double], current: [String: Double]) -> [Row] {
        rules.map { compare($0, baseline: baseline[$0.metric], current: current[$0.metric]) }
    }

    func compare(_ rule: Rule, baseline: Double?, current: Double?) -> Row {
        let tolerance = rule.tolerance ?? self.tolerance
        var row = Row(
            metric: rule.metric, direction: rule.direction, tolerance: tolerance, baseline: baseline, current: current,
            change: nil, verdict: .error, message: ""
        )
        guard let base = baseline else {
            row.message =
                "\(rule.metric): the baseline has no value for it; update the baseline "
                + "(stampede baseline update) or drop the rule"
            return row
        }
        guard base.isFinite else {
            row.message = "\(rule.metric): the baseline value \(base) is not a finite number; update the baseline"
            return row
        }
        guard let now = current else {
            row.message =
                "\(rule.metric): this run has no value for it; check the metric name or that the scenario measures it"
            return row
        }
        guard now.isFinite else {
            row.message = "\(rule.metric): this run's value \(now) is not a finite number"
            return row
        }
        // Signed so that positive means "worse".
        let worse: Double
        if base == 0 {
            worse = now == 0 ? 0 : (rule.direction == .lowerIsBetter ? now : -now) > 0 ? .infinity : -.infinity
            row.change = now == 0 ? 0 : nil
        } else {
            let change = (now - base) / abs(base)
            row.change = change
            worse = rule.direction == .lowerIsBetter ? change : -change
        }
        // A hair of slack so 10 % written as 0.1 is not beaten by binary rounding.
        let slack = 1e-12
        row.verdict =
            worse > tolerance.fraction + slack ? .regressed : worse < -tolerance.fraction - slack ? .improved : .pass
        let changeText = row.change.map { ($0 >= 0 ? "+" : "") + Quantity.number($0 * 100) + "%" } ?? "from 0"
        row.message =
            "\(rule.metric): \(Quantity.number(base)) → \(Quantity.number(now)) (\(changeText)), "
            + "\(rule.direction.phrase), tolerance \(tolerance): \(row.verdict.rawValue)"
        return row
    }
}
