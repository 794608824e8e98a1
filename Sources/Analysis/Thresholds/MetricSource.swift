/// Where thresholds find metrics: a report (later), or `InMemoryMetricSource` in tests.
public protocol MetricSource {
    /// The metric with this canonical name, or nil when the source does not have it (which
    /// makes a threshold on it an error, never a pass).
    func metric(named name: MetricName) -> MetricValue?
    /// Every name the source has, for "closest known names" suggestions.
    var metricNames: [MetricName] { get }
    /// The 95 % interval of a gauge measured over replicates, in the gauge's canonical unit;
    /// nil when it was measured once.
    func interval(named name: MetricName) -> (low: Double, high: Double)?
    /// Why the source lacks this metric, when it knows (a phase could not measure it there).
    func whyMissing(_ name: MetricName) -> String?
}

extension MetricSource {
    public func interval(named name: MetricName) -> (low: Double, high: Double)? { nil }
    public func whyMissing(_ name: MetricName) -> String? { nil }
}
