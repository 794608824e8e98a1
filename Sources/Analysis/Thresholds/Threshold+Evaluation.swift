import ServerConfig

extension Threshold {
    /// Evaluates against `source`. Never throws and never passes by default: an unknown metric,
    /// an aggregation that does not apply, a unit that measures something else, or a metric with
    /// no samples is a `.error` result.
    public func evaluate(against source: some MetricSource) -> ThresholdResult {
        let actual: Quantity
        do throws(ThresholdError) {
            actual = try measure(in: source)
        } catch {
            return .error(error, threshold: self)
        }
        guard actual.dimension == bound.dimension else { return .error(unitMismatch(actual), threshold: self) }
        return comparison.holds(actual.value, bound.value)
            ? .passed(self, actual: actual) : .failed(self, actual: actual)
    }

    /// The metric's aggregated value in `source`, without the comparison (baselines read key
    /// figures this way, so a figure and a threshold on it always agree).
    public func measure(in source: some MetricSource) throws(ThresholdError) -> Quantity {
        guard let metric = source.metric(named: metric) else { throw unknownMetric(in: source) }
        if aggregation == .lower95 || aggregation == .upper95 {
            guard case .gauge(_, let d) = metric else {
                throw unsupported(metric, why: "only a phase metric measured over replicates has a 95 % interval")
            }
            guard let interval = source.interval(named: self.metric) else {
                throw noData(
                    "\(self.metric) has no 95 % interval: it was measured once (no batches or repeats); use value")
            }
            return Quantity(aggregation == .lower95 ? interval.low : interval.high, d)
        }
        return try aggregate(metric)
    }

    /// Parses and evaluates each expression; a malformed one is an `.error` result in its place.
    public static func evaluate(_ expressions: [String], against source: some MetricSource) -> [ThresholdResult] {
        expressions.map { text in
            do throws(ThresholdError) {
                return try Threshold(parsing: text).evaluate(against: source)
            } catch {
                return .error(error)
            }
        }
    }

    private func aggregate(_ metric: MetricValue) throws(ThresholdError) -> Quantity {
        let result: Quantity?
        switch (metric, aggregation) {
        case (.gauge(let v, let d), .value):
            result = Quantity(v, d)
        case (.counter(let v, let d, _), .count), (.counter(let v, let d, _), .value):
            result = Quantity(v, d)
        case (.counter(let v, let d, let duration), .rate):
            guard let perSecond = d.perSecond else { throw unsupported(metric, why: "a rate of \(d.noun) has no unit") }
            guard let duration, duration > 0 else {
                throw noData("the counter \(self.metric) has no run duration, so it has no per-second rate; use count")
            }
            result = Quantity(v / duration, perSecond)
        case (.ratio(let hits, let total), .rate), (.ratio(let hits, let total), .value):
            guard total > 0 else { throw noData("\(self.metric) has no events (0 of 0), so it has no rate") }
            result = Quantity(hits / total, .none)
        case (.ratio(let hits, _), .count):
            result = Quantity(hits, .none)
        case (.distribution(let dist, _), .count):
            result = Quantity(Double(dist.count), .none)
        case (.distribution(let dist, let d), .percentile), (.distribution(let dist, let d), .avg),
            (.distribution(let dist, let d), .min), (.distribution(let dist, let d), .max):
            guard dist.count > 0 else {
                throw noData("\(self.metric) has no samples, so \(aggregation) is undefined")
            }
            let v: Double =
                switch aggregation {
                case .percentile(let p): dist.value(atPercentile: p)
                case .avg: dist.mean
                case .min: dist.min
                default: dist.max
                }
            result = Quantity(v, d)
        default:
            result = nil
        }
        guard let result else {
            if case .distribution = metric, !aggregationIsExplicit {
                throw unsupported(
                    metric, why: "a distribution needs an aggregation: write \"\(self.metric): p(99) ...\"")
            }
            throw unsupported(metric, why: nil)
        }
        guard result.value.isFinite else { throw noData("\(self.metric) \(aggregation) is \(result.value)") }
        return result
    }

    private func unknownMetric(in source: some MetricSource) -> ThresholdError {
        if let why = source.whyMissing(metric) {
            return noData("\(metric) was not measured: \(why)")
        }
        let names = source.metricNames.map(\.description)
        let suggestions = EditDistance.closest(to: metric.description, in: names)
        let message =
            names.isEmpty
            ? "unknown metric \"\(metric)\"; the report has no metrics at all"
            : "unknown metric \"\(metric)\""
        return ThresholdError(
            .unknownMetric, expression: expression, column: metricColumn, message: message, suggestions: suggestions)
    }

    private func unsupported(_ metric: MetricValue, why: String?) -> ThresholdError {
        let kind = metric.kindDescription
        var message =
            "\(aggregation) does not apply to \(self.metric), which is \(kind.name) (use \(kind.aggregations))"
        if let why { message = "\(self.metric) is \(kind.name): \(why)" }
        return ThresholdError(
            .unsupportedAggregation, expression: expression, column: aggregationColumn, message: message)
    }

    private func noData(_ message: String) -> ThresholdError {
        ThresholdError(
            .noData, expression: expression, column: metricColumn, message: message + "; a gate cannot pass on no data")
    }

    private func unitMismatch(_ actual: Quantity) -> ThresholdError {
        let what = "\(metric) \(aggregation) is \(actual.dimension.noun)"
        let message =
            bound.dimension == .none
            ? "\(what) but the bound \(boundText) has no unit; write it with one, e.g. \(actual.dimension.example)"
            : "\(what) but the bound \(boundText) is \(bound.dimension.noun); write e.g. \(actual.dimension.example)"
        return ThresholdError(.unitMismatch, expression: expression, column: boundColumn, message: message)
    }
}
