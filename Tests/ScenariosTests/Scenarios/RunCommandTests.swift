import Foundation
import Testing

/// `stampede run` as a user runs it. Enabled once `Run` is in the CLI's subcommand list.
extension RealServicesTests {
@Suite(.enabled(if: LifecycleSupport.runIsRegistered, "`stampede run` is not registered in Stampede.swift yet"))
struct RunCommandTests {
    static let yaml = """
        name: sigint
        groups: [{name: g, instances: 2, profile: documented, flags: {agent-events: "3", agent-interval: 20ms}}]
        phases: [{name: p, group: g, duration: 60s, warmup: 1s, clients: [{name: fast, count: 4}]}]
        claims: [{id: c, issue: SCALE-001, statement: q, metric: p.samples, relation: ">", target: 0}]
        """

    @Test func sigintStopsTheRunCleansUpAndWritesAnIncompleteReport() throws {
        let root = NSTemporaryDirectory() + "/stampede-run-test-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: root) }
        try Self.yaml.write(toFile: root + "/s.yaml", atomically: true, encoding: .utf8)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: LifecycleSupport.stampedeBinary)
        p.arguments = ["run", root + "/s.yaml", "--output", root + "/reports", "--quiet"]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        // Wait for both servers, then interrupt as Ctrl-C would.
        #expect(LifecycleSupport.eventually(timeout: 60) { LifecycleSupport.children(of: p.processIdentifier).filter { $0.name == "stampede" }.count == 2 })
        let children = LifecycleSupport.children(of: p.processIdentifier)
        let pids = children.map(\.pid)
        #expect(Set(children.map(\.name)).isSuperset(of: ["stampede", "redis-server", "postgres"]))
        let directories = Set(pids.compactMap(LifecycleSupport.stdoutDirectory))
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

    @Test func badScenarioExitsWithTwoAndListsEveryProblem() throws {
        let root = NSTemporaryDirectory() + "/stampede-run-test-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: root) }
        try "name: x\ngroups: [{name: g, instances: 0}]\nphases: []\nextra: 1\n".write(toFile: root + "/bad.yaml", atomically: true, encoding: .utf8)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: LifecycleSupport.stampedeBinary)
        p.arguments = ["run", root + "/bad.yaml", "--output", root]
        let err = Pipe()
        p.standardError = err
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        #expect(p.terminationStatus == 2)
        #expect(text.contains("line 4: extra: unknown key"))
        #expect(text.contains("groups[0].instances"))
        #expect(text.contains("phases: list at least one phase"))
    }
}
}
