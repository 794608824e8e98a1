import Analysis
import Foundation
import ServerConfig
import SystemSupport

/// The `stampede serve` child processes of one fleet group, each on a free loopback port with its
/// own flags (and `--max-fds`), started together and ready once `/health` answers. `stop()` (also
/// run on deinit) ends every instance: SIGTERM, then SIGKILL after a grace period.
public final class Fleet: @unchecked Sendable {
    public struct Instance: Sendable {
        public var index: Int
        public var port: Int
        public var pid: Int32
        public var logPath: String
    }

    public let group: FleetGroup
    public private(set) var instances: [Instance] = []
    private var processes: [ChildProcess] = []
    private let lock = NSLock()
    private var onStart: @Sendable (Int32, String) -> Void = { _, _ in }

    private init(group: FleetGroup) { self.group = group }

    /// Starts `group.instances` servers and waits until each reports healthy.
    public static func start(
        group: FleetGroup, executable: String, redisURL: String, databaseURL: String, logDirectory: String,
        timeout: Duration = .seconds(60), onStart: @escaping @Sendable (Int32, String) -> Void = { _, _ in }
    ) async throws -> Fleet {
        let fleet = Fleet(group: group)
        fleet.onStart = onStart
        do {
            for i in 0..<group.instances {
                try await fleet.startInstance(
                    index: i, executable: executable, redisURL: redisURL, databaseURL: databaseURL,
                    logDirectory: logDirectory,
                    timeout: timeout)
            }
        } catch {
            fleet.stop()
            throw error
        }
        return fleet
    }

    private func startInstance(
        index: Int, executable: String, redisURL: String, databaseURL: String, logDirectory: String, timeout: Duration
    ) async throws {
        var lastError = ""
        for attempt in 1...3 {  // a free port can be taken before the server binds it
            let port = try FreePort.next()
            let logPath = "\(logDirectory)/\(group.name)-\(index).log"
            let args =
                [
                    "serve", "--host", "127.0.0.1", "--port", String(port), "--redis-url", redisURL, "--database-url",
                    databaseURL,
                ]
                + group.serveArguments
            let process = try ChildProcess(
                name: "\(group.name)-\(index)", executable: executable, arguments: args, logPath: logPath,
                environment: Self.environment)
            lock.withLock { processes.append(process) }
            onStart(process.pid, "stampede serve")
            let deadline = ContinuousClock.now + timeout
            while ContinuousClock.now < deadline && process.isRunning {
                if let r = HTTPProbe.request(port: port, path: "/health", timeout: 1), r.status == 200 {
                    lock.withLock {
                        instances.append(Instance(index: index, port: port, pid: process.pid, logPath: logPath))
                    }
                    return
                }
                try await Task.sleep(for: .milliseconds(100))
            }
            let timedOut = process.isRunning
            lastError =
                timedOut
                ? "no healthy /health within \(timeout); its log:\n\(process.logTail())"
                : "exited during start-up (attempt \(attempt)); its log:\n\(process.logTail())"
            process.stop(grace: .seconds(2))
            if timedOut { break }
        }
        throw ServiceError("server \(group.name)-\(index) did not start: \(lastError)")
    }

    /// This process's environment without the knobs' upstream variables (`API_KEY`, `DB_POOL_SIZE`,
    /// ...): an instance runs exactly the group's resolved configuration, the one report.json records.
    static var environment: [String: String] {
        ProcessInfo.processInfo.environment.filter { key, _ in !ServerKnobs.all.contains { $0.environment == key } }
    }

    /// Stops every instance (in parallel: SIGTERM to all, then wait). Safe to call more than once.
    public func stop() {
        let all = lock.withLock { () -> [ChildProcess] in
            defer { processes.removeAll() }
            return processes
        }
        for p in all where p.isRunning { kill(p.pid, SIGTERM) }
        for p in all { p.stop(grace: .seconds(10)) }
    }

    deinit { stop() }
}
