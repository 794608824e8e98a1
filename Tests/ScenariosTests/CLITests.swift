import Foundation
import Testing

/// Runs the built `stampede` binary, as a user would.
@Suite struct CLITests {
    static var binary: String {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("stampede").path
    }

    func run(_ args: [String]) throws -> (status: Int32, out: String, err: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Self.binary)
        p.arguments = args
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
            "--hold-db-connection", "--max-connections", "--max-fds", "--agent-slots", "--agent-events", "--agent-interval",
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

    @Test func runNameHelpListsTheScenariosParameters() throws {
        let r = try run(["run", "scale-001", "--help"])
        #expect(r.status == 0)
        #expect(r.out.contains("--set name=value") || r.out.contains("--set <set>"), "the run options come first")
        #expect(r.out.contains("parameters of scale-001") && r.out.contains("  instances = 1,2,3,5,8,10"), "\(r.out)")
        let ci = try run(["run", "ci-smoke", "-h"])
        #expect(ci.out.contains("thresholds (checked by --gate):") && ci.out.contains("integrity.lost_events == 0"), "\(ci.out)")
        // Plain `run --help` has no scenario to describe.
        #expect(try !run(["run", "--help"]).out.contains("parameters of"))
    }
}
