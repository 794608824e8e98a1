import Foundation

/// Parses the Prometheus text format into `series → value` (series = name plus `{labels}` as
/// written by the server). Comments and malformed lines are skipped.
public enum PrometheusText {
    public static func parse(_ text: String) -> [String: Double] {
        var out: [String: Double] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " ") else { continue }
            let series = line[..<space].trimmingCharacters(in: .whitespaces)
            guard let value = Double(line[line.index(after: space)...]) else { continue }
            out[series] = value
        }
        return out
    }

    /// The cumulative buckets of histogram `name` (`le` bounds ascending, `+Inf` last as infinity).
    public static func buckets(_ metrics: [String: Double], name: String) -> [(le: Double, count: Double)] {
        let prefix = name + "_bucket{"
        var out: [(Double, Double)] = []
        for (series, value) in metrics where series.hasPrefix(prefix) {
            guard let r = series.range(of: "le=\"") else { continue }
            let rest = series[r.upperBound...]
            guard let q = rest.firstIndex(of: "\"") else { continue }
            let bound = rest[..<q] == "+Inf" ? Double.infinity : Double(rest[..<q]) ?? .nan
            if !bound.isNaN { out.append((bound, value)) }
        }
        return out.sorted { $0.0 < $1.0 }
    }

    /// The `q`-quantile (0...1) of cumulative bucket counts, interpolated linearly inside the
    /// bucket that holds it, as Prometheus's `histogram_quantile` does (the lower edge of the
    /// first bucket is 0); nil without observations. A quantile in the `+Inf` bucket is the
    /// largest finite bound: the histogram cannot say more (use the `_max` series for the tail).
    public static func quantile(_ q: Double, buckets: [(le: Double, count: Double)]) -> Double? {
        guard let total = buckets.last?.count, total > 0 else { return nil }
        let finite = buckets.last(where: { $0.le.isFinite })?.le
        let rank = q * total
        var lower = (le: 0.0, count: 0.0)
        for b in buckets {
            if b.count >= rank && b.count > lower.count {
                guard b.le.isFinite else { return finite }
                return lower.le + (b.le - lower.le) * (rank - lower.count) / (b.count - lower.count)
            }
            lower = b
        }
        return finite
    }
}
