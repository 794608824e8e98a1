/// A catalogue of metric names: ``PhaseMetric`` or ``ClientMetric``.
public protocol CataloguedMetric: RawRepresentable, Sendable where RawValue == String {
    static var scope: MetricDefinition.Scope { get }
}

extension PhaseMetric: CataloguedMetric { public static var scope: MetricDefinition.Scope { .phase } }
extension ClientMetric: CataloguedMetric { public static var scope: MetricDefinition.Scope { .client } }

/// One catalogued metric: its name, unit, direction and source, and a sentence on what it means.
public struct MetricDefinition: Sendable, Equatable {
    public enum Scope: String, Sendable { case phase, client }

    /// Where the number comes from.
    public enum Source: String, Sendable, CaseIterable {
        /// The servers' `/metrics` counters and gauges, as deltas over the measured window.
        case server
        /// `/proc` of each server and of this process, and `/proc/stat`.
        case sampler
        /// Redis `INFO` and PostgreSQL `pg_stat_activity`.
        case backends
        /// The load generator's counters and histograms.
        case loadGenerator = "load generator"
        /// The lost-update verification burst after the load.
        case verification
        /// Computed from other phases (a sweep's smallest fleet).
        case derived
        /// The phase's planned faults and the load's per-second series around them.
        case faults
        /// The instances' lock logs (`/debug/lock-log`) merged on one time line.
        case lockLog = "lock log"
    }

    public var name: String
    public var scope: Scope
    public var unit: MetricUnit
    /// Which way is better, for baselines; nil for figures that are neither (limits, counts held by design).
    public var direction: MetricDirection?
    public var source: Source
    public var description: String

    init<M: CataloguedMetric>(
        _ metric: M, _ unit: MetricUnit, _ direction: MetricDirection?, _ source: Source, _ description: String
    ) {
        self.init(
            name: metric.rawValue, scope: M.scope, unit: unit, direction: direction, source: source,
            description: description)
    }

    init(name: String, scope: Scope, unit: MetricUnit, direction: MetricDirection?, source: Source, description: String)
    {
        self.name = name
        self.scope = scope
        self.unit = unit
        self.direction = direction
        self.source = source
        self.description = description
    }
}

/// The unit a phase metric is reported in, and how it converts to the threshold language's
/// canonical units (seconds, bytes, per second, fractions).
public enum MetricUnit: String, Sendable, CaseIterable {
    case count, seconds = "s", milliseconds = "ms", mebibytes = "MiB", kibibytes = "KiB", perSecond = "/s"
    case mebibytesPerSecond = "MiB/s", mebibytesPerHour = "MiB/h", perHour = "/h", percent = "%"

    public var dimension: MetricDimension {
        switch self {
        case .count, .percent: .none
        case .milliseconds, .seconds: .seconds
        case .mebibytes, .kibibytes: .bytes
        case .perSecond, .perHour: .perSecond
        case .mebibytesPerSecond, .mebibytesPerHour: .bytesPerSecond
        }
    }

    /// Multiplies the report's number into the canonical unit.
    public var scale: Double {
        switch self {
        case .count, .perSecond, .seconds: 1
        case .milliseconds: 0.001
        case .mebibytes, .mebibytesPerSecond: 1_048_576
        case .kibibytes: 1024
        case .mebibytesPerHour: 1_048_576 / 3600
        case .perHour: 1.0 / 3600
        case .percent: 0.01
        }
    }
}

/// The metrics a phase measures, by name (``PhaseMetric``, ``ClientMetric``): what claims may refer
/// to (`PHASE.NAME`, or `PHASE.CLIENTS.NAME` for a client group's own figures).
public enum MetricCatalog {
    public static let phase: [MetricDefinition] = PhaseMetric.allCases.map(\.definition)
    public static let client: [MetricDefinition] = ClientMetric.allCases.map(\.definition)

    /// The definition of a key of ``PhaseResult/metrics``: `NAME`, or `CLIENTS.NAME` for a client group's.
    public static func definition(ofKey key: String) -> MetricDefinition? {
        if let dot = key.firstIndex(of: ".") {
            return ClientMetric(rawValue: String(key[key.index(after: dot)...]))?.definition
        }
        return PhaseMetric(rawValue: key)?.definition
    }

    /// The definition of a threshold base `phase.NAME` (a phase's or a client group's metric).
    public static func definition(ofBase base: String) -> MetricDefinition? {
        guard base.hasPrefix("phase.") else { return nil }
        let name = String(base.dropFirst("phase.".count))
        return PhaseMetric(rawValue: name)?.definition ?? ClientMetric(rawValue: name)?.definition
    }

    /// Whether `name` (after the phase) is a metric of a phase with these client groups.
    public static func isKnown(_ name: String, clients: [String]) -> Bool {
        if PhaseMetric(rawValue: name) != nil { return true }
        guard let dot = name.firstIndex(of: ".") else { return false }
        return clients.contains(String(name[..<dot]))
            && ClientMetric(rawValue: String(name[name.index(after: dot)...])) != nil
    }
}

extension MetricCatalog {
    /// The docs table (docs/scenarios.md, "Metrics a claim can use"): `stampede list --metrics`.
    public static var markdownTable: String {
        var lines = [
            "| metric | scope | unit | better | source | what it measures |", "| --- | --- | --- | --- | --- | --- |",
        ]
        for d in phase + client {
            let name = d.scope == .client ? "`CLIENTS.\(d.name)`" : "`\(d.name)`"
            let better = d.direction.map { $0 == .higherIsBetter ? "higher" : "lower" } ?? ""
            let unit = d.unit == .count ? "" : d.unit.rawValue
            lines.append(
                "| \(name) | \(d.scope.rawValue) | \(unit) | \(better) | \(d.source.rawValue) | \(d.description) |")
        }
        return lines.joined(separator: "\n")
    }
}

extension Dictionary where Key == String, Value == Double {
    /// A phase's metric by its catalog name.
    public subscript(metric: PhaseMetric) -> Double? {
        get { self[metric.rawValue] }
        set { self[metric.rawValue] = newValue }
    }

    /// A client group's metric by its catalog name.
    public subscript(metric: ClientMetric) -> Double? {
        get { self[metric.rawValue] }
        set { self[metric.rawValue] = newValue }
    }
}
