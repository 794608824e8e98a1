import Analysis
import Foundation

/// Runs a whole scenario: services (embedded or given URLs), each phase in turn (fleet started and
/// stopped per phase), claims evaluated, report written. Cleans up on every path: no server
/// process and no temporary directory outlives `run()`, whether it succeeds, fails or is cancelled
/// through ``cancellation`` (the CLI flips it on SIGINT/SIGTERM). A run that stops early still
/// returns a report with what was measured, marked incomplete.
public final class ScenarioRunner: Sendable {
    public struct Options: Sendable {
        /// The `stampede` executable that serves the fleet.
        public var executable: String
        /// Use these instead of embedded services (overrides the scenario's `services:`).
        public var redisURL: String?
        public var databaseURL: String?
        public var log: @Sendable (String) -> Void
        /// Told of every child process and temporary directory the run creates (for leak checks).
        public var observe: @Sendable (Resource) -> Void
        /// Aim every phase at this existing deployment instead of starting services and fleets.
        public var external: ExternalTarget?

        public init(
            executable: String, redisURL: String? = nil, databaseURL: String? = nil,
            log: @escaping @Sendable (String) -> Void = { _ in },
            observe: @escaping @Sendable (Resource) -> Void = { _ in }, external: ExternalTarget? = nil
        ) {
            self.external = external
            self.executable = executable
            self.redisURL = redisURL
            self.databaseURL = databaseURL
            self.log = log
            self.observe = observe
        }
    }

    /// Something a run creates and must remove.
    public enum Resource: Sendable, Equatable {
        case process(pid: Int32, name: String)
        case directory(String)
    }

    public let scenario: Scenario
    public let options: Options
    public let cancellation = RunCancellation()

    private let clock: PhaseClock

    public init(scenario: Scenario, options: Options) {
        self.scenario = scenario
        self.options = options
        self.clock = PhaseClock(scenario: scenario)
    }

    /// Where the run is now (phase, time, the current load): safe from any thread.
    public func progress() -> RunProgress { clock.progress(load: cancellation.loadProgress()) }

    /// Runs every phase; `logsTo` (if given) receives the servers' and services' logs.
    public func run(logsTo keepLogs: String? = nil) async -> RunReport {
        if let external = options.external { return await run(against: external) }
        let wallStart = Date()
        let clock = ContinuousClock.now
        var phases: [PhaseResult] = []
        var failure: String?
        let redisURL = options.redisURL ?? scenario.services.redisURL
        let databaseURL = options.databaseURL ?? scenario.services.databaseURL
        let external = redisURL != nil && databaseURL != nil
        let environment = RunEnvironment.capture(
            executable: options.executable, services: external ? "external" : "embedded")
        var workDirectory: String?
        var services: EmbeddedServices?
        do {
            let dir = try Self.makeTemporaryDirectory()
            workDirectory = dir
            options.observe(.directory(dir))
            var redis = redisURL
            var database = databaseURL
            if redis == nil || database == nil {
                options.log("starting embedded Redis and PostgreSQL")
                var config = EmbeddedServices.Configuration()
                config.redis = redis == nil
                config.postgres = database == nil
                let started = try await EmbeddedServices.start(config)
                services = started
                options.observe(.directory(started.directory))
                if let pid = started.redisPID { options.observe(.process(pid: pid, name: "redis-server")) }
                if let pid = started.postgresPID { options.observe(.process(pid: pid, name: "postgres")) }
                redis = redis ?? started.redisURL
                database = database ?? started.databaseURL
            }
            for (i, phase) in scenario.phases.enumerated() {
                if let reason = cancellation.cancelReason {
                    failure = reason
                    break
                }
                let watched =
                    [services?.redisPID.map { Sampler.Watched(pid: $0, name: "redis-server") }]
                    + [services?.postgresPID.map { Sampler.Watched(pid: $0, name: "postgres") }]
                // A repeated phase runs again from a fresh fleet and fresh hot sessions.
                let (redisURL, databaseURL, started) = (redis!, database!, services)
                guard
                    let result = await repeated(
                        phase,
                        {
                            await PhaseRunner(
                                scenario: self.scenario, phase: phase, index: i, executable: self.options.executable,
                                redisURL: redisURL, databaseURL: databaseURL, logDirectory: dir,
                                services: watched.compactMap { $0 }, embedded: started, cancellation: self.cancellation,
                                log: self.options.log, observe: self.options.observe
                            ).run()
                        })
                else { break }
                phases.append(result)
                if !result.complete {
                    failure = "phase \(phase.name): \(result.error ?? "incomplete")"
                    break
                }
            }
        } catch {
            failure = "\(error)"
        }
        if let keepLogs, let dir = workDirectory { Self.copyLogs(from: dir, to: keepLogs) }
        services?.stop()
        if let dir = workDirectory { try? FileManager.default.removeItem(atPath: dir) }
        ScalingEfficiency.apply(to: &phases)
        if failure == nil, phases.count < scenario.phases.count {
            failure = cancellation.cancelReason ?? "not every phase ran"
        }
        var report = RunReport(
            scenario: scenario, startedAt: ISO8601DateFormatter().string(from: wallStart),
            wallSeconds: clock.duration(to: .now).scenarioSeconds, complete: failure == nil, incompleteReason: failure,
            environment: environment, phases: phases, claims: ClaimEvaluator.evaluate(scenario.claims, phases: phases))
        report.simulation = Self.simulation(of: report)
        return report
    }

    /// The simulator calibrated on the run's instance sweep, predicting fleets to 100 instances
    /// (30 s simulated per point); nil when the run has nothing to calibrate on.
    static func simulation(of report: RunReport) -> SimulationStudy? {
        guard report.phases.contains(where: { $0.sweep != nil && $0.hotSet != nil }) else { return nil }
        return try? SimulationStudy.run(
            report: report, source: "this run",
            options: .init(instances: [1, 2, 5, 10, 20, 50, 100], durationSeconds: 30))
    }

    /// Every phase against an existing deployment: nothing started, nothing stopped.
    func run(against target: ExternalTarget) async -> RunReport {
        let wallStart = Date()
        let clock = ContinuousClock.now
        var phases: [PhaseResult] = []
        var failure: String?
        options.log("external target: \(target.bases.joined(separator: ", ")) (nothing is started)")
        for phase in scenario.phases {
            if let reason = cancellation.cancelReason {
                failure = reason
                break
            }
            guard
                let result = await repeated(
                    phase,
                    {
                        await ExternalPhaseRunner(
                            scenario: self.scenario, phase: phase, target: target, cancellation: self.cancellation,
                            log: self.options.log
                        ).run()
                    })
            else { break }
            phases.append(result)
            if !result.complete {
                failure = "phase \(phase.name): \(result.error ?? "incomplete")"
                break
            }
        }
        ScalingEfficiency.apply(to: &phases)
        if failure == nil, phases.count < scenario.phases.count {
            failure = cancellation.cancelReason ?? "not every phase ran"
        }
        let claims = ClaimEvaluator.againstExternalTarget(
            ClaimEvaluator.evaluate(scenario.claims, phases: phases), scenario: scenario)
        var report = RunReport(
            scenario: scenario, startedAt: ISO8601DateFormatter().string(from: wallStart),
            wallSeconds: clock.duration(to: .now).scenarioSeconds, complete: failure == nil, incompleteReason: failure,
            environment: RunEnvironment.capture(executable: options.executable, services: "external target"),
            phases: phases, claims: claims)
        var missing: [String: [String]] = [:]
        for phase in phases {
            for (metric, reason) in phase.notMeasured ?? [:] { missing[reason, default: []].append(metric) }
        }
        report.externalTarget = ExternalTargetRecord(
            targets: target.bases, metricsURLs: target.metrics.map(\.url),
            exposesServerSeries: !phases.isEmpty
                && phases.allSatisfy { phase in
                    (phase.notMeasured ?? [:]).keys.allSatisfy {
                        MetricCatalog.definition(ofKey: $0)?.source != .server
                    }
                },
            notMeasured: missing.keys.sorted().map { reason in
                let metrics = Set(missing[reason]!).sorted()
                return "\(metrics.joined(separator: ", ")): \(reason)"
            })
        return report
    }

    /// A phase run as often as its `repeats` say (`once` each time), merged into one result
    /// (``RepeatMerge``); a repeat that does not complete ends the repeats, and the result is
    /// then incomplete. nil: nothing ran.
    func repeated(_ phase: PhaseSpec, _ once: () async -> PhaseResult) async -> PhaseResult? {
        let index = scenario.phases.firstIndex { $0.name == phase.name } ?? 0
        clock.begin(phase: index)
        var runs: [PhaseResult] = []
        defer { clock.end(phase: index, wallSeconds: runs.reduce(0) { $0 + $1.wallSeconds }) }
        let n = scenario.repeats(of: phase)
        for k in 0..<n {
            if k > 0 {
                if cancellation.cancelReason != nil { break }
                options.log("phase \(phase.name): repeat \(k + 1) of \(n)")
            }
            let run = await once()
            runs.append(run)
            if !run.complete { break }
        }
        guard var result = RepeatMerge.merge(runs) else { return nil }
        if runs.count < n, result.complete {
            result.complete = false
            result.error = cancellation.cancelReason ?? "ran \(runs.count) of \(n) repeats"
        }
        return result
    }

    static func copyLogs(from dir: String, to target: String) {
        let fm = FileManager.default
        guard let names = try? fm.contentsOfDirectory(atPath: dir) else { return }
        try? fm.createDirectory(atPath: target, withIntermediateDirectories: true)
        for name in names where name.hasSuffix(".log") {
            try? fm.copyItem(atPath: "\(dir)/\(name)", toPath: "\(target)/\(name)")
        }
    }

    static func makeTemporaryDirectory() throws -> String {
        var template = Array((NSTemporaryDirectory() + "/stampede-run-XXXXXX").utf8CString)
        guard let p = mkdtemp(&template) else {
            throw ServiceError("cannot create a temporary directory: \(String(cString: strerror(errno)))")
        }
        return String(cString: p)
    }
}
