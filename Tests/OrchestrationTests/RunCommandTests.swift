import Foundation
import StampedeTestSupport
import Testing

/// `stampede run` as a user runs it.
extension RealServicesTests {
    @Suite
    struct RunCommandTests {
        static let yaml = """
            name: sigint
            groups: [{name: g, instances: 2, profile: documented, flags: {agent-events: "3", agent-interval: 20ms}}]
            phases: [{name: p, group: g, duration: 60s, warmup: 1s, clients: [{name: fast, count: 4}]}]
            claims: [{id: c, issue: SCALE-001, statement: q, metric: p.samples, relation: ">", target: 0}]
            """

        /// A fresh directory holding `s.yaml`; the caller removes it.
        static func scratchDirectory() throws -> String {
            let root = NSTemporaryDirectory() + "/stampede-run-test-\(UUID().uuidString)"
            try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
            try yaml.write(toFile: root + "/s.yaml", atomically: true, encoding: .utf8)
            return root
        }

        /// `stampede run s.yaml` in `root`, quiet, reports under `root/reports`.
        static func launchRun(in root: String) throws -> Process {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: LifecycleSupport.stampedeBinary)
            p.arguments = ["run", root + "/s.yaml", "--output", root + "/reports", "--quiet"]
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            try p.run()
            return p
        }

        /// The run's `stampede serve` children: its `stampede` children but the orphan guard, whose
        /// output goes to /dev/null.
        static func servers(of p: Process) -> [(pid: Int32, name: String)] {
            LifecycleSupport.children(of: p.processIdentifier).filter {
                $0.name == "stampede" && LifecycleSupport.stdoutDirectory($0.pid) != "/dev"
            }
        }

        @Test func sigintStopsTheRunCleansUpAndWritesAnIncompleteReport() throws {
            let root = try Self.scratchDirectory()
            defer { try? FileManager.default.removeItem(atPath: root) }
            let p = try Self.launchRun(in: root)
            // Wait for both servers, then interrupt as Ctrl-C would.
            #expect(LifecycleSupport.eventually(timeout: 60) { Self.servers(of: p).count == 2 })
            let children = LifecycleSupport.children(of: p.processIdentifier)
            let pids = children.map(\.pid)
            #expect(Set(children.map(\.name)).isSuperset(of: ["stampede", "redis-server", "postgres"]))
            // The run's directory and the services' (the orphan guard writes to /dev/null).
            let directories = Set(pids.compactMap(LifecycleSupport.stdoutDirectory)).subtracting(["/dev"])
            #expect(directories.count == 2, "\(directories)")
            sleep(2)
            kill(p.processIdentifier, SIGINT)
            p.waitUntilExit()
            #expect(p.terminationStatus == 1)
            #expect(LifecycleSupport.eventually { pids.allSatisfy { !LifecycleSupport.isAlive($0) } })
            #expect(directories.allSatisfy { !FileManager.default.fileExists(atPath: $0) })
            let json = try String(contentsOfFile: root + "/reports/latest/report.json", encoding: .utf8)
            #expect(json.contains("\"complete\" : false"))
            #expect(json.contains("interrupted by SIGINT"))
        }

        @Test func badScenarioExitsWithTheUsageCodeAndListsEveryProblem() throws {
            let root = NSTemporaryDirectory() + "/stampede-run-test-\(UUID().uuidString)"
            try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: root) }
            try "name: x\ngroups: [{name: g, instances: 0}]\nphases: []\nextra: 1\n".write(
                toFile: root + "/bad.yaml", atomically: true, encoding: .utf8)
            let p = Process()
            p.executableURL = URL(fileURLWithPath: LifecycleSupport.stampedeBinary)
            p.arguments = ["run", root + "/bad.yaml", "--output", root]
            let err = Pipe()
            p.standardError = err
            p.standardOutput = FileHandle.nullDevice
            try p.run()
            let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            p.waitUntilExit()
            #expect(p.terminationStatus == 64)
            #expect(text.contains("line 4: extra: unknown key"))
            #expect(text.contains("groups[0].instances"))
            #expect(text.contains("phases: list at least one phase"))
        }

        @Test func gateEndsTheRunWithTheGatesExitCodeAndJUnit() throws {
            let root = NSTemporaryDirectory() + "/stampede-run-test-\(UUID().uuidString)"
            try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: root) }
            let yaml = """
                name: gated
                groups: [{name: g, instances: 1, profile: recommended, flags: {agent-events: "3", agent-interval: 20ms}}]
                phases: [{name: p, group: g, duration: 4s, warmup: 1s, clients: [{name: fast, count: 4}]}]
                thresholds: ["errors: rate < 1%", "integrity.lost_events == 0"]
                """
            try yaml.write(toFile: root + "/g.yaml", atomically: true, encoding: .utf8)
            func run(_ extra: [String]) throws -> (Int32, String) {
                let p = Process()
                p.executableURL = URL(fileURLWithPath: LifecycleSupport.stampedeBinary)
                p.arguments = ["run", root + "/g.yaml", "--output", root + "/reports", "--quiet"] + extra
                let out = Pipe()
                p.standardOutput = out
                p.standardError = FileHandle.nullDevice
                try p.run()
                let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                p.waitUntilExit()
                return (p.terminationStatus, text)
            }
            // The scenario's thresholds hold, a command-line one (no stream lasts an hour) fails.
            let (status, out) = try run(["--threshold", "stream.duration: p(50) > 1h"])
            #expect(status == 99, "\(out)")
            #expect(
                out.contains("THRESHOLD OK    errors rate = 0")
                    && out.contains("THRESHOLD FAIL  stream.duration p(50)"), "\(out)")
            #expect(out.components(separatedBy: "stream.duration p(50)").count == 2, "listed once: \(out)")
            #expect(out.contains("gate: failed: a threshold failed or a metric regressed (exit 99)"), "\(out)")
            let junit = try String(contentsOfFile: root + "/reports/latest/gate-junit.xml", encoding: .utf8)
            #expect(junit.contains("failures=\"1\""), "\(junit)")
            let md = try String(contentsOfFile: root + "/reports/latest/report.md", encoding: .utf8)
            #expect(md.contains("| `stream.duration: p(50) > 1h` |"))
            // The scenario's own thresholds alone pass.
            let base = try run(["--gate"])
            #expect(base.0 == 0, "\(base.1)")
            // A misspelled metric is refused before anything starts (exit 64), never a pass.
            let typo = try run(["--threshold", "stream.duraton: p(50) > 1s"])
            #expect(typo.0 == 64)
        }

        @Test func sigkillOfTheRunLeavesNoProcessOrDirectoryBehind() throws {
            let root = try Self.scratchDirectory()
            defer { try? FileManager.default.removeItem(atPath: root) }
            let p = try Self.launchRun(in: root)
            #expect(LifecycleSupport.eventually(timeout: 60) { Self.servers(of: p).count == 2 })
            let children = LifecycleSupport.children(of: p.processIdentifier)
            let directories = Set(children.compactMap { LifecycleSupport.stdoutDirectory($0.pid) }).subtracting(["/dev"]
            )
            #expect(Set(children.map(\.name)).isSuperset(of: ["stampede", "redis-server", "postgres"]))
            #expect(directories.count == 2, "\(directories)")
            // No chance to clean up: the guard process does it.
            kill(p.processIdentifier, SIGKILL)
            p.waitUntilExit()
            #expect(
                LifecycleSupport.eventually(timeout: 20) { children.allSatisfy { !LifecycleSupport.isAlive($0.pid) } },
                "\(children)")
            #expect(
                LifecycleSupport.eventually(timeout: 5) {
                    directories.allSatisfy { !FileManager.default.fileExists(atPath: $0) }
                }, "\(directories)")
        }
    }
}
