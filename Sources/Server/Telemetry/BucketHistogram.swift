/// A Prometheus-style histogram: cumulative counts per upper bound, plus sum and count.
/// Prometheus histograms add up across instances (summaries don't), so scenarios can merge them.
public struct BucketHistogram: Sendable, Equatable {
    public let bounds: [Double]
    public private(set) var counts: [Int]
    public private(set) var sum = 0.0
    public private(set) var count = 0
    public private(set) var max = 0.0

    public init(bounds: [Double]) {
        self.bounds = bounds
        counts = [Int](repeating: 0, count: bounds.count)
    }

    public mutating func record(_ value: Double) {
        sum += value
        count += 1
        max = Swift.max(max, value)
        for (i, b) in bounds.enumerated() where value <= b { counts[i] += 1 }
    }

    /// Seconds buckets from 1 ms to 10 s, fit for lock waits.
    public static let latencySeconds: [Double] = [
        0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
    ]
}
