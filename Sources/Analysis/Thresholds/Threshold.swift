/// A pass/fail condition on one metric of a report, k6 style:
///
/// ```
/// stream.first_event: p(99) < 500ms
/// errors: rate < 0.01
/// scale.efficiency[N=10] > 0.8
/// server.rss_slope_per_slow_client < 64KiB/min
/// ```
///
/// `metric [: aggregation] operator bound`; the aggregation defaults to `value`. The grammar and
/// units are in docs/gates.md. Parse with `Threshold(parsing:)`, evaluate with
/// `evaluate(against:)`.
public struct Threshold: Sendable, Equatable, CustomStringConvertible {
    /// The text as written (trimmed), used to name the threshold in tables and JUnit.
    public var expression: String
    public var metric: MetricName
    public var aggregation: Aggregation
    /// False when the expression had no `: aggregation` (so `value` was implied).
    public var aggregationIsExplicit: Bool
    public var comparison: ComparisonOperator
    public var bound: Quantity
    /// The bound as written (`500ms`), for messages.
    public var boundText: String
    /// 1-based columns of the parts, for evaluation errors.
    var metricColumn = 1
    var aggregationColumn = 1
    var boundColumn = 1

    /// Parses `text`; throws a `ThresholdError` of kind `malformed` naming the column.
    public init(parsing text: String) throws(ThresholdError) {
        var parser = ThresholdParser(text)
        self = try parser.parseThreshold()
    }

    init(
        expression: String, metric: MetricName, aggregation: Aggregation, aggregationIsExplicit: Bool,
        comparison: ComparisonOperator, bound: Quantity, boundText: String
    ) {
        self.expression = expression
        self.metric = metric
        self.aggregation = aggregation
        self.aggregationIsExplicit = aggregationIsExplicit
        self.comparison = comparison
        self.bound = bound
        self.boundText = boundText
    }

    /// `stream.first_event: p(99) < 500ms`: the threshold as written, which parses back to it.
    public var description: String {
        let agg = aggregationIsExplicit ? ": \(aggregation)" : ""
        return "\(metric)\(agg) \(comparison.rawValue) \(boundText)"
    }
}
