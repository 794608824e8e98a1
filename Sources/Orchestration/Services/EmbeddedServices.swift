import Backends
import Foundation
import SystemSupport

/// Real Redis and PostgreSQL from the system packages, started on free loopback ports in a
/// temporary directory and removed on `stop()`. PostgreSQL runs as the `postgres` user when the
/// caller is root (it refuses to run as root). Used by the tests, `stampede run` and
/// `stampede services up`.
public final class EmbeddedServices: @unchecked Sendable {
    public struct Configuration: Sendable {
        public var redis = true
        public var postgres = true
        /// PostgreSQL `max_connections` (a fleet of 10 instances x 30 needs more than the default 100).
        public var postgresMaxConnections = 500
        public var startupTimeout: Duration = .seconds(60)
        public init() {}
    }

    public let directory: String
    public private(set) var redisURL: String?
    public private(set) var databaseURL: String?
    private var redis: ChildProcess?
    private var postgres: ChildProcess?
    private var postgresArguments: [String]?
    private var postgresPort: Int?
    private let lock = NSLock()
    private var stopped = false

    /// Starts the services and waits until both answer.
    public static func start(_ configuration: Configuration = .init()) async throws -> EmbeddedServices {
        let dir = try makeTemporaryDirectory()
        let services = EmbeddedServices(directory: dir)
        do {
            if configuration.redis { try await services.startRedis(timeout: configuration.startupTimeout) }
            if configuration.postgres {
                try await services.startPostgres(
                    maxConnections: configuration.postgresMaxConnections, timeout: configuration.startupTimeout)
            }
        } catch {
            services.stop()
            throw error
        }
        return services
    }

    private init(directory: String) { self.directory = directory }

    public var redisPID: Int32? { redis?.pid }
    public var postgresPID: Int32? { postgres?.pid }

    // MARK: Redis

    private func startRedis(timeout: Duration) async throws {
        let port = try FreePort.next()
        try await launchRedis(port: port, timeout: timeout)
        redisURL = "redis://127.0.0.1:\(port)/0"
    }

    private func launchRedis(port: Int, timeout: Duration) async throws {
        guard let exe = Self.which("redis-server") else {
            throw ServiceError(
                "redis-server not found on PATH: install it (apt-get install redis-server) or pass --redis-url")
        }
        let dataDir = directory + "/redis"
        try FileManager.default.createDirectory(atPath: dataDir, withIntermediateDirectories: true)
        redis = try ChildProcess(
            name: "redis-server", executable: exe,
            arguments: [
                "--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dataDir,
                "--daemonize", "no", "--maxclients", "10000", "--protected-mode", "yes",
            ],
            logPath: directory + "/redis.log")
        let endpoint = RedisEndpoint(host: "127.0.0.1", port: port)
        try await waitUntil("Redis", process: redis!, timeout: timeout) {
            let c = try RedisConnection(endpoint: endpoint, timeoutMilliseconds: 500)
            guard case .status("PONG") = try c.command(["PING"]) else { throw ServiceError("no PONG") }
        }
    }

    /// Stops Redis and starts it again on the same port (failure injection: what a restart does
    /// to clients). Its data is gone, as with `--save ""` in production.
    /// `kill`: SIGKILL instead of SIGTERM. Returns the new process's pid.
    @discardableResult
    public func restartRedis(downFor pause: Duration = .zero, kill: Bool = false) async throws -> Int32 {
        guard let url = redisURL, let old = redis else { throw ServiceError("Redis is not running here") }
        old.stop(signal: kill ? SIGKILL : SIGTERM)
        if pause > .zero { try await Task.sleep(for: pause) }
        let port = try RedisEndpoint(url: url).port
        try await launchRedis(port: port, timeout: .seconds(30))
        return redis!.pid
    }

    /// Stops PostgreSQL (fast shutdown, or SIGKILL to the postmaster: its backends exit on their
    /// own and the next start runs crash recovery) and starts it again on its data and port.
    /// Returns the new postmaster's pid.
    @discardableResult
    public func restartPostgres(downFor pause: Duration = .zero, kill: Bool = false) async throws -> Int32 {
        guard let old = postgres, let arguments = postgresArguments, let port = postgresPort else {
            throw ServiceError("PostgreSQL is not running here")
        }
        old.stop(signal: kill ? SIGKILL : SIGINT, grace: .seconds(30))
        if pause > .zero { try await Task.sleep(for: pause) }
        // After a SIGKILL, the old backends hold the shared memory for a moment: retry the start.
        let deadline = ContinuousClock.now + .seconds(30)
        while true {
            let p = try ChildProcess(
                name: "postgres", executable: arguments[0], arguments: Array(arguments.dropFirst()),
                logPath: directory + "/postgres.\(Int(Date().timeIntervalSince1970 * 1000)).log")
            postgres = p
            do {
                let adminURL = "postgresql://stampede@127.0.0.1:\(port)/postgres"
                try await waitUntil("PostgreSQL", process: p, timeout: .seconds(30)) {
                    let c = try PostgresConnection(url: adminURL)
                    try c.query("SELECT 1")
                }
                return p.pid
            } catch {
                guard !p.isRunning, ContinuousClock.now < deadline else { throw error }
                try await Task.sleep(for: .milliseconds(200))
            }
        }
    }

    // MARK: PostgreSQL

    private func startPostgres(maxConnections: Int, timeout: Duration) async throws {
        guard let bin = Self.postgresBinDirectory() else {
            throw ServiceError(
                "PostgreSQL server binaries not found (looked in /usr/lib/postgresql/*/bin): install postgresql or pass --database-url"
            )
        }
        let dataDir = directory + "/pg"
        let asRoot = getuid() == 0
        var prefix: [String] = []
        if asRoot {
            guard let pw = getpwnam("postgres") else {
                throw ServiceError(
                    "running as root, and there is no `postgres` user to run PostgreSQL as: install postgresql")
            }
            chown(directory, pw.pointee.pw_uid, pw.pointee.pw_gid)
            prefix = ["/usr/bin/setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups", "--"]
        }
        let initdb = ChildProcessRunner.run(
            prefix + [
                bin + "/initdb", "-D", dataDir, "-U", "stampede", "--auth=trust", "-E", "UTF8", "--no-sync",
                "--locale=C.UTF-8",
            ],
            logPath: directory + "/initdb.log")
        guard initdb == 0 else {
            let log = (try? String(contentsOfFile: directory + "/initdb.log", encoding: .utf8)) ?? ""
            throw ServiceError(
                "initdb failed (exit \(initdb)):\n\(log.split(separator: "\n").suffix(10).joined(separator: "\n"))")
        }
        let port = try FreePort.next()
        let args =
            prefix + [
                bin + "/postgres", "-D", dataDir, "-p", String(port), "-k", directory, "-c",
                "listen_addresses=127.0.0.1",
                "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
                "-c", "max_connections=\(maxConnections)", "-c", "shared_buffers=128MB", "-c",
                "log_min_messages=warning",
            ]
        postgresArguments = args
        postgresPort = port
        postgres = try ChildProcess(
            name: "postgres", executable: args[0], arguments: Array(args.dropFirst()),
            logPath: directory + "/postgres.log")
        let adminURL = "postgresql://stampede@127.0.0.1:\(port)/postgres"
        try await waitUntil("PostgreSQL", process: postgres!, timeout: timeout) {
            let c = try PostgresConnection(url: adminURL)
            try c.query("SELECT 1")
        }
        let admin = try PostgresConnection(url: adminURL)
        try admin.query("CREATE DATABASE stampede")
        databaseURL = "postgresql://stampede@127.0.0.1:\(port)/stampede"
    }

    // MARK: lifecycle

    /// Stops both servers and deletes the directory. Safe to call more than once.
    public func stop() {
        lock.lock()
        defer { lock.unlock() }
        guard !stopped else { return }
        stopped = true
        postgres?.stop(signal: SIGINT)  // fast shutdown
        redis?.stop(signal: SIGTERM)
        postgres = nil
        redis = nil
        try? FileManager.default.removeItem(atPath: directory)
    }

    deinit { stop() }

    private func waitUntil(
        _ what: String, process: ChildProcess, timeout: Duration, _ probe: @escaping @Sendable () throws -> Void
    ) async throws {
        let deadline = ContinuousClock.now + timeout
        var lastError = ""
        while ContinuousClock.now < deadline {
            if !process.isRunning {
                throw ServiceError("\(what) exited during start-up. Its log:\n\(process.logTail())")
            }
            do {
                try probe()
                return
            } catch {
                lastError = "\(error)"
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw ServiceError(
            "\(what) did not become ready within \(timeout): \(lastError). Its log:\n\(process.logTail())")
    }

    static func which(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for dir in path.split(separator: ":") + ["/usr/sbin", "/usr/bin"] {
            let p = "\(dir)/\(name)"
            if FileManager.default.isExecutableFile(atPath: p) { return p }
        }
        return nil
    }

    static func postgresBinDirectory() -> String? {
        if let env = ProcessInfo.processInfo.environment["STAMPEDE_PG_BIN"] { return env }
        let root = "/usr/lib/postgresql"
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []).compactMap(Int.init)
            .sorted()
        for v in versions.reversed() where FileManager.default.isExecutableFile(atPath: "\(root)/\(v)/bin/postgres") {
            return "\(root)/\(v)/bin"
        }
        return nil
    }

    static func makeTemporaryDirectory() throws -> String {
        var template = Array((NSTemporaryDirectory() + "/stampede-services-XXXXXX").utf8CString)
        guard let p = mkdtemp(&template) else {
            throw ServiceError("cannot create a temporary directory: \(String(cString: strerror(errno)))")
        }
        chmod(p, 0o755)
        return String(cString: p)
    }
}

/// Runs a command to completion, output to a log file; returns its exit status.
enum ChildProcessRunner {
    static func run(_ command: [String], logPath: String) -> Int32 {
        guard
            let p = try? ChildProcess(
                name: command[0], executable: command[0], arguments: Array(command.dropFirst()), logPath: logPath)
        else { return -1 }
        return p.waitForExit()
    }
}
