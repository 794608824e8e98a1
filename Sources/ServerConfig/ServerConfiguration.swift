import Backends
import Foundation

/// Everything the reference server can be told. `ServerConfiguration(profile:)` gives the
/// defaults of a profile; ``ServerKnobs`` declares every field a flag, scenario or environment
/// variable can set, and resolves them (docs/reference-server.md has the generated table).
public struct ServerConfiguration: Sendable, Equatable {
    public var profile: ServerProfile
    public var host = "127.0.0.1"
    /// 0 picks a free port.
    public var port = 54000
    /// The one shared secret (`API_KEY`).
    public var apiKey = "stampede-dev-key"
    public var redisURL = "redis://127.0.0.1:6379/0"
    public var databaseURL = "postgresql://stampede@127.0.0.1:5432/stampede"

    // Locks (SCALE-001)
    public var lockStrategy: LockStrategy
    public var lockTTL: Duration = .seconds(30)
    public var lockTimeout: Duration = .seconds(5)
    public var lockInitialDelay: Duration = .milliseconds(10)
    public var lockMaxDelay: Duration = .milliseconds(500)
    /// Extra time spent inside the critical section (simulated work).
    public var lockHold: Duration = .zero

    // SSE (PERF-004)
    public var sseDelivery: SSEDelivery
    public var sseQueue = 100
    /// When set (bounded delivery only), a stream whose reader is this far behind (its oldest
    /// queued event has waited this long) is ended with a `slow_consumer` event; the client may
    /// resume with `Last-Event-ID`.
    public var slowConsumerDeadline: Duration?
    /// Keep-alive comment interval (sse-starlette `ping=15`).
    public var pingInterval: Duration = .seconds(15)
    /// `retry:` field sent at the start of each stream, if set.
    public var sseRetry: Duration?
    /// SO_SNDBUF for stream connections (nil = kernel autotuning, which lets loopback buffer
    /// megabytes per socket and hides a slow reader from the application for a long time).
    public var socketSendBuffer: Int?
    /// How long a cut stream waits for the client to resume before the run is interrupted.
    public var resumeWindow: Duration = .seconds(30)
    /// After a slow-consumer cut, the run goes on into the stream's resume buffer up to this many
    /// bytes, so it ends and frees its agent slot; past it the run is stopped (the stream is no
    /// longer resumable). 0: the cut run keeps waiting for its reader, holding its slot.
    public var cutSpillBytes = 0

    // Pools (PERF-005, db-pool-hold)
    public var redisPoolSize: Int
    public var redisPoolTimeout: Duration?
    public var dbPoolSize = 10
    public var dbMaxOverflow = 20
    public var dbPoolTimeout: Duration = .seconds(30)
    /// Upstream quirk: a new-session stream holds one PostgreSQL connection until its final update.
    public var holdDBConnectionPerStream: Bool
    /// Threads that run blocking Redis and PostgreSQL calls.
    public var ioThreads = 32

    /// Upstream runs `EXISTS interrupted:{id}` after every content event.
    public var pollInterruptPerEvent = true

    // Capacity
    /// Requests in flight (streams included) beyond which new ones get 503, like uvicorn
    /// `--limit-concurrency`. nil = unlimited.
    public var maxConnections: Int?
    /// Soft open-file limit set at start (nil = raise to the hard limit).
    public var maxFDs: Int?
    public var agentSlots = 100
    public var agentSlotPolicy: AgentSlotPolicy = .queue
    public var agent = AgentConfiguration()
    /// Largest accepted request body; larger ones get 413.
    public var maxBodyBytes = 1 << 20

    // Redis keys' lifetimes, as upstream.
    public var sessionTTLSeconds = 3600
    public var interruptTTLSeconds = 300

    public var logLevel: LogLevel = .info

    /// swift-log's levels, by name.
    public enum LogLevel: String, Sendable, CaseIterable, Codable {
        case trace, debug, info, notice, warning, error, critical
    }

    /// Upstream's Redis pool rule, `max(db_pool_size + db_max_overflow, 50)` (KNOWN_ISSUES.md PERF-005).
    public static func upstreamRedisPoolSize(dbPool: Int, dbOverflow: Int) -> Int { max(dbPool + dbOverflow, 50) }

    /// The rule as text, for reports and plans.
    public static let upstreamRedisPoolRule = "max(db_pool_size + db_max_overflow, 50)"

    public init(profile: ServerProfile = .upstream) {
        self.profile = profile
        switch profile {
        case .documented:
            lockStrategy = .exponential
            sseDelivery = .unbounded
            redisPoolSize = 50
            redisPoolTimeout = nil
            holdDBConnectionPerStream = false
            maxConnections = 2000
        case .upstream:
            lockStrategy = .exponentialJitter
            sseDelivery = .bounded
            redisPoolSize = Self.upstreamRedisPoolSize(dbPool: 10, dbOverflow: 20)
            redisPoolTimeout = nil
            holdDBConnectionPerStream = true
            maxConnections = nil
        case .recommended:
            // The fair lock beat full jitter in `lock-fairness` (docs/benchmarks.md): same or more
            // throughput, no timeouts, a 3.8x lower p99 at 10 instances, fenced writes.
            lockStrategy = .fair
            sseDelivery = .bounded
            slowConsumerDeadline = .seconds(10)
            cutSpillBytes = 256 << 10
            redisPoolSize = 200
            redisPoolTimeout = .seconds(5)
            holdDBConnectionPerStream = false
            maxConnections = nil
        }
    }

    /// The Redis pool as configured: fail fast (redis-py) unless a wait timeout is set.
    public var redisPool: PoolConfiguration {
        PoolConfiguration(
            size: redisPoolSize, overflow: 0, whenExhausted: redisPoolTimeout.map { .wait(timeout: $0) } ?? .failFast)
    }

    /// The PostgreSQL pool: QueuePool size + overflow, waiting up to the timeout.
    public var databasePool: PoolConfiguration {
        PoolConfiguration(size: dbPoolSize, overflow: dbMaxOverflow, whenExhausted: .wait(timeout: dbPoolTimeout))
    }

    /// Every problem at once, each a sentence naming the setting and what it accepts.
    public func validate() -> [String] {
        var problems: [String] = []
        if !(0...65535).contains(port) {
            problems.append("port \(port) is out of range: use 0-65535 (0 picks a free port)")
        }
        if apiKey.isEmpty { problems.append("the API key is empty: set --api-key or API_KEY") }
        if redisPoolSize < 1 { problems.append("redis pool size \(redisPoolSize) must be at least 1") }
        if dbPoolSize < 1 { problems.append("db pool size \(dbPoolSize) must be at least 1") }
        if dbMaxOverflow < 0 { problems.append("db max overflow \(dbMaxOverflow) must be 0 or more") }
        if sseQueue < 1 { problems.append("SSE queue \(sseQueue) must be at least 1") }
        if agentSlots < 1 { problems.append("agent slots \(agentSlots) must be at least 1") }
        if ioThreads < 1 { problems.append("io threads \(ioThreads) must be at least 1") }
        if let m = maxConnections, m < 1 {
            problems.append("max connections \(m) must be at least 1 (omit it for unlimited)")
        }
        if let f = maxFDs, f < 64 { problems.append("max fds \(f) is too small for a server: use at least 64") }
        if lockTimeout <= .zero { problems.append("lock timeout must be positive") }
        if lockInitialDelay <= .zero || lockMaxDelay < lockInitialDelay {
            problems.append("lock delays must satisfy 0 < initial delay <= max delay")
        }
        if agent.eventInterval < .zero { problems.append("agent event interval must not be negative") }
        if agent.payloadBytes < 0 { problems.append("agent payload bytes must not be negative") }
        if pingInterval <= .zero { problems.append("ping interval must be positive") }
        if let b = socketSendBuffer, b < 1024 { problems.append("socket send buffer \(b) must be at least 1024 bytes") }
        if slowConsumerDeadline != nil && sseDelivery == .unbounded {
            problems.append("a slow-consumer deadline needs --sse-delivery bounded (an unbounded buffer never waits)")
        }
        do { _ = try RedisEndpoint(url: redisURL) } catch { problems.append("\(error)") }
        do {
            _ = try URLParts(
                databaseURL, schemes: ["postgresql", "postgres"], defaultPort: 5432, what: "database URL",
                example: "postgresql://user@127.0.0.1:5432/db")
        } catch { problems.append("\(error)") }
        return problems
    }

    /// The URL handed to libpq (`postgresql+asyncpg://` accepted and normalised).
    public var libpqURL: String {
        if let r = databaseURL.range(of: "://"), databaseURL[..<r.lowerBound].contains("+") {
            return "postgresql" + databaseURL[r.lowerBound...]
        }
        return databaseURL
    }
}
