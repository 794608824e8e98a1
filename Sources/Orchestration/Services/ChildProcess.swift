import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A child process with its output in a log file, stopped on request or when the owner is freed.
///
/// Spawned with `posix_spawn`, inheriting only stdin, stdout and stderr, with an empty signal mask
/// and default dispositions: a child started
/// from a thread that blocks SIGTERM (Dispatch and NIO threads do) would otherwise inherit the
/// block through exec and ignore our stop signal.
public final class ChildProcess: @unchecked Sendable {
    public let name: String
    public let logPath: String
    public let pid: Int32
    private let lock = NSLock()
    private var exitStatus: Int32?
    /// Whether freeing this object stops the child (default). A watcher meant to outlive its
    /// owner (``OrphanGuard``) sets it to false.
    public var stopsOnDeinit = true

    /// Starts `executable` with `arguments`; stdout and stderr go to `logPath`, stdin is /dev/null.
    /// `newProcessGroup` puts the child in a process group of its own, out of reach of the
    /// terminal's Ctrl-C.
    public init(
        name: String, executable: String, arguments: [String], logPath: String, environment: [String: String]? = nil,
        newProcessGroup: Bool = false
    ) throws {
        self.name = name
        self.logPath = logPath
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, logPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        // Nothing else of ours: a child that inherited a proxy's or a client's socket would keep
        // it open after we close it (no FIN reaches the peer, a cut link stays up).
        _ = Self.addCloseFrom?(&actions, 3)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var emptyMask = sigset_t()
        sigemptyset(&emptyMask)
        var allSignals = sigset_t()
        sigfillset(&allSignals)
        posix_spawnattr_setsigmask(&attributes, &emptyMask)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)
        var flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF
        if newProcessGroup {
            posix_spawnattr_setpgroup(&attributes, 0)
            flags |= POSIX_SPAWN_SETPGROUP
        }
        posix_spawnattr_setflags(&attributes, Int16(flags))
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let env = (environment ?? ProcessInfo.processInfo.environment).map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { env.forEach { free($0) } }
        var child: pid_t = 0
        let rc = posix_spawn(&child, executable, &actions, &attributes, argv, env)
        guard rc == 0 else {
            throw ServiceError("cannot start \(name) (\(executable)): \(String(cString: strerror(rc)))")
        }
        pid = child
    }

    /// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34+; not in the Swift module map).
    private static let addCloseFrom:
        (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32)? = {
            guard let symbol = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np") else { return nil }
            return unsafeBitCast(
                symbol, to: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32).self)
        }()

    /// Whether the child is still running (reaps it once it has exited).
    public var isRunning: Bool {
        lock.lock()
        defer { lock.unlock() }
        if exitStatus != nil { return false }
        var status: Int32 = 0
        let r = waitpid(pid, &status, WNOHANG)
        if r == pid || (r < 0 && errno == ECHILD) {
            exitStatus = status
            return false
        }
        return true
    }

    /// Blocks until the child exits; returns its exit code (128 + signal when killed).
    @discardableResult
    public func waitForExit() -> Int32 {
        while isRunning { usleep(5_000) }
        let s = exitStatus ?? 0
        return (s & 0x7f) == 0 ? (s >> 8) & 0xff : 128 + (s & 0x7f)
    }

    /// The last lines of the log, for error messages.
    public func logTail(lines: Int = 15) -> String {
        guard let text = try? String(contentsOfFile: logPath, encoding: .utf8) else { return "" }
        return text.split(separator: "\n").suffix(lines).joined(separator: "\n")
    }

    /// Sends `signal`, waits up to `grace` for the exit, then SIGKILL.
    public func stop(signal: Int32 = SIGTERM, grace: Duration = .seconds(10)) {
        guard isRunning else { return }
        kill(pid, signal)
        let deadline = ContinuousClock.now + grace
        while isRunning && ContinuousClock.now < deadline { usleep(5_000) }
        if isRunning {
            kill(pid, SIGKILL)
            waitForExit()
        }
    }

    deinit { if stopsOnDeinit { stop(grace: .seconds(2)) } }
}

/// A service could not be started or reached; the message says why and what to do.
public struct ServiceError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
