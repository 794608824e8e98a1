#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A reading of one process from `/proc/PID` (Linux): resident memory, open file descriptors,
/// threads and CPU time. Readings of other processes need the same user or root.
public struct ProcessStats: Sendable, Equatable, Codable {
    /// Resident set size in bytes.
    public var rssBytes: Int
    /// Open file descriptors (entries of /proc/PID/fd).
    public var openFDs: Int
    /// Threads of the process.
    public var threads: Int
    /// User plus system CPU time, in seconds.
    public var cpuSeconds: Double

    public init(rssBytes: Int, openFDs: Int, threads: Int, cpuSeconds: Double) {
        self.rssBytes = rssBytes
        self.openFDs = openFDs
        self.threads = threads
        self.cpuSeconds = cpuSeconds
    }

    /// The fields of `/proc/PID/stat` after the command name (which is in parentheses and may
    /// contain spaces): `[0]` is the state (field 3), `[n]` is field n + 3; nil when gone.
    static func statFields(_ base: String) -> [Substring]? {
        guard let stat = readSmallFile(base + "/stat"), let close = stat.lastIndex(of: ")") else { return nil }
        return stat[stat.index(after: close)...].split(separator: " ")
    }

    /// Which process a pid is: its start time (clock ticks since boot, field 22), so a reused pid
    /// is told apart, and whether it is still running (not gone, not a zombie).
    public struct Identity: Sendable, Equatable {
        public var startTicks: String
        public var isRunning: Bool
    }

    /// Reads `/proc/PID/stat`; nil when the process is gone.
    public static func identity(pid: Int32) -> Identity? {
        guard let fields = statFields("/proc/\(pid)"), fields.count > 19 else { return nil }
        return Identity(startTicks: String(fields[19]), isRunning: fields[0] != "Z")
    }

    /// Reads `/proc/PID`; nil when the process is gone or unreadable.
    public static func read(pid: Int32? = nil) -> ProcessStats? {
        let base = pid.map { "/proc/\($0)" } ?? "/proc/self"
        guard let fields = statFields(base) else { return nil }
        // fields[0] is state (field 3); utime is field 14, stime 15, num_threads 20, rss 24 (pages).
        guard fields.count > 22, let utime = Double(fields[11]), let stime = Double(fields[12]),
            let threads = Int(fields[17]), let rssPages = Int(fields[21])
        else { return nil }
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        return ProcessStats(
            rssBytes: rssPages * page,
            openFDs: countEntries(base + "/fd"),
            threads: threads,
            cpuSeconds: (utime + stime) / ticks
        )
    }

    /// The number of entries of a directory (not counting `.` and `..`), or 0.
    public static func countEntries(_ path: String) -> Int {
        guard let dir = opendir(path) else { return 0 }
        defer { closedir(dir) }
        var n = 0
        while let entry = readdir(dir) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 3) { p in (p[0], p[1], p[2]) }
            }
            if name.0 == 46 && (name.1 == 0 || (name.1 == 46 && name.2 == 0)) { continue }
            n += 1
        }
        return n
    }

    static func readSmallFile(_ path: String) -> String? {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes = [UInt8](repeating: 0, count: 4096)
        let n = bytes.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
        guard n > 0 else { return nil }
        return String(decoding: bytes[0..<n], as: UTF8.self)
    }
}
