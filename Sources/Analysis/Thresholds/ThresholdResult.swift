/// The outcome of one threshold: passed, failed (with the measured value), or an error (the
/// threshold could not be evaluated, which fails the gate as an error).
public struct ThresholdResult: Sendable, Equatable {
    public enum Status: String, Sendable, Codable, Equatable {
        case passed, failed, error
    }

    /// The threshold as written.
    public var expression: String
    /// Nil when the expression did not parse.
    public var threshold: Threshold?
    public var status: Status
    /// The aggregated metric value; nil on error.
    public var actual: Quantity?
    public var error: ThresholdError?

    public static func passed(_ t: Threshold, actual: Quantity) -> Self {
        Self(expression: t.expression, threshold: t, status: .passed, actual: actual, error: nil)
    }

    public static func failed(_ t: Threshold, actual: Quantity) -> Self {
        Self(expression: t.expression, threshold: t, status: .failed, actual: actual, error: nil)
    }

    public static func error(_ e: ThresholdError, threshold: Threshold? = nil) -> Self {
        Self(expression: e.expression, threshold: threshold, status: .error, actual: nil, error: e)
    }

    /// One line for a table or a JUnit message:
    /// `stream.first_event p(99) = 612ms, expected < 500ms`.
    public var message: String {
        if let error { return error.summary }
        guard let threshold, let actual else { return expression }
        let verdict = status == .passed ? "ok" : "FAILED"
        return "\(threshold.metric) \(threshold.aggregation) = \(actual.formatted), expected "
            + "\(threshold.comparison.rawValue) \(threshold.boundText): \(verdict)"
    }
}
