import Histogram
import LoadGen

/// Merges ``LatencySummary`` histograms of several client groups losslessly.
struct LatencySummaryMerge {
    private var histogram: Histogram<UInt64>?

    func adding(_ summary: LatencySummary) -> LatencySummaryMerge {
        var copy = self
        if var h = copy.histogram {
            h.add(summary.histogram())
            copy.histogram = h
        } else {
            copy.histogram = summary.histogram()
        }
        return copy
    }

    var p99Microseconds: UInt64? { histogram.map { $0.valueAtPercentile(99) } }
}
