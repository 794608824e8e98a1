/// What a metric value or a threshold bound measures, in canonical units: seconds, bytes, bytes
/// per second, events per second, or a plain number (counts, fractions, ratios).
///
/// A threshold compares only like with like: `p(99) < 500` on a latency is an error, not a guess
/// at milliseconds (write `500ms`).
public enum MetricDimension: String, Sendable, Codable, Equatable, CaseIterable {
    /// A plain number: a count, a fraction (`10%` is 0.1), an efficiency.
    case none
    /// A duration in seconds.
    case seconds
    /// A size in bytes.
    case bytes
    /// Bytes per second.
    case bytesPerSecond
    /// Events (requests, errors, ...) per second.
    case perSecond

    /// How to name it in an error message.
    public var noun: String {
        switch self {
        case .none: "a plain number (no unit)"
        case .seconds: "a duration"
        case .bytes: "a size"
        case .bytesPerSecond: "a size per time"
        case .perSecond: "a count per time"
        }
    }

    /// An example bound with this dimension, for error messages.
    public var example: String {
        switch self {
        case .none: "0.8 or 10%"
        case .seconds: "500ms or 2s"
        case .bytes: "64KiB"
        case .bytesPerSecond: "64KiB/min or 1MiB/s"
        case .perSecond: "100/s"
        }
    }

    /// The dimension of `self` per second (a counter's rate); nil when that has no canonical unit.
    var perSecond: MetricDimension? {
        switch self {
        case .none: .perSecond
        case .bytes: .bytesPerSecond
        case .seconds, .bytesPerSecond, .perSecond: nil
        }
    }
}
