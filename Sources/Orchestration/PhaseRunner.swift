import Analysis
import Backends
import Foundation
import LoadGen
import ServerConfig
import SystemSupport

/// Runs one phase: resolves its group's server configuration, starts the fleet, creates the hot
/// sessions, drives each client group over every instance through one in-process ``LoadRun``
/// while the ``Sampler`` runs, checks for lost updates, then stops the fleet (on every path) and
/// computes the phase's metrics.
struct PhaseRunner {
    var scenario: Scenario
    var phase: PhaseSpec
    var index: Int
    var executable: String
    var redisURL: String
    var databaseURL: String
    var logDirectory: String
    /// Service processes (embedded Redis, PostgreSQL) that must stay up during the phase.
    var services: [Sampler.Watched] = []
    /// The embedded services, when this run started them (what `redis-restart` and `postgres-restart` act on).
    var embedded: EmbeddedServices?
    var cancellation: RunCancellation
    var log: @Sendable (String) -> Void
    var observe: @Sendable (ScenarioRunner.Resource) -> Void = { _ in }

    /// Series kept in the report's time series besides the scenario's own `sampling.metrics`.
    static let keptSeries = [
        ServerSeries.sseBufferedBytes.rawValue, ServerSeries.sseActiveStreams.rawValue,
        ServerSeries.sessionUpdatesTotal.rawValue,
        ServerSeries.lockTimeoutsTotal.rawValue, ServerSeries.lockAcquireWaitSecondsMax.rawValue,
        ServerSeries.sseSlowConsumersCutTotal.rawValue,
    ]

    func run() async -> PhaseResult {
        var group = scenario.group(named: phase.group) ?? FleetGroup(name: phase.group)
        if let n = phase.instances { group.instances = n }
        var result = PhaseResult(
            name: phase.name, group: group.name, instances: group.instances, profile: group.profile,
            serveArguments: group.recordedServeArguments, durationSeconds: phase.duration, warmupSeconds: phase.warmup,
            startedAtUnixSeconds: Date().timeIntervalSince1970)
        result.sweep = phase.sweep
        result.popularity = phase.popularity
        result.hotSet = phase.hotSet
        result.zipf = phase.zipf
        let started = ContinuousClock.now
        // Links with added latency go through a proxy: the servers reach Redis and PostgreSQL (and
        // the generator the servers) through it; the sampler and the checks read them directly.
        let network = NetworkLinks(
            controller: phase.network?.controller.flatMap(URL.init(string:)), phase: "\(index)-\(phase.name)")
        defer { network.close() }
        network.faulted = Set((phase.faults ?? []).compactMap(\.link))
        result.network = phase.network
        let serverRedisURL: String
        let serverDatabaseURL: String
        do {
            serverRedisURL = try await network.url(
                redisURL, name: "redis", defaultPort: 6379, schemes: ["redis"], link: phase.network?.redis)
            serverDatabaseURL = try await network.url(
                databaseURL, name: "postgres", defaultPort: 5432, schemes: ["postgresql", "postgres"],
                link: phase.network?.postgres)
        } catch {
            result.error = "cannot put a proxy on a link: \(error)"
            return result
        }
        let resolved: ResolvedServerConfiguration
        do {
            resolved = try group.resolvedConfiguration(redisURL: serverRedisURL, databaseURL: serverDatabaseURL)
        } catch {
            result.error = "the servers' configuration: \(error)"
            return result
        }
        result.configuration = resolved.recorded
        let server = resolved.configuration
        log("phase \(phase.name): starting \(group.instances) × \(group.profile) (\(group.name))")
        let fleet: Fleet
        do {
            fleet = try await Fleet.start(
                group: group, executable: executable, redisURL: serverRedisURL, databaseURL: serverDatabaseURL,
                logDirectory: logDirectory,
                onStart: { pid, name in observe(.process(pid: pid, name: name)) })
        } catch {
            result.error = "\(error)"
            result.wallSeconds = started.duration(to: .now).scenarioSeconds
            return result
        }
        defer { fleet.stop() }
        var sessionPrefix: String?
        if let hot = phase.hotSet {
            do {
                sessionPrefix = try createHotSessions(count: hot, apiKey: server.apiKey)
            } catch {
                result.error = "cannot create the hot sessions: \(error)"
                return result
            }
        }
        var loadPorts = fleet.instances.map { (host: "127.0.0.1", port: $0.port) }
        if network.needsProxy("clients", phase.network?.clients) {
            do {
                var proxied: [(host: String, port: Int)] = []
                for (_, port) in loadPorts {
                    proxied.append(
                        try await network.proxy(
                            name: "clients", host: "127.0.0.1", port: port, link: phase.network?.clients ?? LinkSpec()))
                }
                loadPorts = proxied
            } catch {
                result.error = "cannot put a proxy on the clients' link: \(error)"
                return result
            }
        }
        let sampler = Sampler(
            targets: fleet.instances.map { .init(instance: $0.index, pid: $0.pid, port: $0.port) },
            hz: scenario.sampling.hz,
            redisURL: redisURL, databaseURL: databaseURL, services: services)
        sampler.begin()
        var clients: [ClientGroupResult] = []
        var work = LoadTimeline()
        var failure: String?
        let faults = phase.faults ?? []
        // One origin for the fault timeline and every load run, so their seconds are the same.
        let loadStart = ContinuousClock.now
        let loadStartUnix = Date().timeIntervalSince1970
        let origin = LoadOrigin.now()
        let injection =
            faults.isEmpty
            ? nil
            : Task { [self] in
                await FaultInjector(
                    faults: faults, network: phase.network, fleet: fleet, services: embedded, links: network,
                    sampler: sampler, observe: observe, log: log,
                    interrupted: { [cancellation] in cancellation.isCancelled }
                ).run(start: loadStart, loadSeconds: phase.duration)
            }
        do {
            (clients, work) = try await Self.runLoad(
                phase: phase, bases: loadPorts.map { "http://\($0.host):\($0.port)" }, cancellation: cancellation,
                sessionPool: sessionPrefix.flatMap { prefix in
                    phase.hotSet.map { Self.hotSessionPool(hotSet: $0, prefix: prefix, zipf: phase.zipf) }
                },
                apiKey: server.apiKey, origin: origin,
                ownLink: { spec, link in
                    var ends: [String] = []
                    for port in fleet.instances.map(\.port) {
                        let end = try await network.proxy(
                            name: "clients.\(spec.name)", host: "127.0.0.1", port: port, link: link)
                        ends.append("http://\(end.host):\(end.port)")
                    }
                    return ends
                })
        } catch {
            failure = "\(error)"
        }
        let applied = await injection?.value
        let samples = sampler.end()
        if let applied {
            result.faults = work.assess(applied, warmup: phase.warmup, loadSeconds: phase.duration).map { f in
                var f = f
                if let until = f.observedUntilSeconds, f.error == nil {
                    f.serverErrors = FaultEffects.serverErrors(samples, from: f.atSeconds, until: until)
                }
                return f
            }
        }
        // A server or service that died outside a planned fault breaks the phase: its numbers
        // measure a broken system, so it is incomplete (and so is the run) and no gate passes on it.
        // A Ctrl-C reaches the servers and services too (one process group): their exits then are
        // the interruption, not deaths.
        func deaths(recheck: Bool = false) -> [String] {
            cancellation.isCancelled ? [] : sampler.deaths(recheck: recheck).map { "\($0), outside any planned fault" }
        }
        if failure == nil { failure = deaths().first }
        let locks =
            phase.hotSet == nil
            ? nil
            : Self.lockTelemetry(
                endpoints: fleet.instances.map {
                    .init(instance: $0.index, host: "127.0.0.1", port: $0.port, prefix: "")
                },
                apiKey: server.apiKey, from: loadStartUnix + phase.warmup, until: loadStartUnix + phase.duration)
        var lostUpdates: Int?
        var lostTurns: Int?
        var notMeasured: [String: String] = [:]
        if failure == nil, !cancellation.isCancelled, let prefix = sessionPrefix, let hot = phase.hotSet {
            if case .fixed(let perRun) = server.agent.eventsPerRun, perRun > 0 {
                log("phase \(phase.name): checking for lost updates")
                let verifier = UpdateVerifier(
                    fleet: fleet, databaseURL: databaseURL, apiKey: server.apiKey, sessionPrefix: prefix, hotSet: hot,
                    turnsPerRun: perRun, agentInterval: server.agent.eventInterval.seconds,
                    lockTimeout: server.lockTimeout.seconds, cancellation: cancellation)
                let restarted = faults.filter(\.losesInstanceCounters)
                do {
                    let found = try await verifier.run(ledger: restarted.isEmpty)
                    switch found.lostUpdates {
                    case .measured(let lost): lostUpdates = lost
                    case .notMeasured(let reason): notMeasured[PhaseMetric.lostUpdates.rawValue] = reason
                    }
                    switch found.lostTurns {
                    case .measured(let lost): lostTurns = lost
                    case .notMeasured(let reason): notMeasured[PhaseMetric.lostTurns.rawValue] = reason
                    case nil:
                        notMeasured[PhaseMetric.lostTurns.rawValue] =
                            "\(restarted[0]) lost that instance's counters, the ledger the stored turns are checked against"
                    }
                } catch { failure = "lost-update check: \(error)" }
            } else {
                notMeasured["lost_updates"] =
                    "agent-events is \(server.agent.eventsPerRun); the lost-update check needs a fixed count of 1 or more"
            }
        }
        if failure == nil { failure = deaths(recheck: true).first }
        fleet.stop()
        let limits = PhaseMetricsCalculator.Limits(
            minSamples: scenario.sampling.minSamples, generatorCPULimit: scenario.sampling.generatorCPULimit,
            machineCPULimit: scenario.sampling.machineCPULimit ?? SamplingSpec.defaultMachineCPULimit,
            cores: LoadConfiguration.defaultThreads)
        let computed = PhaseMetricsCalculator.compute(
            samples: samples, warmup: phase.warmup, clients: clients, limits: limits)
        result.metrics = computed.metrics
        switch locks {
        case .measured(let values, _)?: result.metrics.merge(values) { _, exact in exact }
        case .notMeasured(let reason)?:
            for name in [PhaseMetric.lockFreeWhileWaitingShare, .lockBargingShare, .lockHoldP99Ms] {
                notMeasured[name.rawValue] = reason
            }
        case nil: break
        }
        if let lostUpdates { result.metrics[.lostUpdates] = Double(lostUpdates) }
        if let lostTurns { result.metrics[.lostTurns] = Double(lostTurns) }
        var lockLog: (records: [LockLogRecord], start: Int64)?
        if case .measured(_, let records)? = locks {
            lockLog = (records, Int64((loadStartUnix + phase.warmup) * 1_000_000))
        }
        let batches = BatchMeans.cut(
            samples: samples, warmup: phase.warmup, duration: phase.duration, lockLog: lockLog, limits: limits,
            faults: (result.faults ?? []).map { $0.atSeconds...max($0.atSeconds, $0.endedSeconds ?? phase.duration) })
        result.intervals = batches.intervals.isEmpty ? nil : batches.intervals
        result.notMeasured = notMeasured.isEmpty ? nil : notMeasured
        result.validity = deaths() + computed.validity + (batches.problem.map { [$0] } ?? [])
        if let faults = result.faults {
            let summary = FaultRecovery.summary(faults)
            for (metric, value) in summary.metrics { result.metrics[metric] = value }
            result.validity += summary.validity
        }
        result.clients = clients
        result.lockWait = Self.lockWaitDistribution(samples, warmup: phase.warmup, hotSet: phase.hotSet)
        result.samples = Self.trim(samples, keep: Set(Self.keptSeries + scenario.sampling.metrics))
        result.finish(failure: failure, cancellation: cancellation, started: started, log: log)
        return result
    }

    enum LockLogOutcome {
        case measured([String: Double], records: [LockLogRecord])
        case notMeasured(String)
    }

    /// Where an instance serves its lock log: `http://host:port` + `prefix` + `/debug/lock-log`.
    struct LockLogEndpoint {
        var instance: Int
        var host: String
        var port: Int
        var prefix: String
    }

    /// The instances' lock logs merged over the measured window (``LockTelemetry``).
    static func lockTelemetry(
        endpoints: [LockLogEndpoint], apiKey: String, from: Double, until: Double
    )
        -> LockLogOutcome
    {
        guard !endpoints.isEmpty else { return .notMeasured("no instance reachable over plain HTTP serves a lock log") }
        var records: [LockLogRecord] = []
        for instance in endpoints {
            guard
                let r = HTTPProbe.request(
                    host: instance.host, port: instance.port, path: instance.prefix + "/debug/lock-log?after=0",
                    headers: ["X-API-Key": apiKey], timeout: 10),
                r.status == 200, let page = try? JSONDecoder().decode(LockLogPage.self, from: Data(r.body.utf8))
            else { return .notMeasured("instance \(instance.instance) did not serve its lock log (/debug/lock-log)") }
            if page.dropped > 0 {
                return .notMeasured(
                    "instance \(instance.instance)'s lock log kept only its latest \(LockLogPage.capacity) acquisitions"
                )
            }
            records += page.records
        }
        let result = LockTelemetry.compute(
            records, from: Int64(from * 1_000_000), until: Int64(until * 1_000_000))
        return .measured(LockTelemetry.metrics(result), records: records)
    }

    /// One load run per client group, its clients spread over every target (`bases`: each
    /// server's `http://host:port`, the client group's `path` appended), each run with one engine
    /// thread per core; all groups at once. A group with a link of its own reaches the servers
    /// through the ends `ownLink` makes (a proxy per server; nil: such groups are refused).
    static func runLoad(
        phase: PhaseSpec, bases: [String], cancellation: RunCancellation,
        sessionPool: LoadConfiguration.SessionPool?, apiKey: String, origin: LoadOrigin,
        ownLink: ((ClientSpec, LinkSpec) async throws -> [String])?
    ) async throws -> ([ClientGroupResult], LoadTimeline) {
        let n = bases.count
        var plans: [(client: String, config: LoadConfiguration)] = []
        for spec in phase.clients {
            var ends = bases
            if let link = spec.link {
                guard let ownLink else {
                    throw ServiceError(
                        "client group \(spec.name) has a link of its own, which needs a fleet this run starts")
                }
                ends = try await ownLink(spec, link)
            }
            let targets = ends.map { $0 + spec.path }
            let clients = spec.total(instances: n)
            if spec.effectiveMode == .http {
                plans.append(
                    (spec.name, requestPlan(spec, phase: phase, targets: targets, clients: clients, apiKey: apiKey)))
                continue
            }
            var c = LoadConfiguration(mode: .sse, targets: targets)
            c.method = spec.method ?? "POST"
            c.headers = [
                .init(name: "X-API-Key", value: apiKey), .init(name: "Content-Type", value: "application/json"),
            ]
            for (name, value) in (spec.headers ?? [:]).sorted(by: { $0.key < $1.key }) {
                c.headers.removeAll { $0.name.lowercased() == name.lowercased() }
                c.headers.append(.init(name: name, value: value))
            }
            if let pool = sessionPool {
                c.body = spec.body ?? "{\"prompt\": \"stampede\", \"session_id\": \"{session}\"}"
                c.sessionPool = pool
            } else {
                c.body = spec.body ?? "{\"prompt\": \"stampede\"}"
            }
            if c.method == "GET" && spec.body == nil { c.body = nil }
            c.clients = clients
            c.slo = spec.streamSLO
            if let types = spec.contentEvents, !types.isEmpty { c.contentEvents = Set(types) }
            c.mix = try ProfileMix(parsing: spec.mix)
            c.slow.bytesPerSecond = spec.slowRate
            c.ramp = spec.ramp
            c.restartDelay = .milliseconds(Int64(spec.restartDelay * 1000))
            c.duration = .milliseconds(Int64(phase.duration * 1000))
            plans.append((spec.name, c))
        }
        let results = try await withThrowingTaskGroup(of: (String, LoadResult).self) { group in
            for plan in plans {
                group.addTask {
                    let run = LoadRun(configuration: plan.config, origin: origin)
                    cancellation.register(run)
                    defer { cancellation.unregister(run) }
                    return (plan.client, try await run.run())
                }
            }
            var out: [(String, LoadResult)] = []
            for try await r in group { out.append(r) }
            return out
        }
        var timeline = LoadTimeline()
        for (_, r) in results { timeline.add(r.series, streams: r.mode == .sse) }
        let groups = phase.clients.map { spec in
            ClientGroupResult(name: spec.name, results: results.filter { $0.0 == spec.name }.map(\.1))
        }
        return (groups, timeline)
    }

    /// A closed-loop request load: `clients` virtual users each `GET path` with the API key, then
    /// pause `restart-delay` (``ClientMode/http``).
    static func requestPlan(
        _ spec: ClientSpec, phase: PhaseSpec, targets: [String], clients: Int, apiKey: String
    ) -> LoadConfiguration {
        var c = LoadConfiguration(mode: .http, targets: targets)
        c.method = spec.method ?? "GET"
        c.body = spec.body
        c.headers = [.init(name: "X-API-Key", value: apiKey)]
        for (name, value) in (spec.headers ?? [:]).sorted(by: { $0.key < $1.key }) {
            c.headers.removeAll { $0.name.lowercased() == name.lowercased() }
            c.headers.append(.init(name: name, value: value))
        }
        c.driver = .closed(vus: clients, think: .milliseconds(Int64(spec.restartDelay * 1000)))
        c.clients = clients
        c.duration = .milliseconds(Int64(phase.duration * 1000))
        return c
    }

    /// Digits of a hot session's index at the end of its UUID (`...-8000-0000000000NN`).
    static let hotSessionIndexDigits = 4

    /// The pool of hot session ids with this prefix: UUIDs ending in a zero-padded index.
    static func hotSessionPool(hotSet: Int, prefix: String, zipf: Double? = nil) -> LoadConfiguration.SessionPool {
        .init(hotSet: hotSet, prefix: prefix, indexDigits: hotSessionIndexDigits, zipf: zipf)
    }

    /// Inserts `count` sessions owned by the API key, ids `<prefix>0000 ... <prefix>(count-1)`.
    func createHotSessions(count: Int, apiKey: String) throws -> String {
        let run = UUID().uuidString.lowercased().prefix(8)
        let prefix =
            "\(run)-\(String(format: "%04x", index))-4000-8000-"
            + String(repeating: "0", count: 12 - Self.hotSessionIndexDigits)
        let pool = Self.hotSessionPool(hotSet: count, prefix: prefix)
        let db = try PostgresConnection(url: databaseURL)
        let owner = SHA256.hexDigest(apiKey)
        for i in 0..<count { try SessionsSchema.insertActive(db, id: pool.id(i), ownerKeyHash: owner) }
        return prefix
    }

    /// The lock-wait histogram of the measured window (before the samples are trimmed).
    static func lockWaitDistribution(_ samples: [Sample], warmup: Double, hotSet: Int?) -> LockWaitDistribution? {
        let window = samples.filter { $0.t >= warmup }
        guard hotSet != nil, let first = window.first, let last = window.last, last.t > first.t else { return nil }
        return LockWaitDistribution(first: first, last: last)
    }

    /// Samples with only the named `/metrics` series, so the report stays small.
    static func trim(_ samples: [Sample], keep: Set<String>) -> [Sample] {
        samples.map { s in
            var copy = s
            copy.servers = s.servers.map { server in
                var x = server
                x.metrics = server.metrics.filter { keep.contains($0.key) }
                return x
            }
            return copy
        }
    }
}

extension PhaseResult {
    /// Complete, or the error that ended it (a cancellation's reason first); the wall time; a log line.
    mutating func finish(
        failure: String?, cancellation: RunCancellation, started: ContinuousClock.Instant,
        log: (String) -> Void
    ) {
        if let reason = cancellation.cancelReason {
            error = reason
        } else if let failure {
            error = failure
        } else {
            complete = true
        }
        wallSeconds = started.duration(to: .now).scenarioSeconds
        log("phase \(name): \(complete ? "done" : "incomplete (\(error ?? ""))") in \(Int(wallSeconds)) s")
    }
}

extension Duration {
    var scenarioSeconds: Double {
        let c = components
        return Double(c.seconds) + Double(c.attoseconds) / 1e18
    }
}
