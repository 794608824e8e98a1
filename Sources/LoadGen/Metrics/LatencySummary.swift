import Histogram

/// Percentiles of one latency histogram plus the histogram itself as non-empty buckets
/// (`[value, count]`, value = the highest value equivalent to the bucket), so result files can be
/// merged losslessly (record each value `count` times into a histogram of the same precision).
public struct LatencySummary: Sendable, Codable, Equatable {
    public var unit = "us"
    public var count: UInt64
    public var min: UInt64
    public var mean: Double
    public var p50: UInt64
    public var p90: UInt64
    public var p99: UInt64
    public var p999: UInt64
    public var max: UInt64
    public var buckets: [[UInt64]]

    /// Every figure is a function of the buckets alone (min = the lowest value equivalent to the
    /// lowest bucket, percentiles and max = the highest equivalent), so the summary of a histogram
    /// equals the summary of the histogram rebuilt from its buckets, as a merge does. HdrHistogram
    /// clamps percentiles to the raw extreme values it saw, which a rebuilt histogram cannot know.
    public init(_ h: Histogram<UInt64>) {
        count = h.totalCount
        let empty = h.totalCount == 0
        func level(_ p: Double) -> UInt64 { empty ? 0 : h.highestEquivalentForValue(h.valueAtPercentile(p)) }
        min = empty || h.min == 0 ? 0 : h.lowestEquivalentForValue(h.min)
        mean = empty ? 0 : h.mean
        p50 = level(50)
        p90 = level(90)
        p99 = level(99)
        p999 = level(99.9)
        max = empty ? 0 : h.max
        buckets = empty ? [] : h.recordedValues().map { [$0.value, $0.count] }
    }

    /// HdrHistogram's percentile steps (`ticksPerHalfDistance` per halving of the distance to
    /// 100 %), as (percentile 0...100, value) pairs below 100 %, for percentile plots.
    public func percentileCurve(ticksPerHalfDistance: Int = 4) -> [(percentile: Double, value: UInt64)] {
        var out: [(percentile: Double, value: UInt64)] = []
        for v in histogram().percentiles(ticksPerHalfDistance: ticksPerHalfDistance) {
            guard v.percentileLevelIteratedTo < 100 else { break }
            out.append((v.percentileLevelIteratedTo, v.value))
        }
        return out
    }

    /// Rebuilds the histogram from `buckets`.
    public func histogram() -> Histogram<UInt64> {
        var h = EngineMetrics.makeHistogram()
        for b in buckets where b.count == 2 { _ = h.record(b[0], count: b[1]) }
        return h
    }
}
