/// A number in a canonical unit (see `MetricDimension`): `500ms` is `Quantity(0.5, .seconds)`,
/// `64KiB/min` is `Quantity(65536/60, .bytesPerSecond)`, `10%` is `Quantity(0.1, .none)`.
public struct Quantity: Sendable, Codable, Equatable {
    public var value: Double
    public var dimension: MetricDimension

    public init(_ value: Double, _ dimension: MetricDimension = .none) {
        self.value = value
        self.dimension = dimension
    }
}
