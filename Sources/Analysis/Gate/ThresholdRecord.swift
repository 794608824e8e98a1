/// A threshold's outcome as `report.json` keeps it: the scenario's thresholds are evaluated when
/// the report is made, so report.md, report.html and junit.xml show them without a gate run.
public struct ThresholdRecord: Sendable, Codable, Equatable {
    public var expression: String
    public var status: ThresholdResult.Status
    /// The aggregated value in canonical units (seconds, bytes, per second); nil on error.
    public var value: Double?
    /// The value as a person reads it (`612ms`); nil on error.
    public var actual: String?
    /// One line: value and bound, or why it could not be evaluated.
    public var message: String

    public init(_ result: ThresholdResult) {
        expression = result.expression
        status = result.status
        value = result.actual?.value
        actual = result.actual?.formatted
        message = result.message
    }

    /// The scenario's thresholds evaluated against the report's metrics.
    public static func evaluate(_ report: RunReport) -> [ThresholdRecord] {
        let expressions = report.config.thresholds ?? []
        guard !expressions.isEmpty else { return [] }
        return Threshold.evaluate(expressions, against: ReportMetricSource(report)).map(ThresholdRecord.init)
    }
}
