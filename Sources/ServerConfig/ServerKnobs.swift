import Backends

/// Every `stampede serve` knob, once. `stampede serve` parses its flags with this table, scenario
/// files' `flags:` are validated against it before anything starts, fleets hand instances their
/// settings through ``arguments(for:)``, report.json records ``ResolvedServerConfiguration``, and
/// docs/reference-server.md's table is ``markdownTable``. A new knob is one entry here plus its
/// field in ``ServerConfiguration``.
public enum ServerKnobs {
    public static let all: [ServerKnob] = [
        // Where the instance listens and what it talks to (the fleet sets these per instance).
        .text("host", \.host, accepts: "an address to bind", "Address to bind.").with(fleetOwned: true),
        .integer("port", \.port, 0...65535, env: "API_PORT", "Port to listen on (0 picks a free one).")
            .with(fleetOwned: true),
        // The URLs are parsed by ServerConfiguration.validate(), as for a configuration made in code.
        .text("redis-url", \.redisURL, accepts: "a redis:// URL", env: "REDIS_URL", "Redis URL.").with(
            fleetOwned: true),
        .text(
            "database-url", \.databaseURL, accepts: "a postgresql:// URL", env: "DATABASE_URL",
            "PostgreSQL URL; postgresql+asyncpg:// is accepted."
        ).with(fleetOwned: true),
        .text("api-key", \.apiKey, accepts: "a non-empty key", env: "API_KEY", "The shared API key (X-API-Key).")
            .with(secret: true),

        // Locks (SCALE-001)
        .choice("lock-strategy", \.lockStrategy, "How concurrent updates of one session are serialised."),
        .duration("lock-ttl", \.lockTTL, "Lock TTL (SET NX EX)."),
        .duration("lock-timeout", \.lockTimeout, "Give up acquiring the lock after this long."),
        .duration("lock-initial-delay", \.lockInitialDelay, "First retry delay."),
        .duration("lock-max-delay", \.lockMaxDelay, "Largest retry delay."),
        .milliseconds("lock-hold-ms", \.lockHold, 0...3_600_000, "Work done inside the critical section, ms."),

        // SSE (PERF-004)
        .choice("sse-delivery", \.sseDelivery, "Unbounded buffer, or a bounded queue the agent waits on."),
        .integer("sse-queue", \.sseQueue, 1...1_000_000, "Bounded queue size, in events."),
        .optionalDuration(
            "slow-consumer-deadline", \.slowConsumerDeadline, positive: false,
            "Cut a stream whose reader is this far behind: its oldest queued event waited this long (bounded only)."),
        .duration("ping-interval", \.pingInterval, "Keep-alive comment interval."),
        .optionalDuration(
            "sse-retry", \.sseRetry, positive: false, "Send `retry:` with this delay at the start of each stream."),
        .duration("resume-window", \.resumeWindow, positive: false, "How long a cut stream waits to be resumed."),
        .integer(
            "cut-spill", \.cutSpillBytes, 0...(1 << 30),
            "After a cut, the run goes on into the resume buffer up to this many bytes, freeing its agent slot (0: it waits)."
        ),
        .optionalInteger(
            "socket-send-buffer", \.socketSendBuffer, 1024...(1 << 30),
            "SO_SNDBUF of stream connections in bytes ('off': kernel autotuning)."),
        .boolean(
            "interrupt-poll", \.pollInterruptPerEvent, "Poll Redis for interrupts after every event, as upstream."),

        // Pools (PERF-005, db-pool-hold)
        .integer(
            "redis-pool", \.redisPoolSize, 1...100_000, env: "REDIS_MAX_CONNECTIONS", "Redis pool max connections."),
        .optionalDuration(
            "redis-pool-timeout", \.redisPoolTimeout, positive: false,
            "Wait this long for a Redis connection ('off': fail fast)."),
        .integer("db-pool", \.dbPoolSize, 1...10_000, env: "DB_POOL_SIZE", "PostgreSQL pool size."),
        .integer("db-overflow", \.dbMaxOverflow, 0...10_000, env: "DB_MAX_OVERFLOW", "PostgreSQL pool overflow."),
        .duration("db-pool-timeout", \.dbPoolTimeout, positive: false, "PostgreSQL pool checkout timeout."),
        .boolean(
            "hold-db-connection", \.holdDBConnectionPerStream, "Hold one PostgreSQL connection per new-session stream."),
        .integer("io-threads", \.ioThreads, 1...1024, "Threads for blocking Redis/PostgreSQL calls."),

        // Capacity
        .optionalInteger(
            "max-connections", \.maxConnections, 1...1_000_000,
            "Reject requests beyond this many in flight with 503 ('off': unlimited)."),
        .optionalInteger(
            "max-fds", \.maxFDs, 64...1_073_741_824,
            "Soft open-file limit set at start ('off': raise to the hard limit)."),
        .integer("agent-slots", \.agentSlots, 1...100_000, "Agent runs at once per instance."),
        .choice("agent-slot-policy", \.agentSlotPolicy, "When all agent slots are busy: queue or reject."),
        .typed(
            "agent-events", \.agent.eventsPerRun,
            accepts: "a count (20), uniform:MIN-MAX (uniform:10-30) or exp:MEAN (exp:20)", "Content events per run.",
            parse: { try? AgentConfiguration.RunLength(parsing: $0) }, render: { $0.description }),
        .duration("agent-interval", \.agent.eventInterval, positive: false, "Time between events."),
        .integer("agent-payload-bytes", \.agent.payloadBytes, 0...(1 << 24), "Bytes of text per message event."),
        .integer("agent-partials", \.agent.partialsPerMessage, 0...1000, "Partial deltas per message, when asked for."),
        .duration(
            "agent-start-delay", \.agent.startDelay, positive: false, "Delay before the first event (SDK start-up)."),
        .typed(
            "seed", \.agent.seed, accepts: "a whole number ≥ 0", "Seed of the agent's randomness and retry jitter.",
            parse: { UInt64($0) }, render: { String($0) }),
        .integer("max-body-bytes", \.maxBodyBytes, 1...(1 << 30), "Largest request body accepted (413 beyond)."),
        .integer(
            "session-ttl", \.sessionTTLSeconds, 1...31_536_000, env: "REDIS_SESSION_TTL", "Redis session key TTL, s."),
        .integer(
            "interrupt-ttl", \.interruptTTLSeconds, 1...31_536_000, env: "REDIS_INTERRUPT_TTL",
            "Redis interrupt key TTL, s."),
        .choice("log-level", \.logLevel, "Log level."),
    ]

    private static let byName: [String: ServerKnob] = Dictionary(uniqueKeysWithValues: all.map { ($0.name, $0) })

    public static func knob(named name: String) -> ServerKnob? { byName[name] }

    /// Knob names a scenario's `flags:` may set (all but the fleet's own).
    public static var scenarioNames: [String] { all.filter { !$0.fleetOwned }.map(\.name) }

    /// Why `name` is not a knob a scenario may set, with the closest names; nil when it is.
    public static func problem(withScenarioFlag name: String) -> String? {
        if let knob = byName[name] {
            return knob.fleetOwned ? "set by the fleet for each instance; a scenario cannot set it" : nil
        }
        let closest = EditDistance.closest(to: name, in: scenarioNames, limit: 3)
        return "not a `stampede serve` knob; closest: \(closest.joined(separator: ", ")) (all: `stampede serve --help`)"
    }

    /// Resolves a profile and settings (applied in order: later ones win) into a configuration and
    /// the record of where each value came from. Throws every problem at once.
    public static func resolve(
        profile: ServerProfile, settings: [ServerSetting]
    ) throws(ServerConfigurationError) -> ResolvedServerConfiguration {
        var c = ServerConfiguration(profile: profile)
        var problems: [ServerKnobProblem] = []
        var sources: [String: SettingSource] = [:]
        for setting in settings {
            guard let knob = byName[setting.name] else {
                problems.append(.init(knob: setting.name, message: "not a `stampede serve` knob"))
                continue
            }
            do {
                try knob.set(setting.value, in: &c)
                sources[knob.name] = setting.source
            } catch {
                var problem = error
                problem.source = setting.source
                problems.append(problem)
            }
        }
        if profile == .upstream && sources["redis-pool"] == nil {
            c.redisPoolSize = ServerConfiguration.upstreamRedisPoolSize(
                dbPool: c.dbPoolSize, dbOverflow: c.dbMaxOverflow)
            if sources["db-pool"] != nil || sources["db-overflow"] != nil {
                sources["redis-pool"] = .rule(ServerConfiguration.upstreamRedisPoolRule)
            }
        }
        if problems.isEmpty {
            problems += c.validate().map { ServerKnobProblem(knob: "configuration", message: $0) }
        }
        guard problems.isEmpty else { throw ServerConfigurationError(problems: problems) }
        let entries = all.map { knob in
            ServerSetting(
                name: knob.name, value: knob.value(in: c), source: sources[knob.name] ?? .profile(profile.rawValue))
        }
        return ResolvedServerConfiguration(profile: profile, configuration: c, settings: entries)
    }

    /// The `stampede serve` arguments that give an instance these settings (after `--profile`);
    /// `redacted` hides secrets and URL passwords, for reports.
    public static func arguments(profile: ServerProfile, settings: [ServerSetting], redacted: Bool = false) -> [String]
    {
        ["--profile", profile.rawValue]
            + settings.flatMap { s in
                ["--\(s.name)", redacted ? (byName[s.name]?.redacted(s.value) ?? s.value) : s.value]
            }
    }

    /// Each knob's default under each profile, as text.
    public static func defaults(of knob: ServerKnob) -> [ServerProfile: String] {
        var out: [ServerProfile: String] = [:]
        for p in ServerProfile.allCases {
            out[p] = (try? resolve(profile: p, settings: [])).map { r in knob.value(in: r.configuration) } ?? "?"
        }
        return out
    }

    /// The knobs as `stampede serve --help` lists them: flag, what it does and accepts, defaults
    /// per profile; wrapped to 78 columns so the help reads the same in any terminal.
    public static var helpText: String {
        all.map { knob in
            let d = defaults(of: knob)
            let values = ServerProfile.allCases.map { d[$0] ?? "" }
            let defaults = Set(values).count == 1 ? values[0] : values.joined(separator: " | ")
            let env = knob.environment.map { "; env \($0)" } ?? ""
            let text = "\(knob.help) Accepts \(knob.accepts). Default: \(defaults)\(env)."
            return (["  --\(knob.name)"] + wrap(text, width: 78, indent: "      ")).joined(separator: "\n")
        }.joined(separator: "\n")
    }

    /// Words of `text` in lines of at most `width` columns, each starting with `indent`.
    static func wrap(_ text: String, width: Int, indent: String) -> [String] {
        var lines: [String] = []
        var line = indent
        for word in text.split(separator: " ") {
            if line.count > indent.count && line.count + 1 + word.count > width {
                lines.append(line)
                line = indent
            }
            line += (line.count > indent.count ? " " : "") + word
        }
        if line.count > indent.count { lines.append(line) }
        return lines
    }

    /// The docs table (docs/reference-server.md): knob, accepts, default per profile, environment.
    public static var markdownTable: String {
        var lines = [
            "| knob | accepts | documented | upstream | recommended | env | what it does |",
            "| --- | --- | --- | --- | --- | --- | --- |",
        ]
        for knob in all {
            let d = defaults(of: knob)
            let cells = ServerProfile.allCases.map { "`\(d[$0] ?? "")`" }
            lines.append(
                "| `--\(knob.name)`\(knob.fleetOwned ? " (fleet)" : "") | \(knob.accepts) | "
                    + cells.joined(separator: " | ") + " | \(knob.environment ?? "") | \(knob.help) |")
        }
        return lines.joined(separator: "\n")
    }
}
