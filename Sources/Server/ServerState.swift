import Atomics
import Backends
import Logging
import ServerConfig
import SystemSupport

/// What one server instance shares across requests: configuration, pools, services, streams.
public final class ServerState: Sendable {
    public let configuration: ServerConfiguration
    public let metrics = ServerMetrics()
    let lockLog = LockLog()
    let executor: BlockingExecutor
    public let redisPool: ConnectionPool<RedisConnection>
    public let databasePool: ConnectionPool<PostgresConnection>
    let cache: RedisCache
    /// The fair lock's subscriber (fair strategy only).
    let wakeups: LockWakeups?
    let sessions: SessionService
    let streams: StreamRegistry
    let slots: AgentSlots
    let agent: SimulatedAgent
    let clock = AgentClock()
    /// sha256 hex of the one API key: the owner of every session this server creates.
    let ownerHash: String
    let runCounter = ManagedAtomic<UInt64>(0)
    let logger: Logger

    public init(configuration: ServerConfiguration, logger: Logger) throws {
        self.configuration = configuration
        self.logger = logger
        executor = BlockingExecutor(threads: configuration.ioThreads)
        let redisEndpoint = try RedisEndpoint(url: configuration.redisURL)
        redisPool = ConnectionPool(
            name: "redis", configuration: configuration.redisPool, executor: executor, isBroken: { $0.isBroken },
            factory: { try RedisConnection(endpoint: redisEndpoint, timeoutMilliseconds: 5000) })
        let url = configuration.libpqURL
        databasePool = ConnectionPool(
            name: "postgres", configuration: configuration.databasePool, executor: executor,
            isBroken: { $0.isBroken || $0.inTransaction },
            factory: {
                let c = try PostgresConnection(url: url)
                try c.query("SET TIME ZONE 'UTC'")
                try c.query("SET client_min_messages TO warning")
                return c
            })
        cache = RedisCache(
            pool: redisPool, metrics: metrics, sessionTTL: configuration.sessionTTLSeconds,
            interruptTTL: configuration.interruptTTLSeconds)
        if configuration.lockStrategy == .fair {
            let w = LockWakeups(endpoint: redisEndpoint)
            w.start()
            wakeups = w
        } else {
            wakeups = nil
        }
        sessions = SessionService(
            cache: cache, database: databasePool, configuration: configuration, metrics: metrics, wakeups: wakeups,
            lockLog: lockLog)
        streams = StreamRegistry(configuration: configuration, metrics: metrics)
        slots = AgentSlots(capacity: configuration.agentSlots, policy: configuration.agentSlotPolicy, metrics: metrics)
        agent = SimulatedAgent(configuration: configuration.agent)
        ownerHash = SHA256.hexDigest(configuration.apiKey)
    }

    /// Creates the `sessions` table and indexes if missing.
    public func migrate() async throws {
        try await databasePool.withConnection { try SessionsSchema.migrate($0) }
    }

    private let shutDownFlag = ManagedAtomic<Bool>(false)
    var isShutDown: Bool { shutDownFlag.load(ordering: .relaxed) }

    public func shutdown() async {
        shutDownFlag.store(true, ordering: .relaxed)
        streams.endAll()
        wakeups?.stop()
        redisPool.shutdown()
        databasePool.shutdown()
        await executor.shutdown()
    }
}
