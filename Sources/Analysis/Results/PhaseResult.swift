import ServerConfig

/// One phase as it ran: configuration, whether it completed, the measured metrics, what makes
/// them weak (`validity`), the client groups' results and the sampled time series.
public struct PhaseResult: Sendable, Codable, Equatable {
    public var name: String
    public var group: String
    public var instances: Int
    public var profile: String
    /// The `stampede serve` arguments of every instance (besides port and URLs).
    public var serveArguments: [String]
    /// Every knob as the instances ran with it, and where its value came from (nil in reports
    /// written before it existed, and when the configuration could not be resolved).
    public var configuration: [ServerSetting]?
    /// Metrics the phase could not measure, with the reason (`lost_updates`: agent-events varies).
    public var notMeasured: [String: String]?
    /// The links that went through a fault proxy, and what each added; nil: all direct.
    public var network: NetworkSpec?
    public var durationSeconds: Double
    public var warmupSeconds: Double
    public var startedAtUnixSeconds: Double
    public var wallSeconds: Double
    public var complete: Bool
    /// Why the phase did not complete.
    public var error: String?
    /// ``MetricCatalog`` names; client groups' metrics as `CLIENTS.NAME`.
    public var metrics: [String: Double]
    /// 95 % intervals of the metrics that have replicates (``BatchMeans``, repeats); nil in
    /// reports written before intervals existed.
    public var intervals: [String: ConfidenceInterval]?
    /// Reasons the numbers cannot support a verdict (saturated generator, too few samples, ...).
    public var validity: [String]
    public var clients: [ClientGroupResult]
    public var samples: [Sample]
    /// The sweep this phase belongs to (`NAME` of `NAME@N`), if any.
    public var sweep: String?
    /// The popularity sweep it belongs to (`NAME` of `NAME-hotH`), if any.
    public var popularity: String?
    /// The hot sessions its streams updated, and their Zipf exponent (nil: uniform).
    public var hotSet: Int?
    public var zipf: Double?
    /// Each planned fault as it happened, in time order; nil: the phase had none.
    public var faults: [FaultResult]?
    /// Each run of a repeated phase (``RepeatMerge``); nil: it ran once. `metrics` then holds
    /// the means, `intervals` the 95 % intervals over the repeats, and the clients, samples and
    /// faults are the first repeat's.
    public var repeats: [PhaseRepeat]?
    /// The lock's acquire-wait histogram over the measured window, summed over the instances
    /// (`stampede_lock_acquire_wait_seconds`), for the report's distribution plot; nil without
    /// hot sessions, or in reports written before it.
    public var lockWait: LockWaitDistribution?

    public init(
        name: String, group: String, instances: Int, profile: String, serveArguments: [String], durationSeconds: Double,
        warmupSeconds: Double, startedAtUnixSeconds: Double = 0, wallSeconds: Double = 0, complete: Bool = false,
        error: String? = nil, metrics: [String: Double] = [:], validity: [String] = [],
        clients: [ClientGroupResult] = [],
        samples: [Sample] = []
    ) {
        self.name = name
        self.group = group
        self.instances = instances
        self.profile = profile
        self.serveArguments = serveArguments
        self.durationSeconds = durationSeconds
        self.warmupSeconds = warmupSeconds
        self.startedAtUnixSeconds = startedAtUnixSeconds
        self.wallSeconds = wallSeconds
        self.complete = complete
        self.error = error
        self.metrics = metrics
        self.validity = validity
        self.clients = clients
        self.samples = samples
    }
}

extension PhaseResult: SweepMember {
    public var sweepInstances: Int? { sweep == nil ? nil : instances }
    public var popularityBase: String? { popularity }
    public var hotSetSize: Int? { hotSet }
}

/// A cumulative histogram of lock acquire waits: `counts[i]` waits took at most `bounds[i]`
/// seconds; `total` is every wait (the `+Inf` bucket).
public struct LockWaitDistribution: Sendable, Codable, Equatable {
    public var bounds: [Double]
    public var counts: [Double]
    public var total: Double

    public init(bounds: [Double], counts: [Double], total: Double) {
        self.bounds = bounds
        self.counts = counts
        self.total = total
    }

    /// From the servers' buckets of two samples (``PhaseMetricsCalculator/lockWaitBuckets(first:last:)``).
    public init?(first: Sample, last: Sample) {
        let buckets = PhaseMetricsCalculator.lockWaitBuckets(first: first, last: last)
        guard let total = buckets.last(where: { !$0.le.isFinite })?.count ?? buckets.last?.count, total > 0 else {
            return nil
        }
        let finite = buckets.filter { $0.le.isFinite }
        self.init(bounds: finite.map(\.le), counts: finite.map(\.count), total: total)
    }
}
