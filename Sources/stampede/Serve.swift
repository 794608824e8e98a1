import ArgumentParser
import Foundation
import Hummingbird
import Logging
import Server
import ServiceLifecycle
import UnixSignals

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the reference server: the agent API under test, on real Redis and PostgreSQL.",
        discussion: """
            A profile picks the behaviour; any flag below overrides it. Defaults per profile \
            (documented | upstream | recommended):
              lock strategy      exponential | exponential-jitter | full-jitter
              SSE delivery       unbounded | bounded (queue 100) | bounded + slow-consumer deadline 10s
              Redis pool         50 fail-fast | 50 fail-fast | 200, waits up to 5s
              DB pool            10 + 20 overflow, 30s timeout (all); upstream holds one per new stream
              max connections    2000 | unlimited | unlimited
            Environment variables (upstream names) apply when the flag is absent: API_KEY, REDIS_URL, \
            DATABASE_URL, DB_POOL_SIZE, DB_MAX_OVERFLOW, REDIS_MAX_CONNECTIONS, REDIS_SESSION_TTL, \
            REDIS_INTERRUPT_TTL, API_PORT. Durations: 250ms, 5s, 2m.

            Example: stampede services up &  then
              stampede serve --port 8080 --profile documented --redis-url redis://127.0.0.1:6379/0 \\
                --database-url postgresql://stampede@127.0.0.1:5432/stampede
            """)

    @Option(help: "Port to listen on (0 picks a free one; env API_PORT). Default 54000.") var port: Int?
    @Option(help: "Address to bind. Default 127.0.0.1.") var host: String?
    @Option(help: "documented, upstream or recommended.") var profile: ServerProfile = .upstream
    @Option(help: "The shared API key (env API_KEY). Default stampede-dev-key.") var apiKey: String?
    @Option(help: "Redis URL (env REDIS_URL).") var redisURL: String?
    @Option(help: "PostgreSQL URL (env DATABASE_URL); postgresql+asyncpg:// is accepted.") var databaseURL: String?

    @Option(help: "Lock strategy: exponential, exponential-jitter, full-jitter, decorrelated-jitter, optimistic.")
    var lockStrategy: LockStrategy?
    @Option(help: "Lock TTL (EX). Default 30s.") var lockTTL: DurationArgument?
    @Option(help: "Give up acquiring the lock after this long. Default 5s.") var lockTimeout: DurationArgument?
    @Option(help: "First retry delay. Default 10ms.") var lockInitialDelay: DurationArgument?
    @Option(help: "Largest retry delay. Default 500ms.") var lockMaxDelay: DurationArgument?
    @Option(help: "Work done inside the critical section, in milliseconds. Default 0.") var lockHoldMs: Int?

    @Option(help: "SSE delivery: unbounded or bounded.") var sseDelivery: SSEDelivery?
    @Option(help: "Bounded queue size, in events. Default 100.") var sseQueue: Int?
    @Option(help: "Cut a stream whose agent waited this long on a full queue ('off' to disable).") var slowConsumerDeadline: String?
    @Option(help: "Keep-alive ping interval. Default 15s.") var pingInterval: DurationArgument?
    @Option(help: "Send `retry:` with this delay at the start of each stream.") var sseRetry: DurationArgument?
    @Option(help: "How long a cut stream waits to be resumed. Default 30s.") var resumeWindow: DurationArgument?
    @Option(help: "SO_SNDBUF of stream connections in bytes (default: kernel autotuning).") var socketSendBuffer: Int?
    @Option(help: "Poll Redis for interrupts after every event, as upstream (true/false). Default true.") var interruptPoll: Bool?

    @Option(help: "Redis pool max connections (env REDIS_MAX_CONNECTIONS).") var redisPool: Int?
    @Option(help: "Wait this long for a Redis connection instead of failing fast ('off' = fail fast).") var redisPoolTimeout: String?
    @Option(help: "PostgreSQL pool size (env DB_POOL_SIZE). Default 10.") var dbPool: Int?
    @Option(help: "PostgreSQL pool overflow (env DB_MAX_OVERFLOW). Default 20.") var dbOverflow: Int?
    @Option(help: "PostgreSQL pool checkout timeout. Default 30s.") var dbPoolTimeout: DurationArgument?
    @Option(help: "Hold one PostgreSQL connection per new-session stream (true/false); upstream: true.") var holdDbConnection: Bool?
    @Option(help: "Threads for blocking Redis/PostgreSQL calls. Default 32.") var ioThreads: Int?

    @Option(help: "Reject requests beyond this many in flight with 503 ('off' = unlimited).") var maxConnections: String?
    @Option(help: "Set this process's soft open-file limit (default: raise to the hard limit).") var maxFds: Int?
    @Option(help: "Agent runs at once per instance. Default 100.") var agentSlots: Int?
    @Option(help: "When all agent slots are busy: queue or reject. Default queue.") var agentSlotPolicy: AgentSlotPolicy?
    @Option(help: "Content events per run: 20, uniform:10-30 or exp:20. Default 20.") var agentEvents: String?
    @Option(help: "Time between events. Default 200ms.") var agentInterval: DurationArgument?
    @Option(help: "Bytes of text per message event. Default 300.") var agentPayloadBytes: Int?
    @Option(help: "Partial deltas per message when the request asks for them. Default 3.") var agentPartials: Int?
    @Option(help: "Delay before the first event (SDK start-up). Default 0.") var agentStartDelay: DurationArgument?
    @Option(help: "Seed of the agent's randomness and retry jitter. Default 42.") var seed: UInt64?
    @Option(help: "Largest request body accepted (413 beyond). Default 1048576.") var maxBodyBytes: Int?
    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.") var logLevel: String = "info"

    func resolved(environment env: [String: String] = ProcessInfo.processInfo.environment) throws -> ServerConfiguration {
        var c = ServerConfiguration(profile: profile)
        func envInt(_ k: String) throws -> Int? {
            guard let v = env[k] else { return nil }
            guard let i = Int(v) else { throw ValidationError("environment variable \(k)=\(v) is not a whole number") }
            return i
        }
        if let v = try port ?? envInt("API_PORT") { c.port = v }
        if let v = host { c.host = v }
        if let v = apiKey ?? env["API_KEY"] { c.apiKey = v }
        if let v = redisURL ?? env["REDIS_URL"] { c.redisURL = v }
        if let v = databaseURL ?? env["DATABASE_URL"] { c.databaseURL = v }
        if let v = lockStrategy { c.lockStrategy = v }
        if let v = lockTTL { c.lockTTL = v.duration }
        if let v = lockTimeout { c.lockTimeout = v.duration }
        if let v = lockInitialDelay { c.lockInitialDelay = v.duration }
        if let v = lockMaxDelay { c.lockMaxDelay = v.duration }
        if let v = lockHoldMs { c.lockHold = .milliseconds(v) }
        if let v = sseDelivery { c.sseDelivery = v }
        if let v = sseQueue { c.sseQueue = v }
        if let v = slowConsumerDeadline { c.slowConsumerDeadline = try Self.optionalDuration(v, flag: "--slow-consumer-deadline") }
        if let v = pingInterval { c.pingInterval = v.duration }
        if let v = sseRetry { c.sseRetry = v.duration }
        if let v = resumeWindow { c.resumeWindow = v.duration }
        if let v = interruptPoll { c.pollInterruptPerEvent = v }
        if let v = socketSendBuffer { c.socketSendBuffer = v }
        if let v = try dbPool ?? envInt("DB_POOL_SIZE") { c.dbPoolSize = v }
        if let v = try dbOverflow ?? envInt("DB_MAX_OVERFLOW") { c.dbMaxOverflow = v }
        if profile == .upstream { c.redisPoolSize = max(c.dbPoolSize + c.dbMaxOverflow, 50) }
        if let v = try redisPool ?? envInt("REDIS_MAX_CONNECTIONS") { c.redisPoolSize = v }
        if let v = redisPoolTimeout { c.redisPoolTimeout = try Self.optionalDuration(v, flag: "--redis-pool-timeout") }
        if let v = dbPoolTimeout { c.dbPoolTimeout = v.duration }
        if let v = holdDbConnection { c.holdDBConnectionPerStream = v }
        if let v = ioThreads { c.ioThreads = v }
        if let v = maxConnections {
            if v == "off" { c.maxConnections = nil } else if let n = Int(v) { c.maxConnections = n } else {
                throw ValidationError("--max-connections must be a number or 'off', got '\(v)'")
            }
        }
        if let v = maxFds { c.maxFDs = v }
        if let v = agentSlots { c.agentSlots = v }
        if let v = agentSlotPolicy { c.agentSlotPolicy = v }
        if let v = agentEvents {
            do { c.agent.eventsPerRun = try .init(parsing: v) } catch { throw ValidationError("--agent-events: \(error)") }
        }
        if let v = agentInterval { c.agent.eventInterval = v.duration }
        if let v = agentPayloadBytes { c.agent.payloadBytes = v }
        if let v = agentPartials { c.agent.partialsPerMessage = v }
        if let v = agentStartDelay { c.agent.startDelay = v.duration }
        if let v = seed { c.agent.seed = v }
        if let v = maxBodyBytes { c.maxBodyBytes = v }
        if let v = try envInt("REDIS_SESSION_TTL") { c.sessionTTLSeconds = v }
        if let v = try envInt("REDIS_INTERRUPT_TTL") { c.interruptTTLSeconds = v }
        let problems = c.validate()
        if !problems.isEmpty { throw ValidationError(problems.joined(separator: "\n")) }
        return c
    }

    static func optionalDuration(_ text: String, flag: String) throws -> Duration? {
        if text == "off" || text == "none" { return nil }
        guard let d = DurationArgument.parse(text) else {
            throw ValidationError("\(flag) must be a duration like 250ms, 5s or 2m, or 'off'; got '\(text)'")
        }
        return d
    }

    func validate() throws {
        _ = try resolved()
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical")
        }
    }

    func run() async throws {
        let configuration = try resolved()
        try ReferenceServer.prepareProcess(configuration)
        var logger = Logger(label: "stampede.serve")
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .info
        let state = try ServerState(configuration: configuration, logger: logger)
        let services = ReferenceServer.services(state: state, logger: logger) { port in
            // One line on stdout that orchestrators wait for.
            print("stampede serve: listening on http://\(configuration.host):\(port) profile=\(configuration.profile.rawValue)")
            flushStandardOutput()
        }
        let group = ServiceGroup(
            configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
        await state.shutdown()
    }
}
