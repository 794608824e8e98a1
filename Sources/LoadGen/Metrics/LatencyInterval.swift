/// One second of one latency metric: the histogram of the samples recorded in
/// `[t, t + 1)` seconds of the run, as non-empty buckets (`[value, count]`, the layout of
/// ``LatencySummary/buckets``). A run keeps them when ``LoadConfiguration/recordsIntervals`` is
/// set; `stampede merge` aligns them on wall-clock seconds, and ``HistogramLog`` writes them as an
/// HdrHistogram interval log, so percentiles over any time range can be rebuilt.
public struct LatencyInterval: Sendable, Codable, Equatable {
    /// Seconds since the run start.
    public var t: Int
    public var buckets: [[UInt64]]

    public init(t: Int, buckets: [[UInt64]]) {
        self.t = t
        self.buckets = buckets
    }

    public var count: UInt64 { buckets.reduce(0) { $0 + ($1.count == 2 ? $1[1] : 0) } }
    public var max: UInt64 { buckets.last(where: { $0.count == 2 })?[0] ?? 0 }

    /// Several lists merged: intervals of the same second added bucket by bucket, in time order.
    public static func merge(_ lists: [[LatencyInterval]]) -> [LatencyInterval] {
        var bySecond: [Int: [[UInt64]]] = [:]
        for list in lists {
            for interval in list {
                if let existing = bySecond[interval.t] {
                    bySecond[interval.t] = addBuckets(existing, interval.buckets)
                } else {
                    bySecond[interval.t] = interval.buckets
                }
            }
        }
        return bySecond.keys.sorted().map { LatencyInterval(t: $0, buckets: bySecond[$0]!) }
    }

    /// Two ascending bucket lists of the same histogram layout summed (equal values are one bucket).
    static func addBuckets(_ a: [[UInt64]], _ b: [[UInt64]]) -> [[UInt64]] {
        var out: [[UInt64]] = []
        out.reserveCapacity(a.count + b.count)
        var i = 0
        var j = 0
        while i < a.count || j < b.count {
            if j == b.count || (i < a.count && a[i][0] < b[j][0]) {
                out.append(a[i])
                i += 1
            } else if i == a.count || b[j][0] < a[i][0] {
                out.append(b[j])
                j += 1
            } else {
                out.append([a[i][0], a[i][1] + b[j][1]])
                i += 1
                j += 1
            }
        }
        return out
    }
}
