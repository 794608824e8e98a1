import Analysis
import Backends
import Foundation
import LoadGen
import ServerConfig

/// Lost-update check of a hot-session phase (SCALE-001 "lost updates must be 0"): after the load,
/// waits until the servers are quiet, reads the hot sessions' `total_turns` and `version`, runs a
/// burst of streams that all complete (every update then adds exactly `agent-events` turns), waits
/// again and reads again. Each write bumps `version` by one, so
/// `lost = Δversion − Δtotal_turns / turns per run`: a write whose read was stale counts in
/// `version` but not in `total_turns`.
struct UpdateVerifier {
    var fleet: Fleet
    var databaseURL: String
    var apiKey: String
    var sessionPrefix: String
    var hotSet: Int
    var turnsPerRun: Int
    var agentInterval: Double
    var lockTimeout: Double
    var clientsPerInstance = 4
    var cancellation: RunCancellation

    enum Outcome: Equatable {
        case measured(Int)
        /// The check could not be made cleanly; the reason says why.
        case notMeasured(String)
    }

    struct Findings {
        /// Over the verification burst.
        var lostUpdates: Outcome
        /// Over the load, from the servers' ledger; nil when not asked for.
        var lostTurns: Outcome?
    }

    /// Lost turns over the load (`ledger`: the instances kept their counters, none was restarted),
    /// then lost updates over the burst, each or why it could not be measured cleanly (a burst
    /// stream did not finish, or nothing was written at all: 0 lost of 0 is no measurement).
    func run(ledger: Bool) async throws -> Findings {
        try await quiesce()
        let lostTurns = ledger ? try lostTurnsOverLoad() : nil
        return Findings(lostUpdates: try await burst(), lostTurns: lostTurns)
    }

    /// The turns the instances' completed updates added (`stampede_session_turns_written_total`,
    /// summed) minus the turns stored: the hot sessions start at 0, so any difference is turns
    /// some write overwrote with a stale read.
    func lostTurnsOverLoad() throws -> Outcome {
        var written = 0.0
        for i in fleet.instances {
            let body = HTTPProbe.request(port: i.port, path: "/metrics", timeout: 2)?.body ?? ""
            guard let n = PrometheusText.parse(body)[ServerSeries.sessionTurnsWrittenTotal.rawValue] else {
                return .notMeasured(
                    "instance \(i.index) did not report \(ServerSeries.sessionTurnsWrittenTotal.rawValue)")
            }
            written += n
        }
        guard written > 0 else { return .notMeasured("no update completed during the load") }
        return .measured(Int(written) - (try totals()).turns)
    }

    private func burst() async throws -> Outcome {
        let before = try totals()
        // One burst over every instance at once, stopped when every stream is done: the configured
        // duration is only the upper bound for a stream that waits out the lock timeout.
        let c = Self.burstConfiguration(
            bases: fleet.instances.map { "http://127.0.0.1:\($0.port)" }, apiKey: apiKey,
            pool: PhaseRunner.hotSessionPool(hotSet: hotSet, prefix: sessionPrefix),
            clientsPerInstance: clientsPerInstance,
            seconds: Double(turnsPerRun) * agentInterval + lockTimeout + 3)
        let burst = try await Self.withLoadRun(c, cancellation: cancellation)
        let completed = burst.counters.streamsCompleted
        let failed = burst.counters.failed
        guard completed == c.clients && failed == 0 else {
            return .notMeasured(
                "the verification burst did not finish cleanly (\(completed) of \(c.clients) streams completed, \(failed) failed)"
            )
        }
        try await quiesce()
        let after = try totals()
        let writes = after.versions - before.versions
        let turns = after.turns - before.turns
        guard writes > 0 else { return .notMeasured("no session update completed during the verification burst") }
        return .measured(writes - turns / turnsPerRun)
    }

    /// `clientsPerInstance` streams per instance, each one run on a hot session of `pool`, all
    /// started at once, each opened once; `seconds` bounds a stream that waits out a lock.
    static func burstConfiguration(
        bases: [String], apiKey: String, pool: LoadConfiguration.SessionPool, clientsPerInstance: Int, seconds: Double
    ) -> LoadConfiguration {
        var c = LoadConfiguration(mode: .sse, targets: bases.map { $0 + "/api/v1/query" })
        c.method = "POST"
        c.headers = [.init(name: "X-API-Key", value: apiKey), .init(name: "Content-Type", value: "application/json")]
        c.body = "{\"prompt\": \"verify\", \"session_id\": \"{session}\"}"
        c.sessionPool = pool
        c.clients = clientsPerInstance * bases.count
        c.ramp = 10_000
        c.restartDelay = .seconds(3600)
        c.duration = .milliseconds(Int64(seconds * 1000))
        return c
    }

    /// Runs the burst; stops it as soon as every client has opened and finished its stream.
    static func withLoadRun(
        _ configuration: LoadConfiguration, cancellation: RunCancellation
    ) async throws
        -> LoadResult
    {
        let run = LoadRun(configuration: configuration)
        cancellation.register(run)
        defer { cancellation.unregister(run) }
        let clients = configuration.clients
        let watcher = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(100))
                let p = run.progress()
                if p.started >= clients && p.open == 0 {
                    run.stop()
                    return
                }
            }
        }
        defer { watcher.cancel() }
        return try await run.run()
    }

    /// Sum of `total_turns` and `version` over the hot sessions.
    func totals() throws -> (turns: Int, versions: Int) {
        let db = try PostgresConnection(url: databaseURL)
        let rows = try db.query(
            "SELECT coalesce(sum(total_turns), 0)::text, coalesce(sum(version), 0)::text FROM sessions WHERE id::text LIKE $1",
            [sessionPrefix + "%"])
        guard let row = rows.rows.first, let t = row[0].flatMap({ Int($0) }), let v = row[1].flatMap({ Int($0) }) else {
            throw ServiceError("cannot read the hot sessions' totals")
        }
        return (t, v)
    }

    /// Waits until no instance's lock and update counters move for a second (at most lock timeout + 5 s).
    func quiesce() async throws {
        let deadline = Date().addingTimeInterval(lockTimeout + 5)
        var last = -1.0
        var stableSince = Date()
        while Date() < deadline {
            var total = 0.0
            for i in fleet.instances {
                let m = PrometheusText.parse(HTTPProbe.request(port: i.port, path: "/metrics", timeout: 1)?.body ?? "")
                total +=
                    (m[ServerSeries.lockAttemptsTotal.rawValue] ?? 0)
                    + (m[ServerSeries.sessionUpdatesTotal.rawValue] ?? 0)
                    + (m[ServerSeries.sessionUpdateErrorsTotal.rawValue] ?? 0)
            }
            if total != last {
                last = total
                stableSince = Date()
            } else if Date().timeIntervalSince(stableSince) >= 1 {
                return
            }
            try await Task.sleep(for: .milliseconds(200))
        }
    }
}
