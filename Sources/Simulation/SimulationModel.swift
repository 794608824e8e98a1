import ServerConfig

/// The system a simulation runs: a fleet of instances of the agent API, its clients, the lock
/// protecting each session's end-of-stream update, Redis and PostgreSQL as servers with round
/// trips and per-instance pools, and the CPU the work shares. Every duration is simulated time.
/// ``Simulator`` runs it; calibration from a measured report lives in `Analysis`
/// (`SimulationCalibration`), so this stays a plain value anyone can build by hand.
public struct SimulationModel: Sendable, Equatable, Codable {
    /// Closed loop: a fixed number of clients per instance, each starting its next stream `think`
    /// after the previous one ended (the load generator's `restart-delay`). Open: Poisson arrivals
    /// over the whole fleet, one stream each.
    public enum Load: Sendable, Equatable, Codable {
        case closed(clientsPerInstance: Int, think: Spread)
        case open(arrivalsPerSecond: Double)
    }

    /// How a client reads its stream, as the load generator's profiles do: as fast as events
    /// come, at most `eventsPerSecond`, or fast except for one stop of `length` starting `after`
    /// the stream began (the reader then catches up at once).
    public enum Consumer: Sendable, Equatable, Codable {
        case fast
        case slow(eventsPerSecond: Double)
        case stalled(after: Duration, length: Duration)
    }

    /// One reader kind of a mix and its weight: clients take the kinds by the load generator's own
    /// smooth weighted round-robin (`ProfileMix.roundRobin`, as `--mix` assigns profiles); open
    /// arrivals draw by weight.
    public struct ConsumerShare: Sendable, Equatable, Codable {
        public var consumer: Consumer
        public var weight: Int

        public init(_ consumer: Consumer, weight: Int) {
            self.consumer = consumer
            self.weight = weight
        }
    }

    /// The server's buffer between the agent and the socket (PERF-004): unbounded, or a queue
    /// of `events` that blocks the producer when full.
    public enum Delivery: Sendable, Equatable, Codable {
        case unbounded
        case bounded(events: Int)
    }

    /// A duration drawn as `fixed + Exp(mean: exponentialMean)`.
    public struct Spread: Sendable, Equatable, Codable {
        public var fixed: Duration
        public var exponentialMean: Duration

        public init(fixed: Duration, exponentialMean: Duration = .zero) {
            self.fixed = fixed
            self.exponentialMean = exponentialMean
        }

        public static let zero = Spread(fixed: .zero)

        public var mean: Duration { fixed + exponentialMean }

        /// The shifted exponential through a median and a 99th percentile (p99 ≥ p50 ≥ 0):
        /// `mean·ln 2` above the shift at the median, `mean·ln 100` at p99.
        public static func through(p50: Duration, p99: Duration) -> Spread {
            let a = p50.seconds, b = max(p99.seconds, a)
            let mean = (b - a) / (log100 - log2)
            let shift = max(0, a - mean * log2)
            return Spread(fixed: .seconds(shift), exponentialMean: .seconds(mean))
        }

        static let log2 = 0.693_147_180_559_945_3
        static let log100 = 4.605_170_185_988_092
    }

    /// A per-instance pool: at most `size` in use; when all are, a caller waits up to `timeout`
    /// (nil: fails at once, redis-py's "Too many connections").
    public struct PoolLimit: Sendable, Equatable, Codable {
        public var size: Int
        public var timeout: Duration?

        public init(size: Int, timeout: Duration?) {
            self.size = size
            self.timeout = timeout
        }
    }

    /// The simulated agent: per stream `events` events `interval` apart, `payloadBytes` each, at
    /// most `slots` runs per instance at once (the others queue).
    public struct Agent: Sendable, Equatable, Codable {
        public var events: Int
        public var interval: Duration
        public var payloadBytes: Int
        public var slots: Int

        public init(events: Int, interval: Duration, payloadBytes: Int = 300, slots: Int = 100) {
            self.events = events
            self.interval = interval
            self.payloadBytes = payloadBytes
            self.slots = slots
        }
    }

    /// The end-of-stream session update. `strategy` nil: no lock (a plain database write). The
    /// delays and timeout are the server's knobs; `hold` its `lock-hold-ms`; `holdWork` the rest of
    /// the critical section besides its Redis and database calls (CPU, scheduling).
    public struct Lock: Sendable, Equatable, Codable {
        public var strategy: LockStrategy?
        public var initialDelay: Duration
        public var maxDelay: Duration
        public var timeout: Duration
        public var hold: Duration
        public var holdWork: Spread
        /// Fair lock only: from the releaser's hand-off at Redis to the waiter's claim leaving its
        /// instance, besides the half round trip of the publish (wake-up dispatch on a busy server).
        public var handoff: Spread = .zero

        public init(
            strategy: LockStrategy?, initialDelay: Duration = .milliseconds(10),
            maxDelay: Duration = .milliseconds(500),
            timeout: Duration = .seconds(5), hold: Duration = .zero, holdWork: Spread = .zero
        ) {
            self.strategy = strategy
            self.initialDelay = initialDelay
            self.maxDelay = maxDelay
            self.timeout = timeout
            self.hold = hold
            self.holdWork = holdWork
        }
    }

    /// A backing store: the network round trip from an instance, the time the server spends on
    /// one call (Redis: one thread, calls served in arrival order; PostgreSQL: in parallel), and
    /// each instance's pool of connections.
    public struct Store: Sendable, Equatable, Codable {
        public var roundTrip: Duration
        public var service: Spread
        public var pool: PoolLimit

        public init(roundTrip: Duration, service: Spread, pool: PoolLimit) {
            self.roundTrip = roundTrip
            self.service = service
            self.pool = pool
        }
    }

    /// CPU as a resource: every completed stream costs `secondsPerStream` of CPU, on `cores`
    /// shared by the whole fleet (one host, as measured) or on `cores` per instance (as deployed).
    /// At utilisation ρ the work parts of a stream (overheads, hold work, hand-offs, store service
    /// times; not the configured sleeps nor the network) stretch by 1 / (1 − ρ^c) on c cores, the
    /// response-time factor of an M/M/c queue (exact for c = 1, 2); ρ is found by fixed-point
    /// iteration over whole runs.
    public struct CPU: Sendable, Equatable, Codable {
        public var secondsPerStream: Double
        public var cores: Double
        public var sharedByFleet: Bool

        public init(secondsPerStream: Double, cores: Double, sharedByFleet: Bool) {
            self.secondsPerStream = secondsPerStream
            self.cores = cores
            self.sharedByFleet = sharedByFleet
        }
    }

    public var instances: Int
    public var load: Load
    /// Sessions the streams update (the hot set); each stream draws one (uniform, or Zipf).
    public var sessions: Int
    public var zipf: Double?
    public var agent: Agent
    public var consumer: Consumer = .fast
    /// A mix of readers instead of `consumer` for every client (nil or empty: `consumer` for all).
    /// Optional so that models written before it (in report.json) still decode.
    public var readers: [ConsumerShare]?
    public var delivery: Delivery = .unbounded
    /// Work per stream outside the agent's interval and the update (HTTP, parsing, scheduling),
    /// half before the update and half after.
    public var streamOverhead: Spread = .zero
    public var lock: Lock
    public var redis: Store
    public var database: Store
    public var cpu: CPU?
    public var duration: Duration
    public var warmup: Duration
    public var seed: UInt64

    public init(
        instances: Int, load: Load, sessions: Int, zipf: Double? = nil, agent: Agent, lock: Lock, redis: Store,
        database: Store, duration: Duration, warmup: Duration = .zero, seed: UInt64 = 1
    ) {
        self.instances = instances
        self.load = load
        self.sessions = sessions
        self.zipf = zipf
        self.agent = agent
        self.lock = lock
        self.redis = redis
        self.database = database
        self.duration = duration
        self.warmup = warmup
        self.seed = seed
    }

    /// What makes this model impossible to run, one line each (empty when it can run).
    public var problems: [String] {
        var p: [String] = []
        if instances < 1 { p.append("instances must be at least 1 (got \(instances))") }
        switch load {
        case .closed(let n, _): if n < 1 { p.append("clients per instance must be at least 1 (got \(n))") }
        case .open(let rate): if !(rate > 0) { p.append("arrival rate must be positive (got \(rate))") }
        }
        if sessions < 1 { p.append("sessions must be at least 1 (got \(sessions))") }
        if let z = zipf, !(z >= 0) { p.append("zipf exponent must be ≥ 0 (got \(z))") }
        if agent.events < 0 || agent.slots < 1 { p.append("agent events must be ≥ 0 and slots ≥ 1") }
        if redis.pool.size < 1 || database.pool.size < 1 { p.append("pool sizes must be at least 1") }
        if duration <= .zero { p.append("duration must be positive") }
        let readers = readers ?? []
        for c in [consumer] + readers.map(\.consumer) {
            if case .slow(let r) = c, !(r > 0) { p.append("a slow consumer's rate must be positive") }
            if case .stalled(let a, let l) = c, a < .zero || l <= .zero {
                p.append("a stall starts at 0 or later and lasts a positive time")
            }
        }
        if readers.contains(where: { $0.weight < 0 }) || (!readers.isEmpty && readers.allSatisfy { $0.weight == 0 }) {
            p.append("reader weights must be ≥ 0 with at least one above 0")
        }
        if case .bounded(let n) = delivery, n < 1 { p.append("a bounded queue holds at least 1 event") }
        if let c = cpu, !(c.cores > 0) || c.secondsPerStream < 0 { p.append("CPU cores must be positive") }
        return p
    }
}
