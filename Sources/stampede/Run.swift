import Analysis
import ArgumentParser
import Foundation
import LoadGen
import Orchestration
import Reports
import Synchronization

struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a scenario (a built-in name or a YAML file) and write its report.",
        discussion: """
            Starts embedded Redis and PostgreSQL (unless --redis-url and --database-url are given), \
            a fleet of `stampede serve` instances per phase, drives the load, samples every server at \
            4 Hz and writes reports/<scenario>-<timestamp>/ (report.json, report.md, junit.xml, \
            timeseries.csv, .hgrm spectra, server logs); reports/latest points at the newest. \
            `stampede list` shows the built-ins; `stampede run NAME --help` or `stampede show NAME` their parameters. \
            Ctrl-C stops the run, cleans up and still writes what was measured, marked incomplete; \
            if the run is killed outright (SIGKILL), a watcher process stops the fleet and the \
            services and removes their directories within seconds. \
            A scenario is checked whole before anything starts: every problem is listed with its \
            field, line and what is expected (server knobs against `stampede serve --help`). \
            On a terminal one line, redrawn every second, shows the phase (i of n), the time run and \
            the estimate left, the phase's events/s, open streams and errors; not with --quiet, \
            under CI (CI set) or TERM=dumb. \
            Exit status: 0 complete, 1 incomplete, 64 bad scenario or arguments (nothing started).

            With --gate (implied by --threshold and --baseline) the run ends as `stampede gate` \
            does: the scenario's thresholds and every --threshold are checked, the key figures \
            compared with --baseline, gate-junit.xml written next to the report, and the exit \
            status is the gate's: 0 passed, 99 failed or regressed, 104 could not be evaluated \
            (an incomplete run included). See docs/gates.md and docs/ci.md.

            Example: stampede run ci-smoke --set lock_clients=20 --output /tmp/reports
            """)

    @Argument(help: "A built-in scenario name (see `stampede list`) or a path to a .yaml file.")
    var scenario: String

    @Option(name: .customLong("set"), help: "Override a parameter: --set name=value (repeatable).")
    var overrides: [String] = []

    @Option(help: "Directory the run's report directory is created in.")
    var output: String = "reports"

    @Option(
        help: ArgumentHelp(
            "Run every phase N times (1-30), whatever the scenario's `repeats:` say.",
            discussion:
                "Claims and lower95/upper95 gates then use each metric's mean and 95 % interval over the repeats; without repeats the interval comes from 5 batches of the phase's window (batch means)."
        ))
    var repeats: Int?

    @Option(
        help: ArgumentHelp(
            "Aim every phase at this existing deployment instead of starting a fleet (comma-separated or repeated: one base URL per instance, each client group's path appended).",
            discussion:
                "Client-side metrics and claims work as usual; server-side ones come from each target's /metrics (or --metrics-url) when it serves the reference server's series, else they are not measured and their claims say why. Nothing is started, no faults are injected, and claims comparing groups of different profiles or flags are inconclusive (the run does not control the target).",
            valueName: "URL"))
    var target: [String] = []
    @Option(
        help: ArgumentHelp(
            "With --target: where the targets' Prometheus text is (one URL, or one per target). Default: TARGET/metrics.",
            valueName: "URL"))
    var metricsURL: [String] = []
    @Option(help: "With --target: the API key sent as X-API-Key. Default: $API_KEY, else stampede-dev-key.")
    var apiKey: String?
    @Option(help: "Use this Redis instead of an embedded one.") var redisURL: String?
    @Option(help: "Use this PostgreSQL instead of an embedded one.") var databaseURL: String?
    @Option(help: "The stampede executable that serves the fleet (default: this one).") var executable: String?
    @Flag(help: "Print only the summary.") var quiet = false
    @Flag(help: "Gate the run at its end (see below); implied by --threshold and --baseline.") var gate = false
    @OptionGroup(title: "Gate options") var gateOptions: GateOptions

    var gates: Bool { gate || !gateOptions.thresholds.isEmpty || gateOptions.baseline != nil }

    func validate() throws {
        _ = try Self.parseOverrides(overrides)
        if target.isEmpty {
            if !metricsURL.isEmpty {
                throw ValidationError("--metrics-url needs --target URL (the deployment to measure)")
            }
            if apiKey != nil {
                throw ValidationError("--api-key needs --target URL (a fleet the run starts uses its own key)")
            }
        } else {
            if redisURL != nil || databaseURL != nil {
                throw ValidationError(
                    "--redis-url and --database-url configure the fleet a run starts; with --target nothing is started")
            }
            do { _ = try externalTarget() } catch { throw ValidationError("\(error)") }
        }
        if let repeats, !ScenarioLoader.repeatRange.contains(repeats) {
            throw ValidationError(
                "--repeats \(repeats): expected \(ScenarioLoader.repeatRange.lowerBound)...\(ScenarioLoader.repeatRange.upperBound) runs of each phase"
            )
        }
        for text in gateOptions.thresholds {
            let threshold: Threshold
            do { threshold = try Threshold(parsing: text) } catch {
                throw ValidationError("--threshold: \(error.description)")
            }
            if let problem = ReportMetricSource.problem(withBase: threshold.metric.base) {
                throw ValidationError("--threshold '\(text)': \(problem)")
            }
        }
        if let baseline = gateOptions.baseline {
            do { _ = try BaselineFile.read(baseline) } catch { throw ValidationError("--baseline: \(error)") }
        }
    }

    /// The deployment --target names, or nil without --target.
    func externalTarget() throws -> ExternalTarget? {
        guard !target.isEmpty else { return nil }
        return try ExternalTarget(
            targets: target, metricsURLs: metricsURL,
            apiKey: apiKey ?? ProcessInfo.processInfo.environment["API_KEY"] ?? "stampede-dev-key")
    }

    static func parseOverrides(_ items: [String]) throws -> [String: String] {
        var out: [String: String] = [:]
        for item in items {
            guard let eq = item.firstIndex(of: "="), eq != item.startIndex else {
                throw ValidationError("--set expects name=value, got '\(item)'")
            }
            out[String(item[..<eq])] = String(item[item.index(after: eq)...])
        }
        return out
    }

    /// A built-in by name, else a file.
    static func loadScenario(_ nameOrPath: String, overrides: [String: String]) throws -> Scenario {
        if let builtin = try BuiltinCatalog.scenario(named: nameOrPath, overrides: overrides) { return builtin }
        if FileManager.default.fileExists(atPath: nameOrPath) {
            return try ScenarioLoader.load(file: nameOrPath, overrides: overrides)
        }
        throw ValidationError(
            "no built-in scenario or file named '\(nameOrPath)'; built-ins: \(BuiltinCatalog.entries.map(\.name).joined(separator: ", "))"
        )
    }

    /// This process's executable (`/proc/self/exe`), else argv[0].
    static func selfExecutable() -> String {
        var buffer = [CChar](repeating: 0, count: 4096)
        let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        if n > 0 { return String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self) }
        return URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL.path
    }

    func run() async throws {
        var scenario: Scenario
        do {
            scenario = try Self.loadScenario(self.scenario, overrides: try Self.parseOverrides(overrides))
            if let repeats { scenario = scenario.repeated(repeats) }
            if !gateOptions.thresholds.isEmpty {
                scenario.thresholds = (scenario.thresholds ?? []) + gateOptions.thresholds
            }
        } catch let error as ScenarioError {
            FileHandle.standardError.write(Data((error.description + "\n").utf8))
            throw ExitCode(ExitCode.validationFailure.rawValue)
        }
        let quiet = self.quiet
        let started = Date()
        let live = RunProgress.shouldShow(
            isTerminal: isatty(STDERR_FILENO) == 1, quiet: quiet, environment: ProcessInfo.processInfo.environment)
        let progressLine = ProgressLine(enabled: live)
        // If this process is killed (SIGKILL, OOM), the guard stops the fleet and the services
        // and removes their directories.
        let orphanGuard = try? OrphanGuard(executable: Self.selfExecutable())
        let runner = ScenarioRunner(
            scenario: scenario,
            options: .init(
                executable: executable ?? Self.selfExecutable(), redisURL: redisURL, databaseURL: databaseURL,
                log: { line in
                    if !quiet {
                        progressLine.print(
                            "[\(String(format: "%6.1f", Date().timeIntervalSince(started)))s] \(line)")
                    }
                },
                observe: { orphanGuard?.record($0) }, external: try externalTarget()))
        defer { withExtendedLifetime(orphanGuard) {} }
        let dir = try ReportWriter.makeRunDirectory(root: output, scenario: scenario.name)
        let ticker = live ? Task { await progressLine.follow(runner) } : nil
        let report = try await CommandLifecycle.run(onSignal: { runner.cancellation.cancel("interrupted by \($0)") }) {
            await runner.run(logsTo: dir + "/logs")
        }
        ticker?.cancel()
        progressLine.clear()
        try ReportWriter.write(report, to: dir)
        ReportWriter.linkLatest(root: output, to: dir)
        print(ReportSummary.lines(report).joined(separator: "\n"))
        print("report: \(dir)/report.md")
        if gates {
            let gate = try gateOptions.makeGate(extraThresholds: [])
            // The summary above listed the thresholds already.
            let code = GateOptions.run(gate, on: report, junitPath: "\(dir)/gate-junit.xml", listingThresholds: false)
            if code != .passed { throw ExitCode(code.rawValue) }
            return
        }
        if !report.complete { throw ExitCode(1) }
    }
}

/// The one progress line of `stampede run` on a terminal: redrawn in place every second, cleared
/// before a log line is printed (the next tick draws it again) and at the end.
final class ProgressLine: Sendable {
    let enabled: Bool
    private let state = Mutex<(shown: Bool, lastEvents: Int?, lastAt: Date)>((false, nil, Date()))

    init(enabled: Bool) { self.enabled = enabled }

    /// A log line, above the progress line.
    func print(_ line: String) {
        state.withLock { s in
            let prefix = s.shown ? "\r\u{1B}[K" : ""
            s.shown = false
            FileHandle.standardError.write(Data((prefix + line + "\n").utf8))
        }
    }

    func clear() {
        state.withLock { s in
            if s.shown { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
            s.shown = false
        }
    }

    /// Draws the runner's progress every second until cancelled.
    func follow(_ runner: ScenarioRunner) async {
        guard enabled else { return }
        while !Task.isCancelled {
            try? await Task.sleep(for: .seconds(1))
            if Task.isCancelled { break }
            let p = runner.progress()
            state.withLock { s in
                let now = Date()
                var rate: Int?
                if let events = p.load?.events, let last = s.lastEvents, events >= last {
                    rate = Int((Double(events - last) / max(now.timeIntervalSince(s.lastAt), 0.001)).rounded())
                }
                s.lastEvents = p.load?.events
                s.lastAt = now
                FileHandle.standardError.write(Data(("\r" + p.line(eventsPerSecond: rate) + "\u{1B}[K").utf8))
                s.shown = true
            }
        }
    }
}
