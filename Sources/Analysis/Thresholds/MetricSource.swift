/// Where thresholds find metrics: a report (later), or `InMemoryMetricSource` in tests.
public protocol MetricSource {
    /// The metric with this canonical name, or nil when the source does not have it (which
    /// makes a threshold on it an error, never a pass).
    func metric(named name: MetricName) -> MetricValue?
    /// Every name the source has, for "closest known names" suggestions.
    var metricNames: [MetricName] { get }
}
