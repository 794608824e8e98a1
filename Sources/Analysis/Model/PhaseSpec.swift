import LoadGen
import ServerConfig

/// One workload phase: SSE client groups driven against every instance of one fleet group for
/// `duration` seconds; the first `warmup` seconds are excluded from the measurements.
public struct PhaseSpec: Sendable, Codable, Equatable {
    public var name: String
    /// The fleet group started for this phase (and stopped after it).
    public var group: String
    public var duration: Double = 15
    public var warmup: Double = 3
    /// Sessions created before the load and continued by every stream (`{session}` in the body):
    /// a small hot set aims the end-of-stream updates at few locks. Nil: every stream creates its own.
    public var hotSet: Int?
    /// Streams pick their hot session Zipf(zipf) instead of uniformly (session 0 the most
    /// popular); needs `hotSet`. Nil: uniform.
    public var zipf: Double?
    public var clients: [ClientSpec] = []
    /// Instances for this phase instead of the group's (set by an `instances:` sweep).
    public var instances: Int?
    /// The phase's name before a sweep expanded it into `NAME@N` phases, one per instance count.
    public var sweep: String?
    /// The phase's name before a popularity sweep (`hot-set: 1,4,16`) expanded it into
    /// `NAME-hotH` phases, one per hot-set size (each maybe an instance sweep of its own).
    public var popularity: String?
    /// The links that go through a fault proxy in this phase (the scenario's `network:` with the
    /// phase's own over it); nil: every link direct.
    public var network: NetworkSpec?
    /// Planned faults on the load's timeline; nil: none.
    public var faults: [FaultSpec]?
    /// How many times the phase runs, instead of the scenario's `repeats`; nil: the scenario's.
    public var repeats: Int?

    public init(
        name: String, group: String, duration: Double = 15, warmup: Double = 3, hotSet: Int? = nil,
        clients: [ClientSpec] = []
    ) {
        self.name = name
        self.group = group
        self.duration = duration
        self.warmup = warmup
        self.hotSet = hotSet
        self.clients = clients
    }
}

/// Clients of one kind, spread evenly over the instances of the phase's group. Each SSE client
/// loops: opens a stream, reads it to the end, waits `restartDelay`, opens the next; an `http`
/// client (``ClientMode/http``) does the same with regular requests.
public struct ClientSpec: Sendable, Codable, Equatable {
    /// Clients in total for a fleet of `instances`.
    public func total(instances: Int) -> Int { countPerInstance.map { $0 * instances } ?? count }

    public var name: String
    /// Clients in total (over all instances).
    public var count: Int = 10
    /// Clients per instance instead (`count-per-instance`): the load grows with the fleet in a sweep.
    public var countPerInstance: Int?
    /// Load-generator profile mix, e.g. `fast`, `slow`, `fast:80,slow:20`.
    public var mix: String = "fast"
    /// Receive cap of `slow` clients, bytes per second. Default 1024.
    public var slowRate: Int = 1024
    /// New connections per second (over all instances). Default 200.
    public var ramp: Double = 200
    /// Pause between a stream's end and the next, seconds. Default 0.05.
    public var restartDelay: Double = 0.05
    /// Request path. Default `/api/v1/query`.
    public var path: String = "/api/v1/query"
    /// The request, for any SSE endpoint (`method:`, `body:`, `headers:`); nil: the agent API's
    /// (`POST` with `{"prompt": "stampede"}` plus the hot session's `session_id`, `X-API-Key` and
    /// JSON content type). `{session}` in the body or a header value is the hot session's id.
    public var method: String?
    public var body: String?
    public var headers: [String: String]?
    /// Goodput: the SLO each stream is judged against (`slo: 'ttfe<1s,gap.p99<500ms'`, ``StreamSLO``).
    public var slo: String?
    /// The event types that carry content (`content-events: [message, partial]`, the default).
    public var contentEvents: [String]?

    /// The parsed SLO (checked at load, so nil only when none is given).
    public var streamSLO: StreamSLO? {
        slo.flatMap { try? StreamSLO(parsing: $0, duration: { DurationText.seconds($0).map(Duration.secondsDouble) }) }
    }
    /// Streams or regular requests (`mode:`); nil means ``ClientMode/sse``.
    public var mode: ClientMode?
    /// A link of this group's own between it and each server (`link: {bandwidth: 2}`): its clients
    /// sit behind a proxy with that latency and bandwidth, the others do not.
    public var link: LinkSpec?

    /// The mode actually used.
    public var effectiveMode: ClientMode { mode ?? .sse }

    public init(
        name: String, count: Int = 10, mix: String = "fast", slowRate: Int = 1024, ramp: Double = 200,
        restartDelay: Double = 0.05
    ) {
        self.name = name
        self.count = count
        self.mix = mix
        self.slowRate = slowRate
        self.ramp = ramp
        self.restartDelay = restartDelay
    }
}
