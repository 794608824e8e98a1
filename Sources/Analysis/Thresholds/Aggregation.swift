/// How a threshold reduces a metric to one number (k6's names).
///
/// | aggregation | applies to | result |
/// | --- | --- | --- |
/// | `p(N)` | distribution | the N-th percentile (0 ≤ N ≤ 100), from the histogram, never merged percentiles |
/// | `avg`, `min`, `max` | distribution | mean, smallest, largest sample |
/// | `count` | distribution, counter, ratio | samples; the counter's total; the ratio's hits |
/// | `rate` | counter, ratio | counter: total per second of the run; ratio: hits / total (a fraction) |
/// | `value` | gauge, counter, ratio | the gauge; the counter's total; the ratio's fraction. Implied when omitted |
/// | `lower95`, `upper95` | gauge with replicates | the bounds of its 95 % interval (batch means or repeats) |
public enum Aggregation: Sendable, Equatable, Codable, CustomStringConvertible {
    case percentile(Double)
    case avg
    case min
    case max
    case count
    case rate
    case value
    case lower95
    case upper95

    /// The names accepted by the parser, for error messages.
    public static let spellings = ["p(N)", "avg", "min", "max", "count", "rate", "value", "lower95", "upper95"]

    public var description: String {
        switch self {
        // Exactly as given (Swift's shortest round-trip form), never rounded for display:
        // the printed threshold must be the one evaluated.
        case .percentile(let p): "p(\(p == p.rounded() && abs(p) < 1e15 ? String(Int64(p)) : "\(p)"))"
        case .avg: "avg"
        case .min: "min"
        case .max: "max"
        case .count: "count"
        case .rate: "rate"
        case .value: "value"
        case .lower95: "lower95"
        case .upper95: "upper95"
        }
    }
}
