/// A metric's name: dotted segments plus optional labels, `scale.efficiency[N=10]`.
///
/// The canonical form (`description`) sorts labels by key and has no spaces; a `MetricSource`
/// is looked up by it.
public struct MetricName: Sendable, Hashable, Codable, CustomStringConvertible, Comparable {
    /// `stream.first_event`, `scale.efficiency`.
    public var base: String
    /// `[N=10]` is `["N": "10"]`.
    public var labels: [String: String]

    public init(_ base: String, labels: [String: String] = [:]) {
        self.base = base
        self.labels = labels
    }

    /// Parses a whole name such as `scale.efficiency[N=10, profile=slow]`; nil when malformed.
    public init?(parsing text: String) {
        var parser = ThresholdParser(text)
        guard let name = try? parser.parseMetricName(), parser.atEnd else { return nil }
        self = name
    }

    public var description: String {
        guard !labels.isEmpty else { return base }
        let inner = labels.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
        return "\(base)[\(inner)]"
    }

    public static func < (a: MetricName, b: MetricName) -> Bool { a.description < b.description }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let name = MetricName(parsing: text) else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "\"\(text)\" is not a metric name")
            )
        }
        self = name
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}
