internal import CCurl

#if canImport(Glibc)
import Glibc
#endif

/// Names the kind of a failed transfer from libcurl's result and the socket's errno.
enum ErrorKind {
    static let headerTimeout = "header_timeout"
    static let parse = "parse"

    /// A socket error's kind (the native transport), `errno_<N>` for one not named here.
    static func classify(errno e: Int32) -> String { kind(ofErrno: e) ?? "errno_\(e)" }

    /// The kinds both transports name from a socket's errno.
    private static func kind(ofErrno e: Int32) -> String? {
        switch e {
        case EMFILE, ENFILE: "emfile"
        case ECONNREFUSED, ENETUNREACH, EHOSTUNREACH, EADDRNOTAVAIL: "refused"
        case ECONNRESET, EPIPE, ECONNABORTED: "reset"
        case ETIMEDOUT: "timeout"
        case ENOMEM, ENOBUFS: "out_of_memory"
        default: nil
        }
    }

    /// libcurl's result, named by its socket's errno (`CURLINFO_OS_ERRNO`) first.
    static func classify(_ code: CURLcode, osErrno: Int) -> String {
        if let kind = kind(ofErrno: Int32(osErrno)) { return kind }
        switch code {
        case CURLE_COULDNT_CONNECT: return "refused"
        case CURLE_OPERATION_TIMEDOUT: return "timeout"
        case CURLE_RECV_ERROR, CURLE_SEND_ERROR, CURLE_PARTIAL_FILE: return "reset"
        case CURLE_GOT_NOTHING: return "empty_reply"
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY: return "dns"
        case CURLE_WEIRD_SERVER_REPLY, CURLE_BAD_CONTENT_ENCODING: return parse
        case CURLE_OUT_OF_MEMORY: return "out_of_memory"
        default: return "curl_\(code.rawValue)"
        }
    }
}
