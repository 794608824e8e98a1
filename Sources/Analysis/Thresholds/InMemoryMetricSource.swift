/// A `MetricSource` over a dictionary. Keys are metric names as written in thresholds
/// (`scale.efficiency[N=10]`); labels may come in any order.
public struct InMemoryMetricSource: MetricSource, Sendable {
    public private(set) var metrics: [MetricName: MetricValue] = [:]

    /// Keys that do not parse as metric names are a programming error and trap.
    public init(_ metrics: [String: MetricValue] = [:]) {
        for (key, value) in metrics {
            guard let name = MetricName(parsing: key) else { preconditionFailure("\"\(key)\" is not a metric name") }
            self.metrics[name] = value
        }
    }

    public subscript(name: MetricName) -> MetricValue? {
        get { metrics[name] }
        set { metrics[name] = newValue }
    }

    public func metric(named name: MetricName) -> MetricValue? { metrics[name] }

    public var metricNames: [MetricName] { metrics.keys.sorted() }
}
