/// One sampler tick: every server instance's `/proc/PID` and `/metrics`, and the generator's own
/// process (this one).
public struct Sample: Sendable, Codable, Equatable {
    public struct Server: Sendable, Codable, Equatable {
        public var instance: Int
        public var rssBytes: Int
        public var openFDs: Int
        public var threads: Int
        public var cpuSeconds: Double
        /// `/metrics` series → value (empty when the scrape failed).
        public var metrics: [String: Double]

        public init(
            instance: Int, rssBytes: Int, openFDs: Int, threads: Int, cpuSeconds: Double, metrics: [String: Double]
        ) {
            self.instance = instance
            self.rssBytes = rssBytes
            self.openFDs = openFDs
            self.threads = threads
            self.cpuSeconds = cpuSeconds
            self.metrics = metrics
        }
    }

    /// Redis `INFO` and PostgreSQL `pg_stat_activity`, without the sampler's own connections.
    public struct Backends: Sendable, Codable, Equatable {
        public var redisConnectedClients: Int?
        public var redisOpsPerSecond: Double?
        public var postgresConnections: Int?
        public var postgresActive: Int?
        public var postgresIdleInTransaction: Int?
        public init() {}
    }

    /// Seconds since the phase's load started.
    public var t: Double
    public var servers: [Server]
    public var generatorRSSBytes: Int
    public var generatorCPUSeconds: Double
    /// Machine-wide busy CPU time (all cores, seconds) from /proc/stat.
    public var machineBusySeconds: Double?
    public var backends: Backends?

    public init(
        t: Double, servers: [Server], generatorRSSBytes: Int = 0, generatorCPUSeconds: Double = 0,
        machineBusySeconds: Double? = nil
    ) {
        self.t = t
        self.servers = servers
        self.generatorRSSBytes = generatorRSSBytes
        self.generatorCPUSeconds = generatorCPUSeconds
        self.machineBusySeconds = machineBusySeconds
    }
}
