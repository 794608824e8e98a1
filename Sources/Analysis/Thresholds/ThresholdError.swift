/// Why a threshold could not be evaluated. Always an error, never a pass: a misspelled metric
/// must fail the gate (k6 #1526 is the counter-example).
///
/// The description names the expression and the column, points at it, and for an unknown metric
/// lists the closest known names:
///
/// ```
/// threshold "stream.first_evnt: p(99) < 500ms", column 1: unknown metric "stream.first_evnt"; closest known names: stream.first_event, stream.duration
///     stream.first_evnt: p(99) < 500ms
///     ^
/// ```
public struct ThresholdError: Error, CustomStringConvertible, Equatable, Sendable {
    public enum Kind: String, Sendable, Equatable, Codable {
        /// The text does not follow the grammar (see docs/gates.md).
        case malformed
        /// The metric is not in the report.
        case unknownMetric
        /// The aggregation does not apply to this kind of metric.
        case unsupportedAggregation
        /// The bound's unit measures something else than the metric.
        case unitMismatch
        /// The metric has no samples (or no duration for a per-second rate).
        case noData
    }

    public var kind: Kind
    /// The threshold as written.
    public var expression: String
    /// 1-based column (in characters) the problem starts at.
    public var column: Int
    public var message: String
    /// For `unknownMetric`: the closest names the source knows.
    public var suggestions: [String]

    public init(_ kind: Kind, expression: String, column: Int, message: String, suggestions: [String] = []) {
        self.kind = kind
        self.expression = expression
        self.column = column
        self.message = message
        self.suggestions = suggestions
    }

    /// One line: expression, column and problem.
    public var summary: String {
        var s = "threshold \"\(expression)\", column \(column): \(message)"
        if !suggestions.isEmpty { s += "; closest known names: " + suggestions.joined(separator: ", ") }
        return s
    }

    public var description: String {
        let caret = String(repeating: " ", count: max(0, column - 1)) + "^"
        return summary + "\n    " + expression + "\n    " + caret
    }
}
