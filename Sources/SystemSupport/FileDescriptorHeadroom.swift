#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// How close this process is to its open-file limit, measured the way the kernel decides it:
/// a new descriptor gets the lowest free number, and `open`/`accept` fail with EMFILE when no
/// number below the soft limit is free. So the lowest free number says how many remain.
///
/// The reference server keeps a reserve with it: the Swift runtime's libdispatch aborts the
/// whole process (SIGILL) when its periodic read of `/proc/self/task/*/stat` cannot open a file,
/// so a server allowed to run out of descriptors would crash instead of refusing connections.
public enum FileDescriptorHeadroom {
    /// Descriptors a new outgoing connection (a Redis or PostgreSQL pool connection) leaves free.
    public static let connectionReserve = 8

    /// Whether a new outgoing connection would leave `connectionReserve` descriptors free.
    public static func hasRoomForConnection() -> Bool { hasRoom(reserve: connectionReserve) }

    /// The number the next `open` would return, or nil when none is free below the limit.
    public static func lowestFree() -> Int? {
        let fd = open("/dev/null", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        close(fd)
        return Int(fd)
    }

    /// Whether more than `reserve` descriptor numbers below `limit` are still free.
    public static func hasRoom(reserve: Int, limit: Int = FileDescriptorLimit.current().soft) -> Bool {
        hasRoom(reserve: reserve, limit: limit, lowestFree: lowestFree())
    }

    /// The decision alone: `lowestFree` nil means none is free.
    public static func hasRoom(reserve: Int, limit: Int, lowestFree: Int?) -> Bool {
        guard let lowestFree else { return false }
        return lowestFree < limit - reserve
    }
}
