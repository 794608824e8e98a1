import Histogram
import LoadGen
import ServerConfig

/// The metrics of a run report that thresholds and baselines refer to (the names are in
/// docs/gates.md, "Metrics of a report"):
///
/// - load-generator distributions, merged bucket by bucket (never percentiles averaged):
///   `stream.connect`, `stream.headers`, `stream.first_event`, `stream.gap`, `stream.duration`,
///   `request.latency`;
/// - load-generator totals: `errors` (a ratio: failed of started requests), `requests`,
///   `events`, `bytes`, `streams.completed`, `integrity.lost_events` (counters);
/// - every phase metric of ``MetricCatalog`` as a gauge, `phase.NAME[phase=P]` (a client
///   group's as `phase.NAME[clients=C,phase=P]`), in canonical units from the catalog's unit
///   (`_ms` metrics in seconds, `_mb` in bytes, `_per_second` per second, `_percent` a fraction);
/// - sweeps: `scale.efficiency[N=n,sweep=S]` and `scale.throughput[N=n,sweep=S]`;
/// - `server.rss_slope_per_slow_client[phase=P]` for phases with slow or stalled clients.
///
/// The load-generator metrics exist for the whole run (no labels), per phase (`[phase=P]`) and
/// per client group (`[clients=C,phase=P]`). A sweep's largest and smallest fleets can also be
/// named `phase=SWEEP@max` and `phase=SWEEP@min`, as in claims.
public struct ReportMetricSource: MetricSource, Sendable {
    public private(set) var metrics: [MetricName: MetricValue] = [:]
    /// 95 % intervals of the phase gauges that have them, in canonical units.
    public private(set) var intervals: [MetricName: (low: Double, high: Double)] = [:]
    /// The phase gauges a phase could not measure, with its reason (``PhaseResult/notMeasured``).
    public private(set) var missing: [MetricName: String] = [:]

    public init(_ report: RunReport) {
        self.init(phases: report.phases, specs: report.config.phases)
    }

    /// The metrics of these phases; `specs` (the scenario's phases) give the slow-client counts.
    public init(phases: [PhaseResult], specs: [PhaseSpec]) {
        var all = LoadTotals()
        for phase in phases {
            var phaseTotals = LoadTotals()
            let aliases = Self.phaseLabels(phase, in: phases)
            for client in phase.clients {
                let group = LoadTotals(client)
                phaseTotals.add(group, concurrently: true)
                for label in aliases { add(group, labels: ["phase": label, "clients": client.name]) }
            }
            all.add(phaseTotals, concurrently: false)
            let slow = Self.slowClients(in: phase, specs: specs)
            for label in aliases {
                add(phaseTotals, labels: ["phase": label])
                addPhaseGauges(phase, label: label, slowClients: slow)
                for (key, reason) in phase.notMeasured ?? [:] {
                    missing[MetricName("phase.\(key)", labels: ["phase": label])] = reason
                }
            }
            if let sweep = phase.sweep {
                let labels = ["N": String(phase.instances), "sweep": sweep]
                if let e = phase.metrics[.scalingEfficiency], e.isFinite {
                    metrics[MetricName(ReportMetric.scaleEfficiency.rawValue, labels: labels)] = .gauge(e, .none)
                }
                if let x = phase.metrics[.updatesPerSecond], x.isFinite {
                    metrics[MetricName(ReportMetric.scaleThroughput.rawValue, labels: labels)] = .gauge(x, .perSecond)
                }
            }
        }
        add(all, labels: [:])
    }

    public func metric(named name: MetricName) -> MetricValue? { metrics[name] }

    public func interval(named name: MetricName) -> (low: Double, high: Double)? { intervals[name] }

    public func whyMissing(_ name: MetricName) -> String? { metrics[name] == nil ? missing[name] : nil }

    public var metricNames: [MetricName] { metrics.keys.sorted() }

    /// The label values a phase answers to: its name, `SWEEP@max` / `SWEEP@min` when it is its
    /// sweep's largest or smallest fleet, and under a popularity sweep `NAME`, `NAME@max`,
    /// `NAME@min` when it is the hottest point's (``SweepLookup``: claims and thresholds name
    /// phases the same way).
    static func phaseLabels(_ phase: PhaseResult, in phases: [PhaseResult]) -> [String] {
        var candidates: [String] = []
        if let sweep = phase.sweep { candidates += [sweep + "@max", sweep + "@min"] }
        if let base = phase.popularity { candidates += [base, base + "@max", base + "@min"] }
        return [phase.name]
            + candidates.filter { $0 != phase.name && SweepLookup.find($0, in: phases)?.name == phase.name }
    }

    private mutating func add(_ totals: LoadTotals, labels: [String: String]) {
        guard totals.groups > 0 else { return }
        for metric in ReportMetric.allCases {
            guard let latency = metric.latencyMetric, let histogram = totals.histograms[latency.rawValue] else {
                continue
            }
            metrics[MetricName(metric.rawValue, labels: labels)] = .distribution(
                HistogramDistribution(histogram, scale: 1e-6), .seconds)
        }
        let c = totals.counters
        let seconds: Double? = totals.elapsedSeconds > 0 ? totals.elapsedSeconds : nil
        func counter(_ m: ReportMetric, _ v: Int, _ d: MetricDimension = .none) {
            metrics[MetricName(m.rawValue, labels: labels)] = .counter(Double(v), d, durationSeconds: seconds)
        }
        metrics[MetricName(ReportMetric.errors.rawValue, labels: labels)] = .ratio(
            hits: Double(c.failed), total: Double(max(c.started, c.failed)))
        if c.sloStreams > 0 {
            metrics[MetricName(ReportMetric.goodput.rawValue, labels: labels)] = .ratio(
                hits: Double(c.sloGood), total: Double(c.sloStreams))
        }
        counter(.requests, c.started)
        counter(.events, c.events)
        counter(.bytes, c.bytes, .bytes)
        counter(.streamsCompleted, c.streamsCompleted)
        counter(.lostEvents, c.gaps + c.duplicates + c.reorders)
    }

    private mutating func addPhaseGauges(_ phase: PhaseResult, label: String, slowClients slow: Int) {
        for (key, raw) in phase.metrics where raw.isFinite {
            var labels = ["phase": label]
            var name = key
            if let dot = key.firstIndex(of: ".") {
                labels["clients"] = String(key[..<dot])
                name = String(key[key.index(after: dot)...])
            }
            let unit = MetricCatalog.definition(ofKey: key)?.unit ?? .count
            metrics[MetricName("phase.\(name)", labels: labels)] = .gauge(raw * unit.scale, unit.dimension)
            if let i = phase.intervals?[key], i.low.isFinite, i.high.isFinite {
                intervals[MetricName("phase.\(name)", labels: labels)] = (i.low * unit.scale, i.high * unit.scale)
            }
        }
        if slow > 0, let slope = phase.metrics[.rssSlopeMbPerS], slope.isFinite {
            metrics[MetricName(ReportMetric.rssSlopePerSlowClient.rawValue, labels: ["phase": label])] = .gauge(
                slope * 1_048_576 / Double(slow), .bytesPerSecond)
        }
    }

    /// Slow and stalled clients of a phase as configured (the mix applied to each group's count).
    static func slowClients(in phase: PhaseResult, specs: [PhaseSpec]) -> Int {
        guard let spec = specs.first(where: { $0.name == phase.name }) else { return 0 }
        return spec.clients.reduce(0) { sum, client in
            guard let mix = try? ProfileMix(parsing: client.mix) else { return sum }
            let slow = mix.assignments(count: client.total(instances: phase.instances)).filter {
                $0 == .slow || $0 == .stalled
            }
            return sum + slow.count
        }
    }

    /// Why no report can have a metric with this base (`stream.first_evnt`), with the closest
    /// known names; nil when some report can. Scenario files are checked with it at load time,
    /// before anything runs.
    public static func problem(withBase base: String) -> String? {
        let known = fixedBases.union((MetricCatalog.phase + MetricCatalog.client).map { "phase." + $0.name })
        guard !known.contains(base) else { return nil }
        let closest = EditDistance.closest(to: base, in: known.sorted())
        return "unknown metric \"\(base)\""
            + (closest.isEmpty ? "" : "; closest known names: " + closest.joined(separator: ", "))
            + " (the names are in docs/gates.md)"
    }

    /// The metric bases a report can have besides `phase.*` (for early checks of scenario files).
    public static let fixedBases: Set<String> = Set(ReportMetric.allCases.map(\.rawValue))
}

/// Load-generator counters and histograms summed over client groups.
struct LoadTotals {
    var counters = LoadCounters()
    var histograms: [String: Histogram<UInt64>] = [:]
    var elapsedSeconds = 0.0
    var groups = 0

    init() {}

    init(_ client: ClientGroupResult) {
        counters = client.counters
        histograms = client.latency.mapValues { $0.histogram() }
        elapsedSeconds = client.elapsedSeconds
        groups = 1
    }

    /// Adds another's totals. Client groups of one phase run `concurrently` (the elapsed time
    /// is the longest of them); phases run one after the other (their times add up).
    mutating func add(_ other: LoadTotals, concurrently: Bool) {
        counters.add(other.counters)
        for (metric, h) in other.histograms {
            if var existing = histograms[metric] {
                existing.add(h)
                histograms[metric] = existing
            } else {
                histograms[metric] = h
            }
        }
        elapsedSeconds =
            concurrently ? max(elapsedSeconds, other.elapsedSeconds) : elapsedSeconds + other.elapsedSeconds
        groups += other.groups
    }
}
