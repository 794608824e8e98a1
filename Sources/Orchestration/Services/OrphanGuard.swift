import Foundation
import SystemSupport

#if canImport(Glibc)
import Glibc
#endif

/// Cleans up after a `stampede run` (or `services up`) that died without cleaning up itself,
/// as on SIGKILL or an out-of-memory kill: a small watcher process (`stampede guard`, in its own
/// process group so a terminal's Ctrl-C does not reach it) polls for its parent's death, then
/// stops every child process the run recorded (SIGTERM, SIGKILL after 3 s) and removes every
/// temporary directory it recorded.
///
/// The record is a state file rewritten on every change: `pid PID STARTTIME` and `dir PATH`
/// lines. A pid is only signalled if `/proc/PID/stat` still shows the recorded start time, so a
/// reused pid is never hit. The watcher also runs when the parent exits normally (it is never
/// stopped, so no exit path can skip it): everything is gone by then, and it only deletes the file.
public final class OrphanGuard: @unchecked Sendable {
    public let stateFile: String
    private let lock = NSLock()
    private var entries: [String] = []

    /// Starts the watcher (`executable guard --parent PID --state FILE`).
    public init(executable: String) throws {
        stateFile = NSTemporaryDirectory() + "stampede-guard-\(getpid()).txt"
        save()
        let watcher = try ChildProcess(
            name: "stampede guard", executable: executable,
            arguments: ["guard", "--parent", String(getpid()), "--state", stateFile], logPath: "/dev/null",
            newProcessGroup: true)
        watcher.stopsOnDeinit = false
    }

    /// Records a child process or a temporary directory to clean up if this process dies.
    public func record(_ resource: ScenarioRunner.Resource) {
        let line: String
        switch resource {
        case .process(let pid, _):
            guard let identity = ProcessStats.identity(pid: pid) else { return }
            line = "pid \(pid) \(identity.startTicks)"
        case .directory(let path):
            line = "dir \(path)"
        }
        lock.lock()
        entries.append(line)
        lock.unlock()
        save()
    }

    private func save() {
        lock.lock()
        let text = entries.joined(separator: "\n") + "\n"
        lock.unlock()
        let temporary = stateFile + ".new"
        guard FileManager.default.createFile(atPath: temporary, contents: Data(text.utf8)) else { return }
        rename(temporary, stateFile)
    }

    /// The watcher's loop: returns once `parent` is gone and its leftovers are cleaned up.
    public static func watch(parent: Int32, stateFile: String, pollMicroseconds: UInt32 = 200_000) {
        signal(SIGINT, SIG_IGN)
        signal(SIGHUP, SIG_IGN)
        while getppid() == parent { usleep(pollMicroseconds) }
        cleanUp(stateFile: stateFile)
    }

    /// Stops the recorded processes that are still the ones recorded and removes the directories.
    public static func cleanUp(stateFile: String) {
        guard let text = try? String(contentsOfFile: stateFile, encoding: .utf8) else { return }
        var pids: [Int32] = []
        var directories: [String] = []
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: " ", maxSplits: 2).map(String.init)
            if parts.count == 3, parts[0] == "pid", let pid = Int32(parts[1]),
                ProcessStats.identity(pid: pid)?.startTicks == parts[2]
            {
                pids.append(pid)
            } else if parts.count >= 2, parts[0] == "dir" {
                directories.append(String(line.dropFirst(4)))
            }
        }
        for (signal, grace) in [(SIGTERM, 3.0), (SIGKILL, 2.0)] {
            for pid in pids where isAlive(pid) { kill(pid, signal) }
            let deadline = Date().addingTimeInterval(grace)
            while Date() < deadline, pids.contains(where: isAlive) { usleep(50_000) }
        }
        for dir in directories { try? FileManager.default.removeItem(atPath: dir) }
        unlink(stateFile)
    }

    static func isAlive(_ pid: Int32) -> Bool { ProcessStats.identity(pid: pid)?.isRunning ?? false }
}
