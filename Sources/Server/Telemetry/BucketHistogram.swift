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

    /// Seconds buckets from 0.1 ms to 10 s, five per decade (1, 1.5, 2.5, 4, 6) plus 5 s (the
    /// default lock timeout), fit for lock waits: a percentile read from them and interpolated
    /// within its bucket is off by at most the bucket's width (about half its value).
    public static let latencySeconds: [Double] = [
        0.0001, 0.00015, 0.00025, 0.0004, 0.0006,
        0.001, 0.0015, 0.0025, 0.004, 0.006,
        0.01, 0.015, 0.025, 0.04, 0.06,
        0.1, 0.15, 0.25, 0.4, 0.6,
        1, 1.5, 2.5, 4, 5, 6, 10,
    ]
}
