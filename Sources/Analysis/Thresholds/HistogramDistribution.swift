import Histogram

/// A `MetricDistribution` over an HdrHistogram of integer samples, scaled to the canonical unit:
/// the load generator records microseconds, so latencies use `scale: 1e-6` (seconds).
public struct HistogramDistribution: MetricDistribution {
    public let histogram: Histogram<UInt64>
    /// Multiplies recorded values into the canonical unit.
    public let scale: Double

    public init(_ histogram: Histogram<UInt64>, scale: Double) {
        self.histogram = histogram
        self.scale = scale
    }

    /// Rebuilds a histogram from `[value, count]` buckets, the form result files store
    /// (1 … 3.6e9, 3 significant digits: the load generator's precision).
    public init(buckets: [[UInt64]], scale: Double) {
        var h = Histogram<UInt64>(
            lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: .three)
        for b in buckets where b.count == 2 { _ = h.record(b[0], count: b[1]) }
        self.init(h, scale: scale)
    }

    public var count: Int { Int(histogram.totalCount) }
    public var min: Double { count == 0 ? .nan : Double(histogram.min) * scale }
    public var max: Double { count == 0 ? .nan : Double(histogram.max) * scale }
    public var mean: Double { count == 0 ? .nan : histogram.mean * scale }

    public func value(atPercentile p: Double) -> Double {
        count == 0 ? .nan : Double(histogram.valueAtPercentile(p)) * scale
    }
}
