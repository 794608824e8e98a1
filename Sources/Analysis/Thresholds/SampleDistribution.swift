/// A distribution kept as its sorted samples, with nearest-rank percentiles. For tests and small
/// series; reports use `HistogramDistribution`.
public struct SampleDistribution: MetricDistribution, Equatable {
    public let samples: [Double]

    public init(_ samples: [Double]) {
        self.samples = samples.sorted()
    }

    public var count: Int { samples.count }
    public var min: Double { samples.first ?? .nan }
    public var max: Double { samples.last ?? .nan }
    public var mean: Double { samples.isEmpty ? .nan : samples.reduce(0, +) / Double(samples.count) }

    /// Nearest rank: the smallest sample with at least `p`% of the samples at or below it.
    public func value(atPercentile p: Double) -> Double {
        guard !samples.isEmpty else { return .nan }
        let rank = Int((p / 100 * Double(samples.count)).rounded(.up))
        return samples[Swift.min(Swift.max(rank, 1), samples.count) - 1]
    }
}
