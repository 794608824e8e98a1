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
    private var launch: (executable: String, redisURL: String, databaseURL: String, logDirectory: String)?

    private init(group: FleetGroup) { self.group = group }

    /// Starts `group.instances` servers and waits until each reports healthy.
    public static func start(
        group: FleetGroup, executable: String, redisURL: String, databaseURL: String, logDirectory: String,
        timeout: Duration = .seconds(60), onStart: @escaping @Sendable (Int32, String) -> Void = { _, _ in }
    ) async throws -> Fleet {
        let fleet = Fleet(group: group)
        fleet.onStart = onStart
        fleet.launch = (executable, redisURL, databaseURL, logDirectory)
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
        index: Int, executable: String, redisURL: String, databaseURL: String, logDirectory: String, timeout: Duration,
        port fixedPort: Int? = nil, generation: Int = 0
    ) async throws {
        var lastError = ""
        for attempt in 1...3 {  // a free port can be taken before the server binds it
            let port = try fixedPort ?? FreePort.next()
            let logPath = "\(logDirectory)/\(group.name)-\(index)\(generation > 0 ? ".\(generation)" : "").log"
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
                        let started = Instance(index: index, port: port, pid: process.pid, logPath: logPath)
                        if let i = instances.firstIndex(where: { $0.index == index }) {
                            instances[i] = started
                        } else {
                            instances.append(started)
                        }
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

    // MARK: Planned faults

    /// Instance `index` as it is now (a restart changes its pid).
    public func instance(_ index: Int) -> Instance? { lock.withLock { instances.first { $0.index == index } } }

    private func process(of index: Int) throws -> (Instance, ChildProcess) {
        try lock.withLock {
            guard let instance = instances.first(where: { $0.index == index }),
                let p = processes.first(where: { $0.pid == instance.pid })
            else { throw ServiceError("instance \(index) is not running") }
            return (instance, p)
        }
    }

    /// Sends `signal` (SIGSTOP, SIGCONT) to instance `index`; its pid.
    @discardableResult
    public func signal(_ signal: Int32, instance index: Int) throws -> Int32 {
        let (instance, _) = try process(of: index)
        guard kill(instance.pid, signal) == 0 else {
            throw ServiceError(
                "cannot signal instance \(index) (pid \(instance.pid)): \(String(cString: strerror(errno)))")
        }
        return instance.pid
    }

    /// Ends instance `index` (SIGKILL, or SIGTERM and its graceful shutdown) and waits for it; its pid.
    @discardableResult
    public func end(instance index: Int, signal: Int32) throws -> Int32 {
        let (instance, p) = try process(of: index)
        kill(instance.pid, SIGCONT)  // a paused process cannot act on SIGTERM
        p.stop(signal: signal, grace: .seconds(10))
        lock.withLock { processes.removeAll { $0.pid == instance.pid } }
        return instance.pid
    }

    /// Starts instance `index` again on its port (after ``end(instance:signal:)``); its new pid.
    public func restart(instance index: Int, generation: Int) async throws -> Int32 {
        guard let launch, let instance = lock.withLock({ instances.first { $0.index == index } }) else {
            throw ServiceError("instance \(index) was never started")
        }
        try await startInstance(
            index: index, executable: launch.executable, redisURL: launch.redisURL, databaseURL: launch.databaseURL,
            logDirectory: launch.logDirectory, timeout: .seconds(30), port: instance.port, generation: generation)
        return try process(of: index).0.pid
    }

    /// Stops every instance (in parallel: SIGTERM to all, then wait). Safe to call more than once.
    public func stop() {
        let all = lock.withLock { () -> [ChildProcess] in
            defer { processes.removeAll() }
            return processes
        }
        for p in all where p.isRunning {
            kill(p.pid, SIGCONT)  // one a fault left paused
            kill(p.pid, SIGTERM)
        }
        for p in all { p.stop(grace: .seconds(10)) }
    }

    deinit { stop() }
}
