/// What a report knows about one metric, by kind (k6's four metric types).
public enum MetricValue: Sendable {
    /// A single measured or derived number: `scale.efficiency[N=10]`, `server.rss_slope_per_slow_client`.
    /// Aggregation: `value`.
    case gauge(Double, MetricDimension)
    /// A total over a run of `durationSeconds` (nil when unknown): `requests`, `bytes`.
    /// Aggregations: `count` / `value` (the total), `rate` (total per second).
    case counter(Double, MetricDimension, durationSeconds: Double?)
    /// `hits` out of `total`: `errors` (failed requests out of all).
    /// Aggregations: `rate` / `value` (hits / total), `count` (hits).
    case ratio(hits: Double, total: Double)
    /// Samples: latencies, sizes. Aggregations: `p(N)`, `avg`, `min`, `max`, `count`.
    case distribution(any MetricDistribution, MetricDimension)

    /// The kind's name and the aggregations it supports, for error messages.
    var kindDescription: (name: String, aggregations: String) {
        switch self {
        case .gauge: ("a gauge", "value")
        case .counter: ("a counter", "count, rate (per second) or value")
        case .ratio: ("a ratio", "rate (a fraction), count or value")
        case .distribution: ("a distribution", "p(N), avg, min, max or count")
        }
    }
}
