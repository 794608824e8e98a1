/// A scenario: which services, which server fleet, which workload phases, what to sample and which
/// known-issue claims to check. Built-ins and YAML files share this one model (``ScenarioLoader``).
public struct Scenario: Sendable, Codable, Equatable {
    /// Catalog name (`ci-smoke`) or the file's `name:`.
    public var name: String
    /// One line for `stampede list`.
    public var summary: String
    /// Parameter values after defaults and `--set` overrides, referenced as `${name}` in the YAML.
    public var parameters: [String: String]
    public var services: ServicesSpec
    /// Server groups by name; a phase runs against one group.
    public var groups: [FleetGroup]
    public var phases: [PhaseSpec]
    public var sampling: SamplingSpec
    public var claims: [ClaimSpec]
    /// Threshold expressions checked by `stampede gate` and `stampede run --gate`
    /// (`stream.first_event: p(99) < 500ms`; grammar in docs/gates.md). Nil in reports written
    /// before thresholds existed.
    public var thresholds: [String]?
    /// How many times each phase runs (a phase's own `repeats` wins); nil: once. Its claims then
    /// see each metric's mean and 95 % interval over the repeats (``RepeatMerge``).
    public var repeats: Int?

    public init(
        name: String, summary: String = "", parameters: [String: String] = [:], services: ServicesSpec = .init(),
        groups: [FleetGroup] = [], phases: [PhaseSpec] = [], sampling: SamplingSpec = .init(), claims: [ClaimSpec] = [],
        thresholds: [String]? = nil
    ) {
        self.name = name
        self.summary = summary
        self.parameters = parameters
        self.services = services
        self.groups = groups
        self.phases = phases
        self.sampling = sampling
        self.claims = claims
        self.thresholds = thresholds
    }

    public func group(named name: String) -> FleetGroup? { groups.first { $0.name == name } }

    /// How many times `phase` runs.
    public func repeats(of phase: PhaseSpec) -> Int { phase.repeats ?? repeats ?? 1 }

    /// Every phase repeated `n` times (`stampede run --repeats N`), whatever the file said.
    public func repeated(_ n: Int) -> Scenario {
        var s = self
        s.repeats = n
        for i in s.phases.indices { s.phases[i].repeats = nil }
        return s
    }
}

/// Redis and PostgreSQL: embedded (started on free loopback ports) unless a URL is given.
public struct ServicesSpec: Sendable, Codable, Equatable {
    public var redisURL: String?
    public var databaseURL: String?
    public init(redisURL: String? = nil, databaseURL: String? = nil) {
        self.redisURL = redisURL
        self.databaseURL = databaseURL
    }
}

/// How often and what to sample while a phase runs, and when a phase's numbers are too weak.
public struct SamplingSpec: Sendable, Codable, Equatable {
    /// Samples per second of every server's `/proc/PID` and `/metrics`. Default 4.
    public var hz: Double = 4
    /// Extra `/metrics` series (exact names, labels included) written to `timeseries.csv`.
    public var metrics: [String] = []
    /// Fewer server samples than this in a phase's measured window makes its claims inconclusive. Default 8.
    public var minSamples: Int = 8
    /// Generator CPU (percent of all cores) at or above which a phase is inconclusive. Default 90.
    public var generatorCPULimit: Double = 90
    /// Machine CPU (busy time of all cores, /proc/stat) at or above which a phase is
    /// inconclusive: servers, generator and services then compete for CPU, and the numbers
    /// measure this machine rather than the system under test. Nil in older reports; default 90.
    public var machineCPULimit: Double?
    public init() {}

    public static let defaultMachineCPULimit = 90.0
}
