/// The figures of a report that a baseline keeps and a gate compares, each with its direction:
/// throughput and efficiency are higher-is-better; latencies, errors, losses, memory and
/// timeouts lower-is-better. Figures with no direction that makes sense for a regression
/// (sample counts, events produced, file descriptors held by design) are left out.
///
/// Keys are threshold expressions without the bound, so a user can turn any of them into a
/// threshold: `phase.updates_per_second[phase=documented@3]`, `stream.first_event: p(99)`,
/// `errors: rate`. Values are in canonical units (seconds, bytes, per second).
public enum KeyFigures {
    public struct Figure: Sendable, Equatable {
        public var key: String
        public var value: Double
        public var direction: MetricDirection
    }

    /// The load generator's whole-run figures, and how each is aggregated (``ReportMetric/keyAggregation``).
    static let runFigures: [(name: String, aggregation: String, direction: MetricDirection)] =
        ReportMetric.allCases.compactMap { m in
            guard let aggregation = m.keyAggregation, let direction = m.direction else { return nil }
            return (m.rawValue, aggregation, direction)
        }

    public static func figures(of report: RunReport) -> [Figure] {
        figures(of: ReportMetricSource(report))
    }

    public static func figures(of source: ReportMetricSource) -> [Figure] {
        var out: [Figure] = []
        for (name, aggregation, direction) in runFigures {
            guard let metric = MetricName(parsing: name), source.metric(named: metric) != nil,
                let value = value(of: "\(name): \(aggregation)", in: source)
            else { continue }
            out.append(Figure(key: "\(name): \(aggregation)", value: value, direction: direction))
        }
        for name in source.metricNames where name.labels.isEmpty == false {
            // Sweep aliases (`@max`, `@min`) would count the same phase twice.
            if let phase = name.labels["phase"], phase.hasSuffix("@max") || phase.hasSuffix("@min") { continue }
            guard let direction = direction(of: name), case .gauge(let v, _) = source.metric(named: name)!, v.isFinite
            else { continue }
            // A zero throughput measured nothing (a phase without that kind of load); a zero
            // latency or size would make any measurable value a "regression". Zero counts of bad
            // things (errors, timeouts, losses) are kept: any of them later is a regression.
            if v == 0 && !(direction == .lowerIsBetter && isCountOfFailures(name)) { continue }
            out.append(Figure(key: name.description, value: v, direction: direction))
        }
        return out
    }

    /// The value of `metric: aggregation` (or a bare gauge name) in `source`, measured as a
    /// threshold would measure it; nil when it cannot be.
    public static func value(of key: String, in source: some MetricSource) -> Double? {
        guard let t = try? Threshold(parsing: "\(key) >= 0"), let q = try? t.measure(in: source) else { return nil }
        return q.value
    }

    static func isCountOfFailures(_ name: MetricName) -> Bool {
        ["errors", "timeouts", "lost_"].contains(where: name.base.contains)
    }

    /// Which way a labelled gauge should move (the catalog's direction); nil for figures not worth gating.
    static func direction(of name: MetricName) -> MetricDirection? {
        // scale.* are the same numbers as phase.updates_per_second / scaling_efficiency.
        if name.base.hasPrefix("scale.") { return nil }
        if let report = ReportMetric(rawValue: name.base) { return report.direction }
        return MetricCatalog.definition(ofBase: name.base)?.direction
    }
}
