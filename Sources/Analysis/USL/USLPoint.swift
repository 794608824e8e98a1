/// One measurement for a Universal Scalability Law fit: throughput `x` at concurrency `n`
/// (instances, contenders, workers: whatever the sweep varied).
public struct USLPoint: Sendable, Codable, Equatable {
    public var n: Double
    public var throughput: Double

    public init(n: Double, throughput: Double) {
        self.n = n
        self.throughput = throughput
    }
}
