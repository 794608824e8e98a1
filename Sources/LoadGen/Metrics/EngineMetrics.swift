import Histogram

/// What one engine thread measured: histograms, counters, errors by kind and a per-second series.
/// Recorded without locks by its thread, merged losslessly at the end.
public struct EngineMetrics: Sendable {
    /// 1 µs to 1 h at three significant digits.
    static let highestTrackable: UInt64 = 3_600_000_000

    /// Indexed by `LatencyMetric.index`; use ``histogram(_:)``.
    var histograms: [Histogram<UInt64>]
    public var counters = LoadCounters()
    /// Errors by kind: `refused`, `reset`, `timeout`, `header_timeout`, `http_503`, `emfile`,
    /// `parse`, `dns`, `empty_reply`, `curl_N`.
    public var errors: [String: Int] = [:]
    /// SSE `error` events by kind: the payload's `code`, else its `error` (upstream's two shapes).
    public var errorEvents: [String: Int] = [:]
    public var series: [SecondSample] = []
    /// Body bytes received per client profile, indexed by `ClientProfile.index`.
    var profileBytes = [Int](repeating: 0, count: ClientProfile.allCases.count)

    /// Per-second histograms (``LoadConfiguration/recordsIntervals``): samples go into `current`,
    /// which is folded into `histograms` and kept in `intervals` as each second ends.
    let recordsIntervals: Bool
    private var current: [Histogram<UInt64>] = []
    private var touched: [Bool] = []
    private var intervalSecond = 0
    /// Indexed by `LatencyMetric.index`: each second's buckets, in time order.
    var intervals: [[LatencyInterval]]

    public init() { self.init(recordsIntervals: false) }

    init(recordsIntervals: Bool) {
        histograms = LatencyMetric.allCases.map { _ in Self.makeHistogram() }
        intervals = LatencyMetric.allCases.map { _ in [] }
        self.recordsIntervals = recordsIntervals
        if recordsIntervals {
            current = LatencyMetric.allCases.map { _ in Self.makeHistogram() }
            touched = LatencyMetric.allCases.map { _ in false }
        }
    }

    public func histogram(_ metric: LatencyMetric) -> Histogram<UInt64> { histograms[metric.index] }

    /// The one latency histogram layout (µs, 1 µs to 1 h, 3 significant digits) that summaries,
    /// merges and the simulator share.
    public static func makeHistogram() -> Histogram<UInt64> {
        Histogram<UInt64>(
            lowestDiscernibleValue: 1, highestTrackableValue: highestTrackable, numberOfSignificantValueDigits: .three)
    }

    @inline(__always)
    mutating func record(_ metric: LatencyMetric, microseconds: UInt64) {
        let value = min(max(microseconds, 1), Self.highestTrackable)
        if recordsIntervals {
            _ = current[metric.index].record(value)
            touched[metric.index] = true
        } else {
            _ = histograms[metric.index].record(value)
        }
    }

    /// Ends the interval being recorded when `second` is a later one.
    mutating func roll(toSecond second: Int) {
        guard recordsIntervals, second != intervalSecond else { return }
        closeInterval()
        intervalSecond = second
    }

    /// Folds the interval being recorded into the run's histograms and `intervals`.
    mutating func closeInterval() {
        guard recordsIntervals else { return }
        for i in touched.indices where touched[i] {
            histograms[i].add(current[i])
            intervals[i].append(
                LatencyInterval(t: intervalSecond, buckets: current[i].recordedValues().map { [$0.value, $0.count] }))
            current[i].reset()
            touched[i] = false
        }
    }

    mutating func countError(_ kind: String, second: Int) {
        errors[kind, default: 0] += 1
        counters.failed += 1
        ensure(second)
        series[second].errors += 1
        series[second].count(kind: kind)
    }

    /// An SSE `error` event: a failure reported inside a 200 stream, which the stream survives.
    mutating func countErrorEvent(_ kind: String, second: Int) {
        errorEvents[kind, default: 0] += 1
        counters.errorEvents += 1
        ensure(second)
        series[second].errorEvents += 1
        series[second].count(kind: "event:" + kind)
    }

    /// Makes `series[t]` exist.
    @inline(__always)
    mutating func ensure(_ t: Int) {
        if t >= series.count {
            series.reserveCapacity(t + 1)
            while series.count <= t { series.append(SecondSample(t: series.count)) }
        }
    }

    public mutating func merge(_ other: EngineMetrics) {
        for (i, h) in other.histograms.enumerated() { histograms[i].add(h) }
        for i in intervals.indices where !other.intervals[i].isEmpty {
            intervals[i] =
                intervals[i].isEmpty ? other.intervals[i] : LatencyInterval.merge([intervals[i], other.intervals[i]])
        }
        counters.add(other.counters)
        for (k, v) in other.errors { errors[k, default: 0] += v }
        for (k, v) in other.errorEvents { errorEvents[k, default: 0] += v }
        for i in profileBytes.indices { profileBytes[i] += other.profileBytes[i] }
        for sample in other.series {
            ensure(sample.t)
            series[sample.t].add(sample)
        }
    }
}
