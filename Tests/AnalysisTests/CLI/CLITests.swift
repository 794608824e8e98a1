import Foundation
import Testing

/// Runs the built `stampede` binary, as a user would.
@Suite struct CLITests {
    static var binary: String {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("stampede")
            .path
    }

    func run(_ args: [String], environment: [String: String] = [:]) throws -> (status: Int32, out: String, err: String)
    {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Self.binary)
        p.arguments = args
        if !environment.isEmpty { p.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
        let out = Pipe()
        let err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
    }

    @Test func serveHelpDocumentsEveryKnobAndTheProfiles() throws {
        let r = try run(["serve", "--help"])
        #expect(r.status == 0)
        for knob in [
            "--profile", "--lock-strategy", "--lock-hold-ms", "--lock-timeout", "--sse-delivery", "--sse-queue",
            "--slow-consumer-deadline", "--redis-pool", "--redis-pool-timeout", "--db-pool", "--db-overflow",
            "--hold-db-connection", "--max-connections", "--max-fds", "--agent-slots", "--agent-events",
            "--agent-interval",
            "documented | upstream | recommended", "REDIS_MAX_CONNECTIONS",
        ] {
            #expect(r.out.contains(knob), "serve --help lacks \(knob)")
        }
    }

    @Test(arguments: [
        (["serve", "--lock-timeout", "soon"], "lock-timeout"),
        (["serve", "--redis-url", "http://x"], "scheme must be redis"),
        (["serve", "--agent-events", "lots"], "agent-events"),
        (["serve", "--profile", "fastest"], "profile"),
        (["serve", "--sse-delivery", "unbounded", "--slow-consumer-deadline", "5s"], "needs --sse-delivery bounded"),
    ])
    func badFlagsFailWithAMessageThatNamesThem(args: [String], fragment: String) throws {
        let r = try run(args)
        #expect(r.status != 0)
        #expect(r.err.contains(fragment), "stderr was: \(r.err)")
    }

    @Test(arguments: [
        ("lock-strategy: optimistc", "closest valid value: optimistic"),
        ("lock-timeout: \"-1s\"", "a duration > 0 like 250ms, 5s or 2m, got '-1s'"),
    ])
    func runRejectsABadKnobBeforeStartingAnything(flag: String, fragment: String) throws {
        let dir = NSTemporaryDirectory() + "stampede-knob-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try """
        name: bad-knob
        groups:
          - name: g
            flags:
              \(flag)
        phases: [{name: p, group: g, clients: [{name: c}]}]
        """.write(toFile: dir + "/s.yaml", atomically: true, encoding: .utf8)
        let r = try run(["run", dir + "/s.yaml", "--output", dir + "/reports"])
        #expect(r.status == 64)
        #expect(r.err.contains("line 5: groups[0].flags."), "\(r.err)")
        #expect(r.err.contains(fragment), "\(r.err)")
        // Nothing ran: no report directory was made.
        #expect(!FileManager.default.fileExists(atPath: dir + "/reports"))
    }

    @Test func aBadEnvironmentVariableIsNamedAsSuch() throws {
        let r = try run(["serve", "--lock-timeout", "soon"], environment: ["API_PORT": "abc"])
        #expect(r.status == 64)
        #expect(
            r.err.contains("environment variable API_PORT (--port): expected a whole number in 0...65535, got 'abc'"),
            "\(r.err)")
        #expect(r.err.contains("--lock-timeout: expected a duration > 0"), "\(r.err)")
    }

    @Test(arguments: [
        (["proxy", "--listen", "6380", "--upstream", "127.0.0.1:6379"], "--listen '6380': expected HOST:PORT"),
        (
            ["proxy", "--listen", "127.0.0.1:0", "--upstream", "127.0.0.1:6379", "--jitter", "2ms"],
            "--jitter must not exceed"
        ),
        (
            ["proxy", "--listen", "127.0.0.1:0", "--upstream", "127.0.0.1:6379", "--bandwidth", "0"],
            "expected KB/s of 1 or more"
        ),
        (["proxy", "--listen", "127.0.0.1:0"], "--listen and --upstream go together"),
        (["proxy", "--api", "8474"], "--api '8474': expected HOST:PORT"),
    ])
    func proxyRejectsBadFlags(args: [String], fragment: String) throws {
        let r = try run(args)
        #expect(r.status == 64)
        #expect(r.err.contains(fragment), "\(r.err)")
    }

    @Test func serveRejectsUnknownKnobsWithTheClosestName() throws {
        let r = try run(["serve", "--lock-strategie", "optimistic"])
        #expect(r.status == 64)
        #expect(r.err.contains("unknown option --lock-strategie; did you mean --lock-strategy?"), "\(r.err)")
    }

    @Test func runNameHelpListsTheScenariosParameters() throws {
        let r = try run(["run", "scale-001", "--help"])
        #expect(r.status == 0)
        #expect(r.out.contains("--set name=value") || r.out.contains("--set <set>"), "the run options come first")
        #expect(r.out.contains("parameters of scale-001") && r.out.contains("  instances = 1,2,5,10"), "\(r.out)")
        let ci = try run(["run", "ci-smoke", "-h"])
        #expect(
            ci.out.contains("thresholds (checked by --gate):") && ci.out.contains("integrity.lost_events == 0"),
            "\(ci.out)")
        // Plain `run --help` has no scenario to describe.
        #expect(try !run(["run", "--help"]).out.contains("parameters of"))
    }
}
