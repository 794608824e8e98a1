/// Counters of one pool, as exposed on `/metrics`.
public struct PoolStatistics: Sendable, Equatable {
    public var inUse = 0
    public var idle = 0
    public var waiting = 0
    public var opened = 0
    public var closed = 0
    public var checkouts = 0
    /// Checkouts that had to wait, and the total and largest wait, in seconds.
    public var waits = 0
    public var waitSecondsTotal = 0.0
    public var waitSecondsMax = 0.0
    public var timeouts = 0
    public var exhaustionErrors = 0
    public var connectErrors = 0
    /// The highest `inUse` seen.
    public var peakInUse = 0
    /// Wait-time histogram, cumulative counts per upper bound in `waitBuckets`.
    public var waitBucketCounts = [Int](repeating: 0, count: PoolStatistics.waitBuckets.count)

    public static let waitBuckets: [Double] = [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30]

    mutating func recordWait(_ seconds: Double) {
        waits += 1
        waitSecondsTotal += seconds
        waitSecondsMax = max(waitSecondsMax, seconds)
        for (i, b) in Self.waitBuckets.enumerated() where seconds <= b { waitBucketCounts[i] += 1 }
    }
}
