#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The process's open-file limit (RLIMIT_NOFILE).
public enum FileDescriptorLimit {
    public struct Limits: Sendable, Equatable {
        public var soft: Int
        public var hard: Int
    }

    public struct Error: Swift.Error, CustomStringConvertible {
        public var description: String
    }

    /// The current soft and hard limits.
    public static func current() -> Limits {
        var rl = rlimit()
        getrlimit(Int32(RLIMIT_NOFILE.rawValue), &rl)
        return Limits(soft: clampToInt(rl.rlim_cur), hard: clampToInt(rl.rlim_max))
    }

    /// Raises the soft limit to the hard limit. Returns the limits in force afterwards.
    @discardableResult
    public static func raiseSoftToHard() -> Limits {
        var rl = rlimit()
        getrlimit(Int32(RLIMIT_NOFILE.rawValue), &rl)
        if rl.rlim_cur < rl.rlim_max {
            rl.rlim_cur = rl.rlim_max
            setrlimit(Int32(RLIMIT_NOFILE.rawValue), &rl)
        }
        return current()
    }

    /// Sets the soft limit to `soft` (which must not exceed the hard limit).
    @discardableResult
    public static func setSoft(_ soft: Int) throws -> Limits {
        var rl = rlimit()
        getrlimit(Int32(RLIMIT_NOFILE.rawValue), &rl)
        guard soft >= 16 else {
            throw Error(description: "open-file limit \(soft) is too small: use at least 16")
        }
        guard UInt64(soft) <= UInt64(rl.rlim_max) else {
            throw Error(
                description:
                    "open-file limit \(soft) exceeds this process's hard limit \(clampToInt(rl.rlim_max)): use a value up to the hard limit (see `ulimit -Hn`)"
            )
        }
        rl.rlim_cur = rlim_t(soft)
        if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &rl) != 0 {
            throw Error(description: "setrlimit(RLIMIT_NOFILE, \(soft)) failed: \(String(cString: strerror(errno)))")
        }
        return current()
    }

    private static func clampToInt(_ v: rlim_t) -> Int {
        v > rlim_t(Int.max) ? Int.max : Int(v)
    }
}
