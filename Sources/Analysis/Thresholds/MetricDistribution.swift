/// A distribution of samples that a threshold can aggregate (`p(N)`, `avg`, `min`, `max`,
/// `count`), in the metric's canonical unit (seconds, bytes, ...).
///
/// Reports implement it over a merged HdrHistogram (`HistogramDistribution`), so percentiles are
/// read from the whole distribution and never averaged across instances (Locust #255).
public protocol MetricDistribution: Sendable {
    /// Number of samples.
    var count: Int { get }
    /// Smallest sample; meaningless when `count` is 0.
    var min: Double { get }
    /// Largest sample; meaningless when `count` is 0.
    var max: Double { get }
    /// Mean; meaningless when `count` is 0.
    var mean: Double { get }
    /// The value at percentile `p` (0...100); meaningless when `count` is 0.
    func value(atPercentile p: Double) -> Double
}
