/// Which way a metric should move: throughput is higher-is-better, latency lower-is-better.
public enum MetricDirection: String, Sendable, Codable, CaseIterable {
    case higherIsBetter = "higher-is-better"
    case lowerIsBetter = "lower-is-better"

    /// `higher is better`, for messages.
    public var phrase: String {
        switch self {
        case .higherIsBetter: "higher is better"
        case .lowerIsBetter: "lower is better"
        }
    }
}
