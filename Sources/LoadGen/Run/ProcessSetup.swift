internal import CCurl
import SystemSupport

#if canImport(Glibc)
import Glibc
#endif

/// Once per process: libcurl's global init, SIGPIPE ignored (libcurl runs with CURLOPT_NOSIGNAL,
/// so a write to a closed socket must not kill us), and the open-file soft limit raised to hard.
enum ProcessSetup {
    private static let done: FileDescriptorLimit.Limits = {
        signal(SIGPIPE, SIG_IGN)
        curl_global_init(Int(CURL_GLOBAL_DEFAULT))
        return FileDescriptorLimit.raiseSoftToHard()
    }()

    @discardableResult
    static func ensure() -> FileDescriptorLimit.Limits {
        _ = done
        return FileDescriptorLimit.current()
    }
}
