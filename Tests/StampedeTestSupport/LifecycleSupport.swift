import Foundation

/// Process-table and temporary-directory checks for the orchestration tests.
public enum LifecycleSupport {
    public static var stampedeBinary: String {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("stampede")
            .path
    }

    /// Live (non-zombie) processes whose parent is `parent`, as (pid, command name).
    public static func children(of parent: Int32 = getpid()) -> [(pid: Int32, name: String)] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { entry -> (Int32, String)? in
            guard let pid = Int32(entry),
                let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                let open = stat.firstIndex(of: "("), let close = stat.lastIndex(of: ")")
            else { return nil }
            let fields = stat[stat.index(close, offsetBy: 2)...].split(separator: " ")
            guard fields.count > 2, fields[0] != "Z", Int32(fields[1]) == parent else { return nil }
            return (pid, String(stat[stat.index(after: open)..<close]))
        }
    }

    /// Whether `pid` is alive (and not a zombie).
    public static func isAlive(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return false }
        return stat[stat.index(close, offsetBy: 2)...].first != "Z"
    }

    /// The directory of the file a process's stdout goes to (a child's log file lives in the
    /// temporary directory of the run or of the services that started it).
    public static func stdoutDirectory(_ pid: Int32) -> String? {
        guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/fd/1"),
            target.hasPrefix("/")
        else { return nil }
        return URL(fileURLWithPath: target).deletingLastPathComponent().path
    }

    /// Waits up to `timeout` seconds for `condition`.
    public static func eventually(timeout: Double = 10, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if condition() { return true }
            usleep(50_000)
        }
        return condition()
    }
}
